export * from './chunk';
export * from './ledger';
export * from './money';
export * from './schemas';

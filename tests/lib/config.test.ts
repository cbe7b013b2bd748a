import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/_lib/config';

describe('config: the database pool', () => {
  it('prepares repeated statements by default; DATABASE_PREPARE=0 turns it off', () => {
    expect(loadConfig({}).databasePrepare).toBe(true);
    expect(loadConfig({ DATABASE_PREPARE: '0' }).databasePrepare).toBe(false);
    expect(loadConfig({ DATABASE_PREPARE: 'true' }).databasePrepare).toBe(true);
    expect(() => loadConfig({ DATABASE_PREPARE: 'maybe' })).toThrow(/DATABASE_PREPARE/);
    expect(loadConfig({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
  });
});

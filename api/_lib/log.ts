/** Structured JSON logs, one line per event, each carrying the request id when there is one. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type Logger = {
  (level: LogLevel, msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
};

const ORDER = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

export function createLogger(
  level: keyof typeof ORDER = 'info',
  base: LogFields = {},
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Logger {
  const min = ORDER[level];
  const log = ((lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < min) return;
    write(JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...base, ...fields }));
  }) as Logger;
  log.child = (fields) => createLogger(level, { ...base, ...fields }, write);
  return log;
}

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
  return makeLogger(ORDER[level], [base], write);
}

/**
 * A logger whose fields are the layers' (later ones win), merged only when a line is written:
 * every request makes a child with its id, and most of them log nothing at warn.
 */
function makeLogger(min: number, layers: LogFields[], write: (line: string) => void): Logger {
  const log = ((lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < min) return;
    write(
      JSON.stringify(Object.assign({ level: lvl, time: new Date().toISOString(), msg }, ...layers, fields)),
    );
  }) as Logger;
  log.child = (fields) => makeLogger(min, [...layers, fields], write);
  return log;
}

// One JSON object per line on stdout. Callers pass fields, never whole requests,
// so secrets (secret keys, tokens, signatures, presigned queries) have no way in.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

/** A logger whose level a reload can change (SIGHUP). */
export interface LevelledLogger extends Logger {
  setLevel(level: Level): void;
}

export function jsonLogger(level: Level, write: (line: string) => void = (l) => process.stdout.write(l)): LevelledLogger {
  let min = ORDER[level];
  return {
    setLevel(next) {
      min = ORDER[next];
    },
    log(lvl, msg, fields = {}) {
      if (ORDER[lvl] < min) return;
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }) + '\n');
    },
  };
}

/** An error as log fields: its name, message and cause chain, never its stack's arguments. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  const fields: Record<string, unknown> = { error: `${err.name}: ${err.message}` };
  if (err.cause !== undefined) fields.cause = err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}` : String(err.cause);
  if (err.stack) fields.stack = err.stack.split('\n').slice(1, 6).map((s) => s.trim());
  return fields;
}

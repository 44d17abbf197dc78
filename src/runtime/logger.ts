// Runtime: the logging interface the engine writes through (log mediator, access lines,
// reload reports). A small JSON-lines implementation; levels can be raised at run time.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

const ORDER: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

export interface Logger {
  level: LogLevel;
  log(level: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>): void;
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

export function isLogLevel(s: string): s is LogLevel {
  return Object.prototype.hasOwnProperty.call(ORDER, s);
}

/** JSON lines to a stream (stdout by default). */
export function createLogger(level: LogLevel = 'info', out: { write(s: string): unknown } = process.stdout): Logger {
  return {
    level,
    enabled(l) {
      return ORDER[l] >= ORDER[this.level];
    },
    log(l, msg, fields) {
      if (ORDER[l] < ORDER[this.level]) return;
      const rec: Record<string, unknown> = { level: l, time: new Date().toISOString(), msg };
      if (fields) for (const k of Object.keys(fields)) rec[k] = fields[k];
      out.write(JSON.stringify(rec) + '\n');
    },
  };
}

/** A logger that keeps records in memory (tests). */
export function createMemoryLogger(level: LogLevel = 'trace'): Logger & { records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  return {
    level,
    records,
    enabled(l) {
      return ORDER[l] >= ORDER[this.level];
    },
    log(l, msg, fields) {
      if (ORDER[l] < ORDER[this.level]) return;
      records.push({ level: l, msg, ...fields });
    },
  };
}

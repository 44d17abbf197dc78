// Runtime: the logging interface the engine writes through (log mediator, access lines,
// reload reports). Production logging is pino (JSON lines, cheap, secrets redacted); tests use
// the in-memory logger. Levels can be changed at run time.

import { pino } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

const ORDER: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

export interface Logger {
  level: LogLevel;
  log(level: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>): void;
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  /** Write out buffered lines (before the process exits). */
  flush?(): void;
}

export function isLogLevel(s: string): s is LogLevel {
  return Object.prototype.hasOwnProperty.call(ORDER, s);
}

/** Header and field names whose values never reach a log line. */
export const REDACTED = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'headers.authorization', 'headers.cookie'];

/** JSON lines on stdout through pino. */
export function createLogger(level: LogLevel = 'info'): Logger {
  const dest = pino.destination({ dest: 1, sync: false });
  const p = pino({
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED, censor: '***' },
  }, dest);
  return {
    get level() {
      return p.level as LogLevel;
    },
    set level(l: LogLevel) {
      p.level = l;
    },
    enabled(l) {
      return p.isLevelEnabled(l);
    },
    log(l, msg, fields) {
      if (fields) p[l](fields, msg);
      else p[l](msg);
    },
    flush() {
      try {
        dest.flushSync();
      } catch {
        // nothing buffered yet (the stream is still opening)
      }
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

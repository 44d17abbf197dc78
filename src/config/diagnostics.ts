// Config stage: a diagnostic is one problem with its file position and stable code.
// Readers collect every problem and keep going; the loader reports them all at once.

import type { ErrorCode } from '../errors/codes.js';

export interface Position {
  file: string;
  line: number;
  col: number;
}

export interface Diagnostic extends Position {
  code: ErrorCode;
  message: string;
  severity: 'error' | 'warning';
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  error(code: ErrorCode, message: string, at: Position): void {
    this.items.push({ code, message, file: at.file, line: at.line, col: at.col, severity: 'error' });
  }

  warn(code: ErrorCode, message: string, at: Position): void {
    this.items.push({ code, message, file: at.file, line: at.line, col: at.col, severity: 'warning' });
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** `FILE:LINE:COL CODE message`, the format of `axon validate` and the serve start-up check. */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning ' : '';
  return `${d.file}:${d.line}:${d.col} ${prefix}${d.code} ${d.message}`;
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}

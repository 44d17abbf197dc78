// Expression stage: a compiler for the Jayway JsonPath subset that Synapse configs use in
// json-eval(...) (synapse-semantics §4.5). Paths are parsed once into closures (no eval); Jayway's
// result rule holds: a definite path yields the value, an indefinite one a list.

import { javaDoubleToString } from './string-value.js';

export class JsonPathSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based index in the path text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonPathSyntaxError';
  }
}

export interface JsonPathResult {
  /** False when a definite path (or a function) found nothing: json-eval then yields "". */
  readonly found: boolean;
  readonly value: unknown;
  /** The value is a Java Double (aggregate functions): it prints as "6.0". */
  readonly double: boolean;
}

export interface CompiledJsonPath {
  readonly path: string;
  /** Only .name, ['name'] and [n] steps (Jayway's "definite" path). */
  readonly definite: boolean;
  evaluate(root: unknown): JsonPathResult;
}

const NOT_FOUND: JsonPathResult = Object.freeze({ found: false, value: undefined, double: false });

type Json = unknown;
type Step = (nodes: Json[], root: Json) => Json[];
type Pred = (node: Json, root: Json) => boolean;
type Operand = (node: Json, root: Json) => { present: boolean; value: Json };
type Fn = (input: Json, found: boolean) => JsonPathResult;

type Seg =
  | { k: 'prop'; names: string[] }
  | { k: 'index'; idx: number[] }
  | { k: 'slice'; from: number | undefined; to: number | undefined }
  | { k: 'wild' }
  | { k: 'scan'; sub: Seg }
  | { k: 'filter'; pred: Pred };

interface ParsedPath {
  segs: Seg[];
  fn: Fn | undefined;
}

function isObj(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Compile a JsonPath; throws JsonPathSyntaxError. */
export function compileJsonPath(path: string): CompiledJsonPath {
  const p = new Parser(path);
  const parsed = p.parseTop();
  const steps = parsed.segs.map((s, i) => compileSeg(s, i === parsed.segs.length - 1));
  const definite = parsed.segs.every((s, i) => isDefinite(s, i === parsed.segs.length - 1));
  const fn = parsed.fn;
  return {
    path,
    definite,
    evaluate(root: Json): JsonPathResult {
      let nodes: Json[] = [root];
      for (const step of steps) {
        nodes = step(nodes, root);
        if (nodes.length === 0) break;
      }
      if (definite) {
        const found = nodes.length > 0;
        if (fn) return fn(found ? nodes[0] : undefined, found);
        return found ? { found: true, value: nodes[0], double: false } : NOT_FOUND;
      }
      if (fn) return fn(nodes, true);
      return { found: true, value: nodes, double: false };
    },
  };
}

/** json-eval's string form of a result (W): primitives unquoted, JSON compact, null "null", nothing "". */
export function jsonResultToString(r: JsonPathResult): string {
  if (!r.found) return '';
  const v = r.value;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return r.double ? javaDoubleToString(v) : Number.isFinite(v) ? JSON.stringify(v) : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

function isDefinite(s: Seg, last: boolean): boolean {
  if (s.k === 'prop') return s.names.length === 1 || last;
  if (s.k === 'index') return s.idx.length === 1;
  return false;
}

function normIndex(i: number, len: number): number {
  return i < 0 ? len + i : i;
}

function compileSeg(s: Seg, last: boolean): Step {
  switch (s.k) {
    case 'prop': {
      if (s.names.length === 1) {
        const name = s.names[0]!;
        return (nodes) => {
          const out: Json[] = [];
          for (const n of nodes) if (isObj(n) && hasOwn(n, name)) out.push(n[name]);
          return out;
        };
      }
      const names = s.names;
      if (last) {
        // Jayway merges several properties at the end of a path into one object
        return (nodes) => {
          const out: Json[] = [];
          for (const n of nodes) {
            if (!isObj(n)) continue;
            const m: Record<string, Json> = {};
            for (const k of names) if (hasOwn(n, k)) Object.defineProperty(m, k, { value: n[k], enumerable: true, writable: true, configurable: true });
            out.push(m);
          }
          return out;
        };
      }
      return (nodes) => {
        const out: Json[] = [];
        for (const n of nodes) if (isObj(n)) for (const k of names) if (hasOwn(n, k)) out.push(n[k]);
        return out;
      };
    }
    case 'index': {
      const idx = s.idx;
      return (nodes) => {
        const out: Json[] = [];
        for (const n of nodes) {
          if (!Array.isArray(n)) continue;
          for (const i of idx) {
            const j = normIndex(i, n.length);
            if (j >= 0 && j < n.length) out.push(n[j]);
          }
        }
        return out;
      };
    }
    case 'slice': {
      const { from, to } = s;
      return (nodes) => {
        const out: Json[] = [];
        for (const n of nodes) {
          if (!Array.isArray(n)) continue;
          const len = n.length;
          const a = Math.max(0, from === undefined ? 0 : normIndex(from, len));
          const b = Math.min(len, to === undefined ? len : normIndex(to, len));
          for (let j = a; j < b; j++) out.push(n[j]);
        }
        return out;
      };
    }
    case 'wild':
      return (nodes) => {
        const out: Json[] = [];
        for (const n of nodes) {
          if (Array.isArray(n)) out.push(...n);
          else if (isObj(n)) for (const k of Object.keys(n)) out.push(n[k]);
        }
        return out;
      };
    case 'filter': {
      const pred = s.pred;
      return (nodes, root) => {
        const out: Json[] = [];
        for (const n of nodes) {
          if (Array.isArray(n)) {
            for (const e of n) if (pred(e, root)) out.push(e);
          } else if (isObj(n) && pred(n, root)) {
            out.push(n);
          }
        }
        return out;
      };
    }
    case 'scan': {
      const sub = s.sub;
      if (sub.k === 'filter') {
        const pred = sub.pred;
        return (nodes, root) => {
          const out: Json[] = [];
          const walk = (n: Json): void => {
            if (isObj(n)) {
              if (pred(n, root)) out.push(n);
              for (const k of Object.keys(n)) walk(n[k]);
            } else if (Array.isArray(n)) {
              for (const e of n) walk(e);
            }
          };
          for (const n of nodes) walk(n);
          return out;
        };
      }
      const subStep = compileSeg(sub, false);
      return (nodes, root) => {
        const out: Json[] = [];
        // pre-order, as Jayway's deep scan: the node's own match first, then its children
        const walk = (n: Json): void => {
          if (isObj(n)) {
            out.push(...subStep([n], root));
            for (const k of Object.keys(n)) walk(n[k]);
          } else if (Array.isArray(n)) {
            out.push(...subStep([n], root));
            for (const e of n) walk(e);
          }
        };
        for (const n of nodes) walk(n);
        return out;
      };
    }
  }
}

// --- functions ----------------------------------------------------------------------------------

function numbersOf(input: Json): number[] | undefined {
  if (!Array.isArray(input)) return undefined;
  const out: number[] = [];
  for (const v of input) if (typeof v === 'number') out.push(v);
  return out;
}

function aggregate(f: (xs: number[]) => number): Fn {
  return (input, found) => {
    if (!found) return NOT_FOUND;
    const xs = numbersOf(input);
    // Jayway refuses to aggregate an empty array (json-eval then yields "")
    if (!xs || xs.length === 0) return NOT_FOUND;
    return { found: true, value: f(xs), double: true };
  };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const FUNCTIONS: Record<string, Fn> = {
  length: (input, found) => {
    if (!found) return NOT_FOUND;
    if (Array.isArray(input)) return { found: true, value: input.length, double: false };
    if (isObj(input)) return { found: true, value: Object.keys(input).length, double: false };
    if (typeof input === 'string') return { found: true, value: input.length, double: false };
    return NOT_FOUND;
  },
  min: aggregate((xs) => Math.min(...xs)),
  max: aggregate((xs) => Math.max(...xs)),
  sum: aggregate(sum),
  avg: aggregate((xs) => sum(xs) / xs.length),
  stddev: aggregate((xs) => {
    const m = sum(xs) / xs.length;
    return Math.sqrt(sum(xs.map((x) => x * x)) / xs.length - m * m);
  }),
  keys: (input, found) => (found && isObj(input) ? { found: true, value: Object.keys(input), double: false } : NOT_FOUND),
  first: (input, found) => (found && Array.isArray(input) && input.length ? { found: true, value: input[0], double: false } : NOT_FOUND),
  last: (input, found) =>
    found && Array.isArray(input) && input.length ? { found: true, value: input[input.length - 1], double: false } : NOT_FOUND,
};
FUNCTIONS.size = FUNCTIONS.length!;

// --- filter comparisons -------------------------------------------------------------------------

function numericOf(v: Json): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function jsonEquals(a: Json, b: Json): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    // Jayway compares a number with a numeric string by value
    const x = numericOf(a);
    const y = numericOf(b);
    return x !== undefined && y !== undefined && x === y;
  }
  if (typeof a !== typeof b) return false;
  if (a === null || b === null) return a === b;
  if (typeof a === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function jsonCompare(a: Json, b: Json): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = numericOf(a);
  const y = numericOf(b);
  if (x === undefined || y === undefined || (typeof a !== 'number' && typeof b !== 'number')) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

// --- parser -------------------------------------------------------------------------------------

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  fail(msg: string, at = this.pos): never {
    throw new JsonPathSyntaxError(`${msg} at position ${at} in JsonPath "${this.src}"`, at);
  }

  peek(o = 0): string {
    return this.src.charAt(this.pos + o);
  }

  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src.charAt(this.pos))) this.pos++;
  }

  eat(s: string): boolean {
    if (this.src.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  expect(s: string): void {
    if (!this.eat(s)) this.fail(`expected "${s}"`);
  }

  parseTop(): ParsedPath {
    this.ws();
    if (this.pos >= this.src.length) this.fail('empty path');
    let implicitRoot = false;
    if (this.peek() === '$') this.pos++;
    else if (this.peek() === '@') this.fail('a path must start with "$"');
    else implicitRoot = true; // Jayway reads "a.b" as "$.a.b"
    const parsed = this.parseSegments(false, implicitRoot);
    this.ws();
    if (this.pos < this.src.length) this.fail(`unexpected "${this.peek()}"`);
    return parsed;
  }

  /** Segments after "$" / "@". In a filter, stops at the first character that cannot continue a path. */
  parseSegments(inFilter: boolean, implicitFirstName = false): ParsedPath {
    const segs: Seg[] = [];
    let fn: Fn | undefined;
    if (implicitFirstName) {
      const r = this.dotTarget(inFilter);
      if (r.fn) return { segs, fn: r.fn };
      segs.push(r.seg!);
    }
    for (;;) {
      if (fn) break;
      const c = this.peek();
      if (c === '.' && this.peek(1) === '.') {
        const at = this.pos;
        this.pos += 2;
        if (this.peek() === '*') {
          this.pos++;
          segs.push({ k: 'scan', sub: { k: 'wild' } });
        } else if (this.peek() === '[') {
          this.pos++;
          segs.push({ k: 'scan', sub: this.bracket() });
        } else {
          const name = this.name(inFilter);
          if (!name) this.fail('expected a name after ".."', at);
          segs.push({ k: 'scan', sub: { k: 'prop', names: [name] } });
        }
      } else if (c === '.') {
        this.pos++;
        if (!inFilter && segs.length === 0 && this.pos >= this.src.length) break; // "$." is the root
        const r = this.dotTarget(inFilter);
        if (r.fn) fn = r.fn;
        else segs.push(r.seg!);
      } else if (c === '[') {
        this.pos++;
        segs.push(this.bracket());
      } else {
        break;
      }
    }
    return { segs, fn };
  }

  dotTarget(inFilter: boolean): { seg?: Seg; fn?: Fn } {
    if (this.peek() === '*') {
      this.pos++;
      return { seg: { k: 'wild' } };
    }
    if (this.peek() === '[') {
      // Jayway accepts $.['name']
      this.pos++;
      return { seg: this.bracket() };
    }
    const at = this.pos;
    const name = this.name(inFilter);
    if (!name) this.fail('expected a property name', at);
    if (this.peek() === '(') {
      this.pos++;
      this.ws();
      this.expect(')');
      const f = hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (!f) this.fail(`unknown function ${name}()`, at);
      if (!inFilter) {
        this.ws();
        if (this.pos < this.src.length) this.fail('a function must end the path');
      }
      return { fn: f };
    }
    return { seg: { k: 'prop', names: [name] } };
  }

  name(inFilter: boolean): string {
    const start = this.pos;
    while (this.pos < this.src.length) {
      const c = this.src.charAt(this.pos);
      if (c === '.' || c === '[' || c === '(') break;
      if (inFilter && /[\s=!<>&|)\],]/.test(c)) break;
      if (!inFilter && c === ']') break;
      this.pos++;
    }
    return this.src.slice(start, this.pos).trim();
  }

  /** After "[": returns the segment and consumes the closing "]". */
  bracket(): Seg {
    this.ws();
    const c = this.peek();
    let seg: Seg;
    if (c === '*') {
      this.pos++;
      seg = { k: 'wild' };
    } else if (c === '?') {
      this.pos++;
      this.ws();
      this.expect('(');
      const pred = this.parseOr();
      this.ws();
      this.expect(')');
      seg = { k: 'filter', pred };
    } else if (c === "'" || c === '"') {
      const names: string[] = [];
      for (;;) {
        this.ws();
        const q = this.peek();
        if (q !== "'" && q !== '"') this.fail('expected a quoted name');
        names.push(this.quoted());
        this.ws();
        if (!this.eat(',')) break;
      }
      seg = { k: 'prop', names };
    } else if (c === '(') {
      this.fail('script expressions [(...)] are not supported');
    } else {
      seg = this.indexOrSlice();
    }
    this.ws();
    this.expect(']');
    return seg;
  }

  int(): number | undefined {
    this.ws();
    const m = /^-?\d+/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  indexOrSlice(): Seg {
    const at = this.pos;
    const first = this.int();
    this.ws();
    if (this.peek() === ':') {
      this.pos++;
      const to = this.int();
      this.ws();
      if (this.peek() === ':') this.fail('slice steps are not supported');
      return { k: 'slice', from: first, to };
    }
    if (first === undefined) this.fail('expected an index, a slice, a quoted name, * or ?()', at);
    const idx = [first];
    while (this.eat(',')) {
      const n = this.int();
      if (n === undefined) this.fail('expected an index');
      idx.push(n);
      this.ws();
    }
    return { k: 'index', idx };
  }

  quoted(): string {
    const q = this.src.charAt(this.pos);
    const start = this.pos;
    this.pos++;
    let s = '';
    while (this.pos < this.src.length) {
      const c = this.src.charAt(this.pos);
      if (c === '\\' && this.pos + 1 < this.src.length) {
        const n = this.src.charAt(this.pos + 1);
        s += n === 'n' ? '\n' : n === 't' ? '\t' : n;
        this.pos += 2;
        continue;
      }
      if (c === q) {
        this.pos++;
        return s;
      }
      s += c;
      this.pos++;
    }
    this.fail('unterminated string', start);
  }

  // filter := or ; or := and ('||' and)* ; and := unary ('&&' unary)* ; unary := '!' unary | '(' or ')' | cmp
  parseOr(): Pred {
    let left = this.parseAnd();
    for (;;) {
      this.ws();
      if (!this.eat('||')) return left;
      const l = left;
      const r = this.parseAnd();
      left = (n, root) => l(n, root) || r(n, root);
    }
  }

  parseAnd(): Pred {
    let left = this.parseUnary();
    for (;;) {
      this.ws();
      if (!this.eat('&&')) return left;
      const l = left;
      const r = this.parseUnary();
      left = (n, root) => l(n, root) && r(n, root);
    }
  }

  parseUnary(): Pred {
    this.ws();
    if (this.peek() === '!' && this.peek(1) !== '=') {
      this.pos++;
      const inner = this.parseUnary();
      return (n, root) => !inner(n, root);
    }
    if (this.peek() === '(') {
      this.pos++;
      const inner = this.parseOr();
      this.ws();
      this.expect(')');
      return inner;
    }
    return this.parseComparison();
  }

  parseComparison(): Pred {
    const left = this.operand();
    this.ws();
    const opAt = this.pos;
    const m = /^(==|!=|<=|>=|<|>|=~|\bin\b|\bnin\b)/.exec(this.src.slice(this.pos));
    if (!m) {
      // existence: [?(@.x)]
      return (n, root) => left(n, root).present;
    }
    const op = m[1]!;
    if (op === '=~' || op === 'in' || op === 'nin') this.fail(`the filter operator ${op} is not supported`, opAt);
    this.pos += op.length;
    const right = this.operand();
    switch (op) {
      case '==':
        return (n, root) => {
          const a = left(n, root);
          const b = right(n, root);
          return a.present && b.present && jsonEquals(a.value, b.value);
        };
      case '!=':
        return (n, root) => {
          const a = left(n, root);
          const b = right(n, root);
          return !(a.present && b.present && jsonEquals(a.value, b.value));
        };
      default: {
        const test: (c: number) => boolean =
          op === '<' ? (c) => c < 0 : op === '<=' ? (c) => c <= 0 : op === '>' ? (c) => c > 0 : (c) => c >= 0;
        return (n, root) => {
          const a = left(n, root);
          const b = right(n, root);
          if (!a.present || !b.present) return false;
          const c = jsonCompare(a.value, b.value);
          return c !== undefined && test(c);
        };
      }
    }
  }

  operand(): Operand {
    this.ws();
    const c = this.peek();
    const at = this.pos;
    if (c === '@' || c === '$') {
      this.pos++;
      const parsed = this.parseSegments(true);
      const steps = parsed.segs.map((s, i) => compileSeg(s, i === parsed.segs.length - 1));
      const definite = parsed.segs.every((s, i) => isDefinite(s, i === parsed.segs.length - 1));
      const fromRoot = c === '$';
      const fn = parsed.fn;
      return (n, root) => {
        let nodes: Json[] = [fromRoot ? root : n];
        for (const step of steps) {
          nodes = step(nodes, root);
          if (nodes.length === 0) break;
        }
        let present: boolean;
        let value: Json;
        if (definite) {
          present = nodes.length > 0;
          value = nodes[0];
        } else {
          present = true;
          value = nodes;
        }
        if (fn) {
          const r = fn(value, present);
          return { present: r.found, value: r.value };
        }
        return { present, value };
      };
    }
    if (c === "'" || c === '"') {
      const s = this.quoted();
      return () => ({ present: true, value: s });
    }
    const num = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      const v = Number(num[0]);
      return () => ({ present: true, value: v });
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.src.startsWith(word, this.pos) && !/[A-Za-z0-9_]/.test(this.src.charAt(this.pos + word.length))) {
        this.pos += word.length;
        return () => ({ present: true, value: v });
      }
    }
    this.fail('expected @path, $path, a string, a number, true, false or null in the filter', at);
  }
}

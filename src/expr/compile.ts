// Expression stage: compiles a Synapse expression attribute once per generation (§4.1): json-eval
// to JsonPath, property-only forms (get-property, $ctx:..., concat of those) to direct closures that
// never build the body, the rest to full XPath (xpath.ts). Measure before changing: runs per message.

import { compileJsonPath, jsonResultToString, JsonPathSyntaxError, type CompiledJsonPath, type JsonPathResult } from './json-path.js';
import { isXmlNode, rawBooleanValue, rawStringValue, xpathResultStringValue, xpathStringOfRaw } from './string-value.js';
import { ExpressionError, JsonValue, type CompiledExpression, type EvalContext } from './types.js';
import { compileGetProperty, compileJavaDateFormat, compileXPath, variableReader, variableReadsBody, xvalueToJs } from './xpath.js';

export type ExpressionKind = 'fast' | 'xpath' | 'json-path';

/** What compileExpression returns: a CompiledExpression that also says how it was compiled. */
export interface CompiledSynapseExpression extends CompiledExpression {
  /** 'fast': a direct closure over properties (no XPath engine, never the body). */
  readonly kind: ExpressionKind;
}

/**
 * Compile an expression attribute. `namespaces` are the xmlns: prefixes in scope on the config
 * element. Throws ExpressionError (AXON_EXPR_PARSE, AXON_EXPR_UNKNOWN_PREFIX) with an offset
 * into `source` where one is known.
 */
export function compileExpression(source: string, namespaces: Record<string, string>): CompiledSynapseExpression {
  const src = source.trim();
  if (src === '') throw new ExpressionError('the expression is empty', 'AXON_EXPR_PARSE', 0);
  const lead = source.length - source.trimStart().length;
  if (src.startsWith('json-eval(')) return compileJsonEval(source, src, lead);
  if (src.startsWith('${') && src.endsWith('}')) {
    throw new ExpressionError('Synapse Expressions (${...}, MI 4.4+) are not supported; use XPath or json-eval(...)', 'AXON_EXPR_PARSE', lead);
  }
  const fast = compileFastPath(source);
  if (fast) return fast;
  const program = compileXPath(source, namespaces);
  return {
    source,
    kind: 'xpath',
    readsBody: program.readsBody,
    evaluate(ctx) {
      const o = program.run(ctx);
      return o.raw ? o.value : xvalueToJs(o.value);
    },
    stringValue(ctx) {
      const o = program.run(ctx);
      return o.raw ? rawStringValue(o.value, source) : xpathResultStringValue(xvalueToJs(o.value), source);
    },
    booleanValue(ctx) {
      const o = program.run(ctx);
      return o.raw ? rawBooleanValue(o.value) : o.value.booleanValue();
    },
  };
}

// --- brace convention (§4.1) ---------------------------------------------------------------------

/** `{...}` means "evaluate"; `{{...}}` is a literal. */
export function isDynamicKey(value: string): boolean {
  return value.length >= 2 && value.startsWith('{') && value.endsWith('}') && !value.startsWith('{{');
}

/** A value-or-key attribute (key, with-param value, target...) compiled once. */
export interface ValueOrExpression {
  readonly source: string;
  /** The literal text when the value is not an expression. */
  readonly literal: string | undefined;
  readonly expression: CompiledSynapseExpression | undefined;
  readonly readsBody: boolean;
  /** The literal, or the expression's string value (null when it yields null). */
  stringValue(ctx: EvalContext): string | null;
}

/**
 * Compile a value-or-key attribute: `{xpath}` evaluates, `{{text}}` is the literal `{text}`,
 * anything else is literal text. Expression errors are thrown as by compileExpression, with
 * offsets into `value`.
 */
export function compileValueOrExpression(value: string, namespaces: Record<string, string>): ValueOrExpression {
  if (isDynamicKey(value)) {
    let expression: CompiledSynapseExpression;
    try {
      expression = compileExpression(value.slice(1, -1), namespaces);
    } catch (e) {
      if (e instanceof ExpressionError) throw new ExpressionError(e.message, e.code, e.offset === undefined ? undefined : e.offset + 1);
      throw e;
    }
    return { source: value, literal: undefined, expression, readsBody: expression.readsBody, stringValue: (ctx) => expression.stringValue(ctx) };
  }
  const literal = value.startsWith('{{') && value.endsWith('}}') ? value.slice(1, -1) : value;
  return { source: value, literal, expression: undefined, readsBody: false, stringValue: () => literal };
}

// --- fast paths ----------------------------------------------------------------------------------

/** Variable prefixes whose values live in property maps (no envelope needed). */
const FAST_VARIABLE_PREFIXES = new Set(['ctx', 'axis2', 'trp', 'url', 'operation', 'sys', 'func']);

type Leaf = (ctx: EvalContext) => unknown;

/** A tiny scanner for the few shapes the fast path accepts; anything else returns undefined. */
class FastScanner {
  pos = 0;
  constructor(readonly src: string) {}

  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src.charAt(this.pos))) this.pos++;
  }

  eat(c: string): boolean {
    this.ws();
    if (this.src.charAt(this.pos) === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  get done(): boolean {
    this.ws();
    return this.pos >= this.src.length;
  }

  /** An XPath string literal (no escapes exist in XPath 1.0). */
  literal(): string | undefined {
    this.ws();
    const q = this.src.charAt(this.pos);
    if (q !== "'" && q !== '"') return undefined;
    const end = this.src.indexOf(q, this.pos + 1);
    if (end < 0) return undefined;
    const s = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }

  ncname(): string | undefined {
    const m = /^[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** prefix:local or local, no spaces inside. */
  qname(): [string, string] | undefined {
    this.ws();
    const a = this.ncname();
    if (a === undefined) return undefined;
    if (this.src.charAt(this.pos) === ':' && this.src.charAt(this.pos + 1) !== ':') {
      this.pos++;
      const b = this.ncname();
      if (b === undefined) return undefined;
      return [a, b];
    }
    return ['', a];
  }
}

/** literal | $prefix:name | get-property('..'[, '..'[, '..']]) */
function fastLeaf(s: FastScanner): Leaf | undefined {
  s.ws();
  const c = s.src.charAt(s.pos);
  if (c === "'" || c === '"') {
    const lit = s.literal();
    return lit === undefined ? undefined : () => lit;
  }
  if (c === '$') {
    s.pos++;
    if (/\s/.test(s.src.charAt(s.pos))) return undefined;
    const q = s.qname();
    if (!q) return undefined;
    const [prefix, local] = q;
    if (!FAST_VARIABLE_PREFIXES.has(prefix) || variableReadsBody(local)) return undefined;
    return variableReader(prefix, local);
  }
  const q = s.qname();
  if (!q || q[1] !== 'get-property' || !s.eat('(')) return undefined;
  const args: string[] = [];
  if (!s.eat(')')) {
    for (;;) {
      const a = s.literal();
      if (a === undefined) return undefined;
      args.push(a);
      if (s.eat(')')) break;
      if (!s.eat(',')) return undefined;
    }
  }
  if (args.length > 3) return undefined;
  // registry lookups stay on the general path (they may have to fetch)
  const scoped = args.length >= 2 && args[0] === 'registry';
  if (scoped) return undefined;
  if (args.includes('SYSTEM_DATE')) {
    // validate a literal date pattern now, as the general path would fail on every message
    const fmt = args.length === 3 ? args[2] : args.length === 2 && args[0] === 'SYSTEM_DATE' ? args[1] : undefined;
    if (fmt !== undefined) {
      try {
        compileJavaDateFormat(fmt);
      } catch (e) {
        throw new ExpressionError((e as Error).message, 'AXON_EXPR_PARSE', s.src.indexOf(fmt));
      }
    }
  }
  return compileGetProperty(args);
}

function compileFastPath(source: string): CompiledSynapseExpression | undefined {
  const s = new FastScanner(source);
  const save = s.pos;
  // concat(leaf, leaf, ...) under any prefix
  const q = s.qname();
  if (q && q[1] === 'concat' && s.eat('(')) {
    const leaves: Leaf[] = [];
    for (;;) {
      const leaf = fastLeaf(s);
      if (!leaf) return undefined;
      leaves.push(leaf);
      if (s.eat(')')) break;
      if (!s.eat(',')) return undefined;
    }
    if (!s.done || leaves.length < 2) return undefined;
    // inside concat each value goes through XPath string(): a missing property adds ""
    const run = (ctx: EvalContext): string => {
      let out = '';
      for (const leaf of leaves) out += xpathStringOfRaw(leaf(ctx));
      return out;
    };
    return {
      source,
      kind: 'fast',
      readsBody: false,
      evaluate: run,
      stringValue: run,
      booleanValue: (ctx) => run(ctx).length > 0,
    };
  }
  s.pos = save;
  const leaf = fastLeaf(s);
  if (!leaf || !s.done) return undefined;
  return {
    source,
    kind: 'fast',
    readsBody: false,
    evaluate: leaf,
    stringValue: (ctx) => rawStringValue(leaf(ctx), source),
    booleanValue: (ctx) => rawBooleanValue(leaf(ctx)),
  };
}

// --- json-eval (§4.5) ------------------------------------------------------------------------------

const NOT_FOUND: JsonPathResult = Object.freeze({ found: false, value: undefined, double: false });
const NO_JSON = Symbol('no-json');

/** Paths built from {$ctx:p} placeholders, compiled once per distinct text. */
const dynamicPathCache = new Map<string, CompiledJsonPath | null>();
const DYNAMIC_PATH_CACHE_MAX = 256;

function cachedJsonPath(text: string): CompiledJsonPath | null {
  let c = dynamicPathCache.get(text);
  if (c !== undefined) return c;
  try {
    c = compileJsonPath(text);
  } catch {
    c = null; // an invalid path for this message reads as ""
  }
  if (dynamicPathCache.size >= DYNAMIC_PATH_CACHE_MAX) dynamicPathCache.delete(dynamicPathCache.keys().next().value!);
  dynamicPathCache.set(text, c);
  return c;
}

/** The JSON held in a property: a JSON-typed value, JSON text, or a primitive. */
function propertyJson(v: unknown): unknown {
  if (v === undefined || v === null) return NO_JSON;
  if (v instanceof JsonValue) return v.value;
  if (typeof v === 'string') {
    try {
      return JSON.parse(v);
    } catch {
      return NO_JSON;
    }
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (isXmlNode(v)) return NO_JSON;
  return NO_JSON;
}

const SOURCE_PREFIXES: Record<string, 'default' | 'axis2' | 'transport'> = { ctx: 'default', axis2: 'axis2', trp: 'transport' };

function readScoped(ctx: EvalContext, scope: 'default' | 'axis2' | 'transport', name: string): unknown {
  return scope === 'default' ? ctx.getProperty(name) : ctx.getScoped(scope, name);
}

function compileJsonEval(source: string, src: string, lead: number): CompiledSynapseExpression {
  if (!src.endsWith(')')) throw new ExpressionError('json-eval( has no closing ")"', 'AXON_EXPR_PARSE', lead + src.length);
  const inner = src.slice('json-eval('.length, -1);
  const innerStart = lead + 'json-eval('.length + (inner.length - inner.trimStart().length);
  let path = inner.trim();
  if (path === '') throw new ExpressionError('json-eval() needs a JsonPath', 'AXON_EXPR_PARSE', innerStart);

  // json-eval($ctx:prop.a.b): the path runs over the JSON held in that property
  let target: ((ctx: EvalContext) => unknown) | undefined;
  let pathStart = innerStart;
  const m = /^\$(ctx|axis2|trp):([^.[\s{]+)/.exec(path);
  if (m) {
    const scope = SOURCE_PREFIXES[m[1]!]!;
    const name = m[2]!;
    target = (ctx) => readScoped(ctx, scope, name);
    pathStart += m[0].length - 1;
    path = `$${path.slice(m[0].length)}`;
  }

  // {$ctx:p} placeholders are replaced by the property's string value at evaluation time
  const placeholder = /\{\s*\$(ctx|axis2|trp):([^}\s]+)\s*\}/g;
  const pieces: (string | ((ctx: EvalContext) => string))[] = [];
  let last = 0;
  for (let pm = placeholder.exec(path); pm; pm = placeholder.exec(path)) {
    if (pm.index > last) pieces.push(path.slice(last, pm.index));
    const scope = SOURCE_PREFIXES[pm[1]!]!;
    const name = pm[2]!;
    pieces.push((ctx) => rawStringValue(readScoped(ctx, scope, name), '') ?? '');
    last = pm.index + pm[0].length;
  }

  let resolvePath: (ctx: EvalContext) => CompiledJsonPath | null;
  if (pieces.length === 0) {
    let compiled: CompiledJsonPath;
    try {
      compiled = compileJsonPath(path);
    } catch (e) {
      if (e instanceof JsonPathSyntaxError) throw new ExpressionError(e.message, 'AXON_EXPR_PARSE', pathStart + e.offset);
      throw e;
    }
    resolvePath = () => compiled;
  } else {
    if (last < path.length) pieces.push(path.slice(last));
    resolvePath = (ctx) => {
      let text = '';
      for (const p of pieces) text += typeof p === 'string' ? p : p(ctx);
      return cachedJsonPath(text);
    };
  }

  const result = (ctx: EvalContext): JsonPathResult => {
    const root = target ? propertyJson(target(ctx)) : ctx.json();
    if (root === NO_JSON || root === undefined) return NOT_FOUND; // no body / no JSON: ""
    const p = resolvePath(ctx);
    if (!p) return NOT_FOUND;
    try {
      return p.evaluate(root);
    } catch {
      return NOT_FOUND;
    }
  };

  return {
    source,
    kind: 'json-path',
    readsBody: target === undefined,
    evaluate(ctx) {
      // primitives as json-eval's string; objects, arrays and null stay JSON (property type JSON)
      const r = result(ctx);
      if (!r.found) return '';
      const v = r.value;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return jsonResultToString(r);
      return new JsonValue(v === undefined ? null : v);
    },
    stringValue: (ctx) => jsonResultToString(result(ctx)),
    // a json-eval filter is true only for the text "true" (Boolean.parseBoolean)
    booleanValue: (ctx) => jsonResultToString(result(ctx)).toLowerCase() === 'true',
  };
}

// Expression stage: full XPath 1.0 via the `xpath` package plus Synapse's functions and variables
// (§4.2, §4.3). Parsed once per generation; message data only ever enters as variable or function
// values, never as XPath text (ecosystem-security §3.2.2).

import { createRequire } from 'node:module';
import { DOMImplementation } from '@xmldom/xmldom';
import { MediationError } from '../errors/codes.js';
import type { XmlNode } from '../xml/parse.js';
import { envelopeBody, envelopeHeader } from './soap.js';
import { isXmlNode } from './string-value.js';
import { ExpressionError, type EvalContext, type ReadScope, type AddressField, type CompiledExpression } from './types.js';

// --- the xpath package, typed locally ------------------------------------------------------------
// Loaded with require() on purpose: its bundled .d.ts pulls the DOM lib into the whole program.

export interface XValue {
  stringValue(): string;
  numberValue(): number;
  booleanValue(): boolean;
}

interface XNodeSetT extends XValue {
  add(n: unknown): void;
  addArray(ns: unknown[]): void;
  toArray(): XmlNode[];
}

interface XContext {
  expressionContextNode: unknown;
  axon?: EvalContext;
}

interface XExpr {
  evaluate(c: XContext): XValue;
  [key: string]: unknown;
}

interface XPathLib {
  parse(src: string): { expression: { evaluate(c: XContext): XValue; expression: XExpr } };
  XPathContext: new (vr?: unknown, nr?: unknown, fr?: unknown) => XContext;
  XString: new (s: string) => XValue;
  XNumber: new (n: number) => XValue;
  XBoolean: new (b: boolean) => XValue;
  XNodeSet: new () => XNodeSetT;
  FunctionCall: abstract new (...a: never[]) => XExpr;
  VariableReference: abstract new (...a: never[]) => XExpr;
  PathExpr: abstract new (...a: never[]) => XExpr;
  LocationPath: abstract new (...a: never[]) => XExpr;
  Step: abstract new (...a: never[]) => XExpr;
  FunctionResolver: new () => unknown;
  VariableResolver: new () => unknown;
}

const X = createRequire(import.meta.url)('xpath') as XPathLib;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

// Built once: a FunctionResolver registers the core library in its constructor. Synapse's
// functions and variables are bound on the parsed tree instead (see bindFunction/bindVariable).
const sharedFunctions = new X.FunctionResolver();
const sharedVariables = new X.VariableResolver();

/** Convert an XPath value to the JS value CompiledExpression.evaluate returns. */
export function xvalueToJs(v: XValue): unknown {
  const o = v as object;
  if (o instanceof X.XNodeSet) return (v as XNodeSetT).toArray();
  if (o instanceof X.XNumber) return v.numberValue();
  if (o instanceof X.XBoolean) return v.booleanValue();
  return v.stringValue();
}

export function isNodeSet(v: XValue): boolean {
  return (v as object) instanceof X.XNodeSet;
}

/**
 * A raw object (property value, function result) as an XPath value. Null becomes an empty
 * node-set (so it compares false and prints ""), JSON and other objects the empty string: Jaxen's
 * string() knows only strings, numbers, booleans and nodes.
 */
export function rawToXValue(raw: unknown): XValue {
  if (raw === null || raw === undefined) return new X.XNodeSet();
  if (typeof raw === 'string') return new X.XString(raw);
  if (typeof raw === 'number') return new X.XNumber(raw);
  if (typeof raw === 'boolean') return new X.XBoolean(raw);
  if (isXmlNode(raw)) {
    const ns = new X.XNodeSet();
    ns.add(raw);
    return ns;
  }
  if (Array.isArray(raw)) {
    const ns = new X.XNodeSet();
    ns.addArray(raw.filter(isXmlNode));
    return ns;
  }
  return new X.XString('');
}

// --- get-property (shared with the fast paths of compile.ts) -------------------------------------

/** Scope names that make a two-argument get-property (scope, name) rather than (name, dateFormat). */
export const GET_PROPERTY_SCOPES = new Set(['axis2', 'operation', 'default', 'transport', 'registry', 'func', 'system', 'env', 'file']);

const ADDRESS_FIELDS = new Set<string>(['To', 'From', 'Action', 'FaultTo', 'ReplyTo', 'RelatesTo', 'MessageID']);

/**
 * Java's `new SimpleDateFormat()` pattern for the en_US locale on the JDK 11/17 runtimes WSO2 MI
 * ships with (CLDR data): date SHORT + time SHORT.
 */
export const DEFAULT_DATE_PATTERN = 'M/d/yy, h:mm a';

/** Resolve get-property(args) to the raw object it returns (synapse-semantics §4.3). */
export function getPropertyValue(ctx: EvalContext, args: readonly string[]): unknown {
  const [a0, a1, a2] = args;
  switch (args.length) {
    case 0:
      return '';
    case 1:
      return lookupProperty(ctx, 'default', a0!, undefined);
    case 2:
      return GET_PROPERTY_SCOPES.has(a0!) ? lookupProperty(ctx, a0!, a1!, undefined) : lookupProperty(ctx, 'default', a0!, a1);
    default:
      return lookupProperty(ctx, a0!, a1!, a2);
  }
}

/** A get-property lookup with every argument known at compile time (the fast path). */
export function compileGetProperty(args: readonly string[]): (ctx: EvalContext) => unknown {
  let scope = 'default';
  let key: string | undefined;
  let fmt: string | undefined;
  if (args.length === 0) return () => '';
  if (args.length === 1) key = args[0];
  else if (args.length === 2) {
    if (GET_PROPERTY_SCOPES.has(args[0]!)) [scope, key] = [args[0]!, args[1]];
    else [key, fmt] = [args[0], args[1]];
  } else [scope, key, fmt] = [args[0]!, args[1], args[2]];
  const k = key ?? '';
  if (k === '') return () => '';
  if (k === 'SYSTEM_DATE') {
    const f = compileJavaDateFormat(fmt ?? DEFAULT_DATE_PATTERN);
    return (ctx) => f(ctx.now());
  }
  if (k === 'SYSTEM_TIME') return (ctx) => String(ctx.now());
  if (scope === 'default') {
    if (ADDRESS_FIELDS.has(k)) return (ctx) => ctx.getAddress(k as AddressField) ?? '';
    if (k === 'FAULT') return (ctx) => (ctx.isFault() ? 'TRUE' : '');
    if (k === 'MESSAGE_FORMAT') return (ctx) => ctx.messageFormat();
    if (k === 'OperationName' || k === 'OperationNamespace') return () => '';
    return (ctx) => {
      const v = ctx.getProperty(k);
      if (v !== undefined && v !== null) return v;
      return ctx.getLocalEntry(k) ?? null;
    };
  }
  return (ctx) => lookupProperty(ctx, scope, k, fmt);
}

function lookupProperty(ctx: EvalContext, scope: string, key: string, fmt: string | undefined): unknown {
  if (!key) return '';
  // SYSTEM_DATE and SYSTEM_TIME win in every scope
  if (key === 'SYSTEM_DATE') return formatJavaDate(fmt ?? DEFAULT_DATE_PATTERN, ctx.now());
  if (key === 'SYSTEM_TIME') return String(ctx.now());
  switch (scope) {
    case 'default': {
      if (ADDRESS_FIELDS.has(key)) return ctx.getAddress(key as AddressField) ?? '';
      if (key === 'FAULT') return ctx.isFault() ? 'TRUE' : '';
      if (key === 'MESSAGE_FORMAT') return ctx.messageFormat();
      // no axis2 operation in Axon: W falls through to "" when it has none
      if (key === 'OperationName' || key === 'OperationNamespace') return '';
      const v = ctx.getProperty(key);
      if (v !== undefined && v !== null) return v;
      // the local entry of that key is the fallback, then null
      return ctx.getLocalEntry(key) ?? null;
    }
    case 'axis2':
    case 'transport':
    case 'operation':
      return ctx.getScoped(scope, key) ?? null;
    case 'func':
      return funcParam(ctx, key);
    case 'registry':
    case 'system':
    case 'env':
    case 'file':
      return ctx.getScoped(scope as ReadScope, key) ?? '';
    default:
      // an unknown scope reads as ""
      return '';
  }
}

function isCompiledExpression(v: unknown): v is CompiledExpression {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as CompiledExpression).evaluate === 'function' &&
    typeof (v as CompiledExpression).source === 'string' &&
    typeof (v as CompiledExpression).readsBody === 'boolean'
  );
}

/**
 * A template parameter ($func:n, get-property('func', n)). A parameter held as a compiled
 * expression is evaluated against the current message, as W does for XPath-valued parameters.
 */
export function funcParam(ctx: EvalContext, name: string): unknown {
  const v = ctx.getScoped('func', name);
  if (isCompiledExpression(v)) return v.evaluate(ctx);
  return v ?? null;
}

/**
 * $url:n: query parameter n of the To address, split on "&" then "=", the name compared
 * case-insensitively, the value %-decoded; "" when absent.
 */
export function urlParam(to: string | null, name: string): string {
  if (!to) return '';
  const q = to.indexOf('?');
  if (q < 0) return '';
  const query = to.slice(q + 1);
  if (!query) return '';
  const lower = name.toLowerCase();
  for (const param of query.split('&')) {
    const parts = param.split('=');
    if (parts[0]!.toLowerCase() !== lower) continue;
    if (parts.length < 2) return '';
    try {
      return decodeURIComponent(parts[1]!);
    } catch {
      throw new MediationError('AXON_MED_BAD_QUERY', `Couldn't decode the URL parameter value ${parts[1]} with name ${name}`);
    }
  }
  return '';
}

/** The raw value of a Synapse variable $prefix:name (prefix may be ''), or undefined if unknown at compile time. */
export function variableReader(prefix: string, name: string): ((ctx: EvalContext) => unknown) | undefined {
  // W checks body/header/env before looking at the prefix, so $ctx:body is the Body too
  if (name === 'body') return (ctx) => envelopeBody(ctx.envelope());
  if (name === 'header') return (ctx) => envelopeHeader(ctx.envelope());
  if (name === 'env') return (ctx) => ctx.envelope().documentElement;
  switch (prefix) {
    case '':
      return undefined;
    case 'ctx':
      return (ctx) => ctx.getProperty(name);
    case 'axis2':
      return (ctx) => ctx.getScoped('axis2', name);
    case 'trp':
      return (ctx) => ctx.getScoped('transport', name);
    case 'operation':
      return (ctx) => ctx.getScoped('operation', name);
    case 'func':
      return (ctx) => funcParam(ctx, name);
    case 'url':
      return (ctx) => urlParam(ctx.getAddress('To'), name);
    case 'sys':
      return (ctx) => ctx.getScoped('system', name) ?? '';
    default:
      // any other prefix: an entry of the default-scope property `prefix` when that is a map
      return (ctx) => {
        const holder = ctx.getProperty(prefix);
        let v: unknown;
        if (holder instanceof Map) v = holder.get(name);
        else if (holder && typeof holder === 'object' && !Array.isArray(holder) && !isXmlNode(holder) && Object.getPrototypeOf(holder) === Object.prototype) {
          v = Object.prototype.hasOwnProperty.call(holder, name) ? (holder as Record<string, unknown>)[name] : undefined;
        }
        if (v === undefined || v === null) {
          // W: the variable cannot be resolved and the evaluation fails
          throw new MediationError('AXON_MED_FAILED', `Evaluation of the XPath variable $${prefix}:${name} resulted in an error: it cannot be resolved`);
        }
        return String(v);
      };
  }
}

/** Whether a variable reads the envelope. */
export function variableReadsBody(name: string): boolean {
  return name === 'body' || name === 'header' || name === 'env';
}

// --- charsets, base64, url-encode ---------------------------------------------------------------

function charsetKey(charset: string): string {
  return charset.trim().toLowerCase().replace(/_/g, '-');
}

function replaceAbove(s: string, max: number): string {
  let out = '';
  for (const ch of s) out += ch.codePointAt(0)! > max ? '?' : ch;
  return out;
}

/** Encode text in a Java charset name (UTF-8 by default). */
export function encodeText(s: string, charset = 'UTF-8'): Buffer {
  switch (charsetKey(charset)) {
    case 'utf-8':
    case 'utf8':
      return Buffer.from(s, 'utf8');
    case 'iso-8859-1':
    case 'iso8859-1':
    case 'latin1':
    case 'iso-latin-1':
      return Buffer.from(replaceAbove(s, 0xff), 'latin1');
    case 'us-ascii':
    case 'ascii':
      return Buffer.from(replaceAbove(s, 0x7f), 'latin1');
    case 'utf-16le':
      return Buffer.from(s, 'utf16le');
    case 'utf-16be':
      return Buffer.from(s, 'utf16le').swap16();
    case 'utf-16':
      // Java writes a big-endian byte-order mark first
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]);
    default:
      throw new MediationError('AXON_MED_FAILED', `Unsupported charset encoding ${charset}`);
  }
}

/** Decode bytes in a Java charset name. */
export function decodeBytes(b: Buffer, charset = 'UTF-8'): string {
  switch (charsetKey(charset)) {
    case 'utf-8':
    case 'utf8':
      return b.toString('utf8');
    case 'iso-8859-1':
    case 'iso8859-1':
    case 'latin1':
    case 'iso-latin-1':
      return b.toString('latin1');
    case 'us-ascii':
    case 'ascii':
      return b.toString('ascii');
    case 'utf-16le':
      return b.toString('utf16le');
    case 'utf-16be':
      return Buffer.from(b.subarray(0, b.length & ~1)).swap16().toString('utf16le');
    case 'utf-16': {
      if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
      const body = b.length >= 2 && b[0] === 0xfe && b[1] === 0xff ? b.subarray(2) : b;
      return Buffer.from(body.subarray(0, body.length & ~1)).swap16().toString('utf16le');
    }
    default:
      throw new MediationError('AXON_MED_FAILED', `Unsupported charset encoding ${charset}`);
  }
}

export function base64Encode(s: string, charset?: string): string {
  if (s === '') return '';
  return encodeText(s, charset).toString('base64');
}

export function base64Decode(s: string, charset?: string): string {
  if (s === '') return '';
  return decodeBytes(Buffer.from(s, 'base64'), charset);
}

function charSet(chars: string): Set<number> {
  const set = new Set<number>();
  for (let c = 48; c <= 57; c++) set.add(c);
  for (let c = 65; c <= 90; c++) set.add(c);
  for (let c = 97; c <= 122; c++) set.add(c);
  for (const ch of chars) set.add(ch.charCodeAt(0));
  return set;
}

// RFC 2396 character classes as commons-httpclient's URIUtil.encodePathQuery uses them: the path
// keeps unreserved chars, pchar punctuation, ";" and "/"; the query keeps every uric but "%".
const PATH_ALLOWED = charSet("-_.!~*'()" + ':@&=+$,' + ';/');
const QUERY_ALLOWED = charSet("-_.!~*'()" + ';/?:@&=+$,[]');

function percentEncode(s: string, allowed: Set<number>, charset: string): string {
  let out = '';
  for (const b of encodeText(s, charset)) {
    if (b < 128 && allowed.has(b)) out += String.fromCharCode(b);
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * url-encode(str [, charset]): path/query encoding (space -> %20, "/ ? = & :" kept), the part
 * before the first "?" as a path and the rest as a query.
 */
export function urlEncode(s: string, charset = 'UTF-8'): string {
  if (s === '') return '';
  const q = s.indexOf('?');
  if (q < 0) return percentEncode(s, PATH_ALLOWED, charset);
  return `${percentEncode(s.slice(0, q), PATH_ALLOWED, charset)}?${percentEncode(s.slice(q + 1), QUERY_ALLOWED, charset)}`;
}

// --- Java SimpleDateFormat ----------------------------------------------------------------------

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type DatePart = (d: Date) => string;

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
};

const tzNameFormats = new Map<string, Intl.DateTimeFormat>();

function tzName(d: Date, style: 'short' | 'long'): string {
  let f = tzNameFormats.get(style);
  if (!f) tzNameFormats.set(style, (f = new Intl.DateTimeFormat('en-US', { timeZoneName: style })));
  return f.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
}

function offsetParts(d: Date): { sign: string; h: number; m: number; zero: boolean } {
  const off = -d.getTimezoneOffset();
  return { sign: off < 0 ? '-' : '+', h: Math.floor(Math.abs(off) / 60), m: Math.abs(off) % 60, zero: off === 0 };
}

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1);
  return Math.round((new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - start.getTime()) / 86400000) + 1;
}

function weekOfYearUS(d: Date): number {
  // en_US weeks: Sunday first, the week holding January 1st is week 1
  const dec31 = new Date(d.getFullYear(), 11, 31);
  if (d.getMonth() === 11 && d.getDate() + (6 - d.getDay()) > 31 && dec31.getDay() !== 6) return 1;
  const jan1 = new Date(d.getFullYear(), 0, 1).getDay();
  return Math.floor((dayOfYear(d) - 1 + jan1) / 7) + 1;
}

function datePart(letter: string, count: number, at: number, pattern: string): DatePart {
  switch (letter) {
    case 'G':
      return () => 'AD';
    case 'y':
    case 'Y': // week-year approximated by the calendar year
    case 'u':
      if (letter === 'u') return (d) => pad(d.getDay() === 0 ? 7 : d.getDay(), count);
      return count === 2 ? (d) => pad(d.getFullYear() % 100, 2) : (d) => pad(d.getFullYear(), count);
    case 'M':
    case 'L':
      if (count >= 4) return (d) => MONTHS[d.getMonth()]!;
      if (count === 3) return (d) => MONTHS[d.getMonth()]!.slice(0, 3);
      return (d) => pad(d.getMonth() + 1, count);
    case 'd':
      return (d) => pad(d.getDate(), count);
    case 'D':
      return (d) => pad(dayOfYear(d), count);
    case 'F':
      return (d) => pad(Math.floor((d.getDate() - 1) / 7) + 1, count);
    case 'w':
      return (d) => pad(weekOfYearUS(d), count);
    case 'W':
      return (d) => pad(Math.floor((d.getDate() - 1 + new Date(d.getFullYear(), d.getMonth(), 1).getDay()) / 7) + 1, count);
    case 'E':
      return count >= 4 ? (d) => DAYS[d.getDay()]! : (d) => DAYS[d.getDay()]!.slice(0, 3);
    case 'a':
      return (d) => (d.getHours() < 12 ? 'AM' : 'PM');
    case 'H':
      return (d) => pad(d.getHours(), count);
    case 'k':
      return (d) => pad(d.getHours() === 0 ? 24 : d.getHours(), count);
    case 'K':
      return (d) => pad(d.getHours() % 12, count);
    case 'h':
      return (d) => pad(d.getHours() % 12 === 0 ? 12 : d.getHours() % 12, count);
    case 'm':
      return (d) => pad(d.getMinutes(), count);
    case 's':
      return (d) => pad(d.getSeconds(), count);
    case 'S':
      // milliseconds as a number, not a fraction ("S" of 7 ms is "7")
      return (d) => pad(d.getMilliseconds(), count);
    case 'z':
      return (d) => tzName(d, count >= 4 ? 'long' : 'short');
    case 'Z':
      return (d) => {
        const o = offsetParts(d);
        return `${o.sign}${pad(o.h, 2)}${pad(o.m, 2)}`;
      };
    case 'X':
      if (count > 3) throw new Error(`invalid ISO 8601 format length at ${at} in "${pattern}"`);
      return (d) => {
        const o = offsetParts(d);
        if (o.zero) return 'Z';
        if (count === 1) return `${o.sign}${pad(o.h, 2)}`;
        return count === 2 ? `${o.sign}${pad(o.h, 2)}${pad(o.m, 2)}` : `${o.sign}${pad(o.h, 2)}:${pad(o.m, 2)}`;
      };
    default:
      throw new Error(`Illegal pattern character '${letter}' at ${at} in "${pattern}"`);
  }
}

const dateFormatCache = new Map<string, (millis: number) => string>();

/**
 * Compile a java.text.SimpleDateFormat pattern (local time zone, en_US names). Letters:
 * G y Y M L d D F w W E u a H k K h m s S z Z X; 'quoted text', '' for a quote. Throws on a
 * letter Java would reject.
 */
export function compileJavaDateFormat(pattern: string): (millis: number) => string {
  const cached = dateFormatCache.get(pattern);
  if (cached) return cached;
  const parts: (string | DatePart)[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      if (pattern.charAt(i + 1) === "'") {
        parts.push("'");
        i += 2;
        continue;
      }
      let j = i + 1;
      let lit = '';
      for (; j < pattern.length; j++) {
        if (pattern.charAt(j) === "'") {
          if (pattern.charAt(j + 1) === "'") {
            lit += "'";
            j++;
            continue;
          }
          break;
        }
        lit += pattern.charAt(j);
      }
      if (j >= pattern.length) throw new Error(`Unterminated quote in date pattern "${pattern}"`);
      parts.push(lit);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern.charAt(j) === c) j++;
      parts.push(datePart(c, j - i, i, pattern));
      i = j;
      continue;
    }
    parts.push(c);
    i++;
  }
  const f = (millis: number): string => {
    const d = new Date(millis);
    let s = '';
    for (const p of parts) s += typeof p === 'string' ? p : p(d);
    return s;
  };
  if (dateFormatCache.size < 256) dateFormatCache.set(pattern, f);
  return f;
}

/** Format a time with a SimpleDateFormat pattern; a bad pattern fails the mediation, as in W. */
export function formatJavaDate(pattern: string, millis: number): string {
  let f: (millis: number) => string;
  try {
    f = compileJavaDateFormat(pattern);
  } catch (e) {
    throw new MediationError('AXON_MED_FAILED', (e as Error).message);
  }
  return f(millis);
}

// --- functions ------------------------------------------------------------------------------

/** XPath 1.0 core functions with their arity (min, max; -1 = unbounded). */
const CORE_FUNCTIONS: Record<string, [number, number]> = {
  last: [0, 0],
  position: [0, 0],
  count: [1, 1],
  id: [1, 1],
  'local-name': [0, 1],
  'namespace-uri': [0, 1],
  name: [0, 1],
  string: [0, 1],
  concat: [2, -1],
  'starts-with': [2, 2],
  contains: [2, 2],
  'substring-before': [2, 2],
  'substring-after': [2, 2],
  substring: [2, 3],
  'string-length': [0, 1],
  'normalize-space': [0, 1],
  translate: [3, 3],
  boolean: [1, 1],
  not: [1, 1],
  true: [0, 0],
  false: [0, 0],
  lang: [1, 1],
  number: [0, 1],
  sum: [1, 1],
  floor: [1, 1],
  ceiling: [1, 1],
  round: [1, 1],
};

/** Core functions that read the context node (the envelope) when called without an argument. */
const CONTEXT_DEFAULTING = new Set(['local-name', 'namespace-uri', 'name', 'string', 'string-length', 'normalize-space', 'number']);

type SynapseFn = (ctx: EvalContext, args: string[]) => unknown;

/** Synapse's extension functions (and Jaxen's extras), by local name: arity and implementation. */
const SYNAPSE_FUNCTIONS: Record<string, { arity: [number, number]; impl: SynapseFn }> = {
  'get-property': { arity: [0, 3], impl: (ctx, a) => getPropertyValue(ctx, a) },
  base64Encode: { arity: [1, 2], impl: (_ctx, a) => base64Encode(a[0]!, a[1]) },
  base64Decode: { arity: [1, 2], impl: (_ctx, a) => base64Decode(a[0]!, a[1]) },
  'url-encode': { arity: [0, 2], impl: (_ctx, a) => (a.length === 0 ? '' : urlEncode(a[0]!, a[1])) },
  // Jaxen registers these extension functions by default, so Synapse configs may use them
  'upper-case': { arity: [1, 2], impl: (_ctx, a) => a[0]!.toUpperCase() },
  'lower-case': { arity: [1, 2], impl: (_ctx, a) => a[0]!.toLowerCase() },
  'ends-with': { arity: [2, 2], impl: (_ctx, a) => a[0]!.endsWith(a[1]!) },
};

const UNSUPPORTED_FUNCTIONS = new Set(['hmac-generate', 'encrypt', 'decrypt', 'evaluate', 'document']);

export function isSynapseFunction(local: string): boolean {
  return Object.prototype.hasOwnProperty.call(SYNAPSE_FUNCTIONS, local);
}

// --- compiling ----------------------------------------------------------------------------------

export type Outcome = { raw: true; value: unknown } | { raw: false; value: XValue };

export interface XPathProgram {
  readonly source: string;
  readonly readsBody: boolean;
  run(ctx: EvalContext): Outcome;
}

/** A context node for expressions that never look at the message (no envelope is built). */
const detachedDoc = new DOMImplementation().createDocument(null, 'axon-no-body', null);

function splitQName(q: string): [string, string] {
  const i = q.indexOf(':');
  return i < 0 ? ['', q] : [q.slice(0, i), q.slice(i + 1)];
}

/** Offset of the first occurrence of `needle` outside string literals (not inside a longer name). */
function offsetOutsideStrings(src: string, needle: string): number | undefined {
  let quote = '';
  for (let i = 0; i < src.length; i++) {
    const c = src.charAt(i);
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    if (src.startsWith(needle, i)) {
      if (i > 0 && /^\w/.test(needle) && /[\w.-]/.test(src.charAt(i - 1))) continue;
      return i;
    }
  }
  return undefined;
}

/** Find where a syntax error probably is: unterminated strings, stray characters, unbalanced brackets. */
export function locateSyntaxError(src: string): number | undefined {
  const stack: { c: string; at: number }[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src.charAt(i);
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) return i;
      i = end;
      continue;
    }
    if (c === '(' || c === '[') stack.push({ c, at: i });
    else if (c === ')' || c === ']') {
      const top = stack.pop();
      if (!top || (top.c === '(') !== (c === ')')) return i;
    } else if (!/[\s\w.:/*@$,|+=!<>\-\u00b7\u00c0-\uffff]/.test(c)) {
      return i;
    }
  }
  if (stack.length) return stack[stack.length - 1]!.at;
  return undefined;
}

/**
 * Clark names ({uri}local) are accepted as SynapseXPath.parseXPathString does: each {uri} becomes a
 * generated prefix bound to that URI.
 */
function rewriteClark(src: string): { text: string; namespaces: Record<string, string> } {
  if (!src.includes('{')) return { text: src, namespaces: {} };
  const namespaces: Record<string, string> = {};
  const byUri = new Map<string, string>();
  let out = '';
  let quote = '';
  for (let i = 0; i < src.length; i++) {
    const c = src.charAt(i);
    if (quote) {
      if (c === quote) quote = '';
      out += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      out += c;
      continue;
    }
    if (c === '{') {
      const end = src.indexOf('}', i + 1);
      if (end < 0) throw new ExpressionError('unterminated "{" in a Clark name', 'AXON_EXPR_PARSE', i);
      const uri = src.slice(i + 1, end);
      let prefix = byUri.get(uri);
      if (!prefix) {
        prefix = `axclark${byUri.size}`;
        byUri.set(uri, prefix);
        namespaces[prefix] = uri;
      }
      out += `${prefix}:`;
      i = end;
      continue;
    }
    out += c;
  }
  return { text: out, namespaces };
}

interface Walked {
  readsBody: boolean;
}

/** Compile XPath text (with Synapse's namespaces in scope) into a program. Throws ExpressionError. */
export function compileXPath(source: string, declared: Record<string, string>): XPathProgram {
  const { text, namespaces: clark } = rewriteClark(source);
  const namespaces: Record<string, string> = { ...declared, ...clark };
  let parsed: ReturnType<XPathLib['parse']>;
  try {
    parsed = X.parse(text);
  } catch (e) {
    const at = text === source ? locateSyntaxError(source) : undefined;
    const msg = (e as Error).message || 'XPath parse error';
    throw new ExpressionError(at === undefined ? msg : `${msg} near position ${at}`, 'AXON_EXPR_PARSE', at);
  }
  const state: Walked = { readsBody: false };
  parsed.expression.expression = walk(parsed.expression.expression, source, namespaces, state);

  const nsResolver = {
    getNamespace(prefix: string): string | null {
      if (prefix === 'xml') return XML_NS;
      return Object.prototype.hasOwnProperty.call(namespaces, prefix) ? namespaces[prefix]! : null;
    },
  };

  // A lone get-property(...) or $variable returns its raw object (W hands Jaxen's result, e.g. an
  // Integer or an element property, straight to stringValueOf).
  const root: XExpr = parsed.expression.expression;
  const rawRoot = typeof root.axonRaw === 'function' ? (root.axonRaw as (c: XContext) => unknown) : undefined;
  const readsBody = state.readsBody;
  const xpathRoot = parsed.expression;

  return {
    source,
    readsBody,
    run(ctx: EvalContext): Outcome {
      const c = new X.XPathContext(sharedVariables, nsResolver, sharedFunctions);
      c.expressionContextNode = readsBody ? ctx.envelope().documentElement : detachedDoc.documentElement;
      c.axon = ctx;
      try {
        if (rawRoot) {
          // the same initialisation XPath.evaluate performs before evaluating its expression
          const cc = c as XContext & Record<string, unknown>;
          cc.contextNode = c.expressionContextNode;
          cc.contextSize = 1;
          cc.contextPosition = 1;
          cc.caseInsensitive = false;
          return { raw: true, value: rawRoot(c) };
        }
        return { raw: false, value: xpathRoot.evaluate(c) };
      } catch (e) {
        if (e instanceof MediationError) throw e;
        throw new MediationError('AXON_MED_FAILED', `Evaluation of the XPath expression ${source} resulted in an error: ${(e as Error).message}`, {
          cause: e,
        });
      }
    },
  };
}

const CHILD_KEYS = ['filter', 'filterPredicates', 'locationPath', 'steps', 'predicates', 'lhs', 'rhs', 'arguments'];

/**
 * The parser wraps every primary expression (a literal, a function call, a variable) in a PathExpr,
 * and each PathExpr evaluation builds a fresh XPathContext (with a new function library). One with
 * no predicates and no location path returns what its filter returns (the same nodes for a node-set),
 * so it is replaced by the filter itself. Measure before changing.
 */
function unwrap(node: XExpr): XExpr {
  if (
    node instanceof X.PathExpr &&
    node.filter &&
    !node.locationPath &&
    !((node.filterPredicates as unknown[] | undefined)?.length)
  ) {
    return node.filter as XExpr;
  }
  return node;
}

/** Check and bind one parsed node and its children; returns the node to use in its place. */
function walk(node: XExpr, source: string, namespaces: Record<string, string>, state: Walked): XExpr {
  const expr = unwrap(node);
  if (expr instanceof X.LocationPath) state.readsBody = true;
  if (expr instanceof X.Step) checkNodeTest(expr.nodeTest as { prefix?: string | null } | undefined, source, namespaces);
  if (expr instanceof X.FunctionCall) bindFunction(expr, source, state);
  if (expr instanceof X.VariableReference) bindVariable(expr, source, state);
  for (const k of CHILD_KEYS) {
    const child = expr[k];
    if (Array.isArray(child)) {
      for (let i = 0; i < child.length; i++) {
        if (child[i] && typeof child[i] === 'object') child[i] = walk(child[i] as XExpr, source, namespaces, state);
      }
    } else if (child && typeof child === 'object') {
      expr[k] = walk(child as XExpr, source, namespaces, state);
    }
  }
  return expr;
}

function checkNodeTest(test: { prefix?: string | null } | undefined, source: string, namespaces: Record<string, string>): void {
  const prefix = test?.prefix;
  if (!prefix || prefix === 'xml' || Object.prototype.hasOwnProperty.call(namespaces, prefix)) return;
  const at = offsetOutsideStrings(source, `${prefix}:`);
  throw new ExpressionError(`the namespace prefix "${prefix}" is not declared`, 'AXON_EXPR_UNKNOWN_PREFIX', at);
}

function checkArity(name: string, n: number, [min, max]: [number, number], source: string): void {
  if (n >= min && (max < 0 || n <= max)) return;
  const want = max < 0 ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  throw new ExpressionError(`${name}() takes ${want} argument(s), not ${n}`, 'AXON_EXPR_PARSE', offsetOutsideStrings(source, `${name}(`));
}

function bindFunction(fc: XExpr, source: string, state: Walked): void {
  const qname = fc.functionName as string;
  const [, local] = splitQName(qname);
  const args = fc.arguments as XExpr[];
  const core = Object.prototype.hasOwnProperty.call(CORE_FUNCTIONS, local) ? CORE_FUNCTIONS[local] : undefined;
  if (core) {
    // any prefix on a core function means the core function (fn:concat with fn undeclared, W)
    checkArity(qname, args.length, core, source);
    fc.functionName = local;
    if ((args.length === 0 && CONTEXT_DEFAULTING.has(local)) || local === 'id' || local === 'lang') state.readsBody = true;
    return;
  }
  const syn = isSynapseFunction(local) ? SYNAPSE_FUNCTIONS[local]! : undefined;
  if (!syn) {
    const at = offsetOutsideStrings(source, `${qname}(`);
    const why = UNSUPPORTED_FUNCTIONS.has(local) ? 'is not supported by Axon' : 'is not a known function';
    throw new ExpressionError(`${qname}() ${why}`, 'AXON_EXPR_PARSE', at);
  }
  checkArity(qname, args.length, syn.arity, source);
  const impl = syn.impl;
  const raw = (c: XContext): unknown => {
    const values = args.map((a) => a.evaluate(c).stringValue());
    return impl(c.axon!, values);
  };
  fc.axonRaw = raw;
  fc.evaluate = (c: XContext) => rawToXValue(raw(c));
}

function bindVariable(vr: XExpr, source: string, state: Walked): void {
  const qname = vr.variable as string;
  const [prefix, local] = splitQName(qname);
  const read = variableReader(prefix, local);
  if (!read) {
    throw new ExpressionError(`unknown variable $${qname}`, 'AXON_EXPR_PARSE', offsetOutsideStrings(source, `$${qname}`));
  }
  if (variableReadsBody(local)) state.readsBody = true;
  const raw = (c: XContext): unknown => read(c.axon!);
  vr.axonRaw = raw;
  vr.evaluate = (c: XContext) => rawToXValue(raw(c));
}

// Endpoints stage: RFC 6570 (level 3) EXPANSION of an http endpoint's uri-template with Synapse's
// tweaks (synapse-semantics §6.4, W HTTPEndpoint over damnhandy). Parsed once per generation;
// expand() runs per request (measure before changing).

import { formDecode } from '../runtime/dispatch/query.js';

// Synapse's tweaks:
//   * a template that starts with "{" expands its first expression as reserved ("{x}" -> "{+x}");
//   * undefined variables expand to nothing; with no defined variable at all the template string is
//     used as written, braces included;
//   * legacy-encoding: values are URL-decoded first, the expanded URL is URL-decoded again and then
//     re-quoted component by component as java.net.URI's multi-argument constructor does, so input
//     that was already percent-encoded is not encoded twice.

type Op = '' | '+' | '#' | '.' | '/' | ';' | '?' | '&';

interface VarSpec {
  name: string;
  /** `{x:3}`: at most this many characters of the value. */
  prefix: number | undefined;
}

interface Expr {
  op: Op;
  vars: VarSpec[];
}

type Part = string | Expr;

interface OpSpec {
  first: string;
  sep: string;
  named: boolean;
  ifEmpty: string;
  allowReserved: boolean;
}

// RFC 6570 §3.2.1 table
const OPS: Record<Op, OpSpec> = {
  '': { first: '', sep: ',', named: false, ifEmpty: '', allowReserved: false },
  '+': { first: '', sep: ',', named: false, ifEmpty: '', allowReserved: true },
  '#': { first: '#', sep: ',', named: false, ifEmpty: '', allowReserved: true },
  '.': { first: '.', sep: '.', named: false, ifEmpty: '', allowReserved: false },
  '/': { first: '/', sep: '/', named: false, ifEmpty: '', allowReserved: false },
  ';': { first: ';', sep: ';', named: true, ifEmpty: '', allowReserved: false },
  '?': { first: '?', sep: '&', named: true, ifEmpty: '=', allowReserved: false },
  '&': { first: '&', sep: '&', named: true, ifEmpty: '=', allowReserved: false },
};

const OPERATORS = '+#./;?&';
/** Operators RFC 6570 reserves for future use: a template using them is malformed. */
const FUTURE_OPERATORS = '=,!@|';

// 1 = unreserved (always kept), 2 = reserved (kept by "+" and "#")
const CLASS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') CLASS[c.charCodeAt(0)] = 1;
for (const c of ":/?#[]@!$&'()*+,;=") CLASS[c.charCodeAt(0)] = 2;

const PCT_ASCII: string[] = [];
for (let b = 0; b < 128; b++) PCT_ASCII.push('%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase());

/** UTF-8 percent-encoding of one character (a lone surrogate becomes U+FFFD, as Java's encoder does). */
function pctEncodeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 128) return PCT_ASCII[c]!;
  try {
    // for non-ASCII input encodeURIComponent is exactly UTF-8 %XX with upper-case hex
    return encodeURIComponent(ch);
  } catch {
    return '%EF%BF%BD';
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** RFC 6570 encoding: U (unreserved only) or U+R (also reserved characters and %XX triplets). */
function encodeValue(s: string, allowReserved: boolean): string {
  const limit = allowReserved ? 2 : 1;
  let i = 0;
  // fast path: nothing to encode
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || CLASS[c] === 0 || CLASS[c]! > limit) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && CLASS[c] !== 0 && CLASS[c]! <= limit) {
      out += s[i];
    } else if (allowReserved && c === 0x25 && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      out += s.slice(i, i + 3);
      i += 2;
    } else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      out += pctEncodeChar(String.fromCodePoint(cp));
    }
  }
  return out;
}

interface Parsed {
  parts: Part[];
  errors: string[];
}

const VAR_NAME = /^(?:[A-Za-z0-9_.-]|%[0-9A-Fa-f]{2})+$/;

/** Lenient parse: a malformed expression stays literal text and is reported in `errors`. */
function parse(template: string): Parsed {
  const parts: Part[] = [];
  const errors: string[] = [];
  let lit = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '}') errors.push(`unmatched "}" at position ${i + 1}`);
    if (c !== '{') {
      lit += c;
      i++;
      continue;
    }
    const close = template.indexOf('}', i);
    const nested = template.indexOf('{', i + 1);
    if (close < 0 || (nested >= 0 && nested < close)) {
      errors.push(`unclosed "{" at position ${i + 1}`);
      lit += c;
      i++;
      continue;
    }
    const raw = template.slice(i, close + 1);
    const e = parseExpression(template.slice(i + 1, close));
    if (typeof e === 'string') {
      errors.push(`${raw}: ${e}`);
      lit += raw;
    } else {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(e);
    }
    i = close + 1;
  }
  if (lit) parts.push(lit);
  return { parts, errors };
}

function parseExpression(body: string): Expr | string {
  if (body === '') return 'empty expression';
  let op: Op = '';
  if (OPERATORS.includes(body[0]!)) {
    op = body[0] as Op;
    body = body.slice(1);
  } else if (FUTURE_OPERATORS.includes(body[0]!)) {
    return `the operator "${body[0]}" is reserved by RFC 6570`;
  }
  const vars: VarSpec[] = [];
  for (const spec of body.split(',')) {
    let name = spec;
    let prefix: number | undefined;
    // explode ("x*") changes nothing for the string values Synapse passes
    if (name.endsWith('*')) name = name.slice(0, -1);
    const colon = name.indexOf(':');
    if (colon >= 0) {
      const n = name.slice(colon + 1);
      if (!/^[1-9][0-9]{0,3}$/.test(n)) return `invalid prefix length "${n}"`;
      prefix = Number(n);
      name = name.slice(0, colon);
    }
    if (!VAR_NAME.test(name)) return `"${name}" is not a valid variable name`;
    vars.push({ name, prefix });
  }
  return { op, vars };
}

export interface HttpUriTemplate {
  /** The template as given (without a legacy-encoding: prefix). */
  readonly template: string;
  readonly legacyEncoding: boolean;
  /** Variable names referenced, in order (e.g. "uri.var.id", "query.param.q"). */
  readonly variables: string[];
  /**
   * Expand with values from `lookup` (undefined = not defined). `anyVariableDefined` tells whether
   * the message has any uri.var.* / query.param.* property (or endpoint property) at all: Synapse
   * returns the raw template only when none exists. When omitted it is derived from this template's
   * own variables.
   */
  expand(lookup: (name: string) => string | undefined, anyVariableDefined?: boolean): string;
}

/** Config-time check: an error message for a malformed template, or undefined. */
export function checkHttpUriTemplate(template: string): string | undefined {
  const { errors } = parse(template);
  return errors.length > 0 ? errors.join('; ') : undefined;
}

/** Compile once per generation. Never throws: malformed expressions expand as literal text. */
export function compileHttpUriTemplate(template: string, legacyEncoding: boolean): HttpUriTemplate {
  const { parts } = parse(template);
  // Synapse quirk: a template that starts with an expression expands it as reserved ({+...}), so
  // "{uri.var.base}/orders" keeps the slashes of the base URL
  const head = parts[0];
  if (template.startsWith('{') && head !== undefined && typeof head !== 'string' && head.op === '') parts[0] = { op: '+', vars: head.vars };
  const variables: string[] = [];
  for (const p of parts) if (typeof p !== 'string') for (const v of p.vars) if (!variables.includes(v.name)) variables.push(v.name);

  // hot path (per request): measure before changing
  const expandParts = (lookup: (name: string) => string | undefined): { text: string; defined: boolean } => {
    let out = '';
    let defined = false;
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const spec = OPS[p.op];
      let first = true;
      for (const v of p.vars) {
        let value = lookup(v.name);
        if (value === undefined) continue;
        defined = true;
        if (legacyEncoding) value = formDecode(value) ?? value;
        if (v.prefix !== undefined) value = truncateCodePoints(value, v.prefix);
        out += first ? spec.first : spec.sep;
        first = false;
        if (spec.named) out += value === '' ? v.name + spec.ifEmpty : `${v.name}=${encodeValue(value, spec.allowReserved)}`;
        else out += encodeValue(value, spec.allowReserved);
      }
    }
    return { text: out, defined };
  };

  return {
    template,
    legacyEncoding,
    variables,
    expand(lookup, anyVariableDefined) {
      const { text, defined } = expandParts(lookup);
      if (!(anyVariableDefined ?? defined)) return template;
      if (!legacyEncoding) return text;
      return requoteLikeJavaUri(text);
    },
  };
}

function truncateCodePoints(s: string, n: number): string {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    if (count === n) return s.slice(0, i);
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
    count++;
  }
  return s;
}

// --- legacy-encoding: URLDecoder.decode the URL, then java.net.URI(scheme, userInfo, host, port,
// path, query, fragment) quoting per component -------------------------------------------------------

const MARK = "-_.!~*'()";
const PUNCT = ';:&=+$,';
const RESERVED_JAVA = ';/?:@&=+$,[]';

function legalSet(extra: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789' + MARK + extra) t[c.charCodeAt(0)] = 1;
  return t;
}

const LEGAL_USERINFO = legalSet(PUNCT);
const LEGAL_PATH = legalSet(PUNCT + '/@');
const LEGAL_QUERY = legalSet(RESERVED_JAVA);

// Character.isSpaceChar: Unicode space, line and paragraph separators
const SPACE_SEPARATOR = /^\p{Z}$/u;

/** java.net.URI quoting: illegal ASCII, "%", spaces and controls are %XX (UTF-8); other non-ASCII stays. */
function quoteComponent(s: string, legal: Uint8Array): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 128) out += legal[c] === 1 ? ch : pctEncodeChar(ch);
    else if (c <= 0x9f || SPACE_SEPARATOR.test(ch)) out += pctEncodeChar(ch);
    else out += ch;
  }
  return out;
}

function requoteLikeJavaUri(expanded: string): string {
  const decoded = formDecode(expanded);
  if (decoded === null) return expanded;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(decoded);
  // java.net.URL refuses a URL without a scheme; keep the expansion as it was
  if (!m) return expanded;
  const scheme = m[1]!;
  let rest = decoded.slice(m[0].length);
  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query: string | undefined;
  const qm = rest.indexOf('?');
  if (qm >= 0) {
    query = rest.slice(qm + 1);
    rest = rest.slice(0, qm);
  }
  let authority = '';
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    if (at >= 0) authority = quoteComponent(authority.slice(0, at), LEGAL_USERINFO) + '@' + authority.slice(at + 1);
    authority = '//' + authority;
  }
  let out = scheme + ':' + authority + quoteComponent(rest, LEGAL_PATH);
  if (query !== undefined) out += '?' + quoteComponent(query, LEGAL_QUERY);
  if (fragment !== undefined) out += '#' + quoteComponent(fragment, LEGAL_QUERY);
  return out;
}

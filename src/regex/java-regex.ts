// Expression stage (config time): translates java.util.regex patterns into JavaScript RegExps
// with Matcher.matches() full-match semantics, for switch/filter/property/resource user-agent
// (synapse-semantics trap 1); Java-only syntax JS cannot express is rejected with a message.

import v8 from 'node:v8';

// Design notes (why the output looks the way it does):
// * The emitted RegExp never carries the `u`, `v`, `i` or `d` flag. Measured on Node 20: with any of
//   those V8 does not fall back to its linear engine after excessive backtracking, so `(a+)+b`
//   against 40 a's runs for minutes (ecosystem-security.md §1.4/§3.2.11). Case-insensitivity is
//   therefore expanded into character classes (`a` -> `[aA]`), which is also exactly Java's default
//   ASCII-only CASE_INSENSITIVE; Unicode properties are expanded into explicit BMP ranges.
// * Consequence: matching is per UTF-16 code unit. `.` and negated classes consume one code unit, a
//   supplementary character counts as two (Java counts one code point). Literal supplementary
//   characters outside classes are kept together as one atom; inside classes they are rejected.
// * Lookarounds, backreferences and atomic groups work but cannot use the linear fallback.
// * Possessive quantifiers (`*+ ++ ?+ {n,m}+`) are translated to greedy ones. This only differs when
//   the rest of the pattern would have needed to backtrack into them (e.g. `a*+a` never matches in
//   Java but `a*a` matches "aa"); configs use possessives as an optimisation, so the result is the
//   same in practice, and greedy keeps the linear-engine fallback available.
// * Atomic groups `(?>X)` are emulated exactly as `(?=(X))\k` (a JS lookahead does not backtrack);
//   the helper group is hidden from `match()` results.

// Process-wide V8 switch: a backtracking regex that exceeds the backtrack budget is re-run on the
// linear-time engine. Must be on before the first catastrophic match; set at module load.
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

export interface JavaRegex {
  ok: true;
  /** The Java source as written. */
  source: string;
  /**
   * The translated full-match RegExp (no g/y flag, so test/exec keep no state). When the pattern
   * has atomic groups its capture numbering includes hidden helper groups: use `match()` for groups.
   */
  regex: RegExp;
  /** Number of Java capturing groups. */
  groupCount: number;
  /** Matcher.matches(): the whole string matches. */
  fullMatch(s: string): boolean;
  /** Full-match exec; index n of the result is Java group n. */
  match(s: string): RegExpExecArray | null;
}

export interface JavaRegexError {
  ok: false;
  message: string;
  /** Offset in the Java source where the problem was found, when known. */
  offset?: number;
}

export type JavaRegexResult = JavaRegex | JavaRegexError;

// ------------------------------------------------------------------------------------------------
// Code-unit range sets (0..0xFFFF), sorted and non-overlapping: [lo0, hi0, lo1, hi1, ...].

type Ranges = number[];

const MAX_CU = 0xffff;

function normalise(pairs: Array<[number, number]>): Ranges {
  pairs.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    if (lo > hi) continue;
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) {
      if (hi > out[n - 1]!) out[n - 1] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

function toPairs(r: Ranges): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < r.length; i += 2) out.push([r[i]!, r[i + 1]!]);
  return out;
}

function union(a: Ranges, b: Ranges): Ranges {
  return normalise([...toPairs(a), ...toPairs(b)]);
}

function complement(a: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i]! > next) out.push(next, a[i]! - 1);
    next = a[i + 1]! + 1;
  }
  if (next <= MAX_CU) out.push(next, MAX_CU);
  return out;
}

function intersect(a: Ranges, b: Ranges): Ranges {
  return complement(union(complement(a), complement(b)));
}

function single(cp: number): Ranges {
  return [cp, cp];
}

function r(...bounds: number[]): Ranges {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < bounds.length; i += 2) pairs.push([bounds[i]!, bounds[i + 1]!]);
  return normalise(pairs);
}

/** Add the other-case forms: ASCII letters only (Java default), or every BMP letter with (?u). */
function withCaseVariants(set: Ranges, unicode: boolean): Ranges {
  const extra: Array<[number, number]> = [];
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i]!;
    const hi = set[i + 1]!;
    // ASCII letters as whole ranges
    const ulo = Math.max(lo, 0x41);
    const uhi = Math.min(hi, 0x5a);
    if (ulo <= uhi) extra.push([ulo + 0x20, uhi + 0x20]);
    const llo = Math.max(lo, 0x61);
    const lhi = Math.min(hi, 0x7a);
    if (llo <= lhi) extra.push([llo - 0x20, lhi - 0x20]);
    if (unicode && hi >= 0x80) {
      for (let c = Math.max(lo, 0x80); c <= hi; c++) {
        const ch = String.fromCharCode(c);
        for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
          if (v.length === 1) {
            const vc = v.charCodeAt(0);
            if (vc !== c) extra.push([vc, vc]);
          }
        }
      }
    }
  }
  return extra.length === 0 ? set : normalise([...toPairs(set), ...extra]);
}

function escCodeUnit(c: number): string {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f) return String.fromCharCode(c);
  if (c < 0x100) return '\\x' + c.toString(16).padStart(2, '0');
  return '\\u' + c.toString(16).padStart(4, '0');
}

function classBody(set: Ranges): string {
  let s = '';
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i]!;
    const hi = set[i + 1]!;
    if (lo === hi) s += escCodeUnit(lo);
    else if (hi === lo + 1) s += escCodeUnit(lo) + escCodeUnit(hi);
    else s += escCodeUnit(lo) + '-' + escCodeUnit(hi);
  }
  return s;
}

/** Emit a set as one JS atom. */
function emitSet(set: Ranges): string {
  if (set.length === 0) return '[]';
  if (set.length === 2 && set[0] === 0 && set[1] === MAX_CU) return '[^]';
  if (set.length === 2 && set[0] === set[1]) return escCodeUnit(set[0]!);
  if (set[0] === 0 && set[set.length - 1] === MAX_CU) return '[^' + classBody(complement(set)) + ']';
  return '[' + classBody(set) + ']';
}

// ------------------------------------------------------------------------------------------------
// Predefined sets

const LINE_TERMINATORS = r(0x0a, 0x0a, 0x0d, 0x0d, 0x85, 0x85, 0x2028, 0x2029);
const DIGIT = r(0x30, 0x39);
const WORD = r(0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a);
// Java \s is ASCII-only: [ \t\n\x0B\f\r] (JS \s also matches Unicode spaces).
const SPACE = r(0x09, 0x0d, 0x20, 0x20);
const HSPACE = r(0x09, 0x09, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x180e, 0x180e, 0x2000, 0x200a, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000);
// Java 8+ \v is vertical whitespace, not only \x0B as in JS
const VSPACE = r(0x0a, 0x0d, 0x85, 0x85, 0x2028, 0x2029);

const POSIX: Record<string, Ranges> = {
  Lower: r(0x61, 0x7a),
  Upper: r(0x41, 0x5a),
  ASCII: r(0x00, 0x7f),
  Alpha: r(0x41, 0x5a, 0x61, 0x7a),
  Digit: DIGIT,
  Alnum: r(0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a),
  Punct: r(0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e),
  Graph: r(0x21, 0x7e),
  Print: r(0x20, 0x7e),
  Blank: r(0x09, 0x09, 0x20, 0x20),
  Cntrl: r(0x00, 0x1f, 0x7f, 0x7f),
  XDigit: r(0x30, 0x39, 0x41, 0x46, 0x61, 0x66),
  Space: SPACE,
  all: r(0, MAX_CU),
  L1: r(0, 0xff),
};

/** Sets whose meaning widens to both cases under CASE_INSENSITIVE (Java 9+). */
const CASED_PROPERTIES = new Set(['Lower', 'Upper', 'javaLowerCase', 'javaUpperCase', 'javaTitleCase', 'Lu', 'Ll', 'Lt', 'IsLu', 'IsLl', 'IsLt']);

/** java.lang.Character-based classes, expressed with Unicode property escapes (u-flag syntax). */
const JAVA_CHAR_CLASSES: Record<string, string> = {
  javaLowerCase: '\\p{Lowercase}',
  javaUpperCase: '\\p{Uppercase}',
  javaTitleCase: '\\p{Lt}',
  javaDigit: '\\p{Nd}',
  javaLetter: '\\p{L}',
  javaLetterOrDigit: '[\\p{L}\\p{Nd}]',
  javaAlphabetic: '\\p{Alphabetic}',
  javaIdeographic: '\\p{Ideographic}',
  javaMirrored: '\\p{Bidi_Mirrored}',
  javaSpaceChar: '\\p{Z}',
  javaDefined: '\\P{Cn}',
  javaISOControl: '[\\x00-\\x1f\\x7f-\\x9f]',
  // Character.isWhitespace: Unicode space separators except the no-break ones, plus \t-\r, \x1C-\x1F
  javaWhitespace: '[\\t-\\r\\x1c-\\x20\\u1680\\u2000-\\u2006\\u2008-\\u200a\\u2028\\u2029\\u205f\\u3000]',
};

/** Binary properties reachable as \p{IsX} (case-insensitive in Java). */
const BINARY_PROPERTIES: Record<string, string> = {
  alphabetic: 'Alphabetic',
  ideographic: 'Ideographic',
  letter: 'L',
  lowercase: 'Lowercase',
  uppercase: 'Uppercase',
  titlecase: 'Lt',
  punctuation: 'P',
  control: 'Cc',
  white_space: 'White_Space',
  whitespace: 'White_Space',
  digit: 'Nd',
  hex_digit: 'Hex_Digit',
  hexdigit: 'Hex_Digit',
  join_control: 'Join_Control',
  joincontrol: 'Join_Control',
  noncharacter_code_point: 'Noncharacter_Code_Point',
  noncharactercodepoint: 'Noncharacter_Code_Point',
  assigned: 'Assigned',
  emoji: 'Emoji',
  emoji_presentation: 'Emoji_Presentation',
  emoji_modifier: 'Emoji_Modifier',
  emoji_modifier_base: 'Emoji_Modifier_Base',
  emoji_component: 'Emoji_Component',
  extended_pictographic: 'Extended_Pictographic',
};

const GENERAL_CATEGORIES = new Set([
  'L', 'LC', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf',
  'Po', 'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn',
]);

const unicodeSetCache = new Map<string, Ranges | null>();

/** Enumerate the BMP members of a u-flag class expression once; null when JS does not know it. */
function unicodeSet(expr: string): Ranges | null {
  const hit = unicodeSetCache.get(expr);
  if (hit !== undefined) return hit;
  let re: RegExp;
  try {
    re = new RegExp('^' + expr + '$', 'u');
  } catch {
    unicodeSetCache.set(expr, null);
    return null;
  }
  const pairs: Array<[number, number]> = [];
  let start = -1;
  for (let c = 0; c <= MAX_CU + 1; c++) {
    const inSet = c <= MAX_CU && re.test(String.fromCharCode(c));
    if (inSet && start < 0) start = c;
    else if (!inSet && start >= 0) {
      pairs.push([start, c - 1]);
      start = -1;
    }
  }
  const set = normalise(pairs);
  unicodeSetCache.set(expr, set);
  return set;
}

// ------------------------------------------------------------------------------------------------
// Translator

class RegexSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface Flags {
  i: boolean;
  d: boolean;
  m: boolean;
  s: boolean;
  u: boolean;
  x: boolean;
}

interface OpenGroup {
  saved: Flags;
  kind: 'plain' | 'atomic' | 'lookbehind';
  atomicIndex: number;
  offset: number;
}

/** Result of reading one escape: a literal code point, a set, or raw JS text (outside classes only). */
type EscapeToken = { kind: 'char'; cp: number } | { kind: 'set'; set: Ranges } | { kind: 'raw'; text: string };

const FLAG_LETTERS = 'idmsuxU';

class Translator {
  /** Pattern after \Q...\E removal. */
  private readonly p: string;
  /** p offset -> original source offset. */
  private readonly map: number[];
  private pos = 0;
  private out = '';
  private flags: Flags = { i: false, d: false, m: false, s: false, u: false, x: false };
  private javaGroups = 0;
  private jsGroups = 0;
  private readonly userToJs: number[] = [0];
  private readonly names = new Set<string>();
  private hidden = false;
  private readonly stack: OpenGroup[] = [];

  constructor(source: string) {
    const q = removeQuoting(source);
    this.p = q.text;
    this.map = q.map;
  }

  private err(message: string, at = this.pos): never {
    throw new RegexSyntaxError(message, this.map[Math.min(at, this.map.length - 1)] ?? 0);
  }

  translate(): { body: string; groupCount: number; userToJs: number[] | undefined } {
    let canQuantify = false;
    const p = this.p;
    for (;;) {
      this.skipIgnorable();
      if (this.pos >= p.length) break;
      const start = this.pos;
      const c = p.charCodeAt(this.pos);
      switch (c) {
        case 0x28 /* ( */:
          canQuantify = this.openGroup();
          break;
        case 0x29 /* ) */: {
          const g = this.stack.pop();
          if (!g) this.err("Unmatched closing ')'");
          this.pos++;
          this.out += g.kind === 'atomic' ? `))\\${g.atomicIndex})` : ')';
          this.flags = g.saved;
          canQuantify = g.kind !== 'lookbehind';
          break;
        }
        case 0x7c /* | */:
          this.pos++;
          this.out += '|';
          canQuantify = false;
          break;
        case 0x2a /* * */:
        case 0x2b /* + */:
        case 0x3f /* ? */:
          this.err(`Dangling meta character '${String.fromCharCode(c)}'`);
        case 0x7b /* { */:
          this.err('Illegal repetition (a { that does not start a quantifier must be escaped)');
        case 0x5b /* [ */:
          this.out += emitSet(this.parseClass());
          canQuantify = true;
          break;
        case 0x2e /* . */:
          this.pos++;
          this.out += emitSet(this.flags.s ? r(0, MAX_CU) : complement(this.flags.d ? single(0x0a) : LINE_TERMINATORS));
          canQuantify = true;
          break;
        case 0x5e /* ^ */:
          this.pos++;
          this.out += this.caret();
          canQuantify = true;
          break;
        case 0x24 /* $ */:
          this.pos++;
          this.out += this.dollar(this.flags.m);
          canQuantify = true;
          break;
        case 0x5c /* \ */: {
          this.pos++;
          const t = this.escape(false);
          if (t.kind === 'raw') this.out += t.text;
          else if (t.kind === 'set') this.out += emitSet(t.set);
          else this.emitChar(t.cp);
          canQuantify = true;
          break;
        }
        default:
          this.emitChar(this.readCodePoint());
          canQuantify = true;
      }
      if (this.pos === start) this.err('internal: no progress');
      if (canQuantify) this.quantifier();
    }
    if (this.stack.length > 0) this.err('Unclosed group', this.stack[this.stack.length - 1]!.offset);
    return { body: this.out, groupCount: this.javaGroups, userToJs: this.hidden ? this.userToJs : undefined };
  }

  /** In (?x) mode whitespace and #-comments are not part of the pattern (also inside classes). */
  private skipIgnorable(): void {
    if (!this.flags.x) return;
    const p = this.p;
    while (this.pos < p.length) {
      const c = p.charCodeAt(this.pos);
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) this.pos++;
      else if (c === 0x23 /* # */) {
        while (this.pos < p.length && !isLineTerminator(p.charCodeAt(this.pos))) this.pos++;
      } else break;
    }
  }

  private readCodePoint(): number {
    const p = this.p;
    const c = p.charCodeAt(this.pos++);
    if (c >= 0xd800 && c <= 0xdbff && this.pos < p.length) {
      const d = p.charCodeAt(this.pos);
      if (d >= 0xdc00 && d <= 0xdfff) {
        this.pos++;
        return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      }
    }
    return c;
  }

  /** Emit one literal code point as an atom (case variants under (?i)). */
  private emitChar(cp: number): void {
    if (cp > MAX_CU) {
      const s = String.fromCodePoint(cp);
      this.out += `(?:${escCodeUnit(s.charCodeAt(0))}${escCodeUnit(s.charCodeAt(1))})`;
      return;
    }
    // a \uD83D escape followed by a \uDE00 escape is one code point in Java: keep the pair together
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const save = this.pos;
      if (this.p.startsWith('\\u', this.pos)) {
        this.pos++;
        const t = this.escape(false);
        if (t.kind === 'char' && t.cp >= 0xdc00 && t.cp <= 0xdfff) {
          this.out += `(?:${escCodeUnit(cp)}${escCodeUnit(t.cp)})`;
          return;
        }
        this.pos = save;
      }
    }
    let set = single(cp);
    if (this.flags.i) set = withCaseVariants(set, this.flags.u);
    this.out += emitSet(set);
  }

  private caret(): string {
    if (!this.flags.m) return '^';
    // MULTILINE: at input start, or after a line terminator that is not at the end of input
    return this.flags.d ? '(?:^|(?<=\\n)(?!$))' : '(?:^|(?<=[\\n\\x85\\u2028\\u2029]|\\r(?!\\n))(?!$))';
  }

  /**
   * Java `$` (and `\Z`): end of input, or before a final line terminator. Under full-match a `$`
   * that ends the pattern (or a top-level alternative) can only succeed at the very end, so it is
   * emitted as a plain JS `$`, which keeps the linear-engine fallback available.
   */
  private dollar(multiline: boolean): string {
    const save = this.pos;
    this.skipIgnorable();
    const atEnd = this.stack.length === 0 && (this.pos >= this.p.length || this.p.charCodeAt(this.pos) === 0x7c);
    this.pos = save;
    if (atEnd) return '$';
    if (multiline) return this.flags.d ? '(?=\\n|$)' : '(?=[\\n\\r\\x85\\u2028\\u2029]|$)';
    return this.flags.d ? '(?=\\n?$)' : '(?=(?:\\r\\n|[\\n\\r\\x85\\u2028\\u2029])?$)';
  }

  /** After an atom: * + ? {n} {n,} {n,m}, then an optional lazy `?` or possessive `+`. */
  private quantifier(): void {
    this.skipIgnorable();
    const p = this.p;
    if (this.pos >= p.length) return;
    const c = p.charCodeAt(this.pos);
    if (c === 0x2a || c === 0x2b || c === 0x3f) {
      this.out += p[this.pos];
      this.pos++;
    } else if (c === 0x7b) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(this.pos, this.pos + 40));
      if (!m) this.err('Illegal repetition');
      const min = Number(m[1]);
      const max = m[3] !== undefined && m[3] !== '' ? Number(m[3]) : undefined;
      if (!Number.isSafeInteger(min) || (max !== undefined && (!Number.isSafeInteger(max) || max < min))) this.err('Illegal repetition range');
      this.out += m[0];
      this.pos += m[0].length;
    } else {
      return;
    }
    this.skipIgnorable();
    const s = p.charCodeAt(this.pos);
    if (s === 0x3f) {
      this.out += '?';
      this.pos++;
    } else if (s === 0x2b) {
      // possessive: translated to greedy (see header)
      this.pos++;
    }
  }

  /** At '(' : returns whether the construct can take a quantifier (false for a bare flag group). */
  private openGroup(): boolean {
    const p = this.p;
    const offset = this.pos;
    this.pos++;
    const saved = { ...this.flags };
    if (p.charCodeAt(this.pos) !== 0x3f /* ? */) {
      this.javaGroups++;
      this.userToJs.push(++this.jsGroups);
      this.stack.push({ saved, kind: 'plain', atomicIndex: 0, offset });
      this.out += '(';
      return false;
    }
    this.pos++;
    const c = p[this.pos];
    const push = (text: string, kind: OpenGroup['kind'] = 'plain', atomicIndex = 0) => {
      this.stack.push({ saved, kind, atomicIndex, offset });
      this.out += text;
      return false;
    };
    if (c === ':') {
      this.pos++;
      return push('(?:');
    }
    if (c === '=' || c === '!') {
      this.pos++;
      return push('(?' + c);
    }
    if (c === '>') {
      this.pos++;
      this.hidden = true;
      const idx = ++this.jsGroups;
      return push('(?:(?=(', 'atomic', idx);
    }
    if (c === '<') {
      const d = p[this.pos + 1];
      if (d === '=' || d === '!') {
        this.pos += 2;
        return push('(?<' + d, 'lookbehind');
      }
      const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(p.slice(this.pos, this.pos + 200));
      if (!m) this.err('named capturing group name must start with a Latin letter and contain only letters and digits, followed by >');
      const name = m[1]!;
      if (this.names.has(name)) this.err(`Named capturing group <${name}> is already defined`);
      this.names.add(name);
      this.pos += m[0].length;
      this.javaGroups++;
      this.userToJs.push(++this.jsGroups);
      return push(`(?<${name}>`);
    }
    // inline flags: (?idmsux-idmsux) or (?idmsux-idmsux:X)
    let on = true;
    const next = { ...this.flags };
    for (;;) {
      const f = p[this.pos];
      if (f === undefined) this.err('Unknown inline modifier');
      if (f === ')' || f === ':') break;
      if (f === '-') {
        on = false;
        this.pos++;
        continue;
      }
      if (!FLAG_LETTERS.includes(f)) this.err(`Unknown inline modifier '${f}'`);
      if (f === 'U') this.err('the UNICODE_CHARACTER_CLASS flag (?U) is not supported');
      next[f as keyof Flags] = on;
      this.pos++;
    }
    const end = p[this.pos];
    this.pos++;
    if (end === ')') {
      // flags stay in force to the end of the enclosing group (Java/Perl semantics)
      this.flags = next;
      return false;
    }
    this.flags = next;
    return push('(?:');
  }

  // --- escapes -----------------------------------------------------------------------------------

  /** At the character after a backslash. */
  private escape(inClass: boolean): EscapeToken {
    const p = this.p;
    if (this.pos >= p.length) this.err('Unexpected internal error: pattern ends with a backslash');
    const at = this.pos - 1;
    const c = p[this.pos]!;
    this.pos++;
    const char = (cp: number): EscapeToken => ({ kind: 'char', cp });
    const set = (s: Ranges): EscapeToken => ({ kind: 'set', set: s });
    const raw = (text: string): EscapeToken => {
      if (inClass) this.err(`\\${c} is not allowed inside a character class`, at);
      return { kind: 'raw', text };
    };
    switch (c) {
      case 't':
        return char(0x09);
      case 'n':
        return char(0x0a);
      case 'r':
        return char(0x0d);
      case 'f':
        return char(0x0c);
      case 'a':
        return char(0x07);
      case 'e':
        return char(0x1b);
      case '0': {
        const m = /^([0-3][0-7]{0,2}|[4-7][0-7]?)/.exec(p.slice(this.pos, this.pos + 3));
        if (!m) this.err('Illegal octal escape sequence', at);
        this.pos += m[0].length;
        return char(parseInt(m[0], 8));
      }
      case 'x': {
        if (p[this.pos] === '{') {
          const m = /^\{([0-9a-fA-F]{1,8})\}/.exec(p.slice(this.pos, this.pos + 12));
          if (!m) this.err('Illegal hexadecimal escape sequence', at);
          const cp = parseInt(m[1]!, 16);
          if (cp > 0x10ffff) this.err('Hexadecimal codepoint is too big', at);
          this.pos += m[0].length;
          return char(cp);
        }
        const m = /^[0-9a-fA-F]{2}/.exec(p.slice(this.pos, this.pos + 2));
        if (!m) this.err('Illegal hexadecimal escape sequence', at);
        this.pos += 2;
        return char(parseInt(m[0], 16));
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(p.slice(this.pos, this.pos + 4));
        if (!m) this.err('Illegal Unicode escape sequence', at);
        this.pos += 4;
        return char(parseInt(m[0], 16));
      }
      case 'c': {
        if (this.pos >= p.length) this.err('Illegal control escape sequence', at);
        return char(p.charCodeAt(this.pos++) ^ 64);
      }
      case 'd':
        return set(DIGIT);
      case 'D':
        return set(complement(DIGIT));
      case 'w':
        return set(WORD);
      case 'W':
        return set(complement(WORD));
      case 's':
        return set(SPACE);
      case 'S':
        return set(complement(SPACE));
      case 'h':
        return set(HSPACE);
      case 'H':
        return set(complement(HSPACE));
      case 'v':
        return set(VSPACE);
      case 'V':
        return set(complement(VSPACE));
      case 'p':
      case 'P': {
        const s = this.property(at);
        return set(c === 'P' ? complement(s) : s);
      }
      case 'b':
        if (p[this.pos] === '{') this.err('\\b{g} (grapheme cluster boundary) is not supported', at);
        return raw('\\b');
      case 'B':
        return raw('\\B');
      case 'A':
        return raw('^');
      case 'z':
        return raw('$');
      case 'Z':
        return raw(this.dollar(false));
      case 'G':
        return this.err('\\G (end of the previous match) is not supported', at);
      case 'R':
        return raw('(?:\\r\\n|[\\n\\x0b\\x0c\\r\\x85\\u2028\\u2029])');
      case 'X':
        return this.err('\\X (grapheme cluster) is not supported', at);
      case 'N':
        return this.err('\\N{name} character names are not supported', at);
      case 'E':
        return this.err('\\E without a preceding \\Q', at);
      case 'k': {
        if (inClass) this.err('a back reference is not allowed inside a character class', at);
        const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(p.slice(this.pos, this.pos + 200));
        if (!m) this.err('\\k is not followed by <name>', at);
        if (!this.names.has(m[1]!)) this.err(`named capturing group <${m[1]}> does not exist`, at);
        if (this.flags.i) this.err('back references under case-insensitive matching are not supported', at);
        this.pos += m[0].length;
        return raw(`\\k<${m[1]}>`);
      }
      default:
        break;
    }
    const code = c.charCodeAt(0);
    if (code >= 0x31 && code <= 0x39) {
      if (inClass) this.err('a back reference is not allowed inside a character class', at);
      // Java takes more digits only while they still name an existing group
      let n = code - 0x30;
      while (this.pos < p.length) {
        const d = p.charCodeAt(this.pos);
        if (d < 0x30 || d > 0x39) break;
        const nn = n * 10 + (d - 0x30);
        if (nn > this.javaGroups) break;
        n = nn;
        this.pos++;
      }
      if (n > this.javaGroups) this.err(`back reference \\${n} names a group that is not defined before it`, at);
      if (this.flags.i) this.err('back references under case-insensitive matching are not supported', at);
      return raw(`(?:\\${this.userToJs[n]})`);
    }
    if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) this.err(`Illegal/unsupported escape sequence \\${c}`, at);
    // any other escaped character stands for itself
    this.pos--;
    return char(this.readCodePoint());
  }

  /** \p / \P name, after the letter. */
  private property(at: number): Ranges {
    const p = this.p;
    let name: string;
    if (p[this.pos] === '{') {
      const close = p.indexOf('}', this.pos);
      if (close < 0) this.err('Unclosed character family', at);
      name = p.slice(this.pos + 1, close);
      this.pos = close + 1;
    } else {
      if (this.pos >= p.length) this.err('Illegal character family', at);
      name = p[this.pos]!;
      this.pos++;
    }
    let set = this.resolveProperty(name, at);
    if (this.flags.i && CASED_PROPERTIES.has(name)) set = withCaseVariants(set, true);
    return set;
  }

  private resolveProperty(name: string, at: number): Ranges {
    const unknown = (): never => this.err(`Unknown character property name {${name}}`, at);
    const viaJs = (expr: string): Ranges => unicodeSet(expr) ?? unknown();
    const posix = POSIX[name];
    if (posix) return posix;
    const jc = JAVA_CHAR_CLASSES[name];
    if (jc) return viaJs(jc);
    if (name.startsWith('java')) return this.err(`character class \\p{${name}} is not supported`, at);
    if (name === 'LD') return viaJs('[\\p{L}\\p{Nd}]');
    if (GENERAL_CATEGORIES.has(name)) return viaJs(`\\p{${name}}`);
    if (name.startsWith('In')) return this.err(`Unicode blocks (\\p{${name}}) are not supported`, at);
    const eq = name.indexOf('=');
    if (eq > 0) {
      const key = name.slice(0, eq).toLowerCase();
      const value = name.slice(eq + 1);
      if (key === 'sc' || key === 'script') return viaJs(`\\p{Script=${value}}`);
      if (key === 'gc' || key === 'general_category') return GENERAL_CATEGORIES.has(value) ? viaJs(`\\p{${value}}`) : unknown();
      if (key === 'blk' || key === 'block') return this.err(`Unicode blocks (\\p{${name}}) are not supported`, at);
      return unknown();
    }
    if (name.startsWith('Is')) {
      const rest = name.slice(2);
      const bin = BINARY_PROPERTIES[rest.toLowerCase()];
      if (bin) return viaJs(`\\p{${bin}}`);
      if (GENERAL_CATEGORIES.has(rest)) return viaJs(`\\p{${rest}}`);
      if (/^[A-Za-z_]+$/.test(rest)) return viaJs(`\\p{Script=${rest}}`);
    }
    return unknown();
  }

  // --- character classes ------------------------------------------------------------------------

  /** At '[': a Java class with nesting (union), && (intersection) and ^ applying to the whole. */
  private parseClass(): Ranges {
    const p = this.p;
    const open = this.pos;
    this.pos++;
    let negated = false;
    if (p[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const operands: Ranges[] = [];
    let current: Ranges = [];
    let started = false;
    for (;;) {
      this.skipIgnorable();
      if (this.pos >= p.length) this.err('Unclosed character class', open);
      const c = p[this.pos];
      if (c === ']' && started) {
        this.pos++;
        break;
      }
      if (c === '[') {
        current = union(current, this.parseClass());
        started = true;
        continue;
      }
      if (c === '&' && p[this.pos + 1] === '&') {
        this.pos += 2;
        if (started) operands.push(current);
        current = [];
        started = false;
        continue;
      }
      // a single character, a predefined set, or a range
      const first = this.classAtom();
      started = true;
      if (first.kind === 'set') {
        current = union(current, first.set);
        continue;
      }
      let item: Ranges = single(first.cp);
      const save = this.pos;
      this.skipIgnorable();
      if (p[this.pos] === '-' && p[this.pos + 1] !== ']' && p[this.pos + 1] !== '[' && this.pos + 1 < p.length) {
        this.pos++;
        this.skipIgnorable();
        const last = this.classAtom();
        if (last.kind !== 'char') this.err('Illegal character range', save);
        if (last.cp < first.cp) this.err('Illegal character range', save);
        if (last.cp > MAX_CU) this.err('supplementary characters (above U+FFFF) are not supported inside character classes', save);
        item = r(first.cp, last.cp);
      } else {
        this.pos = save;
      }
      if (this.flags.i) item = withCaseVariants(item, this.flags.u);
      current = union(current, item);
    }
    if (started || operands.length === 0) operands.push(current);
    let result = operands[0]!;
    for (let k = 1; k < operands.length; k++) result = intersect(result, operands[k]!);
    return negated ? complement(result) : result;
  }

  private classAtom(): { kind: 'char'; cp: number } | { kind: 'set'; set: Ranges } {
    const at = this.pos;
    let t: EscapeToken;
    if (this.p[this.pos] === '\\') {
      this.pos++;
      t = this.escape(true);
    } else {
      t = { kind: 'char', cp: this.readCodePoint() };
    }
    if (t.kind === 'raw') return this.err('unexpected construct inside a character class', at);
    if (t.kind === 'char' && t.cp > MAX_CU) this.err('supplementary characters (above U+FFFF) are not supported inside character classes', at);
    return t;
  }
}

function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
}

/**
 * Java removes \Q...\E quoting before parsing: every quoted character becomes a literal. Letters
 * stay as they are, digits become \x3N (so they cannot extend a preceding escape), other ASCII
 * characters get a backslash, non-ASCII characters stay literal. A missing \E quotes to the end.
 */
function removeQuoting(src: string): { text: string; map: number[] } {
  if (!src.includes('\\Q')) return { text: src, map: Array.from({ length: src.length + 1 }, (_, i) => i) };
  let text = '';
  const map: number[] = [];
  const put = (s: string, from: number) => {
    for (let k = 0; k < s.length; k++) map.push(from);
    text += s;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) {
      if (src[i + 1] === 'Q') {
        i += 2;
        while (i < src.length && !(src[i] === '\\' && src[i + 1] === 'E')) {
          const q = src[i]!;
          const code = q.charCodeAt(0);
          if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) put(q, i);
          else if (code >= 0x30 && code <= 0x39) put('\\x3' + q, i);
          else if (code < 0x80) put('\\' + q, i);
          else put(q, i);
          i++;
        }
        if (i < src.length) i += 2;
        continue;
      }
      put(src.slice(i, i + 2), i);
      i += 2;
      continue;
    }
    put(c, i);
    i++;
  }
  map.push(src.length);
  return { text, map };
}

// ------------------------------------------------------------------------------------------------

const cache = new Map<string, JavaRegexResult>();
const CACHE_LIMIT = 1000;

/**
 * Compile a Java regex for full matching. Errors carry a message (and the source offset) suitable
 * for a config diagnostic. Results are cached by source: the read stage and the compile stage both
 * call this for the same pattern.
 */
export function compileJavaRegex(source: string): JavaRegexResult {
  const hit = cache.get(source);
  if (hit) return hit;
  const result = compileUncached(source);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, result);
  return result;
}

function compileUncached(source: string): JavaRegexResult {
  let t: ReturnType<Translator['translate']>;
  try {
    t = new Translator(source).translate();
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { ok: false, message: `${e.message} near index ${e.offset}`, offset: e.offset };
    throw e;
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${t.body})$`);
  } catch (e) {
    return { ok: false, message: `cannot be translated to a JavaScript regex: ${(e as Error).message}` };
  }
  const { groupCount, userToJs } = t;
  let match: (s: string) => RegExpExecArray | null;
  if (userToJs) {
    // hide the helper groups of atomic-group emulation: result[n] is Java group n
    match = (s) => {
      const m = regex.exec(s);
      if (!m) return null;
      const out = [m[0]] as unknown as RegExpExecArray;
      for (let n = 1; n <= groupCount; n++) out.push(m[userToJs[n]!] as string);
      out.index = m.index;
      out.input = m.input;
      out.groups = m.groups;
      return out;
    };
  } else {
    match = (s) => regex.exec(s);
  }
  // fullMatch/match are the per-message calls: a bare RegExp test/exec, nothing built per call
  return { ok: true, source, regex, groupCount, fullMatch: (s) => regex.test(s), match };
}

// Config stage helper: Synapse regexes are Java regexes matched with Matcher.matches() (the
// whole string). This translates the Java-only syntax JavaScript can express, rejects the rest
// with a precise message, and compiles once. Catastrophic backtracking on client input falls
// back to V8's linear engine (flag set once at load).

import v8 from 'node:v8';

v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

export type JavaRegexResult =
  | { ok: true; regex: RegExp; fullMatch(s: string): boolean; match(s: string): RegExpExecArray | null }
  | { ok: false; message: string; offset?: number };

const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  javaLowerCase: '\\p{Ll}',
  javaUpperCase: '\\p{Lu}',
  javaWhitespace: '\\s',
  javaMirrored: '\\p{Bidi_M}',
  L: '\\p{L}',
  Lu: '\\p{Lu}',
  Ll: '\\p{Ll}',
  N: '\\p{N}',
  Nd: '\\p{Nd}',
  P: '\\p{P}',
  IsAlphabetic: '\\p{Alphabetic}',
  IsDigit: '\\p{Nd}',
  IsLetter: '\\p{L}',
  IsLatin: '\\p{Script=Latin}',
};

interface Translation {
  source: string;
  flags: string;
}

/** Translate a Java pattern to a JavaScript one (unicode mode), or explain why not. */
export function translateJavaRegex(src: string): Translation | { error: string; offset: number } {
  let flags = '';
  let i = 0;
  // leading inline flags: (?i) (?s) (?m) (?x) (?u) and combinations
  const lead = /^\(\?([imsxuU]+)\)/.exec(src);
  let extended = false;
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      else if (f === 's' && !flags.includes('s')) flags += 's';
      else if (f === 'm' && !flags.includes('m')) flags += 'm';
      else if (f === 'x') extended = true;
    }
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  // whether the last token written was a quantifier (so a following "+" is possessive)
  let afterQuantifier = false;
  let classStart = 0;
  const ci = flags.includes('i');
  flags = flags.replace('i', '');
  while (i < src.length) {
    const c = src[i]!;
    const wasQuantifier = afterQuantifier;
    afterQuantifier = false;
    if (extended && !inClass) {
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < src.length && src[i] !== '\n') i++;
        continue;
      }
    }
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { error: 'the pattern ends with a lone backslash', offset: i };
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 2;
        continue;
      }
      if (n === 'p' || n === 'P') {
        const m = /^\{(?:Is)?(\w+)\}/.exec(src.slice(i + 2));
        if (!m) return { error: `unsupported \\${n} form`, offset: i };
        const name = m[1]!;
        const cls = POSIX[name] ?? POSIX[`Is${name}`];
        if (cls === undefined) return { error: `the character class \\${n}{${name}} has no JavaScript equivalent`, offset: i };
        const single = cls.startsWith('\\p{') || cls === '\\s';
        if (n === 'P') out += inClass ? (single ? cls.replace('\\p', '\\P').replace('\\s', '\\S') : `\\P{Any}`) : single ? cls.replace('\\p', '\\P').replace('\\s', '\\S') : `[^${cls}]`;
        else out += inClass ? cls : single ? cls : `[${cls}]`;
        if (n === 'P' && inClass && !single) return { error: `\\P{${name}} inside a character class is not supported`, offset: i };
        i += 2 + m[0].length;
        continue;
      }
      if (n === 'A') {
        out += '^';
        i += 2;
        continue;
      }
      if (n === 'Z' || n === 'z') {
        out += n === 'Z' ? '(?=\\n?$)' : '$';
        i += 2;
        continue;
      }
      if (n === 'h') {
        out += inClass ? ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000' : '[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]';
        i += 2;
        continue;
      }
      if (n === 'G' || n === 'R' || n === 'X') return { error: `\\${n} has no JavaScript equivalent`, offset: i };
      if (n === 'e') {
        out += '\\x1B';
        i += 2;
        continue;
      }
      if (n === 'a') {
        out += '\\x07';
        i += 2;
        continue;
      }
      // unicode mode rejects escapes of ordinary characters that Java allows
      if (/[A-Za-z0-9]/.test(n) || /[\^$\\.*+?()[\]{}|\/-]/.test(n)) {
        out += '\\' + n;
      } else {
        out += n;
      }
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        if (ci) out += classCaseExtras(out.slice(classStart));
      }
      else if (c === '[') return { error: 'nested character classes (union/intersection) are not supported', offset: i };
      else if (c === '&' && src[i + 1] === '&') return { error: 'character class intersection (&&) is not supported', offset: i };
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      classStart = out.length;
      if (src[i] === '^') {
        out += '^';
        i++;
      }
      if (src[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('>')) {
        // atomic group: emulate with a lookahead capture and a backreference
        return { error: 'atomic groups (?>...) are not supported', offset: i };
      }
      if (/^[imsxuU-]+[):]/.test(rest)) return { error: 'inline flags are only supported at the start of the pattern', offset: i };
      if (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!')) {
        out += '(?<';
        i += 3;
        continue;
      }
    }
    if (c === '+' && wasQuantifier) {
      // possessive quantifier (x*+): treated as greedy; only the backtracking guarantee differs
      i++;
      continue;
    }
    if (c === '?' && wasQuantifier) {
      out += c; // lazy quantifier
      i++;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      out += c;
      afterQuantifier = true;
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length;
        afterQuantifier = true;
        continue;
      }
    }
    out += ci ? foldCase(c) : c;
    i++;
  }
  if (inClass) return { error: 'unclosed character class', offset: src.length };
  return { source: out, flags };
}

/** A letter outside a class under (?i): both cases, so the linear engine (no "i" flag) can run. */
function foldCase(c: string): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  return lo !== up && c.length === 1 ? `[${lo}${up}]` : c;
}

/** The other-case letters to add to a class body written under (?i) (ASCII letters and ranges). */
function classCaseExtras(body: string): string {
  let extra = '';
  for (let k = 0; k < body.length; k++) {
    if (body[k] === '\\') {
      k++;
      continue;
    }
    const ch = body[k]!;
    const swap = (x: string) => (x === x.toLowerCase() ? x.toUpperCase() : x.toLowerCase());
    if (body[k + 1] === '-' && k + 2 < body.length && /[A-Za-z]/.test(ch) && /[A-Za-z]/.test(body[k + 2]!)) {
      extra += `${swap(ch)}-${swap(body[k + 2]!)}`;
      k += 2;
    } else if (/[A-Za-z]/.test(ch)) {
      extra += swap(ch);
    }
  }
  return extra;
}

const cache = new Map<string, JavaRegexResult>();

/** Compile a Java regex for full-match use. Results are cached (config reuse is common). */
export function compileJavaRegex(source: string): JavaRegexResult {
  const hit = cache.get(source);
  if (hit) return hit;
  const t = translateJavaRegex(source);
  let result: JavaRegexResult;
  if ('error' in t) {
    result = { ok: false, message: t.error, offset: t.offset };
  } else {
    let regex: RegExp;
    // The "u" flag only where a Unicode property class needs it: V8's linear-time fallback for
    // runaway backtracking does not engage on unicode (or ignore-case) patterns.
    const unicode = /\\[pP]\{/.test(t.source);
    try {
      regex = new RegExp(`^(?:${t.source})$`, t.flags + (unicode ? 'u' : ''));
    } catch (e) {
      result = { ok: false, message: (e as Error).message.replace(/^Invalid regular expression: /, '') };
      cache.set(source, result);
      return result;
    }
    result = {
      ok: true,
      regex,
      fullMatch: (s: string) => regex.test(s),
      match: (s: string) => regex.exec(s),
    };
  }
  if (cache.size < 10_000) cache.set(source, result);
  return result;
}

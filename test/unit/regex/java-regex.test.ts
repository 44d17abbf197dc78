// Java regexes (switch/filter/property/user-agent) with Matcher.matches() semantics (trap 1):
// Java-only syntax translated or rejected with a message, and no catastrophic backtracking.

import { expect } from 'chai';
import { compileJavaRegex } from '../../../src/regex/java-regex.js';

function full(re: string, s: string): boolean {
  const r = compileJavaRegex(re);
  if (!r.ok) throw new Error(`${re}: ${r.message}`);
  return r.fullMatch(s);
}

// [java regex, input, Matcher.matches() result]
const CASES: [string, string, boolean][] = [
  // full match, not find (CT-31: case regex "IB" does not match "IBM")
  ['IB', 'IBM', false],
  ['IBM', 'IBM', true],
  ['a|b', 'a', true],
  ['a|b', 'ab', false],
  ['^/rooms/[^/]+$', '/rooms/{roomID}', true],
  ['.*foo.*', 'xxfooyy', true],
  ['curl.*', 'xcurl/8', false],
  // inline flags at the start and in the middle, scoped groups, turning a flag off
  ['(?i)ibm', 'IbM', true],
  ['(?i)[a-c]+', 'AbC', true],
  ['(?i)[^a-c]', 'B', false],
  ['(?i)a|b', 'B', true],
  ['a(?i)b', 'aB', true],
  ['a(?i)b', 'AB', false],
  ['(a(?i)b)c', 'aBc', true],
  ['(a(?i)b)c', 'aBC', false],
  ['a(?i:b)c', 'aBc', true],
  ['a(?i:b)c', 'aBC', false],
  ['(?i)mozilla.*(?-i)X', 'MOZILLA yX', true],
  ['(?i)mozilla.*(?-i)X', 'MOZILLA yx', false],
  // Java's default case-insensitivity is ASCII only; (?u) widens it
  ['(?i)é', 'É', false],
  ['(?iu)é', 'É', true],
  // dot, DOTALL, MULTILINE, UNIX_LINES, COMMENTS
  ['a.c', 'a\nc', false],
  ['a.c', 'a\u0085c', false],
  ['(?s)a.c', 'a\nc', true],
  ['(?d)a.c', 'a\rc', true],
  ['(?m)a$\\nb', 'a\nb', true],
  ['(?m)^a\\n^b', 'a\nb', true],
  ['(?x) a b  # comment', 'ab', true],
  ['(?x)[a b]+', 'ab', true],
  ['(?x)a\\ b', 'a b', true],
  ['(?x)a +', 'aaa', true],
  // \Q...\E quoting
  ['\\Qa.b*\\E', 'a.b*', true],
  ['\\Qa.b*\\E', 'axbb', false],
  ['\\Q(\\E+', '((', true],
  ['[\\Qa-z\\E]', '-', true],
  ['[\\Qa-z\\E]', 'b', false],
  ['\\Qunterminated.', 'unterminated.', true],
  // possessive quantifiers (greedy here) and atomic groups (exact)
  ['a*+b', 'aaab', true],
  ['[^"]++"', 'abc"', true],
  ['(?>a+)b', 'aaab', true],
  ['(?>a+)a', 'aaa', false],
  ['(?>a|ab)c', 'abc', false],
  // POSIX and java.lang.Character classes, Unicode categories and scripts
  ['\\p{Alpha}+\\p{Digit}', 'abc1', true],
  ['\\p{Alpha}', 'é', false],
  ['\\p{Upper}\\p{Lower}', 'Ab', true],
  ['\\p{Alnum}\\p{Punct}\\p{Space}\\p{XDigit}', 'a! f', true],
  ['\\p{javaLowerCase}+', 'abcé', true],
  ['\\p{javaUpperCase}', 'É', true],
  ['\\p{javaWhitespace}', '\u00a0', false],
  ['\\p{Lu}\\p{L}', 'Éx', true],
  ['\\pL\\PL', 'a1', true],
  ['\\p{IsLatin}+', 'abc', true],
  ['\\p{IsAlphabetic}', 'ж', true],
  ['\\p{sc=Greek}', 'λ', true],
  ['\\P{Digit}', 'a', true],
  // \A \z \Z $ and friends
  ['\\Aab\\z', 'ab', true],
  ['ab$', 'ab', true],
  ['ab\\Z', 'ab', true],
  ['a$\\n', 'a\n', true],
  ['a\\Z\\r\\n', 'a\r\n', true],
  // Java \s is ASCII, \h \v \R are Java's
  ['\\s', '\u00a0', false],
  ['\\s', '\u000b', true],
  ['\\h', '\u00a0', true],
  ['\\v', '\n', true],
  ['\\R', '\r\n', true],
  ['\\R', '\u2028', true],
  // character classes: nesting (union), intersection, negation of the whole class, odd "]"
  ['[a-c[x-z]]', 'y', true],
  ['[\\p{Alpha}&&[^aeiou]]+', 'bcd', true],
  ['[\\p{Alpha}&&[^aeiou]]+', 'bad', false],
  ['[a-z&&[def]]', 'e', true],
  ['[a-z&&[def]]', 'a', false],
  ['[\\w&&[^\\d]]+', 'ab_', true],
  ['[^a[b]]', 'b', false],
  ['[^a[b]]', 'c', true],
  ['[]a]+', ']a', true],
  ['[^]a]', 'b', true],
  ['[a-]', '-', true],
  ['[-a]', '-', true],
  // escapes
  ['\\x41\\u0042\\0103\\x{44}', 'ABCD', true],
  ['\\cA', '\u0001', true],
  ['\\t\\e\\a', '\t\u001b\u0007', true],
  ['x\\$\\.\\-', 'x$.-', true],
  // back references (Java digit rules) and named groups
  ['(a)\\1', 'aa', true],
  ['(a)\\1', 'ab', false],
  ['(a)\\10', 'aa0', true],
  ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10', 'abcdefghijj', true],
  ['(?<x>a)\\k<x>', 'aa', true],
  // quantifiers
  ['a{2,3}', 'aaa', true],
  ['a{2,3}', 'aaaa', false],
  ['a{2,}', 'aaaaa', true],
  ['a{2}?', 'aa', true],
  // supplementary characters outside classes stay one atom
  ['😀+', '😀😀', true],
  ['\\x{1F600}', '😀', true],
  ['\\uD83D\\uDE00?x', 'x', true],
];

describe('regex: Java regex translation', () => {
  for (const [re, input, want] of CASES) {
    it(`${JSON.stringify(re)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(input)}`, () => {
      expect(full(re, input)).to.equal(want);
    });
  }

  it('rejects what JavaScript cannot express, with a message and the offset', () => {
    const bad: [string, RegExp][] = [
      ['\\G', /\\G/],
      ['a(b', /Unclosed group/],
      ['a)', /Unmatched closing/],
      ['[a', /Unclosed character class/],
      ['\\p{InGreek}', /blocks/],
      ['\\p{Nope}', /Unknown character property/],
      ['\\p{javaJavaIdentifierStart}', /not supported/],
      ['(?U)\\w', /UNICODE_CHARACTER_CLASS/],
      ['\\X', /grapheme/],
      ['\\b{g}', /grapheme/],
      ['\\N{LATIN SMALL LETTER A}', /character names/],
      ['a**', /Dangling/],
      ['*a', /Dangling/],
      ['a{', /Illegal repetition/],
      ['x{,3}', /Illegal repetition/],
      ['a{3,2}', /range/],
      ['\\E', /\\Q/],
      ['(?#comment)', /inline modifier/],
      ['\\2(a)', /not defined/],
      ['\\k<nope>', /does not exist/],
      ['(?i)(a)\\1', /case-insensitive/],
      ['[b-a]', /Illegal character range/],
      ['\\y', /Illegal\/unsupported escape/],
      ['[😀]', /supplementary/],
      ['(?<1a>x)', /Latin letter/],
      ['(?<a>x)(?<a>y)', /already defined/],
    ];
    for (const [re, msg] of bad) {
      const r = compileJavaRegex(re);
      expect(r.ok, re).to.equal(false);
      if (!r.ok) {
        expect(r.message, re).to.match(msg);
        expect(r.offset, re).to.be.a('number');
      }
    }
  });

  it('gives Java group numbers from match(), hiding atomic-group helpers', () => {
    const r = compileJavaRegex('order-(\\d+)');
    expect(r.ok && r.match('order-42')?.[1]).to.equal('42');
    const a = compileJavaRegex('(?>(a+))-(?<n>\\d+)');
    if (!a.ok) throw new Error(a.message);
    expect(a.groupCount).to.equal(2);
    const m = a.match('aa-42');
    expect(m && [...m]).to.deep.equal(['aa-42', 'aa', '42']);
    expect(m?.groups?.n).to.equal('42');
    expect(a.match('aa-x')).to.equal(null);
  });

  it('emits no u/i/v flag so V8 can fall back to its linear engine', () => {
    for (const re of ['(?i)abc', '\\p{L}+', '(?s).*', '(?m)^a$']) {
      const r = compileJavaRegex(re);
      expect(r.ok && r.regex.flags, re).to.equal('');
    }
  });

  it('caches by source', () => {
    expect(compileJavaRegex('x+y')).to.equal(compileJavaRegex('x+y'));
  });

  // regression guard for the V8 flag set at module load: keep the bound loose
  it('does not backtrack catastrophically on client input: (a+)+b vs 40 a\'s', () => {
    const t = Date.now();
    expect(full('(a+)+b', 'a'.repeat(40))).to.equal(false);
    expect(Date.now() - t).to.be.lessThan(500);
    for (const re of ['(a+)+b', '(?i)(a+)+b', '(a|aa)+b', '(.*a){12}']) {
      const r = compileJavaRegex(re);
      if (!r.ok) throw new Error(r.message);
      const t0 = Date.now();
      expect(r.fullMatch('a'.repeat(40) + '!'), re).to.equal(false);
      expect(Date.now() - t0, re).to.be.lessThan(500);
    }
  });
});

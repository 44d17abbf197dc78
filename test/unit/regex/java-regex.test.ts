// Java regexes with full-match semantics; Java-only syntax translated or rejected; no ReDoS.

import { expect } from 'chai';
import { compileJavaRegex } from '../../../src/regex/java-regex.js';

function full(re: string, s: string): boolean {
  const r = compileJavaRegex(re);
  if (!r.ok) throw new Error(r.message);
  return r.fullMatch(s);
}

describe('regex: Java regex translation', () => {
  it('matches the whole string only (Matcher.matches)', () => {
    expect(full('IB', 'IBM')).to.equal(false);
    expect(full('IBM', 'IBM')).to.equal(true);
    expect(full('a|b', 'a')).to.equal(true);
    expect(full('a|b', 'ab')).to.equal(false);
    expect(full('^/rooms/[^/]+$', '/rooms/{roomID}')).to.equal(true);
  });

  it('translates leading inline flags, \\Q..\\E, POSIX classes, \\A and \\z', () => {
    expect(full('(?i)ibm', 'IBM')).to.equal(true);
    expect(full('\\Qa.b*\\E', 'a.b*')).to.equal(true);
    expect(full('\\Qa.b*\\E', 'axbb')).to.equal(false);
    expect(full('\\p{Alpha}+\\p{Digit}', 'abc1')).to.equal(true);
    expect(full('\\p{javaLowerCase}+', 'abc')).to.equal(true);
    expect(full('\\Aab\\z', 'ab')).to.equal(true);
    expect(full('(?x) a b  # comment', 'ab')).to.equal(true);
    expect(full('a*+b', 'aaab')).to.equal(true);
  });

  it('rejects what JavaScript cannot express, with a message', () => {
    for (const re of ['(?>a+)b', 'a(?i:b)', '[a-z&&[^b]]', '\\G', 'a(b', '\\p{InGreek}']) {
      const r = compileJavaRegex(re);
      expect(r.ok, re).to.equal(false);
      if (!r.ok) expect(r.message).to.be.a('string').and.not.equal('');
    }
  });

  it('gives capture groups for property pattern/group', () => {
    const r = compileJavaRegex('order-(\\d+)');
    expect(r.ok && r.match('order-42')?.[1]).to.equal('42');
  });

  it('does not backtrack catastrophically on client input (regression guard)', () => {
    const t0 = Date.now();
    expect(full('(a+)+b', 'a'.repeat(40))).to.equal(false);
    expect(Date.now() - t0).to.be.lessThan(2000);
  });
});

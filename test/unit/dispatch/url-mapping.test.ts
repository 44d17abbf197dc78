// url-mapping classification and selection (synapse-semantics §2.5 step 2.1, CT-09..CT-13, W).

import { expect } from 'chai';
import { classifyUrlMapping, matchUrlMapping, selectUrlMapping, urlMappingPattern, type UrlMapping } from '../../../src/runtime/dispatch/url-mapping.js';

const m = (mapping: string, subPath: string) => matchUrlMapping(classifyUrlMapping(mapping), subPath);

/** Pick among mappings in the given order; returns the winning mapping string. */
function pick(mappings: string[], subPath: string): string | undefined {
  const list = mappings.map((s) => classifyUrlMapping(s));
  return selectUrlMapping<UrlMapping>(list, (x) => x, subPath)?.mapping;
}

describe('dispatch: url-mapping classification', () => {
  it('reads exact, prefix and extension mappings as W does', () => {
    expect(classifyUrlMapping('/foo/bar')).to.include({ kind: 'exact', path: '/foo/bar' });
    expect(classifyUrlMapping('/foo/bar/')).to.include({ kind: 'exact', path: '/foo/bar' });
    expect(classifyUrlMapping('/')).to.include({ kind: 'exact', path: '/' });
    expect(classifyUrlMapping('/foo/*')).to.deep.include({ kind: 'prefix', prefix: '/foo', segments: ['foo'] });
    expect(classifyUrlMapping('/*')).to.deep.include({ kind: 'prefix', prefix: '', segments: [] });
    expect(classifyUrlMapping('*.jsp')).to.include({ kind: 'extension', ext: '.jsp' });
    // not "/.../*" and not "*.": an exact mapping (which a path never equals)
    expect(classifyUrlMapping('foo*')).to.include({ kind: 'exact', path: 'foo*' });
  });

  it('reports rest.url.pattern strings', () => {
    expect(urlMappingPattern(classifyUrlMapping('/foo/'))).to.equal('/foo');
    expect(urlMappingPattern(classifyUrlMapping('/foo/*'))).to.equal('/foo/*');
    expect(urlMappingPattern(classifyUrlMapping('*.jsp'))).to.equal('*.jsp');
  });
});

describe('dispatch: url-mapping matching', () => {
  it('CT-09: "/" takes the sub-path "/" (request /test on API /test) and a bare query', () => {
    expect(m('/', '/')).to.equal(true);
    expect(m('/', '?a=5')).to.equal(true);
    expect(m('/', '/x')).to.equal(false);
  });

  it('CT-10: "/foo/bar/*" is a segment-wise prefix', () => {
    for (const p of ['/foo/bar', '/foo/bar/', '/foo/bar/index.jsp', '/foo/bar?a=b', '/foo/bar/baz?a=b', '/foo/bar/?a=b']) expect(m('/foo/bar/*', p), p).to.equal(true);
    for (const p of ['/foo/bars?a=b', '/foo/', '/foo']) expect(m('/foo/bar/*', p), p).to.equal(false);
  });

  it('CT-11: "*.jsp" looks at the path without the query', () => {
    for (const p of ['/foo/bar/index.jsp', '/welcome.jsp', '/index.jsp?a=5&b=10']) expect(m('*.jsp', p), p).to.equal(true);
    expect(m('*.jsp', '/foo/index.html')).to.equal(false);
    expect(m('*.jsp', '/x?y=a.jsp')).to.equal(false);
  });

  it('CT-12: exact mappings ignore trailing slashes and the query', () => {
    for (const p of ['/foo/bar', '/foo/bar/', '/foo/bar?a=5', '/foo/bar?a=5&name=test']) expect(m('/foo/bar', p), p).to.equal(true);
    for (const p of ['/foo', '/foo/bar/index.html']) expect(m('/foo/bar', p), p).to.equal(false);
    // W trims slashes before cutting the query, so this one keeps its "/" and does not match
    expect(m('/foo/bar', '/foo/bar/?a=5')).to.equal(false);
  });
});

describe('dispatch: url-mapping selection (CT-13)', () => {
  const r = ['/foo/*', '/foo/bar/*', '*.jsp'];
  const table: [string, string | undefined][] = [
    ['/foo/', '/foo/*'],
    ['/foo/index.html?a=5', '/foo/*'],
    ['/foo/bars', '/foo/*'],
    ['/foo/index.jsp', '/foo/*'],
    ['/foo/bar/', '/foo/bar/*'],
    ['/foo/bar/index.html?a=5', '/foo/bar/*'],
    ['/foo/bar/hello', '/foo/bar/*'],
    ['/foo/bar/index.jsp', '/foo/bar/*'],
    ['/index.jsp', '*.jsp'],
    ['/hello/index.jsp?a=5', '*.jsp'],
    ['/foolish/bars/index.jsp', '*.jsp'],
    ['/foolish/index.html', undefined],
  ];
  for (const [path, want] of table) {
    it(`${path} -> ${want ?? 'none'}`, () => {
      expect(pick(r, path)).to.equal(want);
      expect(pick([...r].reverse(), path), 'declaration order does not matter').to.equal(want);
    });
  }

  it('exact beats prefix beats extension whatever the order', () => {
    expect(pick(['*.jsp', '/a/*', '/a/b.jsp'], '/a/b.jsp')).to.equal('/a/b.jsp');
    expect(pick(['*.jsp', '/a/*'], '/a/b.jsp')).to.equal('/a/*');
  });

  it('W quirk: "/*" counts as a one-segment prefix, so when declared first it ties and wins', () => {
    expect(pick(['/*', '/foo/*'], '/foo/x')).to.equal('/*');
    expect(pick(['/foo/*', '/*'], '/foo/x')).to.equal('/foo/*');
    expect(pick(['/*', '/foo/bar/*'], '/foo/bar/x')).to.equal('/foo/bar/*');
  });
});

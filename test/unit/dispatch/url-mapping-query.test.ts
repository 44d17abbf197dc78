// url-mapping classification and matching (CT-09..CT-12), and query parameters (§2.7, CT-18).

import { expect } from 'chai';
import { classifyUrlMapping, matchUrlMapping } from '../../../src/runtime/dispatch/url-mapping.js';
import { parseQuery } from '../../../src/runtime/dispatch/query.js';

const m = (mapping: string, path: string) => matchUrlMapping(classifyUrlMapping(mapping), path);

describe('dispatch: url-mapping', () => {
  it('classifies exact, prefix and extension mappings', () => {
    expect(classifyUrlMapping('/foo/bar')).to.deep.equal({ kind: 'exact', path: '/foo/bar' });
    expect(classifyUrlMapping('/foo/*')).to.deep.equal({ kind: 'prefix', prefix: '/foo' });
    expect(classifyUrlMapping('/*')).to.deep.equal({ kind: 'prefix', prefix: '' });
    expect(classifyUrlMapping('*.jsp')).to.deep.equal({ kind: 'extension', ext: '.jsp' });
  });

  it('matches exact mappings ignoring trailing slashes (CT-12, CT-09)', () => {
    expect(m('/foo/bar', '/foo/bar')).to.equal(true);
    expect(m('/foo/bar', '/foo/bar/')).to.equal(true);
    expect(m('/foo/bar', '/foo')).to.equal(false);
    expect(m('/foo/bar', '/foo/bar/index.html')).to.equal(false);
    expect(m('/', '/')).to.equal(true);
  });

  it('matches path prefixes segment-wise (CT-10)', () => {
    for (const p of ['/foo/bar', '/foo/bar/', '/foo/bar/index.jsp', '/foo/bar/baz']) expect(m('/foo/bar/*', p), p).to.equal(true);
    for (const p of ['/foo/bars', '/foo/']) expect(m('/foo/bar/*', p), p).to.equal(false);
  });

  it('matches extensions (CT-11)', () => {
    expect(m('*.jsp', '/foo/bar/index.jsp')).to.equal(true);
    expect(m('*.jsp', '/foo/index.html')).to.equal(false);
  });
});

describe('dispatch: query parameters', () => {
  it('decodes values, "+" as space, later duplicates win', () => {
    const q = parseQuery('/x?a=Hello%20World&b=10&c=/foo/bar&d=x+y&b=11');
    expect(q.ok && Object.fromEntries(q.params)).to.deep.equal({ a: 'Hello World', b: '11', c: '/foo/bar', d: 'x y' });
  });

  it('keeps URLs as values and glues pieces without "=" to the previous value', () => {
    const q = parseQuery('/x?a=http://test.com&b=1&flag');
    expect(q.ok && Object.fromEntries(q.params)).to.deep.equal({ a: 'http://test.com', b: '1&flag' });
  });

  it('reports an undecodable value', () => {
    expect(parseQuery('/x?a=%zz')).to.deep.equal({ ok: false, name: 'a' });
  });
});

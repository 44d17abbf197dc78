// Query parameters on resource entry (synapse-semantics §2.7, CT-18).

import { expect } from 'chai';
import { formDecode, parseQuery } from '../../../src/runtime/dispatch/query.js';

function params(path: string): Record<string, string> {
  const q = parseQuery(path);
  if (!q.ok) throw new Error(q.message);
  return Object.fromEntries(q.params);
}

describe('dispatch: query parameters', () => {
  it('CT-18: plain values, URL-decoded values, URLs as values', () => {
    expect(params('/test/admin?a=5&b=10&user=bar')).to.deep.equal({ a: '5', b: '10', user: 'bar' });
    expect(params('/test/admin?a=Hello%20World&b=10&c=/foo/bar')).to.deep.equal({ a: 'Hello World', b: '10', c: '/foo/bar' });
    expect(params('/test/admin?a=http://test.com')).to.deep.equal({ a: 'http://test.com' });
  });

  it('decodes "+" as a space and UTF-8 escapes; names are not decoded', () => {
    expect(params('/x?a=x+y&b=G%C3%BCnter&c%20d=1')).to.deep.equal({ a: 'x y', b: 'Günter', 'c%20d': '1' });
  });

  it('lets later duplicates win and glues a piece without "=" to the previous value', () => {
    expect(params('/x?a=1&b=2&a=3')).to.deep.equal({ a: '3', b: '2' });
    expect(params('/x?a=1&b')).to.deep.equal({ a: '1&b' });
    expect(params('/x?a=1&&b=2')).to.deep.equal({ a: '1&', b: '2' });
    expect(params('/x?flag&a=1')).to.deep.equal({ a: '1' });
  });

  it('splits on the first "=" only and keeps empty values', () => {
    expect(params('/x?a=b=c&d=')).to.deep.equal({ a: 'b=c', d: '' });
  });

  it('has no parameters without a query, or with an empty one', () => {
    expect(params('/x')).to.deep.equal({});
    expect(params('/x?')).to.deep.equal({});
    expect(params('/x?a=1&')).to.deep.equal({ a: '1' });
  });

  it('reports an undecodable value instead of throwing', () => {
    const q = parseQuery('/x?ok=1&a=%zz');
    expect(q.ok).to.equal(false);
    if (!q.ok) {
      expect(q.name).to.equal('a');
      expect(q.message).to.match(/percent-encoding/);
    }
    expect(parseQuery('/x?a=%4').ok).to.equal(false);
  });

  it('formDecode follows java.net.URLDecoder', () => {
    expect(formDecode('a+b%2Bc')).to.equal('a b+c');
    expect(formDecode('%E2%82%AC')).to.equal('€');
    expect(formDecode('%C3')).to.equal('\ufffd');
    expect(formDecode('100%')).to.equal(null);
  });
});

// HeaderMap: case-insensitive transport scope; forwarding drops hop-by-hop headers.

import { expect } from 'chai';
import { HeaderMap, isValidHeaderName, isValidHeaderValue } from '../../../src/runtime/headers.js';

describe('runtime/headers', () => {
  it('compares names case-insensitively and keeps the first spelling', () => {
    const h = HeaderMap.fromRaw(['Content-Type', 'application/json', 'X-A', '1', 'x-a', '2']);
    expect(h.get('content-type')).to.equal('application/json');
    expect(h.getAll('X-A')).to.deep.equal(['1', '2']);
    h.set('CONTENT-TYPE', 'text/xml');
    expect(Object.keys(h.forwardable())).to.include('Content-Type');
  });

  it('drops hop-by-hop headers and the headers Connection names', () => {
    const h = HeaderMap.fromRaw(['Connection', 'keep-alive, X-Secret', 'X-Secret', '1', 'Transfer-Encoding', 'chunked', 'X-Keep', 'y', 'TE', 'trailers']);
    expect(h.forwardable()).to.deep.equal({ 'X-Keep': 'y' });
  });

  it('validates header names and values', () => {
    expect(isValidHeaderName('X-Ok_1')).to.equal(true);
    expect(isValidHeaderName('Bad Name')).to.equal(false);
    expect(isValidHeaderValue('a\tb c')).to.equal(true);
    expect(isValidHeaderValue('a\r\nSet-Cookie: x')).to.equal(false);
    expect(isValidHeaderValue('a\nb')).to.equal(false);
  });
});

// Synapse's URI-template matcher: the results table of synapse-semantics §2.6 (CT-14..CT-17).

import { expect } from 'chai';
import { compileUriTemplate, type UriTemplate } from '../../../src/runtime/dispatch/uri-template.js';

function t(s: string): UriTemplate {
  const r = compileUriTemplate(s);
  if ('error' in r) throw new Error(r.error);
  return r;
}

const TABLE: [string, string, Record<string, string> | null][] = [
  ['/~{user}', '/~foo', { user: 'foo' }],
  ['/~{user}', '/foo', null],
  ['/~{user}', '/~foo/bar', null],
  ['/dictionary/{char}/{word}', '/dictionary/c/cat', { char: 'c', word: 'cat' }],
  ['/dictionary/{char}/{word}', '/dictionary/d/dog/', { char: 'd', word: 'dog' }],
  ['/dictionary/{char}/{word}', '/dictionary/c', null],
  ['/dictionary/{char}/{word}', '/dictionary/c/cat/x', null],
  ['/dictionary/{char}/{word}', '/dictionary/c/cat?a=5', { char: 'c', word: 'cat' }],
  ['/dictionary/{char}{#ref}', '/dictionary/e#test', { char: 'e', ref: 'test' }],
  ['/', '/', {}],
  ['/', '/?a=1', {}],
  ['/', '/x', null],
  ['/*', '/', {}],
  ['/*', '/a/b/c', {}],
  ['/*', '/a?x=1', {}],
  ['/foo/*', '/foo/', {}],
  ['/foo/*', '/foo/bar/baz', {}],
  ['/foo/*', '/foo', null],
  ['/foo/*', '/foox', null],
  ['/foo*', '/foo', {}],
  ['/foo*', '/foobar', {}],
  ['/foo*', '/foo/bar', {}],
  ['/view/{symbol}', '/view/IBM?x=1', { symbol: 'IBM' }],
  ['/view/{symbol}', '/view/a+b', null],
  ['/view/{symbol}', '/view/a,b', null],
  ['/view/{symbol}', '/view/a=b', null],
  ['/view/{symbol}', '/view/a:b', null],
  ['/view/{symbol}', '/view/a@b', null],
  ['/view/{symbol}', '/view/a-b_c.d~e', { symbol: 'a-b_c.d~e' }],
  ['/view/{symbol}', '/view/', null],
  ['/view/{symbol}', '/view', null],
  ['/view/{symbol}', '/view/IBM/extra', null],
  ['/order/{id}/items', '/order/12/items/', { id: '12' }],
  ['/order/{id}/items', '/order//items', { id: '' }],
  ['/edit?a={symbol}&b={value}', '/edit?a=wso2&b=2.4', { symbol: 'wso2', value: '2.4' }],
  ['/edit?a={symbol}&b={value}', '/edit?b=2.4&a=wso2', null],
  ['/edit?a={symbol}&b={value}', '/edit?a=wso2', null],
  ['/edit?a={symbol}&b={value}', '/edit', null],
  ['/orders/{id}?x={x}', '/orders/1?x=2&y=3', null],
  ['/{a},{b}', '/x,y', { a: 'x', b: 'y' }],
  ['/{x:3}', '/abc', { x: 'abc' }],
  ['/{x:3}', '/abcd', null],
  ['/p/{+rest}', '/p/a/b/c', { rest: 'a/b/c' }],
  ['/p{/seg}', '/p/abc', { seg: 'abc' }],
  ['/users/{id}.json', '/users/42.json', { id: '42' }],
  ['/{a}/{a}', '/x/x', { a: 'x' }],
  ['/{a}/{a}', '/x/y', null],
  ['/menu', '/menu', {}],
  ['/menu', '/menu/', {}],
  ['/menu', '/menu?x=1', {}],
  ['/menu', '/menu/x', null],
  ['/menu/', '/menu', {}],
];

describe('dispatch: uri-template matcher (§2.6)', () => {
  for (const [tpl, input, want] of TABLE) {
    it(`${tpl} vs ${input} -> ${want ? JSON.stringify(want) : 'no match'}`, () => {
      expect(t(tpl).match(input)).to.deep.equal(want);
    });
  }

  it('decodes captures, keeping "+" as "+" (trap 10)', () => {
    expect(t('/v/{x}').match('/v/a%20b')).to.deep.equal({ x: 'a b' });
    expect(t('/v/{x}').match('/v/a%2Bb')).to.deep.equal({ x: 'a+b' });
    expect(t('/v/{x}').match('/v/a%2Fb')).to.deep.equal({ x: 'a/b' });
  });

  it('rejects the operators Synapse does not support and malformed templates', () => {
    for (const bad of ['/a/{;x}', '/a{?q}', '/a{&q}', '/a/{x', '/a/{}', '/a/{x y}']) {
      expect(compileUriTemplate(bad), bad).to.have.property('error');
    }
  });
});

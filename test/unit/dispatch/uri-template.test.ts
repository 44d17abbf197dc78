// Synapse's URI-template matcher: every row of the synapse-semantics §2.6 results table (CT-14..CT-17,
// W behaviour), then decoding, W's quirks, and template errors.

import { expect } from 'chai';
import { compileUriTemplate, UriTemplateDecodeError, type UriTemplate } from '../../../src/runtime/dispatch/uri-template.js';

function t(s: string): UriTemplate {
  const r = compileUriTemplate(s);
  if (!r.ok) throw new Error(r.error);
  return r;
}

// [template, input (the sub-path), variables or null for no match]
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
  // CT-15 rows not in the table
  ['/dictionary/{char}/{word}', '/dictionary/c/cat/test', null],
  ['/dictionary/{char}/{word}', '/dictionary/c/cat#ref', null],
  ['/dictionary/{char}', '/dictionary/d', { char: 'd' }],
  ['/dictionary/{char}{#ref}', '/dictionary/c/cat', null],
];

describe('dispatch: uri-template matcher (§2.6 table)', () => {
  for (const [tpl, input, want] of TABLE) {
    it(`${tpl} vs ${input} -> ${want ? JSON.stringify(want) : 'no match'}`, () => {
      expect(t(tpl).match(input)).to.deep.equal(want);
    });
  }
});

describe('dispatch: uri-template details', () => {
  it('percent-decodes captures but keeps "+" (trap 10)', () => {
    expect(t('/v/{x}').match('/v/a%20b')).to.deep.equal({ x: 'a b' });
    expect(t('/v/{x}').match('/v/a%2Bb')).to.deep.equal({ x: 'a+b' });
    expect(t('/v/{x}').match('/v/a%2Fb')).to.deep.equal({ x: 'a/b' });
    expect(t('/v/{x}').match('/v/G%C3%BCnter')).to.deep.equal({ x: 'Günter' });
    expect(t('/p/{+x}').match('/p/a+b')).to.deep.equal({ x: 'a+b' });
    // invalid UTF-8 decodes to U+FFFD like Java's URLDecoder
    expect(t('/v/{x}').match('/v/%FF')).to.deep.equal({ x: '\ufffd' });
  });

  it('throws UriTemplateDecodeError for a broken escape in a capture', () => {
    expect(() => t('/edit?a={x}').match('/edit?a=%zz')).to.throw(UriTemplateDecodeError);
  });

  it('strips the template\'s trailing "/" (twice, as W does) but keeps "/"', () => {
    expect(t('/menu/').match('/menu')).to.deep.equal({});
    expect(t('/menu//').match('/menu')).to.deep.equal({});
    expect(t('/').match('/')).to.deep.equal({});
  });

  it('keeps W\'s quirks of the trailing-slash and optional-query tolerances', () => {
    // the trailing "/" tolerance looks at the end of the input, so a query ending in "/" fails
    expect(t('/menu').match('/menu?x=/')).to.equal(null);
    // "/menu/?x=1": the match stops before "/", not before "?"
    expect(t('/menu').match('/menu/?x=1')).to.equal(null);
    // an empty last query value: the expression is reached with nothing left and stays unset
    expect(t('/edit?a={a}&b={b}').match('/edit?a=1&b=')).to.deep.equal({ a: '1' });
    // a remainder of "/*" matches input that is already used up
    expect(t('/{x}/*').match('/abc')).to.deep.equal({ x: 'abc' });
  });

  it('splits multi-variable expressions on their separator', () => {
    expect(t('/{a,b}').match('/x,y')).to.deep.equal({ a: 'x', b: 'y' });
    expect(t('/{a,b}').match('/x')).to.deep.equal({ a: 'x', b: '' });
    expect(t('/{a,b}').match('/x,y,z')).to.equal(null);
    expect(t('/f{.ext}').match('/f.json')).to.deep.equal({ ext: 'json' });
    expect(t('/p{/a,b}').match('/p/x/y')).to.deep.equal({ a: 'x', b: 'y' });
  });

  it('stops a simple capture at the next literal\'s first character', () => {
    expect(t('/{a}-{b}').match('/x-y')).to.deep.equal({ a: 'x', b: 'y' });
    expect(t('/{a}{b}').match('/xy')).to.equal(null);
  });

  it('reports variables, reserved variables and whether the template has a query part', () => {
    const x = t('/a/{id}/{+rest}{#frag}?q={q}');
    expect(x.variables).to.deep.equal(['id', 'rest', 'frag', 'q']);
    expect([...x.reservedVars]).to.deep.equal(['rest', 'frag']);
    expect(x.hasQueryTemplate).to.equal(true);
    expect(t('/a/{id}').hasQueryTemplate).to.equal(false);
  });

  it('rejects unsupported operators and malformed templates', () => {
    const bad: [string, RegExp][] = [
      ['/a/{;x}', /not supported/],
      ['/a{?q}', /not supported/],
      ['/a{&q}', /not supported/],
      ['/a/{x', /unclosed/],
      ['/a/x}', /unmatched/],
      ['/a/{}', /empty expression/],
      ['/a/{+}', /empty/],
      ['/a/{x y}', /not a valid variable name/],
      ['/a/{x,,y}', /empty/],
      ['/a/{x:0}', /prefix length/],
      ['/a/{x:b}', /prefix length/],
      ['/a/{x{y}}', /inside an expression/],
      ['{x}/a', /cannot start/],
      ['', /empty/],
    ];
    for (const [tpl, msg] of bad) {
      const r = compileUriTemplate(tpl);
      expect(r.ok, tpl).to.equal(false);
      if (!r.ok) expect(r.error, tpl).to.match(msg);
    }
    // W ignores one trailing comma
    expect(t('/{a,}').match('/x')).to.deep.equal({ a: 'x' });
  });
});

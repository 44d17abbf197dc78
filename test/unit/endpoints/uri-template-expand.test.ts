// http endpoint uri-template expansion (synapse-semantics §6.4, CT-46): RFC 6570 level 3 with
// Synapse's tweaks (leading "{" is reserved, undefined -> empty, nothing defined -> raw template,
// legacy-encoding).

import { expect } from 'chai';
import { checkHttpUriTemplate, compileHttpUriTemplate } from '../../../src/endpoints/uri-template-expand.js';

const vars = (o: Record<string, string>) => (n: string) => o[n];
const expand = (t: string, o: Record<string, string>, legacy = false) => compileHttpUriTemplate(t, legacy).expand(vars(o));

describe('endpoints: http uri-template expansion, CT-46 vectors', () => {
  const tpl = 'http://abc.com?symbol={query.param.symbol}&user={query.param.user}';

  it('simple {x} percent-encodes reserved characters', () => {
    expect(expand(tpl, { 'query.param.symbol': 'US:123', 'query.param.user': 'john@gmail' })).to.equal('http://abc.com?symbol=US%3A123&user=john%40gmail');
  });

  it('{+x} keeps reserved characters', () => {
    const plus = 'http://abc.com?symbol={+query.param.symbol}&user={+query.param.user}';
    expect(expand(plus, { 'query.param.symbol': 'US:123', 'query.param.user': 'john@gmail' })).to.equal('http://abc.com?symbol=US:123&user=john@gmail');
  });

  it('legacy-encoding decodes values and the URL, then re-quotes like java.net.URI', () => {
    expect(expand(tpl, { 'query.param.symbol': 'US%3A123', 'query.param.user': 'john%40G%C3%BCnter' }, true)).to.equal('http://abc.com?symbol=US:123&user=john@Günter');
  });
});

describe('endpoints: Synapse tweaks', () => {
  it('treats a template starting with "{" as {+...} for its first expression only', () => {
    const t = compileHttpUriTemplate('{uri.var.base}/orders/{uri.var.id}', false);
    expect(t.expand(vars({ 'uri.var.base': 'http://h:1/a', 'uri.var.id': 'x/y' }))).to.equal('http://h:1/a/orders/x%2Fy');
  });

  it('expands undefined variables to nothing', () => {
    expect(expand('http://h/{uri.var.a}/x{uri.var.b}?q={query.param.q}', { 'uri.var.a': '1' })).to.equal('http://h/1/x?q=');
  });

  it('uses the template as written when no variable is defined, unless told otherwise', () => {
    const t = compileHttpUriTemplate('http://h/{uri.var.id}', false);
    expect(t.expand(vars({}))).to.equal('http://h/{uri.var.id}');
    expect(t.expand(vars({}), true), 'the message has other uri.var.* properties').to.equal('http://h/');
    expect(t.expand(vars({ 'uri.var.id': '7' }), false)).to.equal('http://h/{uri.var.id}');
  });

  it('encodes "%" in simple expansions (already-encoded input is encoded again) but not in legacy mode', () => {
    expect(expand('http://h/{uri.var.x}', { 'uri.var.x': 'a%20b' })).to.equal('http://h/a%2520b');
    expect(expand('http://h/{uri.var.x}', { 'uri.var.x': 'a%20b' }, true)).to.equal('http://h/a%20b');
    expect(expand('http://h/{+uri.var.x}', { 'uri.var.x': 'a%20b' })).to.equal('http://h/a%20b');
  });

  it('legacy-encoding: "+" is a space, spaces and "%" are quoted, UTF-8 is kept', () => {
    expect(expand('http://h/items/{uri.var.id}?q={query.param.q}', { 'uri.var.id': 'x y', 'query.param.q': 'a+b' }, true)).to.equal('http://h/items/x%20y?q=a%20b');
    expect(expand('http://h/p?q={query.param.q}', { 'query.param.q': '100%25' }, true)).to.equal('http://h/p?q=100%25');
    expect(expand('http://user name@h/p', { x: '1' }, true), 'nothing defined: as written').to.equal('http://user name@h/p');
  });

  it('pins the riskier forms (ecosystem-security §3.2.10): {+x} and legacy-encoding put "/" back', () => {
    expect(expand('http://backend/store/{uri.var.name}', { 'uri.var.name': '../admin' })).to.equal('http://backend/store/..%2Fadmin');
    expect(expand('http://backend/store/{+uri.var.name}', { 'uri.var.name': '../admin' })).to.equal('http://backend/store/../admin');
    expect(expand('http://backend/store/{uri.var.name}', { 'uri.var.name': '..%2Fadmin' }, true)).to.equal('http://backend/store/../admin');
  });

  it('lists the variables it references', () => {
    expect(compileHttpUriTemplate('http://h/{uri.var.a}{?query.param.q,uri.var.a}', false).variables).to.deep.equal(['uri.var.a', 'query.param.q']);
  });
});

describe('endpoints: RFC 6570 level 3 operators', () => {
  // RFC 6570 §3.2 example variables; every template starts with "X" so the leading-"{" tweak stays out
  const v = { var: 'value', hello: 'Hello World!', path: '/foo/bar', empty: '', x: '1024', y: '768' };
  const table: [string, string][] = [
    ['X{var}', 'Xvalue'],
    ['X{hello}', 'XHello%20World%21'],
    ['X{+hello}', 'XHello%20World!'],
    ['X{+path}/here', 'X/foo/bar/here'],
    ['Xhere?ref={+path}', 'Xhere?ref=/foo/bar'],
    ['X{#var}', 'X#value'],
    ['X{#hello}', 'X#Hello%20World!'],
    ['Xmap?{x,y}', 'Xmap?1024,768'],
    ['X{x,hello,y}', 'X1024,Hello%20World%21,768'],
    ['X{+x,hello,y}', 'X1024,Hello%20World!,768'],
    ['X{+path,x}/here', 'X/foo/bar,1024/here'],
    ['X{#x,hello,y}', 'X#1024,Hello%20World!,768'],
    ['X{#path,x}/here', 'X#/foo/bar,1024/here'],
    ['X{.var}', 'X.value'],
    ['X{.x,y}', 'X.1024.768'],
    ['X{/var}', 'X/value'],
    ['X{/var,x}/here', 'X/value/1024/here'],
    ['X{;x,y}', 'X;x=1024;y=768'],
    ['X{;x,y,empty}', 'X;x=1024;y=768;empty'],
    ['X{?x,y}', 'X?x=1024&y=768'],
    ['X{?x,y,empty}', 'X?x=1024&y=768&empty='],
    ['X?fixed=yes{&x}', 'X?fixed=yes&x=1024'],
    ['X{&x,y,empty}', 'X&x=1024&y=768&empty='],
    ['X{var:3}', 'Xval'],
    ['X{var:30}', 'Xvalue'],
    ['X{?var:3,undef}', 'X?var=val'],
    ['X{var}{undef}{?undef}{/undef}', 'Xvalue'],
    ['X{x*}', 'X1024'],
  ];
  for (const [tpl, want] of table) {
    it(`${tpl} -> ${want}`, () => {
      expect(expand(tpl, v)).to.equal(want);
    });
  }

  it('encodes non-ASCII as UTF-8 and keeps %XX triplets only in reserved expansions', () => {
    expect(expand('X{a}', { a: 'Günter' })).to.equal('XG%C3%BCnter');
    expect(expand('X{+a}', { a: '50%25 off %zz' })).to.equal('X50%25%20off%20%25zz');
  });
});

describe('endpoints: uri-template checks', () => {
  it('reports malformed templates and expands them leniently', () => {
    expect(checkHttpUriTemplate('http://h/{uri.var.id}?q={query.param.q}')).to.equal(undefined);
    for (const bad of ['http://h/{uri.var.id', 'http://h/{}', 'http://h/{=x}', 'http://h/{a b}', 'http://h/x}', 'http://h/{a:0}']) {
      expect(checkHttpUriTemplate(bad), bad).to.be.a('string');
    }
    expect(expand('http://h/{uri.var.id', { 'uri.var.id': '1' }), 'unclosed brace stays literal').to.equal('http://h/{uri.var.id');
  });
});

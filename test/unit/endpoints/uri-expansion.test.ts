// http endpoint uri-template expansion (CT-46) and REST postfix appending (§5.3).

import { expect } from 'chai';
import { compileHttpUriTemplate } from '../../../src/endpoints/uri-template-expand.js';
import { appendRestPostfix } from '../../../src/endpoints/rest-url.js';

const vars = (o: Record<string, string>) => (n: string) => o[n];

describe('endpoints: http uri-template expansion', () => {
  it('percent-encodes reserved characters in simple expansions (CT-46)', () => {
    const t = compileHttpUriTemplate('http://abc.com?symbol={query.param.symbol}&user={query.param.user}', false);
    expect(t.expand(vars({ 'query.param.symbol': 'US:123', 'query.param.user': 'john@gmail' }))).to.equal('http://abc.com?symbol=US%3A123&user=john%40gmail');
  });

  it('keeps reserved characters with {+x} (CT-46)', () => {
    const t = compileHttpUriTemplate('http://abc.com?symbol={+query.param.symbol}&user={+query.param.user}', false);
    expect(t.expand(vars({ 'query.param.symbol': 'US:123', 'query.param.user': 'john@gmail' }))).to.equal('http://abc.com?symbol=US:123&user=john@gmail');
  });

  it('decodes and re-encodes in legacy-encoding mode (CT-46)', () => {
    const t = compileHttpUriTemplate('http://abc.com?symbol={query.param.symbol}&user={query.param.user}', true);
    expect(t.expand(vars({ 'query.param.symbol': 'US%3A123', 'query.param.user': 'john%40G%C3%BCnter' }))).to.equal('http://abc.com?symbol=US:123&user=john@Günter');
  });

  it('treats a template starting with "{" as reserved, and leaves undefined variables empty', () => {
    const t = compileHttpUriTemplate('{uri.var.base}/orders/{uri.var.id}', false);
    expect(t.expand(vars({ 'uri.var.base': 'http://h:1/a', 'uri.var.id': 'x/y' }))).to.equal('http://h:1/a/orders/x%2Fy');
    expect(compileHttpUriTemplate('http://h/{uri.var.a}/x{uri.var.b}', false).expand(vars({ 'uri.var.a': '1' }))).to.equal('http://h/1/x');
  });

  it('uses the template as written when no variable is defined', () => {
    const t = compileHttpUriTemplate('http://h/{uri.var.id}', false);
    expect(t.expand(vars({}))).to.equal('http://h/{uri.var.id}');
  });

  it('expands the other RFC 6570 operators', () => {
    const v = vars({ a: 'x y', b: '2' });
    expect(compileHttpUriTemplate('http://h/p{?a,b}', false).expand(v)).to.equal('http://h/p?a=x%20y&b=2');
    expect(compileHttpUriTemplate('http://h/p?z=1{&b}', false).expand(v)).to.equal('http://h/p?z=1&b=2');
    expect(compileHttpUriTemplate('http://h{/b,b}', false).expand(v)).to.equal('http://h/2/2');
  });
});

describe('endpoints: REST postfix appending', () => {
  it('joins with exactly one slash and drops it before a query', () => {
    expect(appendRestPostfix('http://b/svc', '/bar?x=1')).to.equal('http://b/svc/bar?x=1');
    expect(appendRestPostfix('http://b/svc/', '/bar')).to.equal('http://b/svc/bar');
    expect(appendRestPostfix('http://b/svc', 'bar')).to.equal('http://b/svc/bar');
    expect(appendRestPostfix('http://b/svc/', '?q=1')).to.equal('http://b/svc?q=1');
    expect(appendRestPostfix('http://b/svc', '?q=1')).to.equal('http://b/svc?q=1');
    expect(appendRestPostfix('http://b/svc', '')).to.equal('http://b/svc');
  });
});

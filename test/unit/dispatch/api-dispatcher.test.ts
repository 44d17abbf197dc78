// API and resource selection on the dispatcher alone (synapse-semantics §2.3-§2.5, W):
// conformance cases CT-01..CT-18 and CT-21, the dispatch properties, OPTIONS and the traversal rule.

import { expect } from 'chai';
import type { ApiNode, ResourceNode } from '../../../src/config/ast.js';
import { createApiDispatcher, type DispatchRequest, type DispatchResult } from '../../../src/runtime/dispatch/api-dispatcher.js';

const pos = { file: 't.xml', line: 1, col: 1 };
function res(r: Partial<ResourceNode> = {}): ResourceNode {
  return { methods: null, pos, ...r };
}
function api(name: string, context: string, resources: ResourceNode[] = [res()], extra: Partial<ApiNode> = {}): ApiNode {
  return { name, context, resources, pos, file: 't.xml', ...extra };
}
function req(rawPath: string, extra: Partial<DispatchRequest> = {}): DispatchRequest {
  return { rawPath, method: 'GET', scheme: 'http', hasBody: false, ...extra };
}
function apiOf(d: DispatchResult): string | undefined {
  return d.kind === 'none' ? undefined : d.api.name;
}
function matched(d: DispatchResult): Extract<DispatchResult, { kind: 'match' }> {
  if (d.kind !== 'match') throw new Error(`expected a match, got ${JSON.stringify({ kind: d.kind, status: (d as { status?: number }).status })}`);
  return d;
}
/** Index of the resource a path goes to, or the error status / "none". */
function route(d: ReturnType<typeof createApiDispatcher>, path: string, extra: Partial<DispatchRequest> = {}): number | string {
  const r = d.dispatch(req(path, extra));
  if (r.kind === 'match') return r.resourceIndex;
  if (r.kind === 'error') return r.status;
  return r.kind;
}

describe('dispatch: API selection', () => {
  it('CT-01: a context matches on a segment or query boundary only', () => {
    const d = createApiDispatcher([api('TestAPI', '/test')]);
    for (const p of ['/test', '/test/', '/test/foo/bar?a=5', '/test?a=5']) expect(apiOf(d.dispatch(req(p))), p).to.equal('TestAPI');
    for (const p of ['/foo/test/bar?a=5', '/test1/bar?a=5']) expect(d.dispatch(req(p)).kind, p).to.equal('none');
  });

  it('CT-02: context "/" takes every path', () => {
    const d = createApiDispatcher([api('TestAPI', '/')]);
    for (const p of ['/test', '/', '/foo/bar?a=5']) expect(apiOf(d.dispatch(req(p))), p).to.equal('TestAPI');
  });

  it('CT-03: hostname and port binding against the Host header', () => {
    const host = (port?: number) => createApiDispatcher([api('TestAPI', '/test', [res()], { hostname: 'synapse.apache.org', ...(port !== undefined ? { port } : {}) })]);
    expect(host().dispatch(req('/test')).kind, 'no Host').to.equal('none');
    expect(apiOf(host().dispatch(req('/test/', { host: 'synapse.apache.org' })))).to.equal('TestAPI');
    expect(host().dispatch(req('/test/', { host: 'apache.org' })).kind).to.equal('none');
    expect(apiOf(host(80).dispatch(req('/test/', { host: 'synapse.apache.org' }))), 'default http port').to.equal('TestAPI');
    expect(host(80).dispatch(req('/test/foo/bar?a=5', { host: 'synapse.apache.org:8280' })).kind).to.equal('none');
    expect(apiOf(host(8280).dispatch(req('/test/foo/bar?a=5', { host: 'synapse.apache.org:8280' })))).to.equal('TestAPI');
    expect(host(443).dispatch(req('/test/foo/bar?a=5', { host: 'synapse.apache.org' })).kind, '443 over http').to.equal('none');
    expect(apiOf(host(443).dispatch(req('/test/foo/bar?a=5', { host: 'synapse.apache.org', scheme: 'https' }))), '443 over https').to.equal('TestAPI');
    const portOnly = createApiDispatcher([api('P', '/p', [res()], { port: 8290 })]);
    expect(apiOf(portOnly.dispatch(req('/p', { host: 'localhost:8290' })))).to.equal('P');
    expect(portOnly.dispatch(req('/p', { host: 'localhost:x' })).kind).to.equal('none');
    const v6 = createApiDispatcher([api('V6', '/v', [res()], { hostname: '[::1]', port: 8080 })]);
    expect(apiOf(v6.dispatch(req('/v', { host: '[::1]:8080' })))).to.equal('V6');
  });

  it('CT-04: several APIs, one host-bound', () => {
    const d = createApiDispatcher([api('TestAPI1', '/test'), api('TestAPI2', '/dictionary', [res()], { hostname: 'synapse.apache.org' }), api('TestAPI3', '/foo/bar')]);
    expect(apiOf(d.dispatch(req('/test')))).to.equal('TestAPI1');
    expect(apiOf(d.dispatch(req('/dictionary/c/cat', { host: 'synapse.apache.org' })))).to.equal('TestAPI2');
    expect(d.dispatch(req('/dictionary/c/cat')).kind).to.equal('none');
    expect(apiOf(d.dispatch(req('/foo/bar/index.jsp?user=test')))).to.equal('TestAPI3');
    expect(d.dispatch(req('/foo/index.jsp?user=test')).kind).to.equal('none');
  });

  it('CT-05: url versioning requires the exact version segment', () => {
    const d = createApiDispatcher([api('TestAPI', '/test', [res()], { version: '1.0.0', versionType: 'url' })]);
    expect(d.dispatch(req('/test/')).kind).to.equal('none');
    expect(d.dispatch(req('/test')).kind).to.equal('none');
    for (const p of ['/test/1.0.0', '/test/1.0.0/', '/test/1.0.0/foo/bar?a=5', '/test/1.0.0?a=5', '/test/1.0.0?a=http://localhost.com']) {
      const r = matched(d.dispatch(req(p)));
      expect(r.properties.SYNAPSE_REST_API_VERSION, p).to.equal('1.0.0');
      expect(r.properties.SYNAPSE_REST_API_VERSION_STRATEGY, p).to.equal('url');
    }
    for (const p of ['/foo/test/bar?a=5', '/test/1.0.1/foo/bar?a=5', '/test/2.0/foo/bar?a=5', '/test/2.0.0.0/foo/bar?a=5', '/test/1.0.00']) expect(d.dispatch(req(p)).kind, p).to.equal('none');
  });

  it('CT-06: context versioning substitutes {version} into the context', () => {
    for (const ctx of ['/test/{version}', '/{version}/test', '/test/{version}/bar']) {
      const d = createApiDispatcher([api('TestAPI', ctx, [res()], { version: '1.0.0', versionType: 'context' })]);
      const good = ctx.replace('{version}', '1.0.0');
      for (const p of [good, `${good}/`, `${good}/foo/bar?a=5`, `${good}?a=5`]) {
        const r = matched(d.dispatch(req(p)));
        expect(r.properties.REST_API_CONTEXT, p).to.equal(good);
        expect(r.properties.SYNAPSE_REST_API_VERSION_STRATEGY).to.equal('context');
      }
      for (const p of [ctx.replace('{version}', '1.0.1'), ctx.replace('{version}', '2.0'), '/test/']) expect(d.dispatch(req(p)).kind, `${ctx} ${p}`).to.equal('none');
    }
    const plain = createApiDispatcher([api('TestAPI', '/test', [res()], { version: '1.0.0', versionType: 'context' })]);
    expect(matched(plain.dispatch(req('/test/x'))).properties.SYNAPSE_REST_API_VERSION).to.equal('1.0.0');
  });

  it('CT-07: without version attributes the version is ""', () => {
    const r = matched(createApiDispatcher([api('TestAPI', '/test')]).dispatch(req('/test?a=5')));
    expect(r.properties.SYNAPSE_REST_API_VERSION).to.equal('');
    expect(r.properties.SYNAPSE_REST_API_VERSION_STRATEGY).to.equal('');
  });

  it('CT-08: REST_URL_POSTFIX after API entry', () => {
    const d = createApiDispatcher([api('T', '/test'), api('V', '/ver', [res()], { version: '1.0.0', versionType: 'url' }), api('R', '/')]);
    const pf = (p: string) => matched(d.dispatch(req(p))).restUrlPostfix;
    expect(pf('/test')).to.equal('');
    expect(pf('/test/me/now')).to.equal('/me/now');
    expect(pf('/test?a=5')).to.equal('?a=5');
    expect(pf('/ver/1.0.0?a=5')).to.equal('?a=5');
    expect(pf('/ver/1.0.0/foo?a=5')).to.equal('/foo?a=5');
    expect(pf('/other')).to.equal('/other');
    expect(pf('/other/me/now')).to.equal('/other/me/now');
    expect(pf('/other?a=5')).to.equal('/other?a=5');
  });

  it('trap 11: the longest context wins, versioned APIs before unversioned ones, trailing "/" normalised', () => {
    const d = createApiDispatcher([api('Short', '/a'), api('Long', '/a/b/'), api('Root', '/')]);
    expect(apiOf(d.dispatch(req('/a/b/c')))).to.equal('Long');
    expect(apiOf(d.dispatch(req('/a/bc')))).to.equal('Short');
    expect(apiOf(d.dispatch(req('/a')))).to.equal('Short');
    expect(apiOf(d.dispatch(req('/x')))).to.equal('Root');
    expect(matched(d.dispatch(req('/a/b'))).properties.REST_API_CONTEXT).to.equal('/a/b');
    expect(matched(d.dispatch(req('/x'))).properties.REST_API_CONTEXT).to.equal('');
    const v = createApiDispatcher([api('Plain', '/svc/1.0'), api('Versioned', '/svc', [res()], { version: '1.0', versionType: 'url' })]);
    expect(apiOf(v.dispatch(req('/svc/1.0/x')))).to.equal('Versioned');
  });

  it('honours the API transports attribute', () => {
    const d = createApiDispatcher([api('S', '/s', [res()], { transports: ['https'] })]);
    expect(d.dispatch(req('/s')).kind).to.equal('none');
    expect(apiOf(d.dispatch(req('/s', { scheme: 'https' })))).to.equal('S');
  });

  it('goes to main when nothing matches or there are no APIs', () => {
    expect(createApiDispatcher([]).dispatch(req('/x'))).to.deep.equal({ kind: 'none' });
  });
});

describe('dispatch: properties set on dispatch (§2.4)', () => {
  it('sets the API, path, method, prefix, pattern and variable properties', () => {
    const d = createApiDispatcher([api('TestAPI', '/test', [res({ methods: ['GET'], uriTemplate: '/order/{id}' })])]);
    const r = matched(d.dispatch(req('/test/order/7?x=1&y=a+b', { host: 'localhost:8290' })));
    expect(r.properties).to.deep.equal({
      SYNAPSE_REST_API: 'TestAPI',
      SYNAPSE_REST_API_VERSION: '',
      REST_API_CONTEXT: '/test',
      SYNAPSE_REST_API_VERSION_STRATEGY: '',
      REST_FULL_REQUEST_PATH: '/test/order/7?x=1&y=a+b',
      REST_SUB_REQUEST_PATH: '/order/7?x=1&y=a+b',
      REST_URL_PREFIX: 'http://localhost:8290',
      REST_METHOD: 'GET',
      'rest.url.pattern': '/order/{id}',
      API_ELECTED_RESOURCE: '/order/{id}',
      'uri.var.id': '7',
      'query.param.x': '1',
      'query.param.y': 'a b',
    });
    expect(r.restUrlPostfix).to.equal('/order/7?x=1&y=a+b');
  });

  it('names a versioned API <name>:v<version> as W\'s API.getName() does', () => {
    const d = createApiDispatcher([api('TestAPI', '/test', [res()], { version: '1.0.0', versionType: 'url' })]);
    expect(matched(d.dispatch(req('/test/1.0.0'))).properties.SYNAPSE_REST_API).to.equal('TestAPI:v1.0.0');
  });

  it('computes the sub-request path like W (query kept, "/" when empty)', () => {
    const d = createApiDispatcher([api('T', '/test', [res({ urlMapping: '/*' })]), api('V', '/v', [res({ urlMapping: '/*' })], { version: '2', versionType: 'url' })]);
    const sub = (p: string) => matched(d.dispatch(req(p))).properties.REST_SUB_REQUEST_PATH;
    expect(sub('/test')).to.equal('/');
    expect(sub('/test/')).to.equal('/');
    expect(sub('/test?a=5')).to.equal('?a=5');
    expect(sub('/test/foo/bar?a=5')).to.equal('/foo/bar?a=5');
    expect(sub('/v/2')).to.equal('/');
    expect(sub('/v/2?q')).to.equal('?q');
    expect(sub('/v/2/x')).to.equal('/x');
  });

  it('reports the url-mapping as written in API_ELECTED_RESOURCE and W\'s form in rest.url.pattern', () => {
    const d = createApiDispatcher([api('T', '/t', [res({ urlMapping: '/foo/' })])]);
    const r = matched(d.dispatch(req('/t/foo')));
    expect(r.properties.API_ELECTED_RESOURCE).to.equal('/foo/');
    expect(r.properties['rest.url.pattern']).to.equal('/foo');
    const def = matched(createApiDispatcher([api('T', '/t')]).dispatch(req('/t/x')));
    expect(def.properties).to.not.have.property('API_ELECTED_RESOURCE');
    expect(def.properties).to.not.have.property('REST_URL_PREFIX');
  });
});

describe('dispatch: resource selection', () => {
  it('CT-09 / CT-16: "/" mapping or template takes the bare context', () => {
    expect(route(createApiDispatcher([api('T', '/test', [res({ urlMapping: '/' })])]), '/test')).to.equal(0);
    expect(route(createApiDispatcher([api('T', '/test', [res({ uriTemplate: '/' })])]), '/test')).to.equal(0);
    // W: the sub-path of "/test?a=5" is "?a=5", which the literal "/" does not match
    expect(route(createApiDispatcher([api('T', '/test', [res({ uriTemplate: '/' })])]), '/test?a=5')).to.equal(404);
    expect(route(createApiDispatcher([api('T', '/test', [res({ urlMapping: '/' })])]), '/test?a=5')).to.equal(0);
  });

  it('CT-10 / CT-11 / CT-12: prefix, extension and exact mappings on an API', () => {
    const pre = createApiDispatcher([api('T', '/test', [res({ urlMapping: '/foo/bar/*' })])]);
    for (const p of ['/test/foo/bar', '/test/foo/bar/', '/test/foo/bar/index.jsp', '/test/foo/bar?a=b', '/test/foo/bar/baz?a=b', '/test/foo/bar/?a=b']) expect(route(pre, p), p).to.equal(0);
    for (const p of ['/test/foo/bars?a=b', '/test/foo/']) expect(route(pre, p), p).to.equal(404);
    const ext = createApiDispatcher([api('T', '/test', [res({ urlMapping: '*.jsp' })])]);
    for (const p of ['/test/foo/bar/index.jsp', '/test/welcome.jsp', '/test/index.jsp?a=5&b=10']) expect(route(ext, p), p).to.equal(0);
    expect(route(ext, '/test/foo/index.html')).to.equal(404);
    const exact = createApiDispatcher([api('T', '/test', [res({ urlMapping: '/foo/bar' })])]);
    for (const p of ['/test/foo/bar', '/test/foo/bar/', '/test/foo/bar?a=5', '/test/foo/bar?a=5&name=test']) expect(route(exact, p), p).to.equal(0);
    for (const p of ['/test/foo', '/test/foo/bar/index.html']) expect(route(exact, p), p).to.equal(404);
  });

  it('CT-13: exact > longest prefix > extension, regardless of order', () => {
    const d = createApiDispatcher([api('T', '/test', [res({ urlMapping: '/foo/*' }), res({ urlMapping: '/foo/bar/*' }), res({ urlMapping: '*.jsp' })])]);
    const table: [string, number | string][] = [
      ['/test/foo/', 0],
      ['/test/foo/index.html?a=5', 0],
      ['/test/foo/bars', 0],
      ['/test/foo/index.jsp', 0],
      ['/test/foo/bar/', 1],
      ['/test/foo/bar/index.html?a=5', 1],
      ['/test/foo/bar/hello', 1],
      ['/test/foo/bar/index.jsp', 1],
      ['/test/index.jsp', 2],
      ['/test/hello/index.jsp?a=5', 2],
      ['/test/foolish/bars/index.jsp', 2],
      ['/test/foolish/index.html', 404],
    ];
    for (const [p, want] of table) expect(route(d, p), p).to.equal(want);
  });

  it('CT-14: /~{user}', () => {
    const d = createApiDispatcher([api('T', '/test', [res({ uriTemplate: '/~{user}' })])]);
    expect(matched(d.dispatch(req('/test/~foo'))).properties['uri.var.user']).to.equal('foo');
    expect(route(d, '/test/foo')).to.equal(404);
    expect(route(d, '/test/~foo/bar')).to.equal(404);
  });

  it('CT-15: templates in declaration order on API "/"', () => {
    const d = createApiDispatcher([
      api('T', '/', [res({ uriTemplate: '/dictionary/{char}/{word}' }), res({ uriTemplate: '/dictionary/{char}' }), res({ uriTemplate: '/dictionary/{char}{#ref}' })]),
    ]);
    const vars = (p: string) => {
      const r = matched(d.dispatch(req(p)));
      const v: Record<string, string | number> = { r: r.resourceIndex + 1 };
      for (const [k, val] of Object.entries(r.properties)) if (k.startsWith('uri.var.')) v[k.slice(8)] = val;
      return v;
    };
    expect(vars('/dictionary/c/cat')).to.deep.equal({ r: 1, char: 'c', word: 'cat' });
    expect(vars('/dictionary/d')).to.deep.equal({ r: 2, char: 'd' });
    expect(vars('/dictionary/e#test')).to.deep.equal({ r: 3, char: 'e', ref: 'test' });
    expect(vars('/dictionary/c/cat?a=5')).to.deep.equal({ r: 1, char: 'c', word: 'cat' });
    expect(vars('/dictionary/d/dog/')).to.deep.equal({ r: 1, char: 'd', word: 'dog' });
    expect(route(d, '/dictionary/c/cat/test')).to.equal(404);
    expect(route(d, '/dictionary/c/cat#ref')).to.equal(404);
  });

  it('CT-17: template vectors through the dispatcher (encoded +, %2F, query order, /* suffix, {x:3})', () => {
    const d = createApiDispatcher([
      api('T', '/t', [
        res({ uriTemplate: '/view/{symbol}' }),
        res({ uriTemplate: '/edit?a={symbol}&b={value}' }),
        res({ uriTemplate: '/code/{x:3}' }),
        res({ uriTemplate: '/files/*' }),
      ]),
    ]);
    expect(matched(d.dispatch(req('/t/view/a%2Bb'))).properties['uri.var.symbol']).to.equal('a+b');
    expect(matched(d.dispatch(req('/t/view/a%2Fb'))).properties['uri.var.symbol']).to.equal('a/b');
    expect(route(d, '/t/view/a+b')).to.equal(404);
    expect(route(d, '/t/edit?a=x&b=y')).to.equal(1);
    expect(route(d, '/t/edit?b=y&a=x')).to.equal(404);
    expect(route(d, '/t/code/abc')).to.equal(2);
    expect(route(d, '/t/code/abcd')).to.equal(404);
    expect(route(d, '/t/files/a/b')).to.equal(3);
  });

  it('CT-18: the default resource gets the query parameters, decoded', () => {
    const d = createApiDispatcher([api('T', '/test')]);
    const q = (p: string) => {
      const r = matched(d.dispatch(req(p)));
      return Object.fromEntries(Object.entries(r.properties).filter(([k]) => k.startsWith('query.param.')).map(([k, v]) => [k.slice(12), v]));
    };
    expect(q('/test/admin?a=5&b=10&user=bar')).to.deep.equal({ a: '5', b: '10', user: 'bar' });
    expect(q('/test/admin?a=Hello%20World&b=10&c=/foo/bar')).to.deep.equal({ a: 'Hello World', b: '10', c: '/foo/bar' });
    expect(q('/test/admin?a=http://test.com')).to.deep.equal({ a: 'http://test.com' });
    expect(d.dispatch(req('/test/admin?a=%zz'))).to.include({ kind: 'error', status: 400 });
  });

  it('trap 9: url-mappings before templates, first declared template wins, default last', () => {
    const d = createApiDispatcher([
      api('T', '/test', [res({ uriTemplate: '/{any}' }), res({ urlMapping: '*.jsp' }), res({ urlMapping: '/foo/*' }), res({ urlMapping: '/foo/bar/*' }), res(), res({ uriTemplate: '/list' })]),
    ]);
    expect(route(d, '/test/foo/index.jsp')).to.equal(2);
    expect(route(d, '/test/foo/bar/x')).to.equal(3);
    expect(route(d, '/test/index.jsp')).to.equal(1);
    expect(route(d, '/test/list')).to.equal(0);
    expect(route(d, '/test/a/b/c')).to.equal(4);
  });

  it('puts OPTIONS-only resources first (W)', () => {
    const d = createApiDispatcher([api('T', '/t', [res({ uriTemplate: '/{x}' }), res({ methods: ['OPTIONS'], uriTemplate: '/a' })])]);
    expect(route(d, '/t/a', { method: 'OPTIONS' })).to.equal(1);
    expect(route(d, '/t/a')).to.equal(0);
  });

  it('CT-21: 404, 405 and 400 by the acceptable-set rule (with its asymmetry)', () => {
    const two = createApiDispatcher([api('A', '/api', [res({ methods: ['GET'], uriTemplate: '/a' }), res({ methods: ['POST'], uriTemplate: '/b' })])]);
    expect(route(two, '/api/a', { method: 'POST', hasBody: true })).to.equal(404);
    expect(route(two, '/api/b', { method: 'POST', hasBody: true })).to.equal(1);
    expect(route(two, '/api/c')).to.equal(404);
    const one = createApiDispatcher([api('A', '/api', [res({ methods: ['GET'], uriTemplate: '/a' })])]);
    expect(route(one, '/api/a', { method: 'POST', hasBody: true })).to.equal(405);
    expect(route(one, '/api/zzz', { method: 'POST' })).to.equal(404);
    expect(route(one, '/api/a', { method: 'HEAD' }), 'HEAD is its own method').to.equal(405);
    const ct = createApiDispatcher([api('C', '/c', [res({ methods: ['GET', 'POST'], uriTemplate: '/a', contentType: 'application/json' })])]);
    expect(route(ct, '/c/a', { method: 'POST', hasBody: true, contentType: 'text/plain' })).to.equal(400);
    expect(route(ct, '/c/a', { method: 'POST', hasBody: true, contentType: 'application/json' })).to.equal(0);
    // W compares the whole header exactly
    expect(route(ct, '/c/a', { method: 'POST', hasBody: true, contentType: 'application/json; charset=utf-8' })).to.equal(400);
    // no body: the content-type filter is not applied
    expect(route(ct, '/c/a', { contentType: 'text/plain' })).to.equal(0);
    const err = two.dispatch(req('/api/c'));
    expect(err.kind === 'error' && err.message).to.be.a('string');
    expect(err.kind === 'error' && err.properties.SYNAPSE_REST_API).to.equal('A');
  });

  it('filters by protocol and by user agent (Java regex, full match; missing header fails)', () => {
    const p = createApiDispatcher([api('P', '/p', [res({ protocol: 'https', uriTemplate: '/x' })])]);
    expect(route(p, '/p/x')).to.equal(400);
    expect(route(p, '/p/x', { scheme: 'https' })).to.equal(0);
    const u = createApiDispatcher([api('U', '/u', [res({ userAgent: '(?i)curl.*', uriTemplate: '/x' }), res({ uriTemplate: '/x' })])]);
    expect(route(u, '/u/x', { userAgent: 'CURL/8.0' })).to.equal(0);
    expect(route(u, '/u/x', { userAgent: 'xcurl/8.0' })).to.equal(1);
    expect(route(u, '/u/x')).to.equal(1);
  });

  it('answers OPTIONS itself when the matched resource does not list OPTIONS (§2.5.4)', () => {
    const d = createApiDispatcher([
      api('O', '/o', [res({ methods: ['GET', 'POST'], uriTemplate: '/x', contentType: 'application/json' }), res({ methods: ['GET', 'OPTIONS'], uriTemplate: '/y' }), res({ uriTemplate: '/z' })]),
    ]);
    const o = d.dispatch(req('/o/x', { method: 'OPTIONS', hasBody: true, contentType: 'text/plain' }));
    expect(o).to.deep.include({ kind: 'options', allow: 'GET, POST', resourceIndex: 0 });
    expect(d.dispatch(req('/o/y', { method: 'OPTIONS' })).kind).to.equal('match');
    expect(d.dispatch(req('/o/z', { method: 'OPTIONS' }))).to.deep.include({ kind: 'options', allow: 'GET, POST, PUT, DELETE' });
  });
});

describe('dispatch: path variables that would traverse (ecosystem-security §3.2.10)', () => {
  const d = createApiDispatcher([api('F', '/files', [res({ uriTemplate: '/raw/{+rest}' }), res({ uriTemplate: '/q?path={p}' }), res({ uriTemplate: '/{name}' })])]);

  it('refuses decoded simple variables with "/" next to "..", NUL, backslash, "." or ".."', () => {
    for (const p of ['/files/..%2F..%2Fadmin', '/files/%2e%2e', '/files/%2E', '/files/a%5C..%5Cb', '/files/a%00b', '/files/x%2F..', '/files/q?path=..%2Fetc']) {
      expect(d.dispatch(req(p)), p).to.include({ kind: 'error', status: 400 });
    }
  });

  it('lets ordinary values and reserved {+var} captures through', () => {
    for (const p of ['/files/report.pdf', '/files/a..b', '/files/..x', '/files/a%2Fb']) expect(d.dispatch(req(p)).kind, p).to.equal('match');
    expect(matched(d.dispatch(req('/files/raw/a/../b'))).properties['uri.var.rest']).to.equal('a/../b');
  });

  it('answers 400 for broken percent-encoding in a captured value', () => {
    expect(d.dispatch(req('/files/q?path=%zz'))).to.include({ kind: 'error', status: 400 });
  });
});

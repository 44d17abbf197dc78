// API and resource selection (CT-01..CT-08, CT-13, CT-15, CT-21) on the dispatcher alone.

import { expect } from 'chai';
import type { ApiNode, ResourceNode } from '../../../src/config/ast.js';
import { createApiDispatcher, type DispatchRequest, type DispatchResult } from '../../../src/runtime/dispatch/api-dispatcher.js';

const pos = { file: 't.xml', line: 1, col: 1 };
function res(r: Partial<ResourceNode>): ResourceNode {
  return { methods: null, pos, ...r };
}
function api(name: string, context: string, resources: ResourceNode[], extra: Partial<ApiNode> = {}): ApiNode {
  return { name, context, resources, pos, file: 't.xml', ...extra };
}
function req(rawPath: string, extra: Partial<DispatchRequest> = {}): DispatchRequest {
  return { rawPath, method: 'GET', scheme: 'http', hasBody: false, ...extra };
}
function apiName(d: DispatchResult): string | undefined {
  return d.kind === 'none' ? undefined : d.api.name;
}

describe('dispatch: API selection', () => {
  it('matches a context only on a segment boundary (CT-01)', () => {
    const d = createApiDispatcher([api('TestAPI', '/test', [res({})])]);
    for (const p of ['/test', '/test/', '/test/foo/bar?a=5', '/test?a=5']) expect(apiName(d.dispatch(req(p))), p).to.equal('TestAPI');
    for (const p of ['/foo/test/bar?a=5', '/test1/bar?a=5']) expect(d.dispatch(req(p)).kind, p).to.equal('none');
  });

  it('takes every path for context "/" (CT-02) but prefers longer contexts', () => {
    const d = createApiDispatcher([api('Root', '/', [res({})]), api('Long', '/a/b', [res({})])]);
    expect(apiName(d.dispatch(req('/x')))).to.equal('Root');
    expect(apiName(d.dispatch(req('/a/b/c')))).to.equal('Long');
  });

  it('binds hostname and port (CT-03)', () => {
    const d = createApiDispatcher([api('H', '/test', [res({})], { hostname: 'synapse.apache.org', port: 8280 })]);
    expect(d.dispatch(req('/test')).kind).to.equal('none');
    expect(apiName(d.dispatch(req('/test', { host: 'synapse.apache.org:8280' })))).to.equal('H');
    expect(d.dispatch(req('/test', { host: 'synapse.apache.org' })).kind).to.equal('none');
    const h443 = createApiDispatcher([api('S', '/test', [res({})], { hostname: 'synapse.apache.org', port: 443 })]);
    expect(h443.dispatch(req('/test', { host: 'synapse.apache.org' })).kind).to.equal('none');
    expect(apiName(h443.dispatch(req('/test', { host: 'synapse.apache.org', scheme: 'https' })))).to.equal('S');
  });

  it('requires the version segment for url versioning and computes the postfix (CT-05, CT-08)', () => {
    const d = createApiDispatcher([api('V', '/test', [res({})], { version: '1.0.0', versionType: 'url' })]);
    expect(d.dispatch(req('/test/')).kind).to.equal('none');
    for (const p of ['/test/1.0.0', '/test/1.0.0/', '/test/1.0.0/foo/bar?a=5', '/test/1.0.0?a=http://localhost.com']) expect(apiName(d.dispatch(req(p))), p).to.equal('V');
    for (const p of ['/test/1.0.1/x', '/test/2.0/x', '/test/1.0.0.0/x']) expect(d.dispatch(req(p)).kind, p).to.equal('none');
    const r = d.dispatch(req('/test/1.0.0/foo?a=5'));
    expect(r.kind === 'match' && r.restUrlPostfix).to.equal('/foo?a=5');
    expect(r.kind === 'match' && r.properties.SYNAPSE_REST_API_VERSION).to.equal('1.0.0');
  });

  it('substitutes {version} for context versioning (CT-06) and reports "" without a version (CT-07)', () => {
    const d = createApiDispatcher([api('C', '/{version}/test', [res({})], { version: '1.0.0', versionType: 'context' }), api('N', '/n', [res({})])]);
    expect(apiName(d.dispatch(req('/1.0.0/test/x')))).to.equal('C');
    expect(d.dispatch(req('/2.0.0/test/x')).kind).to.equal('none');
    const n = d.dispatch(req('/n'));
    expect(n.kind === 'match' && n.properties.SYNAPSE_REST_API_VERSION).to.equal('');
  });

  it('computes REST_URL_POSTFIX after entry (CT-08)', () => {
    const d = createApiDispatcher([api('T', '/test', [res({})]), api('R', '/', [res({})])]);
    const pf = (p: string) => {
      const r = d.dispatch(req(p));
      return r.kind === 'match' ? r.restUrlPostfix : undefined;
    };
    expect(pf('/test')).to.equal('');
    expect(pf('/test/me/now')).to.equal('/me/now');
    expect(pf('/test?a=5')).to.equal('?a=5');
    expect(pf('/other/me')).to.equal('/other/me');
  });
});

describe('dispatch: resource selection', () => {
  it('prefers url-mappings in Synapse order over uri-templates and the default (CT-13)', () => {
    const d = createApiDispatcher([
      api('T', '/test', [
        res({ uriTemplate: '/{any}' }),
        res({ urlMapping: '*.jsp' }),
        res({ urlMapping: '/foo/*' }),
        res({ urlMapping: '/foo/bar/*' }),
        res({}),
      ]),
    ]);
    const idx = (p: string) => {
      const r = d.dispatch(req(p));
      return r.kind === 'match' ? r.resourceIndex : -1;
    };
    expect(idx('/test/foo/index.jsp')).to.equal(2);
    expect(idx('/test/foo/bar/x')).to.equal(3);
    expect(idx('/test/index.jsp')).to.equal(1);
    expect(idx('/test/abc')).to.equal(0);
    expect(idx('/test/a/b/c')).to.equal(4);
  });

  it('takes the first declared uri-template that matches, not the most specific (trap 9)', () => {
    const d = createApiDispatcher([api('T', '/t', [res({ uriTemplate: '/{id}' }), res({ uriTemplate: '/list' })])]);
    const r = d.dispatch(req('/t/list'));
    expect(r.kind === 'match' && r.resourceIndex).to.equal(0);
    expect(r.kind === 'match' && r.properties['uri.var.id']).to.equal('list');
    expect(r.kind === 'match' && r.properties.API_ELECTED_RESOURCE).to.equal('/{id}');
  });

  it('answers 404, 405 and 400 by the acceptable-set rule (CT-21)', () => {
    const one = createApiDispatcher([api('A', '/a', [res({ methods: ['GET'], uriTemplate: '/a' })])]);
    expect(one.dispatch(req('/a/a', { method: 'POST' }))).to.include({ kind: 'error', status: 405 });
    expect(one.dispatch(req('/a/zzz'))).to.include({ kind: 'error', status: 404 });
    const two = createApiDispatcher([api('B', '/b', [res({ methods: ['GET'], uriTemplate: '/a' }), res({ methods: ['POST'], uriTemplate: '/b' })])]);
    expect(two.dispatch(req('/b/a', { method: 'POST' }))).to.include({ kind: 'error', status: 404 });
    const ct = createApiDispatcher([api('C', '/c', [res({ methods: ['POST'], uriTemplate: '/a', contentType: 'application/json' })])]);
    expect(ct.dispatch(req('/c/a', { method: 'POST', hasBody: true, contentType: 'text/plain' }))).to.include({ kind: 'error', status: 400 });
    expect(ct.dispatch(req('/c/a', { method: 'POST', hasBody: true, contentType: 'application/json; charset=utf-8' })).kind).to.equal('match');
  });

  it('answers OPTIONS itself when the resource does not list it', () => {
    const d = createApiDispatcher([api('O', '/o', [res({ methods: ['GET', 'POST'], uriTemplate: '/x' })])]);
    expect(d.dispatch(req('/o/x', { method: 'OPTIONS' }))).to.deep.include({ kind: 'options', allow: 'GET, POST, OPTIONS' });
  });

  it('filters by user agent with a Java regex, full match', () => {
    const d = createApiDispatcher([api('U', '/u', [res({ userAgent: 'curl.*', uriTemplate: '/x' })])]);
    expect(d.dispatch(req('/u/x', { userAgent: 'curl/8.0' })).kind).to.equal('match');
    expect(d.dispatch(req('/u/x', { userAgent: 'xcurl/8.0' }))).to.include({ kind: 'error', status: 400 });
  });

  it('refuses decoded template variables that walk up the path', () => {
    const d = createApiDispatcher([api('F', '/files', [res({ uriTemplate: '/{name}' }), res({ uriTemplate: '/raw/{+rest}' })])]);
    for (const p of ['/files/..%2F..%2Fadmin', '/files/%2e%2e', '/files/a%5C..%5Cb', '/files/a%00b']) {
      expect(d.dispatch(req(p)), p).to.include({ kind: 'error', status: 400 });
    }
    expect(d.dispatch(req('/files/report.pdf')).kind).to.equal('match');
    expect(d.dispatch(req('/files/raw/a/../b')).kind).to.equal('match');
  });

  it('sets query.param.* and answers 400 for an undecodable one', () => {
    const d = createApiDispatcher([api('Q', '/q', [res({})])]);
    const r = d.dispatch(req('/q/x?a=1&b=x+y'));
    expect(r.kind === 'match' && [r.properties['query.param.a'], r.properties['query.param.b']]).to.deep.equal(['1', 'x y']);
    expect(d.dispatch(req('/q/x?a=%zz'))).to.include({ kind: 'error', status: 400 });
  });
});

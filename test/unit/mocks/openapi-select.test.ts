// OpenAPI mocks: the pure selection of status, media type and example from Prefer and Accept,
// and every error answer (400 for a malformed code, 501 when nothing fits).

import { expect } from 'chai';
import type { MockOperationDef, MockResponseDef } from '../../../src/mocks/openapi/document.js';
import {
  defaultOrder,
  errorBody,
  negotiate,
  parseAccept,
  parsePrefer,
  selectMockResponse,
  type MockPick,
  type MockSelection,
} from '../../../src/mocks/openapi/select.js';

function resp(key: string, content: Record<string, (string | [string, string])[]> = { 'application/json': [`{"key":"${key}"}`] }, headers: [string, string][] = []): MockResponseDef {
  return {
    key,
    headers,
    content: Object.entries(content).map(([mediaType, ex]) => ({
      mediaType,
      examples: ex.map((e) => (typeof e === 'string' ? { name: undefined, body: e } : { name: e[0], body: e[1] })),
    })),
  };
}

function op(...responses: MockResponseDef[]): MockOperationDef {
  return { method: 'GET', path: '/x', responses };
}

function ok(s: MockSelection): MockPick {
  if (s.kind !== 'ok') throw new Error(`expected an answer, got ${JSON.stringify(s)}`);
  return s;
}

describe('mocks/openapi: selection', () => {
  describe('Prefer parsing', () => {
    it('keeps code and example, trims, and keeps the case of values', () => {
      expect(parsePrefer(' Code = 404 , EXAMPLE= MyName ')).to.deep.equal({ code: '404', example: 'MyName' });
    });
    it('ignores other preferences, parts without exactly one "=", and parameters after ";"', () => {
      expect(parsePrefer('return=minimal, respond-async, code=1=2, example=a; x=y, wait=5')).to.deep.equal({ example: 'a' });
    });
    it('unquotes quoted values and keeps the first of a repeated preference', () => {
      expect(parsePrefer('example="two words", example=second, code="201"')).to.deep.equal({ example: 'two words', code: '201' });
    });
    it('returns nothing for an absent or empty header', () => {
      expect(parsePrefer(undefined)).to.deep.equal({});
      expect(parsePrefer('')).to.deep.equal({});
    });
  });

  describe('Accept parsing and negotiation', () => {
    it('parses ranges, parameters and q-values; a bare * is */*; malformed entries are dropped', () => {
      expect(parseAccept('text/html;level=1;q=0.5, *, application/json, bogus, image/png;q=2, */json')).to.deep.equal([
        { type: 'text', subtype: 'html', params: [['level', '1']], q: 0.5 },
        { type: '*', subtype: '*', params: [], q: 1 },
        { type: 'application', subtype: 'json', params: [], q: 1 },
      ]);
    });
    it('without Accept prefers application/json, else the first offered type', () => {
      expect(negotiate(['application/xml', 'application/json; charset=utf-8'], undefined)).to.equal('application/json; charset=utf-8');
      expect(negotiate(['application/xml', 'text/plain'], undefined)).to.equal('application/xml');
      expect(negotiate(['application/xml', 'application/json'], '  ')).to.equal('application/json');
    });
    it('picks the best match by q, not the last entry that matches', () => {
      expect(negotiate(['application/json', 'application/xml'], 'application/xml;q=0.9, application/json;q=0.1')).to.equal('application/xml');
      expect(negotiate(['application/json', 'application/xml'], 'application/xml, application/json')).to.equal('application/json');
    });
    it('breaks equal q by the more specific range, then by document order', () => {
      expect(negotiate(['text/plain', 'application/xml'], 'text/*, application/xml')).to.equal('application/xml');
      expect(negotiate(['text/plain', 'text/csv'], 'text/*')).to.equal('text/plain');
    });
    it('gives each type the q of its most specific matching range; q=0 refuses', () => {
      expect(negotiate(['application/json', 'application/xml'], '*/*, application/json;q=0')).to.equal('application/xml');
      expect(negotiate(['application/json'], 'application/*;q=0.8, application/json;q=0')).to.equal(undefined);
      expect(negotiate(['application/json'], 'application/*;q=0')).to.equal(undefined);
    });
    it('honours wildcards and compares media types without case', () => {
      expect(negotiate(['Application/JSON'], 'application/*')).to.equal('Application/JSON');
      expect(negotiate(['text/plain'], '*/*;q=0.1')).to.equal('text/plain');
    });
    it('requires the parameters an Accept range names', () => {
      expect(negotiate(['text/plain; charset=utf-8', 'text/plain; charset=latin1'], 'text/plain;charset=latin1')).to.equal('text/plain; charset=latin1');
      expect(negotiate(['text/plain'], 'text/plain;charset=latin1')).to.equal(undefined);
    });
  });

  describe('order without a code preference', () => {
    it('lowest exact 2xx first, then 2xx ranges (NNx before Nxx), then default, then the lowest other status', () => {
      const keys = (list: string[]) => defaultOrder(list.map((k) => resp(k))).map((r) => r.key);
      expect(keys(['404', 'default', '2XX', '201', '20x', '200'])).to.deep.equal(['200', '201', '20x', '2XX', 'default', '404']);
      expect(keys(['500', '4XX', '404', '302'])).to.deep.equal(['302', '404', '4XX', '500']);
    });
    it('answers default as 200 and a range with x read as 0', () => {
      expect(ok(selectMockResponse(op(resp('404'), resp('default')), undefined, undefined)).status).to.equal(200);
      const r = ok(selectMockResponse(op(resp('4XX'), resp('2xx')), undefined, undefined));
      expect([r.status, r.key]).to.deep.equal([200, '2xx']);
      expect(ok(selectMockResponse(op(resp('503'), resp('404')), undefined, undefined)).status).to.equal(404);
    });
  });

  describe('code preference', () => {
    const o = op(resp('200'), resp('404'), resp('50X', { 'application/json': [['ref1', '{"r":1}'], ['ref2', '{"r":2}']] }, [['Retry-After', '30']]), resp('4xx'));
    it('looks up NNN first', () => {
      const r = ok(selectMockResponse(o, 'code=404', undefined));
      expect([r.status, r.key, r.body]).to.deep.equal([404, '404', '{"key":"404"}']);
    });
    it('then NNx, sending the requested code, with the response headers', () => {
      const r = ok(selectMockResponse(o, 'code=503', undefined));
      expect([r.status, r.key, r.example, r.headers]).to.deep.equal([503, '50X', 'ref1', [['Retry-After', '30']]]);
    });
    it('then Nxx', () => {
      const r = ok(selectMockResponse(o, 'code=418', undefined));
      expect([r.status, r.key]).to.deep.equal([418, '4xx']);
    });
    it('answers 501 when no response has the code (default does not cover a preferred code)', () => {
      const r = selectMockResponse(op(resp('200'), resp('default')), 'code=302', undefined);
      expect(r).to.deep.equal({ kind: 'error', status: 501, code: 900871, message: 'Not Implemented', description: 'Preferred code 302 is not supported for this resource' });
    });
    for (const bad of ['20', '2000', 'abc', '2x0', '+20', '', '20 0']) {
      it(`answers 400 900870 for code=${JSON.stringify(bad)}`, () => {
        expect(selectMockResponse(o, `code=${bad}`, undefined)).to.deep.equal({
          kind: 'error',
          status: 400,
          code: 900870,
          message: 'Bad Request',
          description: 'Invalid format for code preference',
        });
      });
    }
  });

  describe('example preference', () => {
    const o = op(resp('200', { 'application/json': ['{"unnamed":true}', ['Rex', '{"n":"Rex"}'], ['rex', '{"n":"rex"}']] }));
    it('without a preference takes the first example (the unnamed one when there is one)', () => {
      expect(ok(selectMockResponse(o, undefined, undefined)).body).to.equal('{"unnamed":true}');
    });
    it('compares names as written: upper-case names work and differ from lower-case ones', () => {
      expect(ok(selectMockResponse(o, 'example=Rex', undefined)).body).to.equal('{"n":"Rex"}');
      expect(ok(selectMockResponse(o, 'example=rex', undefined)).body).to.equal('{"n":"rex"}');
    });
    it('answers 501 for a name the chosen media type does not have', () => {
      expect(selectMockResponse(o, 'example=REX', undefined)).to.deep.equal({
        kind: 'error',
        status: 501,
        code: 900871,
        message: 'Not Implemented',
        description: 'Example preference REX is not supported for this resource',
      });
    });
    it('looks the name up in the negotiated media type', () => {
      const two = op(resp('200', { 'application/json': [['a', '{}']], 'application/xml': [['b', '<b/>']] }));
      expect(ok(selectMockResponse(two, 'example=b', 'application/xml')).body).to.equal('<b/>');
      expect(selectMockResponse(two, 'example=b', 'application/json').kind).to.equal('error');
    });
    it('combines with a code preference', () => {
      const o2 = op(resp('200'), resp('5XX', { 'application/json': [['ref1', '1'], ['ref2', '2']] }));
      const r = ok(selectMockResponse(o2, 'code=503, example=ref2', undefined));
      expect([r.status, r.body]).to.deep.equal([503, '2']);
    });
  });

  describe('media type and bodiless responses', () => {
    it('answers with the negotiated type', () => {
      const o = op(resp('200', { 'application/json': ['{}'], 'application/xml': ['<a/>'], 'text/plain': ['a'] }));
      const r = ok(selectMockResponse(o, undefined, 'text/*;q=0.5, application/xml;q=0.4'));
      expect([r.mediaType, r.body]).to.deep.equal(['text/plain', 'a']);
    });
    it('answers 501 naming the Accept value when nothing offered is acceptable', () => {
      const o = op(resp('200'));
      expect(selectMockResponse(o, undefined, 'image/png')).to.deep.equal({
        kind: 'error',
        status: 501,
        code: 900871,
        message: 'Not Implemented',
        description: 'Accept type [image/png] is not supported for this resource',
      });
    });
    it('serves a response without content as an empty body, ignoring Accept', () => {
      const o = op(resp('204', {}, [['x-deleted', 'true']]));
      const r = ok(selectMockResponse(o, undefined, 'image/png'));
      expect([r.status, r.mediaType, r.body, r.headers]).to.deep.equal([204, undefined, '', [['x-deleted', 'true']]]);
      expect(selectMockResponse(o, 'example=a', undefined).kind).to.equal('error');
    });
    it('answers 501 900871 with an empty description for an operation without usable responses', () => {
      expect(selectMockResponse(op(), undefined, undefined)).to.deep.equal({ kind: 'error', status: 501, code: 900871, message: 'Not Implemented', description: '' });
    });
  });

  it('writes error bodies as the enforcer JSON', () => {
    const e = selectMockResponse(op(), 'code=abc', undefined);
    expect(JSON.parse(errorBody(e as Exclude<MockSelection, MockPick>))).to.deep.equal({ code: 900871, message: 'Not Implemented', description: '' });
    const bad = selectMockResponse(op(resp('200')), 'code=abc', undefined);
    expect(JSON.parse(errorBody(bad as Exclude<MockSelection, MockPick>))).to.deep.equal({ code: 900870, message: 'Bad Request', description: 'Invalid format for code preference' });
  });
});

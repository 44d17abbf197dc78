// OpenAPI mocks: documents (OpenAPI 3 YAML and JSON, Swagger 2) become operation tables with
// serialised examples; problems are reported, and the library validation catches what the
// extraction does not check.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  extractMockDocument,
  parseOpenApiText,
  serializeExample,
  validateOpenApiDocument,
  type MockDocument,
  type MockOperationDef,
} from '../../../src/mocks/openapi/document.js';
import { OpenApiMockEndpoint } from '../../../src/mocks/openapi/endpoint.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixture = (name: string) => readFileSync(path.join(root, 'fixtures/openapi', name), 'utf8');

function parse(text: string): Record<string, unknown> {
  const p = parseOpenApiText(text);
  if ('error' in p) throw new Error(p.error);
  return p.doc;
}

function load(text: string): MockDocument {
  const { document, problems } = extractMockDocument(parse(text));
  if (!document) throw new Error(JSON.stringify(problems));
  return document;
}

function opOf(doc: MockDocument, method: string, p: string): MockOperationDef {
  const o = doc.operations.find((x) => x.method === method && x.path === p);
  if (!o) throw new Error(`no ${method} ${p}`);
  return o;
}

const mini = (responses: string) => `openapi: 3.0.3
info: { title: t, version: '1' }
paths:
  /a:
    get:
      responses:
${responses}`;

describe('mocks/openapi: documents', () => {
  describe('OpenAPI 3 (YAML)', () => {
    const doc = load(fixture('petstore-oas3.yaml'));

    it('lists every operation with method and path template, and the servers base path', () => {
      expect(doc.spec).to.equal('openapi-3.0');
      expect(doc.basePaths).to.deep.equal(['/v1']);
      expect(doc.operations.map((o) => `${o.method} ${o.path}`)).to.deep.equal([
        'GET /pets',
        'POST /pets',
        'GET /pets/mine',
        'GET /pets/{petId}',
        'DELETE /pets/{petId}',
        'GET /pets/{petId}/photo',
      ]);
    });

    it('serialises an unnamed example per media type: JSON as JSON, XML and text strings as written', () => {
      const r = opOf(doc, 'GET', '/pets').responses[0]!;
      expect(r.key).to.equal('200');
      expect(r.content.map((c) => [c.mediaType, c.examples])).to.deep.equal([
        ['application/json', [{ name: undefined, body: '[{"id":1,"name":"Rex","tag":"dog"},{"id":2,"name":"Tom","tag":"cat"}]' }]],
        ['application/xml', [{ name: undefined, body: '<pets><pet id="1">Rex</pet><pet id="2">Tom</pet></pets>' }]],
        ['text/plain', [{ name: undefined, body: 'Rex, Tom' }]],
      ]);
    });

    it('takes header examples (also through $ref), strings without JSON quotes', () => {
      expect(opOf(doc, 'GET', '/pets').responses[0]!.headers).to.deep.equal([
        ['x-next', '/pets?page=2'],
        ['x-rate-limit', '99'],
      ]);
      expect(opOf(doc, 'GET', '/pets/{petId}').responses[2]!.headers).to.deep.equal([['Retry-After', '30']]);
    });

    it('keeps named examples with their names as written, resolving $ref examples', () => {
      const c = opOf(doc, 'GET', '/pets/{petId}').responses[0]!.content[0]!;
      expect(c.examples).to.deep.equal([
        { name: 'Rex', body: '{"id":1,"name":"Rex","tag":"dog"}' },
        { name: 'tom', body: '{"id":2,"name":"Tom","tag":"cat"}' },
      ]);
    });

    it('converts an object example to XML named after the schema (xml.name)', () => {
      const c = opOf(doc, 'GET', '/pets/{petId}').responses[0]!.content[1]!;
      expect(c).to.deep.equal({ mediaType: 'application/xml', examples: [{ name: 'Rex', body: '<pet><id>1</id><name>Rex</name></pet>' }] });
    });

    it('builds an example from the schema when none is given ($ref, schema examples, no writeOnly fields)', () => {
      const post = opOf(doc, 'POST', '/pets');
      expect(post.responses.map((r) => r.key)).to.deep.equal(['201', '5XX']);
      expect(JSON.parse(post.responses[0]!.content[0]!.examples[0]!.body)).to.deep.equal({ id: 0, name: 'Rex', tag: 'string' });
      // the $ref'd components response is used as well
      expect(JSON.parse(post.responses[1]!.content[0]!.examples[0]!.body)).to.deep.equal({ code: 0, message: 'string' });
    });

    it('keeps a response without content (served empty) and drops media types with nothing to show', () => {
      expect(opOf(doc, 'DELETE', '/pets/{petId}').responses).to.deep.equal([{ key: '204', headers: [['x-deleted', 'true']], content: [] }]);
      expect(opOf(doc, 'GET', '/pets/{petId}/photo').responses).to.deep.equal([]);
    });

    it('is valid for the OpenAPI library, Choreo-style "50X" keys included', async () => {
      expect(await validateOpenApiDocument(parse(fixture('petstore-oas3.yaml')))).to.deep.equal([]);
    });
  });

  describe('OpenAPI 3.1 (JSON)', () => {
    const doc = load(fixture('petstore-oas3.json'));
    it('reads JSON, server variables by their defaults, and templates inside a segment', () => {
      expect(doc.spec).to.equal('openapi-3.1');
      expect(doc.basePaths).to.deep.equal(['/api/v2']);
      const ep = new OpenApiMockEndpoint('t', doc, 'x.json');
      expect(ep.find('GET', '/api/v2/things/abc.json')?.path).to.equal('/things/{id}.json');
      expect(ep.find('GET', '/things/abc.json')?.path).to.equal('/things/{id}.json');
      expect(ep.find('GET', '/things/abc.xml')).to.equal(undefined);
    });
    it('sends text/html string examples as written', () => {
      expect(doc.operations[0]!.responses[0]!.content[1]).to.deep.equal({ mediaType: 'text/html', examples: [{ name: undefined, body: '<p>a</p>' }] });
    });
    it('is valid for the OpenAPI library', async () => {
      expect(await validateOpenApiDocument(parse(fixture('petstore-oas3.json')))).to.deep.equal([]);
    });
  });

  describe('Swagger 2', () => {
    const doc = load(fixture('petstore-swagger2.yaml'));
    it('uses the examples map, then samples the schema for the other produces types', () => {
      expect(doc.spec).to.equal('swagger-2.0');
      expect(doc.basePaths).to.deep.equal(['/api']);
      const r = opOf(doc, 'GET', '/users/{id}').responses[0]!;
      expect(r.headers).to.deep.equal([['X-Trace', 'abc-123']]);
      expect(r.content).to.deep.equal([
        { mediaType: 'application/json', examples: [{ name: undefined, body: '{"id":7,"name":"Ann"}' }] },
        { mediaType: 'application/xml', examples: [{ name: undefined, body: '<User><id>0</id><name>string</name></User>' }] },
      ]);
    });
    it('resolves #/responses and #/definitions references', () => {
      const r = opOf(doc, 'GET', '/users/{id}').responses[1]!;
      expect(r.key).to.equal('404');
      expect(r.content[0]!.examples[0]!.body).to.equal('{"message":"not found"}');
    });
    it('is valid for the OpenAPI library', async () => {
      expect(await validateOpenApiDocument(parse(fixture('petstore-swagger2.yaml')))).to.deep.equal([]);
    });
  });

  describe('problems', () => {
    it('reports YAML syntax errors', () => {
      const p = parseOpenApiText('openapi: 3.0.0\npaths: [\n');
      expect('error' in p && p.error).to.match(/^not valid YAML or JSON: /);
      expect(parseOpenApiText('- a\n- b')).to.deep.equal({ error: 'the document is not a YAML or JSON object' });
    });

    it('refuses documents that are not OpenAPI 3.0/3.1 or Swagger 2.0', () => {
      expect(extractMockDocument({ info: {} }).problems[0]!.message).to.equal('not an OpenAPI document (no "openapi" or "swagger" field)');
      expect(extractMockDocument({ openapi: '4.0.0', paths: {} }).problems[0]!.message).to.match(/version "4\.0\.0" is not supported/);
    });

    it('reports a $ref that does not resolve, and external $refs as unsupported', () => {
      const broken = extractMockDocument(parse(mini(`        '200': { $ref: '#/components/responses/Nope' }`)));
      expect(broken.document).to.equal(undefined);
      expect(broken.problems).to.deep.equal([
        { severity: 'error', code: 'AXON_CFG_OPENAPI_INVALID', message: 'GET /a response 200: $ref "#/components/responses/Nope" does not resolve' },
      ]);
      const ext = extractMockDocument(parse(mini(`        '200': { $ref: 'common.yaml#/responses/Ok' }`)));
      expect(ext.problems.map((p) => p.code)).to.deep.equal(['AXON_CFG_OPENAPI_UNSUPPORTED']);
    });

    it('reports response keys that are not statuses, ranges or default; warns about 1xx', () => {
      const bad = extractMockDocument(parse(mini(`        'abc': { description: x }\n        '200': { description: x }`)));
      expect(bad.problems[0]!.message).to.equal('GET /a: response key "abc" is not a status code (200), a range (2XX, 20X) or "default"');
      const info = extractMockDocument(parse(mini(`        '101': { description: x }\n        '200': { description: x }`)));
      expect(info.problems.map((p) => p.severity)).to.deep.equal(['warning']);
      expect(info.document!.operations[0]!.responses.map((r) => r.key)).to.deep.equal(['200']);
    });

    it('refuses header examples that would break the header', () => {
      const r = extractMockDocument(parse(mini(`        '200':\n          description: x\n          headers:\n            x-a: { example: "a\\r\\nb" }`)));
      expect(r.problems[0]!.message).to.match(/header x-a contains characters not allowed/);
    });

    it('refuses a document without operations', () => {
      expect(extractMockDocument(parse('openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths: {}')).problems[0]!.message).to.equal('the document defines no operations to mock');
    });

    it('warns about externalValue examples and skips them', () => {
      const r = extractMockDocument(parse(mini(`        '200':\n          description: x\n          content:\n            application/json:\n              examples:\n                far: { externalValue: 'http://example.com/x.json' }\n                near: { value: 1 }`)));
      expect(r.problems.map((p) => [p.severity, p.code])).to.deep.equal([['warning', 'AXON_CFG_OPENAPI_UNSUPPORTED']]);
      expect(r.document!.operations[0]!.responses[0]!.content[0]!.examples).to.deep.equal([{ name: 'near', body: '1' }]);
    });

    it('the library reports what the extraction does not check, compactly', async () => {
      const errs = await validateOpenApiDocument(parse(`openapi: 3.0.3\ninfo: { title: t }\npaths:\n  /a:\n    get:\n      responses:\n        '200': { description: ok }`));
      expect(errs).to.deep.equal(["REQUIRED must have required property 'version' (version is missing here!)"]);
    });
  });

  describe('serialisation', () => {
    it('writes a string as a JSON string for JSON types, as written elsewhere', () => {
      expect(serializeExample('hi', 'application/json', undefined, {})).to.equal('"hi"');
      expect(serializeExample('hi', 'application/problem+json', undefined, {})).to.equal('"hi"');
      expect(serializeExample('<a/>', 'text/xml', undefined, {})).to.equal('<a/>');
      expect(serializeExample('hi', 'text/plain', undefined, {})).to.equal('hi');
    });
    it('converts objects for XML (a lone key as the root, arrays repeated, text escaped) and YAML', () => {
      expect(serializeExample({ order: { id: 1, items: ['a', 'b<'] } }, 'application/xml', undefined, {})).to.equal('<order><id>1</id><items>a</items><items>b&lt;</items></order>');
      expect(serializeExample({ a: 1, b: null }, 'application/xml', undefined, {})).to.equal('<root><a>1</a><b/></root>');
      expect(serializeExample([1, 2], 'application/xml', { type: 'array', items: { xml: { name: 'n' } } }, {})).to.equal('<root><n>1</n><n>2</n></root>');
      expect(serializeExample({ a: [1, 2] }, 'application/yaml', undefined, {})).to.equal('a:\n  - 1\n  - 2\n');
      expect(serializeExample({ a: 1 }, 'text/plain', undefined, {})).to.equal('{"a":1}');
    });
  });

  describe('operation matching', () => {
    const doc = load(fixture('petstore-oas3.yaml'));
    const ep = new OpenApiMockEndpoint('m', doc, 'petstore-oas3.yaml');
    it('matches templates and prefers concrete paths over templated ones', () => {
      expect(ep.find('GET', '/pets/7')?.path).to.equal('/pets/{petId}');
      expect(ep.find('GET', '/pets/mine')?.path).to.equal('/pets/mine');
      expect(ep.find('GET', '/pets/7/photo')?.path).to.equal('/pets/{petId}/photo');
    });
    it('strips the servers base path when present, tolerates a trailing slash, decodes segments', () => {
      expect(ep.find('GET', '/v1/pets')?.path).to.equal('/pets');
      expect(ep.find('GET', '/pets/')?.path).to.equal('/pets');
      expect(ep.find('GET', '/pets/m%69ne')?.path).to.equal('/pets/mine');
    });
    it('needs the method to match; HEAD falls back to GET', () => {
      expect(ep.find('PUT', '/pets')).to.equal(undefined);
      expect(ep.find('HEAD', '/pets')?.method).to.equal('GET');
      expect(ep.find('GET', '/owners')).to.equal(undefined);
    });
    it('answers 404 with the error JSON fields for an unknown operation', () => {
      expect(ep.answer('PUT', '/pets', undefined, undefined)).to.deep.equal({
        kind: 'error',
        status: 404,
        code: 900906,
        message: 'Not Found',
        description: 'No operation in the OpenAPI document matches PUT /pets',
      });
    });
  });
});

// End-to-end over real sockets: APIs answered by <mock openapi> endpoints from the examples of
// OpenAPI documents (Prefer code/example, Accept negotiation, 400/404/501 answers), through the
// normal flow (out sequence included), without any backend being contacted.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend, type Backend } from '../helpers/backend.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string) => readFileSync(path.join(root, 'fixtures/openapi', name), 'utf8');

describe('e2e: OpenAPI example mocks', function () {
  this.timeout(30_000);
  let backend: Backend;
  let g: RunningGateway;

  before(async () => {
    backend = await startBackend();
    g = await startGateway({
      'mocks/petstore.yaml': fixture('petstore-oas3.yaml'),
      'mocks/users.yaml': fixture('petstore-swagger2.yaml'),
      'endpoints/PetstoreMock.xml': `<endpoint ${NS} name="PetstoreMock"><mock openapi="mocks/petstore.yaml"/></endpoint>`,
      // a real backend is configured too, only to show that nothing reaches it
      'endpoints/Real.xml': `<endpoint ${NS} name="Real"><address uri="${backend.url}/inspect"/></endpoint>`,
      'api/petstore.xml': `<api ${NS} name="Petstore" context="/petstore" lifecycle="CREATED">
        <resource url-mapping="/*">
          <inSequence><send><endpoint key="PetstoreMock"/></send></inSequence>
        </resource>
      </api>`,
      'api/decorated.xml': `<api ${NS} name="Decorated" context="/decorated" lifecycle="PRE-RELEASED">
        <resource methods="GET" uri-template="/pets/{id}">
          <inSequence><send><endpoint key="PetstoreMock"/></send></inSequence>
          <outSequence>
            <header name="X-Out" scope="transport" expression="fn:concat('status-', $axis2:HTTP_SC)"/>
            <send/>
          </outSequence>
        </resource>
      </api>`,
      'api/users.xml': `<api ${NS} name="Users" context="/users">
        <resource url-mapping="/*">
          <inSequence><send><endpoint><mock openapi="mocks/users.yaml"/></endpoint></send></inSequence>
        </resource>
      </api>`,
    });
  });

  after(async () => {
    await g?.stop();
    await backend?.close();
  });

  it('answers an operation from its example, with example headers and the mock marker', async () => {
    const r = await request(`${g.url}/petstore/pets`);
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('application/json');
    expect(r.json()).to.deep.equal([
      { id: 1, name: 'Rex', tag: 'dog' },
      { id: 2, name: 'Tom', tag: 'cat' },
    ]);
    expect(r.headers['x-next']).to.equal('/pets?page=2');
    expect(r.headers['x-rate-limit']).to.equal('99');
    expect(r.headers['x-axon-mock']).to.equal('openapi');
    expect(r.headers.vary).to.equal('Prefer, Accept');
  });

  it('negotiates Accept with q-values: XML and text examples are sent as written', async () => {
    const xml = await request(`${g.url}/petstore/pets`, { headers: { accept: 'application/xml' } });
    expect([xml.status, xml.headers['content-type'], xml.text]).to.deep.equal([200, 'application/xml', '<pets><pet id="1">Rex</pet><pet id="2">Tom</pet></pets>']);
    const text = await request(`${g.url}/petstore/pets`, { headers: { accept: 'application/json;q=0.5, text/plain;q=0.9' } });
    expect([text.headers['content-type'], text.text]).to.deep.equal(['text/plain', 'Rex, Tom']);
  });

  it('answers Prefer code and example: the requested status, the range response, its named example and headers', async () => {
    const r = await request(`${g.url}/petstore/pets/1`, { headers: { prefer: 'code=503, example=ref2' } });
    expect(r.status).to.equal(503);
    expect(r.json()).to.deep.equal({ error: 'overloaded' });
    expect(r.headers['retry-after']).to.equal('30');
    const e404 = await request(`${g.url}/petstore/pets/1`, { headers: { prefer: 'code=404' } });
    expect([e404.status, e404.json()]).to.deep.equal([404, { code: 404, message: 'no such pet' }]);
  });

  it('compares example names as written', async () => {
    const rex = await request(`${g.url}/petstore/pets/1`, { headers: { prefer: 'example=Rex' } });
    expect(rex.json()).to.deep.equal({ id: 1, name: 'Rex', tag: 'dog' });
    const tom = await request(`${g.url}/petstore/pets/1`, { headers: { prefer: 'example=tom' } });
    expect(tom.json()).to.deep.equal({ id: 2, name: 'Tom', tag: 'cat' });
    const wrong = await request(`${g.url}/petstore/pets/1`, { headers: { prefer: 'example=rex' } });
    expect(wrong.status).to.equal(501);
    expect(wrong.json()).to.deep.equal({ code: 900871, message: 'Not Implemented', description: 'Example preference rex is not supported for this resource' });
  });

  it('answers 400 for a malformed code preference and 501 for codes, types and operations it cannot serve', async () => {
    const bad = await request(`${g.url}/petstore/pets/1`, { headers: { prefer: 'code=5x3' } });
    expect([bad.status, bad.headers['x-axon-mock'], bad.json()]).to.deep.equal([400, 'openapi', { code: 900870, message: 'Bad Request', description: 'Invalid format for code preference' }]);
    const code = await request(`${g.url}/petstore/pets/1`, { headers: { prefer: 'code=302' } });
    expect([code.status, code.json().description]).to.deep.equal([501, 'Preferred code 302 is not supported for this resource']);
    const accept = await request(`${g.url}/petstore/pets/1`, { headers: { accept: 'image/png' } });
    expect([accept.status, accept.json().description]).to.deep.equal([501, 'Accept type [image/png] is not supported for this resource']);
    const none = await request(`${g.url}/petstore/pets/1/photo`);
    expect([none.status, none.json()]).to.deep.equal([501, { code: 900871, message: 'Not Implemented', description: '' }]);
  });

  it('answers 404 for an operation the document does not define', async () => {
    const r = await request(`${g.url}/petstore/owners`, { method: 'PUT' });
    expect(r.status).to.equal(404);
    expect(r.json()).to.deep.equal({ code: 900906, message: 'Not Found', description: 'No operation in the OpenAPI document matches PUT /owners' });
  });

  it('serves bodiless and schema-sampled responses, and reads (and ignores) request bodies', async () => {
    const del = await request(`${g.url}/petstore/pets/1`, { method: 'DELETE' });
    expect([del.status, del.text, del.headers['x-deleted']]).to.deep.equal([204, '', 'true']);
    const post = await request(`${g.url}/petstore/pets`, { method: 'POST', body: JSON.stringify({ name: 'Rex', secret: 's' }), headers: { 'content-type': 'application/json' } });
    expect(post.status).to.equal(201);
    expect(post.json()).to.deep.equal({ id: 0, name: 'Rex', tag: 'string' });
    const head = await request(`${g.url}/petstore/pets`, { method: 'HEAD' });
    expect([head.status, head.text, head.headers['x-axon-mock']]).to.deep.equal([200, '', 'openapi']);
  });

  it('runs the out sequence on a mocked response like on a backend response', async () => {
    const r = await request(`${g.url}/decorated/pets/7`, { headers: { prefer: 'code=500' } });
    expect(r.status).to.equal(500);
    expect(r.headers['x-out']).to.equal('status-500');
    expect(r.headers['x-axon-mock']).to.equal('openapi');
    expect(r.json()).to.deep.equal({ error: 'unavailable' });
  });

  it('answers from a Swagger 2 document, with its basePath in the request path or not', async () => {
    const withBase = await request(`${g.url}/users/api/users/7`);
    expect([withBase.status, withBase.json(), withBase.headers['x-trace']]).to.deep.equal([200, { id: 7, name: 'Ann' }, 'abc-123']);
    const xml = await request(`${g.url}/users/users/7`, { headers: { accept: 'application/xml' } });
    expect(xml.text).to.equal('<User><id>0</id><name>string</name></User>');
  });

  it('never contacted the backend', () => {
    expect(backend.requests).to.deep.equal([]);
  });
});

// End-to-end over real sockets: the mediation core from request to backend and back.

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { startBackend, closedPort, type Backend } from '../helpers/backend.js';
import { api, startGateway, type RunningGateway } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';

describe('e2e: HTTP mediation', function () {
  this.timeout(30_000);
  let backend: Backend;
  let refused: number;
  let g: RunningGateway;

  before(async () => {
    backend = await startBackend();
    refused = await closedPort();
    g = await startGateway({
      'api/pass.xml': api('Pass', '/pass', `<send><endpoint><address uri="${backend.url}"/></endpoint></send>`),
      'api/named.xml': api('Named', '/named', `<send><endpoint key="BackendEP"/></send>`),
      'endpoints/BackendEP.xml': `<endpoint ${NS} name="BackendEP"><address uri="${backend.url}/inspect"/></endpoint>`,
      'api/dynamic.xml': `<api ${NS} name="Dynamic" context="/dyn">
        <resource methods="GET" uri-template="/rooms/{roomID}">
          <inSequence>
            <property name="switchExpression" expression="get-property('API_ELECTED_RESOURCE')"/>
            <switch source="$ctx:switchExpression">
              <case regex="^/rooms/[^/]+$">
                <header name="To" expression="fn:concat('${backend.url}', '/inspect/rooms?room=', get-property('uri.var.roomID'))"/>
              </case>
              <default><header name="To" expression="fn:concat('${backend.url}/inspect', $ctx:switchExpression)"/></default>
            </switch>
            <property name="REST_URL_POSTFIX" scope="axis2" action="remove"/>
            <send><endpoint><default/></endpoint></send>
          </inSequence>
        </resource>
        <resource methods="GET" uri-template="/other/*">
          <inSequence>
            <property name="switchExpression" expression="get-property('API_ELECTED_RESOURCE')"/>
            <switch source="$ctx:switchExpression">
              <case regex="^/rooms/[^/]+$"><header name="To" value="http://wrong.invalid/"/></case>
              <default><header name="To" expression="fn:concat('${backend.url}/inspect', get-property('REST_SUB_REQUEST_PATH'))"/></default>
            </switch>
            <property name="REST_URL_POSTFIX" scope="axis2" action="remove"/>
            <send><endpoint><default/></endpoint></send>
          </inSequence>
        </resource>
      </api>`,
      'api/postfix.xml': api('Postfix', '/pf', `<header name="To" value="${backend.url}/inspect"/><send><endpoint><default/></endpoint></send>`),
      'api/refused.xml': api('Refused', '/refused', `<send><endpoint><address uri="http://127.0.0.1:${refused}/x"/></endpoint></send>`, ' faultSequence="report"'),
      'api/refused-nofault.xml': api('RefusedBare', '/refused-bare', `<send><endpoint><address uri="http://127.0.0.1:${refused}/x"/></endpoint></send>`),
      'sequences/report.xml': `<sequence ${NS} name="report">
          <property name="HTTP_SC" value="503" scope="axis2"/>
          <payloadFactory media-type="json"><format>{"code":$1,"msg":"$2"}</format>
            <args><arg expression="get-property('ERROR_CODE')"/><arg expression="get-property('ERROR_MESSAGE')"/></args></payloadFactory>
          <respond/></sequence>`,
      'api/nothing.xml': api('Nothing', '/nothing', `<property name="x" value="1"/>`),
      'api/dropper.xml': api('Dropper', '/drop', `<drop/>`),
      'api/methods.xml': `<api ${NS} name="Methods" context="/methods">
          <resource methods="GET" uri-template="/a"><inSequence><respond/></inSequence></resource>
        </api>`,
      'api/methods2.xml': `<api ${NS} name="Methods2" context="/methods2">
          <resource methods="GET" uri-template="/a"><inSequence><respond/></inSequence></resource>
          <resource methods="POST" uri-template="/b"><inSequence><respond/></inSequence></resource>
        </api>`,
      'api/timeout.xml': api('Slow', '/slow', `<send><endpoint><address uri="${backend.url}/sleep/3000"><timeout><duration>300</duration><responseAction>fault</responseAction></timeout></address></endpoint></send>`, ' faultSequence="report"'),
      'api/closed.xml': api('Closed', '/closed', `<send><endpoint><address uri="${backend.url}/close"/></endpoint></send>`, ' faultSequence="report"'),
      'api/status.xml': api('Status', '/status', `<send><endpoint><address uri="${backend.url}"/></endpoint></send>`),
      'api/call.xml': api('Caller', '/call', `<call><endpoint><http method="get" uri-template="${backend.url}/inspect/first"/></endpoint></call>
          <property name="firstStatus" expression="$axis2:HTTP_SC"/>
          <payloadFactory media-type="json"><format>{"first":$1,"url":"$2"}</format>
            <args><arg expression="$ctx:firstStatus"/><arg expression="json-eval($.url)"/></args></payloadFactory>
          <respond/>`),
      'api/inject.xml': api('Inject', '/inject', `<header name="X-Echo" scope="transport" expression="get-property('query.param.v')"/>
          <send><endpoint><address uri="${backend.url}/inspect"/></endpoint></send>`, ' faultSequence="report"'),
      'api/readjson.xml': api('ReadJson', '/readjson', `<property name="n" expression="json-eval($.name)"/>
          <payloadFactory media-type="json"><format>{"hello":"$1"}</format><args><arg expression="$ctx:n"/></args></payloadFactory><respond/>`),
      'api/readxml.xml': api('ReadXml', '/readxml', `<property name="n" expression="//name"/>
          <payloadFactory media-type="json"><format>{"hello":"$1"}</format><args><arg expression="$ctx:n"/></args></payloadFactory><respond/>`),
      'api/out.xml': `<api ${NS} name="Out" context="/out"><resource url-mapping="/*">
          <inSequence><send><endpoint><address uri="${backend.url}/inspect"/></endpoint></send></inSequence>
          <outSequence><header name="X-Out" scope="transport" value="seen"/><property name="HTTP_SC" value="201" scope="axis2"/><send/></outSequence>
        </resource></api>`,
      'api/httpep.xml': `<api ${NS} name="HttpEp" context="/httpep"><resource methods="GET" uri-template="/items/{id}">
          <inSequence><send><endpoint><http method="get" uri-template="${backend.url}/inspect/store/{uri.var.id}?q={query.param.q}"/></endpoint></send></inSequence>
        </resource></api>`,
    });
  });

  after(async () => {
    await g?.stop();
    await backend?.close();
  });

  it('passes a request through to an address endpoint, appending the REST postfix', async () => {
    const r = await request(`${g.url}/pass/inspect/a/b?x=1`, { headers: { 'x-client': 'yes' } });
    expect(r.status).to.equal(200);
    const seen = r.json();
    expect(seen.url).to.equal('/inspect/a/b?x=1');
    expect(seen.headers['x-client']).to.equal('yes');
    expect(r.headers['x-backend']).to.equal('inspect');
  });

  it('sends through a named endpoint referenced by key', async () => {
    const r = await request(`${g.url}/named/z`);
    expect(r.status).to.equal(200);
    expect(r.json().url).to.equal('/inspect/z');
  });

  it('relays backend 4xx and 5xx as responses, not faults', async () => {
    const r404 = await request(`${g.url}/status/status/404`);
    expect(r404.status).to.equal(404);
    expect(r404.json()).to.deep.equal({ status: 404 });
    const r500 = await request(`${g.url}/status/status/500`);
    expect(r500.status).to.equal(500);
  });

  it('routes with a switch on API_ELECTED_RESOURCE and sends to the To header (dynamic endpoint)', async () => {
    const r = await request(`${g.url}/dyn/rooms/42`);
    expect(r.status).to.equal(200);
    expect(r.json().url).to.equal('/inspect/rooms?room=42');
    const d = await request(`${g.url}/dyn/other/x/y`);
    expect(d.status).to.equal(200);
    expect(d.json().url).to.equal('/inspect/other/x/y');
  });

  it('appends REST_URL_POSTFIX to the To address of a default endpoint, as Synapse does', async () => {
    const r = await request(`${g.url}/pf/more?k=v`);
    expect(r.json().url).to.equal('/inspect/more?k=v');
  });

  it('runs the fault sequence with ERROR_CODE 101503 when the backend refuses the connection', async () => {
    const r = await request(`${g.url}/refused/x`);
    expect(r.status).to.equal(503);
    expect(r.json()).to.deep.equal({ code: 101503, msg: 'Error connecting to the back end' });
  });

  it('answers a 5xx naming the error code when no fault sequence is defined', async () => {
    const r = await request(`${g.url}/refused-bare/x`);
    expect(r.status).to.equal(502);
    expect(r.json().code).to.equal(101503);
    expect(r.json().description).to.be.a('string');
  });

  it('sets 101504 when the endpoint timeout expires', async () => {
    const t0 = Date.now();
    const r = await request(`${g.url}/slow`);
    expect(r.status).to.equal(503);
    expect(r.json().code).to.equal(101504);
    expect(Date.now() - t0).to.be.lessThan(2500);
  });

  it('sets 101505 when the backend closes the connection', async () => {
    const r = await request(`${g.url}/closed`);
    expect(r.json().code).to.equal(101505);
  });

  it('answers 202 Accepted with an empty body when the flow sends nothing', async () => {
    const r = await request(`${g.url}/nothing/x`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(r.status).to.equal(202);
    expect(r.body.length).to.equal(0);
    const d = await request(`${g.url}/drop/x`);
    expect(d.status).to.equal(202);
  });

  it('answers 404 for an unknown path and 405 for a method the resource does not allow', async () => {
    expect((await request(`${g.url}/no-such-api/x`)).status).to.equal(404);
    expect((await request(`${g.url}/methods/zzz`)).status).to.equal(404);
    expect((await request(`${g.url}/methods/a`, { method: 'POST', body: 'x' })).status).to.equal(405);
    // Synapse's asymmetry: another resource accepts POST, so POST /a is 404, not 405
    expect((await request(`${g.url}/methods2/a`, { method: 'POST', body: 'x' })).status).to.equal(404);
  });

  it('streams a 20 MB body to the backend and back with its checksum intact', async () => {
    const body = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4) body.writeUInt32LE((i * 2654435761) >>> 0, i);
    const sum = createHash('sha256').update(body).digest('hex');
    const up = await request(`${g.url}/pass/sha256`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' }, timeoutMs: 20_000 });
    expect(up.status).to.equal(200);
    expect(up.json()).to.deep.equal({ sha256: sum, size: body.length });
    const down = await request(`${g.url}/pass/echo`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' }, timeoutMs: 20_000 });
    expect(down.status).to.equal(200);
    expect(createHash('sha256').update(down.body).digest('hex')).to.equal(sum);
  });

  it('continues after a call mediator with the response as the message', async () => {
    const r = await request(`${g.url}/call/x`);
    expect(r.status).to.equal(200);
    expect(r.json()).to.deep.equal({ first: 200, url: '/inspect/first' });
  });

  it('runs the outSequence on the response and honours HTTP_SC', async () => {
    const r = await request(`${g.url}/out/x`);
    expect(r.status).to.equal(201);
    expect(r.headers['x-out']).to.equal('seen');
  });

  it('expands an http endpoint uri-template from uri.var and query.param', async () => {
    const r = await request(`${g.url}/httpep/items/a%20b?q=x%26y`);
    expect(r.json().url).to.equal('/inspect/store/a%20b?q=x%26y');
  });

  it('never sends a header value containing CR or LF built from client input', async () => {
    const before = backend.requests.length;
    const r = await request(`${g.url}/inject/x?v=a%0d%0aSet-Cookie:%20x=1`);
    expect(r.status).to.be.within(500, 599);
    expect(r.headers['set-cookie']).to.equal(undefined);
    expect(backend.requests.length).to.equal(before);
  });

  it('answers 400 for malformed JSON or XML a mediator must read, and for a DOCTYPE', async () => {
    const j = await request(`${g.url}/readjson/x`, { method: 'POST', body: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(j.status).to.equal(400);
    const x = await request(`${g.url}/readxml/x`, { method: 'POST', body: '<a><name>x</a>', headers: { 'content-type': 'application/xml' } });
    expect(x.status).to.equal(400);
    const d = await request(`${g.url}/readxml/x`, {
      method: 'POST',
      body: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a><name>&x;</name></a>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(d.status).to.equal(400);
    expect(d.text).to.not.contain('root:');
    const ok = await request(`${g.url}/readjson/x`, { method: 'POST', body: '{"name":"axon"}', headers: { 'content-type': 'application/json' } });
    expect(ok.json()).to.deep.equal({ hello: 'axon' });
    const okx = await request(`${g.url}/readxml/x`, { method: 'POST', body: '<a><name>axon</name></a>', headers: { 'content-type': 'application/xml' } });
    expect(okx.json()).to.deep.equal({ hello: 'axon' });
  });

  it('answers 413 when a mediator must buffer a body over the limit, and streams it when none must', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 0x61);
    const r = await request(`${g.url}/readjson/x`, { method: 'POST', body: big, headers: { 'content-type': 'application/json' }, timeoutMs: 20_000 });
    expect(r.status).to.equal(413);
    const through = await request(`${g.url}/pass/sha256`, { method: 'POST', body: big, headers: { 'content-type': 'application/json' }, timeoutMs: 20_000 });
    expect(through.json().size).to.equal(big.length);
  });

  it('answers 400 for malformed percent-encoding in the path', async () => {
    const r = await request(`${g.url}/pass/%E0%A4%A`);
    expect(r.status).to.equal(400);
  });

  it('answers 431 for oversized request headers', async () => {
    const r = await request(`${g.url}/pass/inspect`, { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(r.status).to.equal(431);
  });

  it('keeps one failing request from affecting others in flight', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const jobs: Promise<number>[] = [];
    for (let i = 0; i < 40; i++) {
      jobs.push(request(i % 2 ? `${g.url}/refused/x` : `${g.url}/pass/inspect/${i}`, { agent }).then((r) => r.status));
    }
    const statuses = await Promise.all(jobs);
    agent.destroy();
    statuses.forEach((s, i) => expect(s).to.equal(i % 2 ? 503 : 200));
  });
});

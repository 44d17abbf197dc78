// End-to-end: Apache Synapse's own sample configs that Axon loads, run on loopback. The samples
// call a SOAP stock-quote service at localhost:9000; here that address points at the backend
// simulator, and the client sends what Synapse's sample client sends (a SOAP 1.1 getQuote).

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedPort, startBackend, type Backend } from '../helpers/backend.js';
import { startGateway } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/synapse-samples');

const getQuote = (symbol: string) =>
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  `<m0:getQuote xmlns:m0="http://services.samples"><m0:request><m0:symbol>${symbol}</m0:symbol></m0:request></m0:getQuote>` +
  '</soapenv:Body></soapenv:Envelope>';

async function runSample(n: number, backend: Backend, symbol = 'IBM', rewrite: (xml: string) => string = (x) => x) {
  const xml = rewrite(readFileSync(path.join(dir, `synapse_sample_${n}.xml`), 'utf8').replace(/http:\/\/localhost:9000/g, backend.url));
  const g = await startGateway({ [`synapse_sample_${n}.xml`]: xml });
  try {
    const before = backend.requests.length;
    const r = await request(`${g.url}/services/StockQuote`, {
      method: 'POST',
      body: getQuote(symbol),
      headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '"urn:getQuote"' },
    });
    return { r, sent: backend.requests.slice(before), logs: g.logs };
  } finally {
    await g.stop();
  }
}

describe('e2e: Synapse samples on loopback', function () {
  this.timeout(20_000);
  let backend: Backend;
  before(async () => {
    backend = await startBackend();
  });
  after(async () => {
    await backend?.close();
  });

  it('sample 3: local entry, named endpoint by key, in/out branches of main', async () => {
    const { r, sent, logs } = await runSample(3, backend);
    expect(r.status).to.equal(200);
    expect(r.text).to.contain('<ns:symbol>IBM</ns:symbol>');
    expect(sent).to.have.length(1);
    expect(sent[0]!.url).to.equal('/services/SimpleStockQuoteService');
    expect(sent[0]!.body.toString()).to.contain('<m0:symbol>IBM</m0:symbol>');
    const line = logs.find((l) => String(l['msg']).includes('Sending quote request'));
    expect(String(line?.['msg'])).to.contain('version = 0.1').and.contain('direction = incoming');
  });

  it('sample 5: a refused backend runs main\'s onError sequence, whose makefault is sent back', async () => {
    const port = await closedPort();
    const { r, sent } = await runSample(5, backend, 'SUN', (x) => x.replace('http://localhost:9009', `http://127.0.0.1:${port}`));
    expect(sent).to.have.length(0);
    expect(r.status).to.equal(500);
    expect(String(r.headers['content-type'])).to.match(/^text\/xml/);
    expect(r.text).to.contain('<faultcode>tns:Receiver</faultcode><faultstring>Error connecting to the back end</faultstring>');
  });

  it('sample 6: the To header set in <in>, then an implicit <send/> both ways', async () => {
    const { r, sent } = await runSample(6, backend, 'MSFT');
    expect(r.status).to.equal(200);
    expect(r.text).to.contain('<ns:symbol>MSFT</ns:symbol>');
    expect(sent.map((s) => s.url)).to.deep.equal(['/services/SimpleStockQuoteService']);
  });

  it('sample 15: enrich moves the symbol, the body and a SOAP header around', async () => {
    const { r, sent } = await runSample(15, backend, 'IBM');
    expect(r.status).to.equal(200);
    // the request symbol was replaced from the init_req local entry before sending
    expect(sent[0]!.body.toString()).to.contain('<m0:symbol>MSFT</m0:symbol>');
    expect(r.text).to.contain('<ns:symbol>MSFT</ns:symbol>');
    // the out path added a urn:lastTradeTimestamp header block, then enrich replaced it with the
    // response's lastTradeTimestamp element
    expect(r.text).to.contain('<soapenv:Header><ns:lastTradeTimestamp xmlns:ns="http://services.samples">Mon Nov 23 08:00:00 UTC 2026</ns:lastTradeTimestamp></soapenv:Header>');
  });

  it('sample 50: a filter on To and an address endpoint forcing SOAP 1.1', async () => {
    const { r, sent } = await runSample(50, backend);
    expect(r.status).to.equal(200);
    expect(r.text).to.contain('getQuoteResponse');
    expect(sent).to.have.length(1);
    expect(String(sent[0]!.headers['content-type'])).to.match(/^text\/xml/);
    expect(sent[0]!.body.toString()).to.contain('Envelope');
  });

  it('sample 53: failover with WS-Addressing skips a refusing service, and all down gives the makefault', async () => {
    const dead1 = await closedPort();
    const dead3 = await closedPort();
    const port = new URL(backend.url).port;
    const up = (x: string) =>
      x.replace('http://localhost:9001', `http://127.0.0.1:${dead1}`).replace('http://localhost:9002', `http://127.0.0.1:${port}`).replace('http://localhost:9003', `http://127.0.0.1:${dead3}`);
    const { r, sent } = await runSample(53, backend, 'IBM', up);
    expect(r.status).to.equal(200);
    expect(r.text).to.contain('<ns:symbol>IBM</ns:symbol>');
    expect(sent).to.have.length(1);
    expect(sent[0]!.url).to.equal('/services/LBService1');
    const body = sent[0]!.body.toString();
    expect(body).to.match(new RegExp(`<wsa:To [^>]*>http://127.0.0.1:${port}/services/LBService1</wsa:To>`));
    expect(body).to.contain('<wsa:Action').and.contain('urn:getQuote');
    const down = await runSample(53, backend, 'IBM', (x) => up(x).replace(`127.0.0.1:${port}`, `127.0.0.1:${dead1}`));
    expect(down.sent).to.have.length(0);
    expect(down.r.text).to.contain("COULDN'T SEND THE MESSAGE TO THE SERVER.");
  });

  it('sample 58: load balancing over members sends the request path to each host in turn', async () => {
    const port = new URL(backend.url).port;
    const dead = await closedPort();
    const xml = readFileSync(path.join(dir, 'synapse_sample_58.xml'), 'utf8')
      .replace(/httpPort="9001"/, `httpPort="${port}"`)
      .replace(/httpPort="9002"/, `httpPort="${port}"`)
      .replace(/httpPort="9003"/, `httpPort="${dead}"`);
    const g = await startGateway({ 'synapse_sample_58.xml': xml });
    try {
      const before = backend.requests.length;
      for (let i = 0; i < 4; i++) {
        const r = await request(`${g.url}/services/LBService1`, {
          method: 'POST',
          body: getQuote('IBM'),
          headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '"urn:getQuote"' },
        });
        expect(r.status, r.text).to.equal(200);
        expect(r.text).to.contain('<ns:symbol>IBM</ns:symbol>');
      }
      // the refusing third member fails over and is suspended; every request was answered
      expect(backend.requests.slice(before).map((x) => x.url)).to.deep.equal(new Array(4).fill('/services/LBService1'));
    } finally {
      await g.stop();
    }
  });
});

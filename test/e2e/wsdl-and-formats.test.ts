// End-to-end: WSDL endpoints (address from the WSDL's service and port, file, inline or local
// entry) and the endpoint format conversions soap11, soap12, pox and get (synapse-semantics §6.1, §6.5).

import { expect } from 'chai';
import { startBackend, type Backend } from '../helpers/backend.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';
import { Diagnostics } from '../../src/config/diagnostics.js';
import { readFiles } from '../../src/config/load.js';
import { link } from '../../src/config/link.js';
import { builtinRegistry } from '../../src/mediators/builtin.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

function wsdl(location: string, binding: 'soap' | 'soap12'): string {
  const bns = binding === 'soap' ? 'http://schemas.xmlsoap.org/wsdl/soap/' : 'http://schemas.xmlsoap.org/wsdl/soap12/';
  return `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:b="${bns}" name="Stock" targetNamespace="urn:stock">
  <wsdl:service name="StockQuoteService">
    <wsdl:port name="StockQuotePort" binding="tns:Binding"><b:address location="${location}"/></wsdl:port>
    <wsdl:port name="Other" binding="tns:Binding"><b:address location="http://127.0.0.1:1/other"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>`;
}

const soap11Request = `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header/><soapenv:Body><m:getQuote xmlns:m="urn:stock"><m:symbol>IBM</m:symbol></m:getQuote></soapenv:Body></soapenv:Envelope>`;

describe('e2e: WSDL endpoints and message formats', function () {
  this.timeout(20_000);
  let backend: Backend;
  let g: RunningGateway;

  before(async () => {
    backend = await startBackend();
    const send = (key: string) => `<send><endpoint key="${key}"/></send>`;
    g = await startGateway({
      'wsdl/stock12.wsdl': wsdl(`${backend.url}/echo`, 'soap12'),
      'api.xml': `<api ${NS} name="W" context="/w">
        <resource url-mapping="/file">${`<inSequence>${send('FromFile')}</inSequence>`}</resource>
        <resource url-mapping="/inline"><inSequence><property name="REST_URL_POSTFIX" scope="axis2" action="remove"/>${send('Inline')}</inSequence></resource>
        <resource url-mapping="/entry"><inSequence>${send('FromEntry')}</inSequence></resource>
        <resource url-mapping="/get"><inSequence>${send('AsGet')}</inSequence></resource>
        <resource url-mapping="/soap11"><inSequence>${send('To11')}</inSequence></resource>
        <resource url-mapping="/wsa"><inSequence>${send('WithWsa')}</inSequence></resource>
      </api>`,
      'eps.xml': `<definitions ${NS}>
        <endpoint name="FromFile"><wsdl uri="file:wsdl/stock12.wsdl" service="StockQuoteService" port="StockQuotePort"/></endpoint>
        <endpoint name="Inline"><wsdl service="StockQuoteService" port="StockQuotePort" format="pox">${wsdl(`${backend.url}/echo`, 'soap')}</wsdl></endpoint>
        <endpoint name="FromEntry"><wsdl uri="stockWsdl" service="StockQuoteService" port="StockQuotePort"/></endpoint>
        <endpoint name="AsGet"><address uri="${backend.url}/inspect" format="get"/></endpoint>
        <endpoint name="To11"><address uri="${backend.url}/echo" format="soap11"/></endpoint>
        <endpoint name="WithWsa"><address uri="${backend.url}/echo"><enableAddressing/></address></endpoint>
        <localEntry key="stockWsdl">${wsdl(`${backend.url}/echo`, 'soap')}</localEntry>
      </definitions>`,
    });
  });
  after(async () => {
    await g?.stop();
    await backend?.close();
  });

  it('takes the address and SOAP 1.2 from a WSDL file, converting a SOAP 1.1 request', async () => {
    const r = await request(`${g.url}/w/file`, { method: 'POST', body: soap11Request, headers: { 'content-type': 'text/xml', soapaction: '"urn:getQuote"' } });
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('application/soap+xml; action="urn:getQuote"');
    expect(r.text).to.contain(`xmlns:soapenv="${SOAP12}"`).and.contain('<m:symbol>IBM</m:symbol>');
    expect(r.text).to.not.contain(SOAP11);
  });

  it('an explicit format wins over the WSDL binding (pox: the payload alone)', async () => {
    const r = await request(`${g.url}/w/inline`, { method: 'POST', body: soap11Request, headers: { 'content-type': 'text/xml', soapaction: 'urn:getQuote' } });
    expect(r.headers['content-type']).to.equal('application/xml');
    expect(backend.requests.at(-1)!.headers.soapaction).to.equal(undefined);
    expect(r.text).to.match(/^<m:getQuote xmlns:m="urn:stock"><m:symbol>IBM<\/m:symbol><\/m:getQuote>$/);
  });

  it('reads a WSDL held in a local entry', async () => {
    const r = await request(`${g.url}/w/entry`, { method: 'POST', body: soap11Request, headers: { 'content-type': 'text/xml', soapaction: '"urn:getQuote"' } });
    expect(r.headers['content-type']).to.equal('text/xml');
    expect(r.text).to.contain(`xmlns:soapenv="${SOAP11}"`);
  });

  it('soap11 wraps a plain XML body and sets SOAPAction', async () => {
    const r = await request(`${g.url}/w/soap11`, { method: 'POST', body: '<order><id>7</id></order>', headers: { 'content-type': 'application/xml' } });
    expect(r.headers['content-type']).to.equal('text/xml');
    expect(r.text).to.contain(`<soapenv:Envelope xmlns:soapenv="${SOAP11}">`).and.contain('<order><id>7</id></order>');
    const last = backend.requests.at(-1)!;
    expect(last.method).to.equal('POST');
    expect(last.headers.soapaction).to.equal('""');
  });

  it('enableAddressing adds WS-Addressing headers to SOAP messages', async () => {
    const r = await request(`${g.url}/w/wsa`, { method: 'POST', body: soap11Request, headers: { 'content-type': 'text/xml', soapaction: '"urn:getQuote"' } });
    expect(r.status).to.equal(200);
    const wsa = (name: string) => new RegExp(`<wsa:${name} xmlns:wsa="http://www.w3.org/2005/08/addressing">(.*?)</wsa:${name}>`).exec(r.text)?.[1];
    // a SOAP request gets no REST postfix, so To is the endpoint address itself
    expect(wsa('To')).to.equal(`${backend.url}/echo`);
    expect(wsa('Action')).to.equal('urn:getQuote');
    expect(wsa('MessageID')).to.match(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(wsa('ReplyTo')).to.equal('<wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address>');
    expect(r.text).to.contain('<m:symbol>IBM</m:symbol>');
  });

  it('get sends the payload children as query parameters', async () => {
    const r = await request(`${g.url}/w/get`, { method: 'POST', body: '<getQuote><symbol>IBM</symbol><n>2 3</n></getQuote>', headers: { 'content-type': 'application/xml' } });
    const seen = r.json();
    expect(seen.method).to.equal('GET');
    // a REST format appends the REST postfix (the path after the API context), as Synapse does
    expect(seen.url).to.equal('/inspect/get?symbol=IBM&n=2%203');
  });
});

describe('config: WSDL endpoint errors', () => {
  function diagnose(files: Record<string, string>): string[] {
    const reg = builtinRegistry();
    const d = new Diagnostics();
    const resources = new Map<string, string>();
    const xml = new Map<string, string>();
    for (const [k, v] of Object.entries(files)) (k.endsWith('.wsdl') ? resources : xml).set(k, v);
    const set = readFiles(xml, reg, d, '', resources);
    if (!d.hasErrors) link(set, reg, d);
    return d.items.map((x) => `${x.file}:${x.line}:${x.col} ${x.code} ${x.message}`);
  }

  it('names a missing service or port, a download URL, and a WSDL that is nowhere', () => {
    const out = diagnose({
      's.wsdl': wsdl('http://x/', 'soap'),
      'e.xml': [
        `<definitions ${NS}>`,
        '<endpoint name="A"><wsdl uri="s.wsdl" service="Nope" port="StockQuotePort"/></endpoint>',
        '<endpoint name="B"><wsdl uri="s.wsdl" service="StockQuoteService" port="Nope"/></endpoint>',
        '<endpoint name="C"><wsdl uri="http://example.com/s?wsdl" service="S" port="P"/></endpoint>',
        '</definitions>',
      ].join('\n'),
    });
    expect(out).to.deep.equal([
      'e.xml:2:30 AXON_CFG_BAD_VALUE the WSDL has no service "Nope" (it has "StockQuoteService")',
      'e.xml:3:30 AXON_CFG_BAD_VALUE service "StockQuoteService" has no port "Nope" (it has "StockQuotePort", "Other")',
      'e.xml:4:30 AXON_CFG_BAD_VALUE Axon does not download WSDLs at load: save "http://example.com/s?wsdl" in the config folder and give its path',
    ]);
    expect(diagnose({ 'e.xml': `<endpoint ${NS} name="D"><wsdl uri="missing.wsdl" service="S" port="P"/></endpoint>` })).to.deep.equal([
      'e.xml:1:60 AXON_CFG_UNRESOLVED_KEY the WSDL "missing.wsdl" is neither a file in the config folder nor a local entry holding a WSDL',
    ]);
  });
});

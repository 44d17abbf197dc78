// <makefault>: SOAP 1.1, SOAP 1.2 and POX faults (synapse-semantics §5.13, CT-36).

import { expect } from 'chai';
import { Harness } from '../../helpers/mediator-harness.js';
import { makefaultMediator } from '../../../src/mediators/makefault/index.js';
import { serializeXml } from '../../../src/xml/parse.js';

const h = () => new Harness({ extra: [makefaultMediator] });

describe('mediators: makefault', () => {
  it('builds a SOAP 1.1 fault with code, reason, role and detail, marked as a response (CT-36)', async () => {
    const x = h();
    const { mc } = x.message({ body: '<a/>', contentType: 'application/xml' });
    await x.run(
      x.compile(`<makefault xmlns:tns="http://namespace" version="soap11">
        <code value="tns:somefaultcode"/><reason value="Some fault string"/><role>http://actor</role><detail>Some detail text</detail>
      </makefault>`),
      mc,
    );
    const xml = serializeXml(mc.envelope());
    expect(xml).to.contain('<soapenv:Fault xmlns:tns="http://namespace"><faultcode>tns:somefaultcode</faultcode><faultstring>Some fault string</faultstring><faultactor>http://actor</faultactor><detail>Some detail text</detail></soapenv:Fault>');
    expect(xml).to.contain('http://schemas.xmlsoap.org/soap/envelope/');
    expect(mc.isResponse).to.equal(true);
    expect(mc.headers.get('content-type')).to.equal('text/xml');
    expect(mc.axis2.get('HTTP_SC')).to.equal(500);
    expect(mc.payload.serialize('text/xml')!.toString()).to.match(/^<soapenv:Envelope/);
  });

  it('builds a SOAP 1.2 fault with a reason from an expression', async () => {
    const x = h();
    const { mc } = x.message();
    mc.props.set('why', 'backend down');
    await x.run(x.compile(`<makefault xmlns:soap12Env="http://www.w3.org/2003/05/soap-envelope" version="soap12"><code value="soap12Env:Receiver"/><reason expression="$ctx:why"/></makefault>`), mc);
    const xml = serializeXml(mc.envelope());
    expect(xml).to.contain('<soapenv:Value>soap12Env:Receiver</soapenv:Value>');
    expect(xml).to.contain('<soapenv:Text xml:lang="en">backend down</soapenv:Text>');
    expect(mc.headers.get('content-type')).to.equal('application/soap+xml');
  });

  it('builds a POX <Exception> from the detail, else the reason', async () => {
    const x = h();
    const { mc } = x.message();
    await x.run(x.compile(`<makefault version="pox"><reason value="r"/><detail>d</detail></makefault>`), mc);
    expect(mc.payload.serialize('application/xml')!.toString()).to.equal('<Exception>d</Exception>');
  });

  it('rejects an undeclared code prefix and a missing reason at load', () => {
    const x = h();
    x.read('<makefault><code value="nope:x"/><reason value="r"/></makefault>');
    x.read('<makefault xmlns:a="urn:a"><code value="a:x"/></makefault>');
    expect(x.codes()).to.deep.equal(['AXON_CFG_BAD_VALUE', 'AXON_CFG_MISSING_ELEMENT']);
  });
});

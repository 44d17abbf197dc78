// Unit tests of the core mediators: property, header, switch, filter, sequence, in/out, drop,
// respond (synapse-semantics §5.1, §5.2, §5.5-§5.8 and CT-22..CT-25, CT-30..CT-33).

import { expect } from 'chai';
import { Harness } from '../../helpers/mediator-harness.js';
import { switchMediator } from '../../../src/mediators/switch/index.js';
import { filterMediator } from '../../../src/mediators/filter/index.js';
import { sequenceMediator } from '../../../src/mediators/sequence/index.js';
import { dropMediator, inMediator, outMediator, respondMediator } from '../../../src/mediators/flow-control/index.js';
import { MediationError } from '../../../src/errors/codes.js';
import { JsonValue } from '../../../src/expr/types.js';
import { serializeXml } from '../../../src/xml/parse.js';

const extra = [switchMediator, filterMediator, sequenceMediator, dropMediator, respondMediator, inMediator, outMediator];

function harness(opts: ConstructorParameters<typeof Harness>[0] = {}): Harness {
  return new Harness({ ...opts, extra: [...extra, ...(opts.extra ?? [])] });
}

describe('mediators: property', () => {
  it('sets and removes default-scope properties (CT-22)', async () => {
    const h = harness();
    const { mc } = h.message();
    await h.run(h.compile('<property name="name" value="value"/>'), mc);
    await h.run(h.compile('<property name="nameTwo" value="valueTwo"/>'), mc);
    expect(mc.props.get('name')).to.equal('value');
    await h.run(h.compile('<property name="name" action="remove"/>'), mc);
    expect(mc.props.has('name')).to.equal(false);
    expect(mc.props.get('nameTwo')).to.equal('valueTwo');
  });

  it('converts typed values and stores them in their scope (CT-23)', async () => {
    const h = harness();
    const { mc } = h.message();
    await h.run(h.compile('<property name="i" value="25000" type="INTEGER" scope="axis2"/>'), mc);
    await h.run(h.compile('<property name="d" value="123.456" type="DOUBLE" scope="transport"/>'), mc);
    await h.run(h.compile('<property name="b" value="yes" type="BOOLEAN"/>'), mc);
    await h.run(h.compile('<property name="l" value="123456" type="LONG" scope="axis2"/>'), mc);
    await h.run(h.compile('<property name="j" value=\'{"a":[1]}\' type="JSON"/>'), mc);
    expect(mc.axis2.get('i')).to.equal(25000);
    expect(mc.headers.get('d')).to.equal('123.456');
    expect(mc.props.get('b')).to.equal(true);
    expect(mc.axis2.get('l')).to.equal(123456);
    expect(mc.props.get('j')).to.be.instanceOf(JsonValue);
    expect((mc.props.get('j') as JsonValue).value).to.deep.equal({ a: [1] });
  });

  it('rejects a static value that does not fit its type at load', () => {
    const h = harness();
    h.read('<property name="i" value="12x" type="INTEGER"/>');
    expect(h.codes()).to.deep.equal(['AXON_CFG_BAD_VALUE']);
  });

  it('fails the message when an expression value does not fit its type', async () => {
    const h = harness();
    const { mc } = h.message();
    mc.props.set('x', 'abc');
    try {
      await h.run(h.compile('<property name="i" expression="$ctx:x" type="INTEGER"/>'), mc);
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(MediationError);
    }
  });

  it('rewrites Content-Type when axis2 messageType is set (CT-24)', async () => {
    const h = harness();
    const { mc } = h.message({ contentType: 'application/xml' });
    await h.run(h.compile('<property name="messageType" value="application/json" scope="axis2"/>'), mc);
    expect(mc.headers.get('content-type')).to.equal('application/json');
    expect(mc.axis2.get('ContentType')).to.equal('application/json');
  });

  it('stores an inline XML child as an element and prints it as XML (CT-25)', async () => {
    const h = harness();
    const { mc } = h.message();
    await h.run(h.compile('<property name="nameOne"><Project><name>Synapse</name></Project></property>'), mc);
    const v = mc.props.get('nameOne') as { nodeType: number };
    expect(v.nodeType).to.equal(1);
    await h.run(h.compile('<property name="copy" expression="get-property(\'nameOne\')"/>'), mc);
    expect(serializeXml(mc.props.get('copy') as never)).to.equal('<Project><name>Synapse</name></Project>');
    await h.run(h.compile('<property name="s" expression="fn:concat(\'\', get-property(\'nameOne\'))"/>'), mc);
    expect(mc.props.get('s')).to.be.a('string');
  });

  it('never stores null: a missing expression result leaves the old value (trap 6)', async () => {
    const h = harness();
    const { mc } = h.message();
    mc.props.set('p', 'old');
    await h.run(h.compile('<property name="p" expression="get-property(\'nothing\')"/>'), mc);
    expect(mc.props.get('p')).to.equal('old');
  });

  it('applies pattern and group with full-match semantics', async () => {
    const h = harness();
    const { mc } = h.message();
    mc.props.set('in', 'order-1234');
    await h.run(h.compile('<property name="id" expression="$ctx:in" pattern="order-(\\d+)" group="1"/>'), mc);
    await h.run(h.compile('<property name="none" expression="$ctx:in" pattern="\\d+"/>'), mc);
    expect(mc.props.get('id')).to.equal('1234');
    expect(mc.props.get('none')).to.equal('');
  });

  it('refuses CR/LF in a transport header value', async () => {
    const h = harness();
    const { mc } = h.message();
    mc.props.set('v', 'a\r\nX-Evil: 1');
    try {
      await h.run(h.compile('<property name="X-A" expression="$ctx:v" scope="transport"/>'), mc);
      expect.fail('should throw');
    } catch (e) {
      expect((e as MediationError).code).to.equal('AXON_MED_BAD_HEADER_VALUE');
    }
    expect(mc.headers.has('X-A')).to.equal(false);
  });

  it('computes the name from an expression when written in braces', async () => {
    const h = harness();
    const { mc } = h.message();
    mc.props.set('which', 'target');
    await h.run(h.compile('<property name="{$ctx:which}" value="v"/>'), mc);
    expect(mc.props.get('target')).to.equal('v');
  });
});

describe('mediators: header', () => {
  it('sets and removes To (CT-30)', async () => {
    const h = harness();
    const { mc } = h.message();
    await h.run(h.compile('<header name="To" value="http://server/path"/>'), mc);
    expect(mc.getAddress('To')).to.equal('http://server/path');
    await h.run(h.compile('<header name="To" action="remove"/>'), mc);
    expect(mc.getAddress('To')).to.equal(null);
    await h.run(h.compile("<header name=\"To\" expression=\"concat('http://','server','/path')\"/>"), mc);
    expect(mc.getAddress('To')).to.equal('http://server/path');
  });

  it('sets and removes transport headers', async () => {
    const h = harness();
    const { mc } = h.message();
    await h.run(h.compile('<header name="content-type" scope="transport" value="application/json"/>'), mc);
    expect(mc.headers.get('Content-Type')).to.equal('application/json');
    await h.run(h.compile('<header name="content-type" scope="transport" action="remove"/>'), mc);
    expect(mc.headers.has('content-type')).to.equal(false);
  });

  it('adds and removes SOAP header blocks with declared prefixes', async () => {
    const h = harness();
    const { mc } = h.message({ body: '<a/>', contentType: 'application/xml' });
    await h.run(h.compile('<header xmlns:m="urn:m" name="m:simpleHeader" value="v"/>'), mc);
    await h.run(h.compile('<header><m:complexHeader xmlns:m="urn:m"><m:x>1</m:x></m:complexHeader></header>'), mc);
    expect(serializeXml(mc.envelope())).to.contain('simpleHeader').and.to.contain('complexHeader');
    await h.run(h.compile('<header xmlns:m="urn:m" name="m:complexHeader" action="remove"/>'), mc);
    expect(serializeXml(mc.envelope())).to.not.contain('complexHeader');
  });

  it('rejects unprefixed names other than the addressing ones, and undeclared prefixes', () => {
    for (const xml of ['<header name="onlyLocalPart" value="x"/>', '<header name="MessageID" value="x"/>', '<header name="m:x" value="1"/>']) {
      const h = harness();
      h.read(xml);
      expect(h.codes(), xml).to.deep.equal(['AXON_CFG_BAD_VALUE']);
    }
    for (const name of ['To', 'From', 'Action', 'FaultTo', 'ReplyTo', 'RelatesTo']) {
      const h = harness();
      h.read(`<header name="${name}" value="x"/>`);
      expect(h.codes(), name).to.deep.equal([]);
    }
  });
});

describe('mediators: switch', () => {
  const xml = `<switch xmlns:wsx="urn:ws" source="//wsx:symbol">
      <case regex="IBM"><property name="r" value="ibm"/></case>
      <case regex="MSFT"><property name="r" value="msft"/></case>
      <default><property name="r" value="default"/></default>
    </switch>`;

  for (const [symbol, expected] of [['IBM', 'ibm'], ['MSFT', 'msft'], ['SUN', 'default']]) {
    it(`picks the ${expected} branch for ${symbol} (CT-31)`, async () => {
      const h = harness();
      const { mc } = h.message({ body: `<wsx:getQuote xmlns:wsx="urn:ws"><wsx:symbol>${symbol}</wsx:symbol></wsx:getQuote>`, contentType: 'application/xml' });
      await h.run(h.compile(xml), mc);
      expect(mc.props.get('r')).to.equal(expected);
    });
  }

  it('matches the whole string only, and sends a null source to default', async () => {
    const h = harness();
    const m = h.compile('<switch source="$ctx:s"><case regex="IB"><property name="r" value="case"/></case><default><property name="r" value="default"/></default></switch>');
    const a = h.message().mc;
    a.props.set('s', 'IBM');
    await h.run(m, a);
    expect(a.props.get('r')).to.equal('default');
    const b = h.message().mc;
    await h.run(m, b);
    expect(b.props.get('r')).to.equal('default');
  });

  it('tests an empty string against the cases (trap 27)', async () => {
    const h = harness();
    const { mc } = h.message();
    mc.props.set('s', '');
    await h.run(h.compile('<switch source="$ctx:s"><case regex=".*"><property name="r" value="any"/></case></switch>'), mc);
    expect(mc.props.get('r')).to.equal('any');
  });
});

describe('mediators: filter', () => {
  it('evaluates an XPath condition (CT-32)', async () => {
    const h = harness();
    const m = h.compile('<filter xmlns:wsx="urn:ws" xpath="//*[wsx:symbol=\'IBM\']"><property name="r" value="then"/></filter>');
    const ibm = h.message({ body: '<wsx:q xmlns:wsx="urn:ws"><wsx:symbol>IBM</wsx:symbol></wsx:q>', contentType: 'application/xml' }).mc;
    await h.run(m, ibm);
    expect(ibm.props.get('r')).to.equal('then');
    const msft = h.message({ body: '<wsx:q xmlns:wsx="urn:ws"><wsx:symbol>MSFT</wsx:symbol></wsx:q>', contentType: 'application/xml' }).mc;
    await h.run(m, msft);
    expect(msft.props.has('r')).to.equal(false);
  });

  it('runs else when source+regex does not match, and else only next to then', async () => {
    const h = harness({ sequences: { elseSeq: '<sequence><property name="r" value="else-seq"/></sequence>' } });
    const mc = h.message().mc;
    mc.props.set('s', 'MSFT');
    await h.run(h.compile('<filter source="$ctx:s" regex="IBM"><then><property name="r" value="then"/></then><else><property name="r" value="else"/></else></filter>'), mc);
    expect(mc.props.get('r')).to.equal('else');
    await h.run(h.compile('<filter source="$ctx:s" regex="IBM"><then><property name="r" value="then"/></then><else sequence="elseSeq"/></filter>'), mc);
    expect(mc.props.get('r')).to.equal('else-seq');
    mc.props.delete('r');
    await h.run(h.compile('<filter source="$ctx:s" regex="MSFT"><property name="r" value="inline-then"/></filter>'), mc);
    expect(mc.props.get('r')).to.equal('inline-then');
  });

  it('treats json-eval conditions as true only for "true"', async () => {
    const h = harness();
    const m = h.compile('<filter xpath="json-eval($.ok)"><property name="r" value="yes"/></filter>');
    const t = h.message({ body: '{"ok":true}', contentType: 'application/json' }).mc;
    await h.run(m, t);
    expect(t.props.get('r')).to.equal('yes');
    const f = h.message({ body: '{"ok":"yes"}', contentType: 'application/json' }).mc;
    await h.run(m, f);
    expect(f.props.has('r')).to.equal(false);
  });
});

describe('mediators: sequence, in/out, drop, respond', () => {
  it('runs a named sequence and propagates its false (trap 2)', async () => {
    const h = harness({ sequences: { s: '<sequence><property name="a" value="1"/><drop/><property name="b" value="2"/></sequence>' } });
    const m = h.ctx.list(h.readList('<x><sequence key="s"/><property name="c" value="3"/></x>'));
    const { mc } = h.message();
    expect(await h.run(m, mc)).to.equal(false);
    expect([...mc.props.keys()].filter((k) => ['a', 'b', 'c'].includes(k))).to.deep.equal(['a']);
  });

  it('resolves a dynamic key per message', async () => {
    const h = harness({ sequences: { one: '<sequence><property name="r" value="one"/></sequence>' } });
    const { mc } = h.message();
    mc.props.set('which', 'one');
    await h.run(h.compile('<sequence key="{$ctx:which}"/>'), mc);
    expect(mc.props.get('r')).to.equal('one');
    mc.props.set('which', 'nope');
    try {
      await h.run(h.compile('<sequence key="{$ctx:which}"/>'), mc);
      expect.fail('should throw');
    } catch (e) {
      expect((e as MediationError).code).to.equal('AXON_MED_SEQUENCE_NOT_FOUND');
    }
  });

  it('runs <in> on requests and <out> on responses', async () => {
    const h = harness();
    const m = h.ctx.list(h.readList('<x><in><property name="d" value="in"/></in><out><property name="d" value="out"/></out></x>'));
    const req = h.message().mc;
    await h.run(m, req);
    expect(req.props.get('d')).to.equal('in');
    const res = h.message().mc;
    res.isResponse = true;
    await h.run(m, res);
    expect(res.props.get('d')).to.equal('out');
  });

  it('respond sends the message with HTTP_SC and stops', async () => {
    const h = harness();
    const { mc, responses } = h.message({ body: '{"a":1}', contentType: 'application/json' });
    const m = h.ctx.list(h.readList('<x><property name="HTTP_SC" value="201" scope="axis2"/><respond/><property name="after" value="1"/></x>'));
    expect(await h.run(m, mc)).to.equal(false);
    expect(responses).to.have.length(1);
    expect(responses[0]!.status).to.equal(201);
    expect(String(responses[0]!.body)).to.equal('{"a":1}');
    expect(mc.props.has('after')).to.equal(false);
  });

  it('drop stops the flow and marks the message dropped', async () => {
    const h = harness();
    const { mc } = h.message();
    expect(await h.run(h.compile('<drop/>'), mc)).to.equal(false);
    expect(mc.dropped).to.equal(true);
  });
});

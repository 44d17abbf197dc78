// log: line contents per level, categories, separators and header masking (synapse-semantics §5.9).

import assert from 'node:assert/strict';
import { createMemoryLogger } from '../../../src/runtime/logger.js';
import { createHarness } from '../../helpers/mediator-harness.js';

function lines(h: ReturnType<typeof createHarness>): Record<string, unknown>[] {
  return h.logs('mediator.log');
}

describe('mediators/log', () => {
  it('simple: To, MessageID, Direction, then the properties', async () => {
    const h = createHarness();
    const m = h.compile(`<log><property name="p" value="v"/><property name="e" expression="$ctx:x"/><property name="n" expression="get-property('none')"/></log>`);
    const { mc } = h.message({ path: '/api/orders' });
    mc.props.set('x', 'hello');
    assert.equal(await h.run(m, mc), true);
    const [rec] = lines(h);
    assert.equal(rec!['level'], 'info');
    assert.equal(rec!['msg'], `To: /api/orders, MessageID: ${mc.id}, Direction: request, p = v, e = hello, n = null`);
  });

  it('simple: From, WSAction, SOAPAction and ReplyTo when present; response direction', async () => {
    const h = createHarness();
    const m = h.compile(`<log level="simple"/>`);
    const { mc } = h.message({ headers: { SOAPAction: '"urn:getQuote"' } });
    mc.addressing.From = 'http://client';
    mc.addressing.ReplyTo = 'http://reply';
    mc.addressing.MessageID = 'urn:uuid:1';
    mc.isResponse = true;
    await h.run(m, mc);
    assert.equal(
      lines(h)[0]!['msg'],
      'To: /test, From: http://client, WSAction: urn:getQuote, SOAPAction: urn:getQuote, ReplyTo: http://reply, MessageID: urn:uuid:1, Direction: response',
    );
  });

  it('custom: only the properties, joined by the separator (\\n and \\t escapes)', async () => {
    const h = createHarness();
    const m = h.compile(`<log level="custom" separator="\\n\\t"><property name="a" value="1"/><property name="b" value="2"/></log>`);
    await h.run(m, h.message().mc);
    assert.equal(lines(h)[0]!['msg'], 'a = 1\n\tb = 2');
  });

  it('categories map to logger levels', async () => {
    const h = createHarness();
    for (const [cat, level] of [
      ['TRACE', 'trace'],
      ['DEBUG', 'debug'],
      ['WARN', 'warn'],
      ['ERROR', 'error'],
      ['FATAL', 'fatal'],
    ] as const) {
      const m = h.compile(`<log level="custom" category="${cat}"><property name="c" value="${cat}"/></log>`);
      await h.run(m, h.message().mc);
      const last = lines(h).at(-1)!;
      assert.equal(last['level'], level);
      assert.equal(last['msg'], `c = ${cat}`);
    }
  });

  it('headers: transport headers with credentials masked', async () => {
    const h = createHarness();
    const m = h.compile(`<log level="headers"><property name="p" value="v"/></log>`);
    const { mc } = h.message({ headers: { Authorization: 'Bearer secret', Cookie: 'sid=1', 'X-Trace': 't1' } });
    await h.run(m, mc);
    const msg = String(lines(h)[0]!['msg']);
    assert.match(msg, /^To: \/test, MessageID: .*, Direction: request, /);
    assert.match(msg, /Authorization : \*\*\*/);
    assert.match(msg, /Cookie : \*\*\*/);
    assert.match(msg, /X-Trace : t1/);
    assert.match(msg, /, p = v$/);
    assert.doesNotMatch(msg, /secret|sid=1/);
  });

  it('headers: SOAP header blocks of a SOAP message already read', async () => {
    const h = createHarness();
    const m = h.compile(`<log level="headers"/>`);
    const soap =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:token xmlns:h="urn:h">abc</h:token></s:Header>' +
      '<s:Body><x/></s:Body></s:Envelope>';
    const { mc } = h.message({ body: soap, contentType: 'text/xml' });
    mc.envelope();
    await h.run(m, mc);
    assert.match(String(lines(h)[0]!['msg']), /, token : abc$/);
  });

  it('full: JSON messages print the JSON text, others the envelope', async () => {
    const h = createHarness();
    const m = h.compile(`<log level="full"><property name="p" value="v"/></log>`);
    await h.run(m, h.message({ body: '{"a": 1}' }).mc);
    assert.match(String(lines(h)[0]!['msg']), /, p = v, Payload: \{"a": 1\}$/);
    await h.run(m, h.message({ body: '<a>1</a>' }).mc);
    assert.match(String(lines(h)[1]!['msg']), /, Envelope: <soapenv:Envelope [^>]*><soapenv:Header\/><soapenv:Body><a>1<\/a><\/soapenv:Body><\/soapenv:Envelope>$/);
  });

  it('only full (or a body-reading expression) is content aware', () => {
    const h = createHarness();
    const def = h.registry.get('log')!;
    const read = (xml: string) => def.readsBody!(h.read(xml)!, h.ctx);
    assert.equal(read('<log/>'), false);
    assert.equal(read('<log level="headers"/>'), false);
    assert.equal(read('<log level="custom"><property name="a" expression="$ctx:a"/></log>'), false);
    assert.equal(read('<log level="custom"><property name="a" expression="//a"/></log>'), true);
    assert.equal(read('<log level="full"/>'), true);
  });

  it('does nothing when the logger level is above the category', async () => {
    const h = createHarness();
    const m = h.compile(`<log level="custom" category="DEBUG"><property name="a" expression="//never"/></log>`);
    h.logger.level = 'info';
    await h.run(m, h.message({ body: '<a/>' }).mc);
    assert.equal(lines(h).length, 0);
  });

  it('rejects unknown levels and categories (exact spelling), properties without value, <message>', () => {
    const h = createHarness();
    h.read('<log level="SIMPLE"/>');
    h.read('<log category="info"/>');
    h.read('<log><property name="x"/></log>');
    h.read('<log><message>${payload}</message></log>');
    assert.deepEqual(h.codes(), ['AXON_CFG_BAD_VALUE', 'AXON_CFG_BAD_VALUE', 'AXON_CFG_MISSING_ATTRIBUTE', 'AXON_CFG_UNSUPPORTED_ELEMENT']);
  });

  it('memory logger sanity: records carry the category field', () => {
    const l = createMemoryLogger();
    l.log('info', 'x', { category: 'mediator.log' });
    assert.equal(l.records[0]!['category'], 'mediator.log');
  });
});

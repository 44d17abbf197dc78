// payloadFactory: CT-34, CT-35 (PayloadFactoryMediatorTest) and the JSON/XML conversion and
// escaping rules of synapse-semantics §5.10 and trap 25.

import assert from 'node:assert/strict';
import { MediationError } from '../../../src/errors/codes.js';
import { JsonValue } from '../../../src/expr/types.js';
import { createEnvelope, firstBodyElement } from '../../../src/expr/soap.js';
import { serializeXml } from '../../../src/xml/parse.js';
import { createHarness, FIXED_NOW } from '../../helpers/mediator-harness.js';

const NS = 'http://ws.wso2.org/dataservice';
const CT34_FORMAT = `
  <format>
    <p:addCustomer xmlns:p="${NS}">
      <xs:name xmlns:xs="${NS}">$1</xs:name>
      <xs:request_time xmlns:xs="${NS}">$2</xs:request_time>
      <xs:tp_number xmlns:xs="${NS}">$3</xs:tp_number>
      <xs:address xmlns:xs="${NS}">$4</xs:address>
    </p:addCustomer>
  </format>`;

function expectedCustomer(name: string, date: string, tp: string, address: string): string {
  return (
    `<p:addCustomer xmlns:p="${NS}">` +
    `<xs:name xmlns:xs="${NS}">${name}</xs:name>` +
    `<xs:request_time xmlns:xs="${NS}">${date}</xs:request_time>` +
    `<xs:tp_number xmlns:xs="${NS}">${tp}</xs:tp_number>` +
    `<xs:address xmlns:xs="${NS}">${address}</xs:address>` +
    `</p:addCustomer>`
  );
}

function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}.${String(d.getMonth() + 1).padStart(2, '0')}.${String(d.getDate()).padStart(2, '0')}`;
}

describe('mediators/payloadFactory', () => {
  describe('xml media type', () => {
    it('CT-34: static arguments fill the format; indentation is dropped, text kept', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory>${CT34_FORMAT}
        <args>
          <arg value="John"/>
          <arg value="2017.09.26"/>
          <arg value="1234564632"/>
          <arg value="Colombo, Sri Lanka"/>
        </args></payloadFactory>`);
      const { mc } = h.message({ body: '<in><x>1</x></in>' });
      assert.equal(await h.run(m, mc), true);
      assert.equal(mc.payload.text(), expectedCustomer('John', '2017.09.26', '1234564632', 'Colombo, Sri Lanka'));
      // the message stays application/xml
      assert.equal(mc.axis2.get('messageType') ?? 'application/xml', 'application/xml');
    });

    it('CT-35: expression arguments; //name/node() inserts the element, text() the text', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory>${CT34_FORMAT}
        <args>
          <arg expression="//name/node()"/>
          <arg expression="get-property('SYSTEM_DATE','yyyy.MM.dd')"/>
          <arg expression="//tpNumber"/>
          <arg expression="//address/text()"/>
        </args></payloadFactory>`);
      const { mc } = h.message({
        body:
          '<addCustomer><name>Smith</name><tpNumber>0834558649</tpNumber>' +
          '<address>No. 456, Gregory Road, Los Angeles</address></addCustomer>',
      });
      await h.run(m, mc);
      assert.equal(
        mc.payload.text(),
        expectedCustomer('<name>Smith</name>', localDate(FIXED_NOW), '0834558649', 'No. 456, Gregory Road, Los Angeles'),
      );
    });

    it('escapes plain strings and inserts XML-looking strings as markup', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory><format><r><a>$1</a><b>$2</b><c att="$3"/></r></format>
        <args><arg expression="$ctx:plain"/><arg value="&lt;x&gt;1&lt;/x&gt;"/><arg value="say &quot;hi&quot; &amp; go"/></args></payloadFactory>`);
      const { mc } = h.message({ body: '<in/>' });
      mc.props.set('plain', 'a<b & c');
      await h.run(m, mc);
      const el = firstBodyElement(mc.envelope())!;
      assert.equal(el.getElementsByTagName('a')[0]!.textContent, 'a<b & c');
      assert.equal(serializeXml(el.getElementsByTagName('b')[0]!), '<b><x>1</x></b>');
      assert.equal(el.getElementsByTagName('c')[0]!.getAttribute('att'), 'say "hi" & go');
    });

    it('converts a JSON argument (json evaluator) to XML without the jsonObject wrapper', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory><format><root>$1</root></format>
        <args><arg evaluator="json" expression="$.person"/></args></payloadFactory>`);
      const { mc } = h.message({ body: '{"person":{"name":"A","age":3}}' });
      await h.run(m, mc);
      assert.equal(mc.payload.text(), '<root><name>A</name><age>3</age></root>');
      assert.equal(mc.axis2.get('messageType'), 'application/xml');
      assert.equal(mc.headers.get('content-type'), 'application/xml');
    });

    it('keeps the SOAP envelope (and its headers) and the SOAP content type', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory><format><ns:resp xmlns:ns="urn:r">$1</ns:resp></format>
        <args><arg value="ok"/></args></payloadFactory>`);
      const soap =
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><h:t xmlns:h="urn:h">x</h:t></soapenv:Header>' +
        '<soapenv:Body><req/></soapenv:Body></soapenv:Envelope>';
      const { mc } = h.message({ body: soap, contentType: 'text/xml' });
      await h.run(m, mc);
      const env = serializeXml(mc.envelope());
      assert.match(env, /<h:t xmlns:h="urn:h">x<\/h:t>/);
      assert.match(env, /<soapenv:Body><ns:resp xmlns:ns="urn:r">ok<\/ns:resp><\/soapenv:Body>/);
      assert.equal(mc.headers.get('content-type'), 'text/xml');
    });

    it('a format that is a SOAP envelope replaces the envelope', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory><format>
          <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>$1</x></s:Body></s:Envelope>
        </format><args><arg value="1"/></args></payloadFactory>`);
      const { mc } = h.message({ body: '{"a":1}' });
      await h.run(m, mc);
      assert.equal(mc.payload.soap, 'soap12');
      assert.equal(serializeXml(firstBodyElement(mc.envelope())!), '<x>1</x>');
    });

    it('keeps the default namespace in scope on unprefixed template elements (as Synapse does)', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory xmlns="http://ws.apache.org/ns/synapse"><format><a>$1</a></format>
        <args><arg value="v"/></args></payloadFactory>`);
      const { mc } = h.message({ body: '<in/>' });
      await h.run(m, mc);
      assert.equal(mc.payload.text(), '<a xmlns="http://ws.apache.org/ns/synapse">v</a>');
    });

    it('reads the format from a local entry', async () => {
      const holder = createEnvelope('soap11');
      const entry = holder.createElement('greeting');
      entry.appendChild(holder.createTextNode('hello $1'));
      const h = createHarness({ localEntries: { fmt: entry } });
      const m = h.compile(`<payloadFactory><format key="fmt"/><args><arg value="you"/></args></payloadFactory>`);
      const { mc } = h.message();
      await h.run(m, mc);
      assert.equal(mc.payload.text(), '<greeting>hello you</greeting>');
    });

    it('a missing local entry fails at compile time; refs() names it for the linker', () => {
      const h = createHarness();
      const node = h.read(`<payloadFactory><format key="nope"/></payloadFactory>`)!;
      assert.deepEqual(payloadRefs(h, node), [{ kind: 'localEntry', key: 'nope' }]);
      assert.throws(() => h.ctx.list([node]), /nope/);
    });
  });

  describe('json media type', () => {
    it('substitutes without adding quotes and sets application/json; removes NO_ENTITY_BODY', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"name": "$1", "age": $2}</format>
        <args><arg value="John"/><arg expression="$ctx:age"/></args></payloadFactory>`);
      const { mc } = h.message({ method: 'GET' });
      mc.props.set('age', '30');
      mc.axis2.set('NO_ENTITY_BODY', true);
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { name: 'John', age: 30 });
      assert.equal(mc.axis2.get('messageType'), 'application/json');
      assert.equal(mc.axis2.get('ContentType'), 'application/json');
      assert.equal(mc.headers.get('content-type'), 'application/json');
      assert.equal(mc.axis2.has('NO_ENTITY_BODY'), false);
    });

    it('escapes JSON special characters of plain strings', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"s": "$1"}</format>
        <args><arg expression="$ctx:s"/></args></payloadFactory>`);
      const { mc } = h.message();
      const s = 'a "quoted" \\ value\nnext\tline';
      mc.props.set('s', s);
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { s });
    });

    it('an unquoted string makes invalid JSON: a MediationError', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"a": $1}</format>
        <args><arg value="abc"/></args></payloadFactory>`);
      const { mc } = h.message();
      await assert.rejects(async () => h.run(m, mc), (e: unknown) => e instanceof MediationError && e.code === 'AXON_MED_FAILED');
    });

    it('QUOTE_STRING_IN_PAYLOAD_FACTORY_JSON quotes strings but not numbers, booleans or null', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"a": $1, "b": $2, "c": $3, "d": $4, "e": $5}</format>
        <args><arg expression="$ctx:a"/><arg expression="$ctx:b"/><arg expression="$ctx:c"/><arg expression="$ctx:d"/><arg expression="$ctx:e"/></args></payloadFactory>`);
      const { mc } = h.message();
      mc.props.set('QUOTE_STRING_IN_PAYLOAD_FACTORY_JSON', 'true');
      mc.props.set('a', 'abc');
      mc.props.set('b', '12.5');
      mc.props.set('c', 'true');
      mc.props.set('d', 'null');
      mc.props.set('e', 'say "x"');
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { a: 'abc', b: 12.5, c: true, d: null, e: 'say "x"' });
    });

    it('inserts values starting with { or [ raw', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"obj": $1, "list": $2}</format>
        <args><arg expression="$ctx:obj"/><arg evaluator="json" expression="$.items"/></args></payloadFactory>`);
      const { mc } = h.message({ body: '{"items":[1,{"k":"v"}]}' });
      mc.props.set('obj', '{"x": 1}');
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { obj: { x: 1 }, list: [1, { k: 'v' }] });
    });

    it('a JSON-typed property is inserted as JSON', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"p": $1}</format>
        <args><arg expression="get-property('p')"/></args></payloadFactory>`);
      const { mc } = h.message();
      mc.props.set('p', new JsonValue({ k: [1, 2] }));
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { p: { k: [1, 2] } });
    });

    it('literal="true" forces string treatment of JSON-looking values', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"s": "$1"}</format>
        <args><arg evaluator="json" expression="json-eval($.o)" literal="true"/></args></payloadFactory>`);
      const { mc } = h.message({ body: '{"o":{"x":1}}' });
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { s: '{"x":1}' });
    });

    it('value= arguments are XML-escaped for every media type (W quirk); expressions are not', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"v": "$1", "e": "$2"}</format>
        <args><arg value="Tom &amp; Jerry"/><arg expression="$ctx:e"/></args></payloadFactory>`);
      const { mc } = h.message();
      mc.props.set('e', 'Tom & Jerry');
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { v: 'Tom &amp; Jerry', e: 'Tom & Jerry' });
    });

    it('converts an XML argument to JSON', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json"><format>{"c": $1}</format>
        <args><arg expression="//customer"/></args></payloadFactory>`);
      const { mc } = h.message({ body: '<customer><name>A</name><id>7</id></customer>' });
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { c: { customer: { name: 'A', id: 7 } } });
    });

    it('the format may be CDATA; whitespace-only text around it is ignored', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json">
        <format>
          <![CDATA[{"tag": "<b>$1</b>"}]]>
        </format>
        <args><arg value="bold"/></args></payloadFactory>`);
      const { mc } = h.message();
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { tag: '<b>bold</b>' });
    });

    it('error fault sequence example: numbers unquoted, strings quoted by the template', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="json">
          <format>{"error": {"code": $1, "message": "$2"}}</format>
          <args><arg expression="get-property('ERROR_CODE')"/><arg expression="get-property('ERROR_MESSAGE')"/></args>
        </payloadFactory>`);
      const { mc } = h.message();
      mc.props.set('ERROR_CODE', 101503);
      mc.props.set('ERROR_MESSAGE', 'Error connecting to the back end');
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { error: { code: 101503, message: 'Error connecting to the back end' } });
    });
  });

  describe('text media type and placeholders', () => {
    it('sets a text body and text/plain', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="text"><format>Hello $1!</format><args><arg expression="$ctx:n"/></args></payloadFactory>`);
      const { mc } = h.message({ body: '{"a":1}' });
      mc.props.set('n', 'World & <you>');
      await h.run(m, mc);
      assert.equal(mc.payload.kind, 'text');
      assert.equal(mc.payload.text(), 'Hello World & <you>!');
      assert.equal(mc.headers.get('content-type'), 'text/plain');
    });

    it('$n without an argument: the rest of the template is emitted verbatim and an error logged', async () => {
      const h = createHarness();
      const m = h.compile(`<payloadFactory media-type="text"><format>a $1 b $3 c $1</format><args><arg value="X"/></args></payloadFactory>`);
      assert.ok(h.diag.items.some((d) => d.severity === 'warning'), 'a load-time warning');
      const { mc } = h.message();
      await h.run(m, mc);
      assert.equal(mc.payload.text(), 'a X b $3 c $1');
      assert.ok(h.logs('mediator.payloadFactory').some((r) => r['level'] === 'error'));
    });
  });

  describe('placeholders', () => {
    it('reads multi-digit placeholders ($10 is the tenth argument)', async () => {
      const h = createHarness();
      const args = Array.from({ length: 10 }, (_, i) => `<arg value="v${i + 1}"/>`).join('');
      const m = h.compile(`<payloadFactory media-type="text"><format>$10-$1-$2</format><args>${args}</args></payloadFactory>`);
      const { mc } = h.message();
      await h.run(m, mc);
      assert.equal(mc.payload.text(), 'v10-v1-v2');
    });
  });

  describe('config', () => {
    it('rejects FreeMarker templates', () => {
      const h = createHarness();
      h.read(`<payloadFactory template-type="freemarker"><format>x</format></payloadFactory>`);
      assert.deepEqual(h.codes(), ['AXON_CFG_UNSUPPORTED_ELEMENT']);
    });

    it('needs a format, and args with a value or an expression', () => {
      const h = createHarness();
      h.read(`<payloadFactory><args><arg/></args></payloadFactory>`);
      assert.deepEqual(h.codes().sort(), ['AXON_CFG_MISSING_ATTRIBUTE', 'AXON_CFG_MISSING_ELEMENT']);
    });

    it('reports bad media types and bad expressions', () => {
      const h = createHarness();
      h.read(`<payloadFactory media-type="yaml"><format>x</format><args><arg expression="//a["/></args></payloadFactory>`);
      assert.ok(h.codes().includes('AXON_CFG_BAD_VALUE'));
      assert.ok(h.codes().includes('AXON_EXPR_PARSE'));
    });

    it('is content aware for xml, and for json only when an argument reads the body', () => {
      const h = createHarness();
      const def = h.registry.get('payloadFactory')!;
      const xml = h.read(`<payloadFactory><format><a/></format></payloadFactory>`)!;
      const jsonProps = h.read(`<payloadFactory media-type="json"><format>{"a":"$1"}</format><args><arg expression="$ctx:a"/></args></payloadFactory>`)!;
      const jsonBody = h.read(`<payloadFactory media-type="json"><format>{"a":"$1"}</format><args><arg expression="json-eval($.a)"/></args></payloadFactory>`)!;
      assert.equal(def.readsBody!(xml, h.ctx), true);
      assert.equal(def.readsBody!(jsonProps, h.ctx), false);
      assert.equal(def.readsBody!(jsonBody, h.ctx), true);
    });
  });
});

function payloadRefs(h: ReturnType<typeof createHarness>, node: NonNullable<ReturnType<ReturnType<typeof createHarness>['read']>>) {
  return h.registry
    .get('payloadFactory')!
    .refs!(node)
    .map((r) => ({ kind: r.kind, key: r.key }));
}

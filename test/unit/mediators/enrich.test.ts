// enrich: XML mode (XPath over the envelope) and the JSON-native mode of synapse-semantics §5.11.

import assert from 'node:assert/strict';
import { MediationError } from '../../../src/errors/codes.js';
import { JsonValue } from '../../../src/expr/types.js';
import { firstBodyElement } from '../../../src/expr/soap.js';
import { getAt, parseDefinitePath, setAt } from '../../../src/mediators/enrich/index.js';
import { parseXml, serializeXml } from '../../../src/xml/parse.js';
import { createHarness } from '../../helpers/mediator-harness.js';

const ORDER = '<order><id>7</id><customer><name>Ann</name></customer><items><item>a</item></items></order>';

describe('mediators/enrich', () => {
  describe('XML mode', () => {
    it('custom -> custom replace puts a copy of the source in place of the target', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source xpath="//customer/name"/><target xpath="//id"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      assert.equal(await h.run(m, mc), true);
      assert.equal(mc.payload.text(), '<order><name>Ann</name><customer><name>Ann</name></customer><items><item>a</item></items></order>');
    });

    it('clone="false" moves the source', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source clone="false" xpath="//customer/name"/><target action="child" xpath="//items"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      await h.run(m, mc);
      assert.equal(mc.payload.text(), '<order><id>7</id><customer/><items><item>a</item><name>Ann</name></items></order>');
    });

    it('a text source replaces the content of the target element', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="property" property="newName"/><target xpath="//customer/name"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      mc.props.set('newName', 'Bob & Co');
      await h.run(m, mc);
      assert.equal(firstBodyElement(mc.envelope())!.getElementsByTagName('name')[0]!.textContent, 'Bob & Co');
    });

    it('a text() target: its parent gets the text; an attribute target gets the value', async () => {
      const h = createHarness();
      const m1 = h.compile(`<enrich><source type="inline">new</source><target xpath="//item/text()"/></enrich>`);
      const m2 = h.compile(`<enrich><source xpath="//id"/><target xpath="//order/@ref"/></enrich>`);
      const { mc } = h.message({ body: '<order ref="x"><id>7</id><items><item>a</item></items></order>' });
      await h.run(m1, mc);
      await h.run(m2, mc);
      assert.equal(mc.payload.text(), '<order ref="7"><id>7</id><items><item>new</item></items></order>');
    });

    it('inline XML as child and as sibling', async () => {
      const h = createHarness();
      const child = h.compile(`<enrich><source type="inline"><item>b</item></source><target action="child" xpath="//items"/></enrich>`);
      const sibling = h.compile(`<enrich><source type="inline" clone="true"><note>n</note></source><target action="sibling" xpath="//id"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      await h.run(child, mc);
      await h.run(sibling, mc);
      assert.equal(
        mc.payload.text(),
        '<order><id>7</id><note>n</note><customer><name>Ann</name></customer><items><item>a</item><item>b</item></items></order>',
      );
    });

    it('body -> property and back: property -> body replace', async () => {
      const h = createHarness();
      const save = h.compile(`<enrich><source type="body"/><target type="property" property="saved"/></enrich>`);
      const replace = h.compile(`<enrich><source type="inline"><other/></source><target type="body"/></enrich>`);
      const restore = h.compile(`<enrich><source type="property" property="saved"/><target type="body"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      await h.run(save, mc);
      const saved = mc.props.get('saved');
      assert.ok(Array.isArray(saved) && saved.length === 1);
      await h.run(replace, mc);
      assert.equal(mc.payload.text(), '<other/>');
      await h.run(restore, mc);
      assert.equal(mc.payload.text(), ORDER);
    });

    it('a property source holding an element goes in as that element', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="property" property="el"/><target action="child" xpath="//customer"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      mc.props.set('el', parseXml('<email>a@b</email>').documentElement);
      await h.run(m, mc);
      assert.match(mc.payload.text(), /<customer><name>Ann<\/name><email>a@b<\/email><\/customer>/);
    });

    it('envelope -> property keeps a copy that can replace the envelope later', async () => {
      const h = createHarness();
      const save = h.compile(`<enrich><source type="envelope"/><target type="property" property="env"/></enrich>`);
      const change = h.compile(`<enrich><source type="inline"><changed/></source><target type="body"/></enrich>`);
      const restore = h.compile(`<enrich><source type="property" property="env"/><target type="envelope"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      await h.run(save, mc);
      await h.run(change, mc);
      assert.equal(mc.payload.text(), '<changed/>');
      await h.run(restore, mc);
      assert.equal(mc.payload.text(), ORDER);
    });

    it('an envelope target needs an envelope source', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="inline"><x/></source><target type="envelope"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      await assert.rejects(async () => h.run(m, mc), MediationError);
    });

    it('a target XPath that selects nothing is an error', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source xpath="//id"/><target xpath="//missing"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      await assert.rejects(async () => h.run(m, mc), MediationError);
    });

    it('XPath over a JSON payload edits its XML view (the payload becomes XML)', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="inline"><b>2</b></source><target action="child" xpath="//jsonObject"/></enrich>`);
      const { mc } = h.message({ body: '{"a":1}' });
      await h.run(m, mc);
      assert.equal(mc.payload.kind, 'xml');
      assert.deepEqual(mc.json(), { a: 1, b: 2 });
    });

    it('a body target removes NO_ENTITY_BODY; a JSON text source on a body target becomes JSON', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="property" property="j"/><target type="body"/></enrich>`);
      const { mc } = h.message({ method: 'GET' });
      mc.axis2.set('NO_ENTITY_BODY', true);
      mc.props.set('j', '{"hello":"world"}');
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { hello: 'world' });
      assert.equal(mc.axis2.has('NO_ENTITY_BODY'), false);
    });

    it('a get-property(...) target enriches that property (child into a held element)', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source xpath="//id"/><target action="child" xpath="get-property('holder')"/></enrich>`);
      const { mc } = h.message({ body: ORDER });
      mc.props.set('holder', parseXml('<ids/>').documentElement);
      await h.run(m, mc);
      assert.equal(serializeXml(mc.props.get('holder') as Parameters<typeof serializeXml>[0]), '<ids><id>7</id></ids>');
      assert.equal(mc.payload.text(), ORDER, 'the payload is untouched');
    });

    it('property -> property does not touch the body', async () => {
      const h = createHarness();
      const def = h.registry.get('enrich')!;
      const node = h.read(`<enrich><source type="property" property="a"/><target type="property" property="b"/></enrich>`)!;
      assert.equal(def.readsBody!(node, h.ctx), false);
      const m = h.ctx.list([node]);
      const { mc } = h.message({ body: '<x/>' });
      mc.props.set('a', 'text');
      await h.run(m, mc);
      assert.equal(mc.payload.modified, false);
      const b = mc.props.get('b') as { nodeValue: string }[];
      assert.equal(b[0]!.nodeValue, 'text');
    });
  });

  describe('JSON-native mode', () => {
    const BODY = '{"order":{"id":7,"items":[1,2]},"meta":{"a":1}}';

    it('inline JSON replaces a definite path (a new last key is added)', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="inline">{"x":true}</source><target xpath="json-eval($.order.extra)"/></enrich>`);
      const { mc } = h.message({ body: BODY });
      await h.run(m, mc);
      assert.equal(mc.payload.kind, 'json');
      assert.deepEqual(mc.json(), { order: { id: 7, items: [1, 2], extra: { x: true } }, meta: { a: 1 } });
    });

    it('child appends to an array and merges an object into an object', async () => {
      const h = createHarness();
      const append = h.compile(`<enrich><source xpath="json-eval($.order.id)"/><target action="child" xpath="json-eval($.order.items)"/></enrich>`);
      const merge = h.compile(`<enrich><source type="inline">{"b":2}</source><target action="child" xpath="json-eval($['meta'])"/></enrich>`);
      const { mc } = h.message({ body: BODY });
      await h.run(append, mc);
      await h.run(merge, mc);
      assert.deepEqual(mc.json(), { order: { id: 7, items: [1, 2, 7] }, meta: { a: 1, b: 2 } });
    });

    it('clone="false" moves a value from one path to another', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source clone="false" xpath="json-eval($.meta)"/><target xpath="json-eval($.order.items[0])"/></enrich>`);
      const { mc } = h.message({ body: BODY });
      await h.run(m, mc);
      assert.deepEqual(mc.json(), { order: { id: 7, items: [{ a: 1 }, 2] } });
    });

    it('body -> property stores JSON; property -> body replaces the payload', async () => {
      const h = createHarness();
      const save = h.compile(`<enrich><source type="body"/><target type="property" property="orig"/></enrich>`);
      const set = h.compile(`<enrich><source type="property" property="other"/><target type="body"/></enrich>`);
      const restore = h.compile(`<enrich><source type="property" property="orig"/><target type="body"/></enrich>`);
      const { mc } = h.message({ body: BODY });
      await h.run(save, mc);
      assert.ok(mc.props.get('orig') instanceof JsonValue);
      mc.props.set('other', '[1,2,3]');
      await h.run(set, mc);
      assert.deepEqual(mc.json(), [1, 2, 3]);
      await h.run(restore, mc);
      assert.deepEqual(mc.json(), JSON.parse(BODY));
    });

    it('a primitive cannot become the body (logged, payload unchanged)', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="property" property="p"/><target type="body"/></enrich>`);
      const { mc } = h.message({ body: BODY });
      mc.props.set('p', 'just text');
      await h.run(m, mc);
      assert.deepEqual(mc.json(), JSON.parse(BODY));
      assert.ok(h.logs('mediator.enrich').some((r) => r['level'] === 'error'));
    });

    it('a property holding XML switches to XML mode', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="property" property="x"/><target type="body"/></enrich>`);
      const { mc } = h.message({ body: BODY });
      mc.props.set('x', parseXml('<replaced>1</replaced>').documentElement);
      await h.run(m, mc);
      assert.equal(mc.payload.kind, 'xml');
      assert.equal(serializeXml(firstBodyElement(mc.envelope())!), '<replaced>1</replaced>');
    });

    it('property child appends to a JSON array property', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source xpath="json-eval($.order.id)"/><target type="property" action="child" property="ids"/></enrich>`);
      const { mc } = h.message({ body: BODY });
      mc.props.set('ids', '[1]');
      await h.run(m, mc);
      assert.deepEqual((mc.props.get('ids') as JsonValue).value, [1, 7]);
    });

    it('a missing intermediate key or source path is an error', async () => {
      const h = createHarness();
      const badTarget = h.compile(`<enrich><source type="inline">1</source><target xpath="json-eval($.nope.deeper)"/></enrich>`);
      const badSource = h.compile(`<enrich><source xpath="json-eval($.nope)"/><target xpath="json-eval($.x)"/></enrich>`);
      await assert.rejects(async () => h.run(badTarget, h.message({ body: BODY }).mc), MediationError);
      await assert.rejects(async () => h.run(badSource, h.message({ body: BODY }).mc), MediationError);
    });

    it('json-eval paths need a JSON payload', async () => {
      const h = createHarness();
      const m = h.compile(`<enrich><source type="inline">1</source><target xpath="json-eval($.a)"/></enrich>`);
      await assert.rejects(async () => h.run(m, h.message({ body: '<a/>' }).mc), MediationError);
    });
  });

  describe('config', () => {
    const cases: [string, string, string][] = [
      ['envelope', '<target xpath="//a"/>', 'AXON_CFG_CONFLICT'],
      ['envelope', '<target type="body"/>', 'AXON_CFG_CONFLICT'],
      ['envelope', '<target type="envelope"/>', 'AXON_CFG_CONFLICT'],
      ['body', '<target type="body"/>', 'AXON_CFG_CONFLICT'],
      ['body', '<target type="envelope"/>', 'AXON_CFG_CONFLICT'],
    ];
    for (const [src, tgt, code] of cases) {
      it(`${src} -> ${tgt} is rejected`, () => {
        const h = createHarness();
        h.read(`<enrich><source type="${src}"/>${tgt}</enrich>`);
        assert.deepEqual(h.codes(), [code]);
      });
    }

    it('custom -> envelope, inline targets, envelope with child, missing xpath/property are rejected', () => {
      const check = (xml: string, code: string) => {
        const h = createHarness();
        h.read(xml);
        assert.deepEqual(h.codes(), [code], xml);
      };
      check('<enrich><source xpath="//a"/><target type="envelope"/></enrich>', 'AXON_CFG_CONFLICT');
      check('<enrich><source type="body"/><target type="inline"/></enrich>', 'AXON_CFG_BAD_VALUE');
      check('<enrich><source type="property" property="p"/><target type="envelope" action="child"/></enrich>', 'AXON_CFG_BAD_VALUE');
      check('<enrich><source/><target type="body"/></enrich>', 'AXON_CFG_MISSING_ATTRIBUTE');
      check('<enrich><source type="property"/><target type="body"/></enrich>', 'AXON_CFG_MISSING_ATTRIBUTE');
      check('<enrich><source type="body"/></enrich>', 'AXON_CFG_MISSING_ELEMENT');
      check('<enrich><source xpath="//a"/><target xpath="json-eval($.a)"/></enrich>', 'AXON_CFG_CONFLICT');
      check('<enrich><source type="inline">1</source><target xpath="json-eval($..a)"/></enrich>', 'AXON_CFG_UNSUPPORTED_ELEMENT');
      check('<enrich><source type="inline">1</source><target xpath="json-eval($)"/></enrich>', 'AXON_CFG_BAD_VALUE');
      check('<enrich><source type="body"/><target type="key" xpath="json-eval($.a)"/></enrich>', 'AXON_CFG_UNSUPPORTED_ELEMENT');
    });
  });

  describe('definite JSONPath helpers', () => {
    it('parses the supported forms and refuses the rest', () => {
      assert.deepEqual(parseDefinitePath('json-eval($)'), []);
      assert.deepEqual(parseDefinitePath('json-eval($.)'), []);
      assert.deepEqual(parseDefinitePath("json-eval($.a.b['c d'][0][-1])"), ['a', 'b', 'c d', 0, -1]);
      assert.deepEqual(parseDefinitePath('$["x"].y'), ['x', 'y']);
      for (const bad of ['$..a', '$.a[*]', '$.a[?(@.b)]', '$.a[0:2]', '$.a[0,1]', '$ctx:p.a', 'a.b']) {
        assert.equal(parseDefinitePath(bad), undefined, bad);
      }
    });

    it('set and get do not reach the prototype', () => {
      const root = setAt({}, ['__proto__'], { polluted: true }, '$.__proto__') as Record<string, unknown>;
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.deepEqual(getAt(root, ['__proto__']).value, { polluted: true });
      assert.equal(getAt({}, ['toString']).found, false);
    });
  });
});

// Expression stage tests: the JSON <-> XML mapping of synapse-semantics §3.3 (CT-39,
// W BuilderFormatterTest vectors) and Synapse's XML -> JSON conversion rules.

import { expect } from 'chai';
import { autoPrimitive, escapeJsonKey, jsonToXml, unescapeJsonKey, xmlToJson } from '../../../src/expr/json-xml.js';
import { createEnvelope } from '../../../src/expr/soap.js';
import { parseXml, serializeXml, type XmlElement } from '../../../src/xml/parse.js';

/** Normalise Synapse's test notation: `<?xml-multiple  k?>` has two spaces, `<x />` a space. */
function norm(xml: string): string {
  return xml.replace(/<\?xml-multiple\s+/g, '<?xml-multiple ').replace(/\s+\/>/g, '/>');
}

function toXml(json: unknown): string {
  return serializeXml(jsonToXml(json, createEnvelope('soap11')));
}

function fromXml(xml: string): unknown {
  return xmlToJson(parseXml(xml).documentElement as XmlElement);
}

// W BuilderFormatterTest vectors (§3.3). The last one is written here in the key order a JS
// object has (integer-like keys first); see the order test below.
const VECTORS: [string, string][] = [
  ['{"array":[1,2,3]}', '<jsonObject><?xml-multiple  array?><array>1</array><array>2</array><array>3</array></jsonObject>'],
  ['[1]', '<jsonArray><?xml-multiple  jsonElement?><jsonElement>1</jsonElement></jsonArray>'],
  [
    '{"array":[[1,2,4]]}',
    '<jsonObject><?xml-multiple  array?><array><jsonArray><?xml-multiple  jsonElement?><jsonElement>1</jsonElement><jsonElement>2</jsonElement><jsonElement>4</jsonElement></jsonArray></array></jsonObject>',
  ],
  ['{"$schema":"UNKNOWN"}', '<jsonObject><_JsonReader_PS_schema>UNKNOWN</_JsonReader_PS_schema></jsonObject>'],
  ['{"hashtags":[],"symbols":[]}', '<jsonObject><?xml-multiple  hashtags?><?xml-multiple  symbols?></jsonObject>'],
  ['[null,null,1]', '<jsonArray><?xml-multiple  jsonElement?><jsonElement /><jsonElement /><jsonElement>1</jsonElement></jsonArray>'],
  ['{"value":null}', '<jsonObject><value /></jsonObject>'],
  [
    '{"0":{"date":"d"},"1":[1,2,{"newArray":["one-Element"]}],"value":12.4,"12X12":"x"}',
    '<jsonObject><_JsonReader_PD_0><date>d</date></_JsonReader_PD_0><?xml-multiple  1?><_JsonReader_PD_1>1</_JsonReader_PD_1><_JsonReader_PD_1>2</_JsonReader_PD_1><_JsonReader_PD_1><?xml-multiple  newArray?><newArray>one-Element</newArray></_JsonReader_PD_1><value>12.4</value><_JsonReader_PD_12X12>x</_JsonReader_PD_12X12></jsonObject>',
  ],
];

describe('expr/json-xml', () => {
  describe('BuilderFormatterTest vectors (CT-39)', () => {
    for (const [json, xml] of VECTORS) {
      it(`${json} <-> XML`, () => {
        const value = JSON.parse(json);
        expect(toXml(value)).to.equal(norm(xml));
        // XML -> JSON gives back identical JSON, from our XML and from Synapse's text
        expect(JSON.stringify(fromXml(toXml(value)))).to.equal(json);
        expect(JSON.stringify(fromXml(xml))).to.equal(json);
      });
    }

    it("the mixed vector in W's own key order converts to the same JSON", () => {
      const w =
        '<jsonObject><value>12.4</value><_JsonReader_PD_12X12>x</_JsonReader_PD_12X12><_JsonReader_PD_0><date>d</date></_JsonReader_PD_0><?xml-multiple  1?><_JsonReader_PD_1>1</_JsonReader_PD_1><_JsonReader_PD_1>2</_JsonReader_PD_1><_JsonReader_PD_1><?xml-multiple  newArray?><newArray>one-Element</newArray></_JsonReader_PD_1></jsonObject>';
      expect(fromXml(w)).to.deep.equal({ value: 12.4, '12X12': 'x', '0': { date: 'd' }, '1': [1, 2, { newArray: ['one-Element'] }] });
    });
  });

  describe('JSON -> XML', () => {
    it('primitive roots become <jsonValue>', () => {
      expect(toXml(12)).to.equal('<jsonValue>12</jsonValue>');
      expect(toXml('a<b')).to.equal('<jsonValue>a&lt;b</jsonValue>');
      expect(toXml(null)).to.equal('<jsonValue/>');
      expect(fromXml('<jsonValue>12</jsonValue>')).to.equal(12);
      expect(fromXml('<jsonValue/>')).to.equal(null);
    });

    it('objects nest as child elements with no namespace', () => {
      const el = jsonToXml({ a: { b: true, c: 'x' } }, createEnvelope('soap11'));
      expect(el.namespaceURI).to.equal(null);
      expect(serializeXml(el)).to.equal('<jsonObject><a><b>true</b><c>x</c></a></jsonObject>');
    });

    it('key escapes round-trip', () => {
      expect(escapeJsonKey('12X12')).to.equal('_JsonReader_PD_12X12');
      expect(escapeJsonKey('$schema')).to.equal('_JsonReader_PS_schema');
      expect(escapeJsonKey('plain')).to.equal('plain');
      expect(unescapeJsonKey('_JsonReader_PD_12X12')).to.equal('12X12');
      expect(unescapeJsonKey('_JsonReader_PS_schema')).to.equal('$schema');
    });

    it('keys that are not XML names still round-trip', () => {
      const v = { 'first name': 'a', 'x:y': 1, 'a&b': [true] };
      expect(xmlToJson(jsonToXml(v, createEnvelope('soap11')))).to.deep.equal(v);
    });

    it('nested arrays and empty arrays round-trip', () => {
      for (const v of [[[1, [2, 3]], []], { a: [[], [[]]] }, { a: [{ b: [] }] }, []]) {
        expect(xmlToJson(jsonToXml(v, createEnvelope('soap11'))), JSON.stringify(v)).to.deep.equal(v);
      }
    });
  });

  describe('XML -> JSON', () => {
    it('a non-wrapper root becomes the single top-level key', () => {
      expect(fromXml('<order><id>7</id><name>n</name></order>')).to.deep.equal({ order: { id: 7, name: 'n' } });
    });

    it('repeated siblings become arrays, one element stays a value', () => {
      expect(fromXml('<r><i>1</i><i>2</i><j>3</j></r>')).to.deep.equal({ r: { i: [1, 2], j: 3 } });
    });

    it('<?xml-multiple?> forces an array for a single element', () => {
      expect(fromXml('<r><?xml-multiple i?><i>1</i></r>')).to.deep.equal({ r: { i: [1] } });
    });

    it('autoPrimitive: JSON numbers and true/false unquoted, everything else a string', () => {
      expect(autoPrimitive('12')).to.equal(12);
      expect(autoPrimitive('-1.5e3')).to.equal(-1500);
      expect(autoPrimitive('true')).to.equal(true);
      expect(autoPrimitive('0834558649')).to.equal('0834558649');
      expect(autoPrimitive('12345678901234567890')).to.equal('12345678901234567890');
      expect(autoPrimitive('TRUE')).to.equal('TRUE');
      expect(autoPrimitive(' 1')).to.equal(' 1');
      expect(autoPrimitive('1.')).to.equal('1.');
    });

    it('empty elements become null', () => {
      expect(fromXml('<r><a/><b></b></r>')).to.deep.equal({ r: { a: null, b: null } });
    });

    it('namespaces and prefixes are dropped', () => {
      expect(fromXml('<p:addCustomer xmlns:p="urn:p" xmlns:xs="urn:x"><xs:name>John</xs:name></p:addCustomer>')).to.deep.equal({
        addCustomer: { name: 'John' },
      });
    });

    it('attributes become "@name" keys, text beside them "$"', () => {
      expect(fromXml('<r><c id="7" kind="a">x</c></r>')).to.deep.equal({ r: { c: { '@id': 7, '@kind': 'a', $: 'x' } } });
      expect(fromXml('<c id="7"/>')).to.deep.equal({ c: { '@id': 7 } });
      expect(fromXml('<c id="7"><d>1</d></c>')).to.deep.equal({ c: { '@id': 7, d: 1 } });
    });

    it('whitespace between child elements is ignored; comments too', () => {
      expect(fromXml('<r>\n  <a>1</a>\n  <!-- c -->\n  <b>x y</b>\n</r>')).to.deep.equal({ r: { a: 1, b: 'x y' } });
    });

    it('element names from the payload cannot reach Object.prototype', () => {
      const v = fromXml('<r><__proto__><polluted>1</polluted></__proto__></r>') as Record<string, Record<string, unknown>>;
      expect(Object.prototype.hasOwnProperty.call(v.r, '__proto__')).to.equal(true);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(JSON.stringify(v)).to.equal('{"r":{"__proto__":{"polluted":1}}}');
    });

    it('an empty jsonObject is {} and an empty jsonArray []', () => {
      expect(fromXml('<jsonObject/>')).to.deep.equal({});
      expect(fromXml('<jsonArray/>')).to.deep.equal([]);
    });
  });
});

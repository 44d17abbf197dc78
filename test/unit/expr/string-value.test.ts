// Expression stage tests: Synapse's stringValueOf (§4.4, trap 3, CT-27) and Java number printing.

import { expect } from 'chai';
import { compileExpression } from '../../../src/expr/compile.js';
import {
  javaDoubleToString,
  javaTrim,
  nodeSetStringValue,
  rawBooleanValue,
  rawStringValue,
  xpathNumberToString,
  xpathStringOfRaw,
} from '../../../src/expr/string-value.js';
import { JsonValue } from '../../../src/expr/types.js';
import { parseXml } from '../../../src/xml/parse.js';
import { fakeContext } from '../../helpers/eval-context.js';

function sv(expr: string, xml: string): string | null {
  return compileExpression(expr, {}).stringValue(fakeContext({ xml }));
}

describe('expr/string-value', () => {
  describe('Java Double.toString', () => {
    const cases: [number, string][] = [
      [3, '3.0'],
      [1500, '1500.0'],
      [6, '6.0'],
      [0, '0.0'],
      [-0, '-0.0'],
      [-2.5, '-2.5'],
      [0.1, '0.1'],
      [0.001, '0.001'],
      [0.0001, '1.0E-4'],
      [0.00015, '1.5E-4'],
      [9999999, '9999999.0'],
      [1e7, '1.0E7'],
      [12345678.9, '1.23456789E7'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ];
    for (const [n, s] of cases) it(`${n} -> ${s}`, () => expect(javaDoubleToString(n)).to.equal(s));
  });

  it('XPath number-to-string has no exponent and no ".0"', () => {
    expect(xpathNumberToString(3)).to.equal('3');
    expect(xpathNumberToString(-0)).to.equal('0');
    expect(xpathNumberToString(1.5e-7)).to.equal('0.00000015');
    expect(xpathNumberToString(1e21)).to.equal('1000000000000000000000');
    expect(xpathNumberToString(NaN)).to.equal('NaN');
  });

  it('javaTrim strips only characters <= U+0020', () => {
    expect(javaTrim('\t a b \n')).to.equal('a b');
    expect(javaTrim('\u2003a\u2003')).to.equal('\u2003a\u2003');
  });

  describe('stringValueOf rules (CT-27)', () => {
    it('count(//i) over three items is 3.0', () => {
      expect(sv('count(//i)', '<r><i/><i/><i/></r>')).to.equal('3.0');
    });

    it('sum(//price) prints as a Java double', () => {
      expect(sv('sum(//price)', '<r><price>1000</price><price>500</price></r>')).to.equal('1500.0');
    });

    it('one element gives its own trimmed text', () => {
      expect(sv('//name', '<r><name> Smith </name></r>')).to.equal('Smith');
    });

    it('non-breaking spaces around the text are turned into spaces and trimmed', () => {
      expect(sv('//name', '<r><name>\u00a0Smith\u00a0</name></r>')).to.equal('Smith');
    });

    it('two elements give the concatenated XML of both (W)', () => {
      expect(sv('//name', '<r><name>A</name><name> B </name></r>')).to.equal('<name>A</name><name>B</name>');
    });

    it('an element with only child elements gives its XML', () => {
      expect(sv('//order', '<r><order><id>1</id><qty>2</qty></order></r>')).to.equal('<order><id>1</id><qty>2</qty></order>');
    });

    it('only the direct text counts, not descendants (unlike string())', () => {
      expect(sv('//a', '<r><a>x<b>y</b></a></r>')).to.equal('x');
      expect(sv('string(//a)', '<r><a>x<b>y</b></a></r>')).to.equal('xy');
    });

    it('//name/node() on one text node gives the parent element', () => {
      expect(sv('//name/node()', '<r><name>Smith</name></r>')).to.equal('<name>Smith</name>');
    });

    it('an expression containing node() prints even a lone element as XML', () => {
      expect(sv('//name[node()]', '<r><name> Smith </name></r>')).to.equal('<name>Smith</name>');
    });

    it('//address/text() gives the raw text', () => {
      expect(sv('//address/text()', '<r><address> No. 456, Gregory Road </address></r>')).to.equal(' No. 456, Gregory Road ');
    });

    it('attributes give their value, several nodes concatenate', () => {
      expect(sv('//a/@id', '<r><a id="1"/><a id="2"/></r>')).to.equal('12');
      expect(sv('//t/text()', '<r><t>a</t><t>b</t></r>')).to.equal('ab');
    });

    it('an empty node-set gives "" (not null)', () => {
      expect(sv('//nothing', '<r/>')).to.equal('');
    });

    it('the document node gives the serialised root element', () => {
      const doc = '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><a>1</a></soapenv:Body></soapenv:Envelope>';
      expect(sv('/', doc)).to.equal(doc);
    });

    it('booleans print as true/false, strings as themselves', () => {
      expect(sv('1 = 1', '<r/>')).to.equal('true');
      expect(sv('1 = 2', '<r/>')).to.equal('false');
      expect(sv("concat('a', 'b')", '<r/>')).to.equal('ab');
    });
  });

  describe('raw values', () => {
    it('rawStringValue', () => {
      const el = parseXml('<a> t </a>').documentElement!;
      expect(rawStringValue(null, 'x')).to.equal(null);
      expect(rawStringValue(undefined, 'x')).to.equal(null);
      expect(rawStringValue('s', 'x')).to.equal('s');
      expect(rawStringValue(200, 'x')).to.equal('200');
      expect(rawStringValue(1.5, 'x')).to.equal('1.5');
      expect(rawStringValue(false, 'x')).to.equal('false');
      expect(rawStringValue(new JsonValue({ a: 1 }), 'x')).to.equal('{"a":1}');
      expect(rawStringValue(new JsonValue('s'), 'x')).to.equal('"s"');
      expect(rawStringValue(el, 'x')).to.equal('t');
      expect(rawStringValue(new Map(), 'x')).to.equal('');
    });

    it('xpathStringOfRaw is XPath string() of a property value', () => {
      const el = parseXml('<a>x<b>y</b></a>').documentElement!;
      expect(xpathStringOfRaw(null)).to.equal('');
      expect(xpathStringOfRaw(200)).to.equal('200');
      expect(xpathStringOfRaw(el)).to.equal('xy');
      expect(xpathStringOfRaw(new JsonValue({ a: 1 }))).to.equal('');
    });

    it('rawBooleanValue follows Jaxen', () => {
      expect(rawBooleanValue(null)).to.equal(false);
      expect(rawBooleanValue('')).to.equal(false);
      expect(rawBooleanValue('false')).to.equal(true);
      expect(rawBooleanValue(0)).to.equal(false);
      expect(rawBooleanValue(NaN)).to.equal(false);
      expect(rawBooleanValue([])).to.equal(false);
      expect(rawBooleanValue(new JsonValue(null))).to.equal(true);
    });

    it('nodeSetStringValue skips comments and processing instructions', () => {
      const doc = parseXml('<r><!--c--><?pi x?><a>1</a></r>');
      const nodes = Array.from({ length: doc.documentElement!.childNodes.length }, (_, i) => doc.documentElement!.childNodes.item(i));
      expect(nodeSetStringValue(nodes, '//node()')).to.equal('<a>1</a>');
    });
  });
});

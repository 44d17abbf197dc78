// Expression stage tests: full XPath via the xpath package, Synapse variables and functions,
// get-property specials (CT-26, CT-28), prefixes and XPath injection safety.

import { expect } from 'chai';
import { compileExpression } from '../../../src/expr/compile.js';
import { ExpressionError, JsonValue, type CompiledExpression } from '../../../src/expr/types.js';
import { MediationError } from '../../../src/errors/codes.js';
import { parseXml, serializeXml } from '../../../src/xml/parse.js';
import { FIXED_NOW, fakeContext, type FakeContextOptions } from '../../helpers/eval-context.js';

function str(expr: string, opts: FakeContextOptions, ns: Record<string, string> = {}): string | null {
  return compileExpression(expr, ns).stringValue(fakeContext(opts));
}

function compileError(expr: string, ns: Record<string, string> = {}): ExpressionError {
  try {
    compileExpression(expr, ns);
  } catch (e) {
    expect(e).to.be.instanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error(`"${expr}" compiled`);
}

describe('expr/xpath', () => {
  describe('SynapseXPathTest cases (CT-26)', () => {
    const body = '<m0:test xmlns:m0="http://somens">This is XPath test</m0:test>';

    it('accepts Clark names: $body//{http://somens}test', () => {
      expect(str('$body//{http://somens}test', { xml: body })).to.equal('This is XPath test');
    });

    it('//test and $body/test on an unqualified payload', () => {
      const opts = { xml: '<test>This is XPath test</test>' };
      expect(str('//test', opts)).to.equal('This is XPath test');
      expect(str('$body/test', opts)).to.equal('This is XPath test');
    });

    it('$header/t:test reads a header block; $header/* counts two nodes', () => {
      const opts = {
        xml: body,
        headerBlocks: ['<t:test xmlns:t="http://test">header text</t:test>', '<t:other xmlns:t="http://test">x</t:other>'],
      };
      expect(str('$header/t:test', opts, { t: 'http://test' })).to.equal('header text');
      const nodes = compileExpression('$header/*', {}).evaluate(fakeContext(opts)) as unknown[];
      expect(nodes).to.have.length(2);
    });

    it('$ctx:test reads a default-scope property', () => {
      expect(str('$ctx:test', { props: { test: 'property value' } })).to.equal('property value');
    });

    it('$axis2:test2 is numeric 1234 and $axis2:test2 = 1234 is true', () => {
      const ctx = fakeContext({ axis2: { test2: '1234' } });
      expect(compileExpression('number($axis2:test2)', {}).evaluate(ctx)).to.equal(1234);
      expect(compileExpression('$axis2:test2 = 1234', {}).booleanValue(ctx)).to.equal(true);
    });

    it('$trp:MyHeader reads a transport header, case-insensitively', () => {
      expect(str('$trp:MyHeader', { transport: { MyHeader: 'hv' } })).to.equal('hv');
      expect(str('$trp:myheader', { transport: { MyHeader: 'hv' } })).to.equal('hv');
    });

    it('string-length(//test) on <test>123456</test> is numeric 6', () => {
      const e = compileExpression('string-length(//test)', {});
      const ctx = fakeContext({ xml: '<test>123456</test>' });
      expect(e.evaluate(ctx)).to.equal(6);
      expect(e.stringValue(ctx)).to.equal('6.0');
    });
  });

  describe('evaluation context', () => {
    const env = '<test><a>1</a></test>';

    it('the context node is the Envelope, / its document', () => {
      const ns = { soapenv: 'http://schemas.xmlsoap.org/soap/envelope/' };
      expect(str('local-name(.)', { xml: env })).to.equal('Envelope');
      expect(str('/soapenv:Envelope/soapenv:Body/test/a', { xml: env }, ns)).to.equal('1');
      expect(str('count(/*)', { xml: env })).to.equal('1.0');
    });

    it('$env is the envelope, $body the Body', () => {
      expect(str('local-name($env)', { xml: env })).to.equal('Envelope');
      expect(str('local-name($body)', { xml: env })).to.equal('Body');
      expect(str('$env/*[local-name()="Body"]/test/a', { xml: env })).to.equal('1');
    });

    it('SOAP 1.2 envelopes work the same way', () => {
      expect(str('$body/test/a', { xml: env, soap: 'soap12' })).to.equal('1');
      expect(str('namespace-uri($env)', { xml: env, soap: 'soap12' })).to.equal('http://www.w3.org/2003/05/soap-envelope');
    });

    it('XPath over a JSON payload uses the jsonObject view', () => {
      const opts = { json: { name: 'Smith', items: [1, 2, 3], '12X': 'x' } };
      expect(str('//name', opts)).to.equal('Smith');
      expect(str('$body/jsonObject/name', opts)).to.equal('Smith');
      expect(str("$env/*[local-name()='Body']/*[local-name()='jsonObject']/name", opts)).to.equal('Smith');
      expect(str('count(//items)', opts)).to.equal('3.0');
      expect(str('sum(//items)', opts)).to.equal('6.0');
      expect(str('//_JsonReader_PD_12X', opts)).to.equal('x');
    });

    it('a missing $header yields an empty node-set', () => {
      const doc = '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><a/></soapenv:Body></soapenv:Envelope>';
      expect(str('count($header/*)', { xml: doc })).to.equal('0.0');
    });

    it('readsBody is true exactly when the envelope may be touched', () => {
      const yes = ['//a', '$body', '$header/x', '$env', 'count(/a)', 'string()', 'name()', 'normalize-space()', 'json-eval($.a)', '$ctx:body'];
      const no = ["concat(get-property('a'), string-length($ctx:b))", "get-property('registry', 'x')", '1 + 2', "json-eval($ctx:p.a)", "base64Encode('x')"];
      for (const e of yes) expect(compileExpression(e, {}).readsBody, e).to.equal(true);
      for (const e of no) expect(compileExpression(e, {}).readsBody, e).to.equal(false);
    });

    it('expressions that do not read the body never build the envelope', () => {
      const ctx = fakeContext({ forbidBody: true, props: { a: 'x', b: 'yz' } });
      expect(compileExpression("concat(get-property('a'), string-length($ctx:b))", {}).stringValue(ctx)).to.equal('x2');
      expect(compileExpression('position() = last()', {}).booleanValue(ctx)).to.equal(true);
      expect(ctx.envelopeCalls).to.equal(0);
    });
  });

  describe('variables', () => {
    it('$ctx:, $axis2:, $trp:, $operation:, $sys:, $func:', () => {
      const opts: FakeContextOptions = {
        props: { p: 'P' },
        axis2: { a: 'A' },
        transport: { 'X-H': 'H' },
        operation: { o: 'O' },
        system: { 'user.dir': '/tmp' },
        func: { f: 'F' },
      };
      expect(str('concat($ctx:p, $axis2:a, $trp:x-h, $operation:o, $sys:user.dir, $func:f)', opts)).to.equal('PAHO/tmpF');
      expect(str('$sys:missing', opts)).to.equal('');
    });

    it('$url:n reads a query parameter of the To address (case-insensitive name, decoded)', () => {
      const opts = { address: { To: '/stock/view?Symbol=IBM&q=a%20b&empty=&x=1=2' } };
      expect(str('$url:symbol', opts)).to.equal('IBM');
      expect(str('$url:q', opts)).to.equal('a b');
      expect(str('$url:empty', opts)).to.equal('');
      expect(str('$url:x', opts)).to.equal('1');
      expect(str('$url:none', opts)).to.equal('');
      expect(str('$url:none', {})).to.equal('');
    });

    it('$url: with a broken %-escape fails the mediation', () => {
      expect(() => str('$url:q', { address: { To: '/a?q=%zz' } })).to.throw(MediationError);
    });

    it('$func: evaluates a parameter held as an expression', () => {
      const param = compileExpression('//name', {});
      expect(str('$func:p', { xml: '<a><name>N</name></a>', func: { p: param } })).to.equal('N');
    });

    it('any other $prefix:name reads an entry of a map-valued default property', () => {
      const m = new Map([['k', 42]]);
      expect(str('$mymap:k', { props: { mymap: m } })).to.equal('42');
      expect(str('$obj:k', { props: { obj: { k: 'v' } } })).to.equal('v');
      expect(() => str('$nomap:k', {})).to.throw(MediationError);
    });

    it('W quirk: $anyprefix:body is the Body element', () => {
      expect(str('local-name($ctx:body)', { xml: '<a/>' })).to.equal('Body');
    });

    it('prefixes need no xmlns declaration and ignore one if present', () => {
      expect(str('$ctx:p', { props: { p: 'v' } }, { ctx: 'urn:whatever' })).to.equal('v');
      expect(str('concat($trp:h, "")', { transport: { h: 'v' } }, { trp: 'urn:x' })).to.equal('v');
    });

    it('an unprefixed unknown variable is a compile error', () => {
      const e = compileError('concat($foo, "x")');
      expect(e.code).to.equal('AXON_EXPR_PARSE');
      expect(e.offset).to.equal(7);
    });

    it('variables inside predicates select by value', () => {
      const xml = '<users><u name="a">1</u><u name="b">2</u></users>';
      expect(str('//u[@name=$ctx:n]', { xml, props: { n: 'b' } })).to.equal('2');
    });
  });

  describe('functions', () => {
    it('any prefix on a core function is the core function (trap 4)', () => {
      expect(str("fn:concat('a', 'b', 'c')", {})).to.equal('abc');
      expect(str("xyz:substring('hello', 2, 3)", {})).to.equal('ell');
      expect(str("fn:string-length('abc')", {}, { fn: 'http://www.w3.org/2005/xpath-functions' })).to.equal('3.0');
    });

    it('get-property may carry any prefix', () => {
      expect(str("synapse:get-property('axis2', 'a')", { axis2: { a: 'A' } })).to.equal('A');
    });

    it('base64Encode / base64Decode with an optional charset', () => {
      expect(str("base64Encode('Hello World')", {})).to.equal('SGVsbG8gV29ybGQ=');
      expect(str("base64Decode('SGVsbG8gV29ybGQ=')", {})).to.equal('Hello World');
      expect(str("base64Encode('é', 'ISO-8859-1')", {})).to.equal('6Q==');
      expect(str("base64Encode('é', 'UTF-8')", {})).to.equal('w6k=');
      expect(str("base64Decode('6Q==', 'ISO-8859-1')", {})).to.equal('é');
      expect(str("base64Encode('')", {})).to.equal('');
      expect(str('base64Encode($ctx:user)', { props: { user: 'admin:admin' } })).to.equal('YWRtaW46YWRtaW4=');
      expect(() => str("base64Encode('x', 'NOPE-1')", {})).to.throw(MediationError);
    });

    it('url-encode: space -> %20, keeps / ? = & :', () => {
      expect(str("url-encode('http://this is a test url')", {})).to.equal('http://this%20is%20a%20test%20url');
      expect(str("url-encode('/a b/c?x=1 2&y=ü:z')", {})).to.equal('/a%20b/c?x=1%202&y=%C3%BC:z');
      expect(str("url-encode('100%')", {})).to.equal('100%25');
      expect(str("url-encode('a#b\"<>')", {})).to.equal('a%23b%22%3C%3E');
      expect(str("url-encode('ü', 'ISO-8859-1')", {})).to.equal('%FC');
      expect(str("url-encode('')", {})).to.equal('');
    });

    it("Jaxen's extension functions upper-case, lower-case, ends-with", () => {
      expect(str("upper-case('abc')", {})).to.equal('ABC');
      expect(str("fn:lower-case('ABC')", {})).to.equal('abc');
      expect(str("ends-with('abc', 'bc')", {})).to.equal('true');
    });

    it('unknown functions and wrong arities are compile errors with an offset', () => {
      const e = compileError("concat('a', foo:bar(1))");
      expect(e.code).to.equal('AXON_EXPR_PARSE');
      expect(e.offset).to.equal(12);
      expect(compileError("concat('a')").message).to.match(/at least 2/);
      expect(compileError("substring('a')").message).to.match(/2 to 3/);
      expect(compileError("get-property('a','b','c','d')").message).to.match(/0 to 3/);
      expect(compileError("hmac-generate('a', 'b')").message).to.match(/not supported/);
      expect(compileError('constructor()').message).to.match(/not a known function/);
    });
  });

  describe('get-property (§4.3, CT-28)', () => {
    it("SYSTEM_DATE with a pattern is today's date in that format", () => {
      const d = new Date(FIXED_NOW);
      const want = `${d.getFullYear()}.${String(d.getMonth() + 1).padStart(2, '0')}.${String(d.getDate()).padStart(2, '0')}`;
      expect(str("get-property('SYSTEM_DATE','yyyy.MM.dd')", {})).to.equal(want);
      // same through the general path (argument computed by XPath)
      expect(str("get-property('SYSTEM_DATE', concat('yyyy.', 'MM.dd'))", {})).to.equal(want);
      // scope + name + format
      expect(str("get-property('default', 'SYSTEM_DATE', 'yyyy')", {})).to.equal(String(d.getFullYear()));
    });

    it('SYSTEM_DATE without a pattern uses the SimpleDateFormat default, SYSTEM_TIME the epoch millis', () => {
      expect(str("get-property('SYSTEM_DATE')", {})).to.equal('3/5/24, 2:07 PM');
      expect(str("get-property('SYSTEM_TIME')", {})).to.equal(String(FIXED_NOW));
      expect(str("get-property('axis2', 'SYSTEM_TIME')", {})).to.equal(String(FIXED_NOW));
    });

    it("get-property('To') and the other addressing pseudo-properties", () => {
      const opts = { address: { To: 'http://server/path', Action: 'urn:getQuote', MessageID: 'urn:uuid:1' } };
      expect(str("get-property('To')", opts)).to.equal('http://server/path');
      expect(str("get-property('Action')", opts)).to.equal('urn:getQuote');
      expect(str("get-property('MessageID')", opts)).to.equal('urn:uuid:1');
      expect(str("get-property('From')", opts)).to.equal('');
      expect(str("get-property('ReplyTo')", opts)).to.equal('');
      // MESSAGE_ID is an ordinary (unset) property
      expect(str("get-property('MESSAGE_ID')", opts)).to.equal(null);
    });

    it('a user property named like a pseudo-property is shadowed', () => {
      expect(str("get-property('To')", { props: { To: 'mine' }, address: { To: 'addr' } })).to.equal('addr');
    });

    it('MESSAGE_FORMAT and FAULT', () => {
      expect(str("get-property('MESSAGE_FORMAT')", { messageFormat: 'pox' })).to.equal('pox');
      expect(str("get-property('FAULT')", { fault: true })).to.equal('TRUE');
      expect(str("get-property('FAULT')", {})).to.equal('');
    });

    it('transport, axis2, operation, env, system, file, registry scopes', () => {
      const opts: FakeContextOptions = {
        transport: { 'Content-Type': 'application/json' },
        axis2: { HTTP_SC: 200 },
        operation: { op: 'o' },
        env: { HOME: '/home/axon' },
        registry: { 'conf:/x': 'reg' },
      };
      expect(str("get-property('transport','Content-Type')", opts)).to.equal('application/json');
      expect(str("get-property('transport','content-type')", opts)).to.equal('application/json');
      expect(str("get-property('transport','Missing')", opts)).to.equal(null);
      expect(str("get-property('axis2','HTTP_SC')", opts)).to.equal('200');
      expect(str("get-property('operation','op')", opts)).to.equal('o');
      expect(str("get-property('env','HOME')", opts)).to.equal('/home/axon');
      expect(str("get-property('env','NOPE')", opts)).to.equal('');
      expect(str("get-property('system','nope')", opts)).to.equal('');
      expect(str("get-property('file','nope')", opts)).to.equal('');
      expect(str("get-property('registry','conf:/x')", opts)).to.equal('reg');
      expect(str("get-property('registry','conf:/none')", opts)).to.equal('');
    });

    it('an unknown default property falls back to the local entry of that key', () => {
      const entry = parseXml('<cfg><v>1</v></cfg>').documentElement!;
      const opts = { localEntries: { greeting: 'hello', cfg: entry } };
      expect(str("get-property('greeting')", opts)).to.equal('hello');
      expect(str("get-property('cfg')", opts)).to.equal('<cfg><v>1</v></cfg>');
      expect(str("get-property('greeting')", { ...opts, props: { greeting: 'prop wins' } })).to.equal('prop wins');
    });

    it('two arguments whose first is not a scope mean (name, dateFormat)', () => {
      expect(str("get-property('p', 'yyyy')", { props: { p: 'v' } })).to.equal('v');
      expect(str("get-property('func', 'p')", { func: { p: 'F' } })).to.equal('F');
    });

    it('empty name, no arguments and unknown scopes read as ""', () => {
      expect(str("get-property('')", {})).to.equal('');
      expect(str('get-property()', {})).to.equal('');
      expect(str("get-property('nope', 'x', 'yyyy')", {})).to.equal('');
    });

    it('returns typed objects: integers print as integers, elements as XML', () => {
      const el = parseXml('<Project><name>Synapse</name></Project>').documentElement!;
      const ctx = fakeContext({ props: { nameOne: el, n: 25000, d: 123.456, b: true } });
      const e = compileExpression("get-property('nameOne')", {});
      expect(e.evaluate(ctx)).to.equal(el);
      expect(e.stringValue(ctx)).to.equal('<Project><name>Synapse</name></Project>');
      expect(compileExpression("get-property('n')", {}).stringValue(ctx)).to.equal('25000');
      expect(compileExpression("get-property('d')", {}).stringValue(ctx)).to.equal('123.456');
      expect(compileExpression("get-property('b')", {}).stringValue(ctx)).to.equal('true');
      // the general path returns the raw object as well
      expect(compileExpression("get-property('default', concat('n', ''))", {}).stringValue(ctx)).to.equal('25000');
    });

    it('an element property can be navigated by XPath', () => {
      const el = parseXml('<Project><name>Synapse</name></Project>').documentElement!;
      expect(str("get-property('p')/name", { props: { p: el } })).to.equal('Synapse');
    });

    it('a JSON property prints as JSON text', () => {
      expect(str("get-property('j')", { props: { j: new JsonValue({ a: [1, 'x'] }) } })).to.equal('{"a":[1,"x"]}');
    });

    it('a bad literal SYSTEM_DATE pattern is rejected when compiling', () => {
      expect(compileError("get-property('SYSTEM_DATE', 'yyyy-bb')").message).to.match(/Illegal pattern character 'b'/);
    });
  });

  describe('SimpleDateFormat patterns', () => {
    const at = (pattern: string): string | null => str(`get-property('SYSTEM_DATE', "${pattern}")`, {});
    const d = new Date(FIXED_NOW);

    it('numbers, names and padding', () => {
      expect(at('yyyy-MM-dd HH:mm:ss.SSS')).to.equal('2024-03-05 14:07:09.045');
      expect(at('yy/M/d H:m:s S')).to.equal('24/3/5 14:7:9 45');
      expect(at('MMM MMMM EEE EEEE')).to.equal('Mar March Tue Tuesday');
      expect(at('hh:mm a')).to.equal('02:07 PM');
      expect(at('K k D u')).to.equal(`2 14 65 2`);
    });

    it("quoted literals and '' escapes", () => {
      expect(at("yyyy''MM")).to.equal("2024'03");
      expect(at("yyyy-MM-dd'T'HH")).to.equal('2024-03-05T14');
      expect(str(`get-property('SYSTEM_DATE', "yyyy-MM-dd'T'HH:mm")`, {})).to.equal('2024-03-05T14:07');
      expect(str(`get-property('SYSTEM_DATE', "'at' h 'o''clock'")`, {})).to.equal("at 2 o'clock");
    });

    it('time-zone letters Z and X', () => {
      const off = -d.getTimezoneOffset();
      const sign = off < 0 ? '-' : '+';
      const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
      const mm = String(Math.abs(off) % 60).padStart(2, '0');
      expect(at('Z')).to.equal(`${sign}${hh}${mm}`);
      expect(at('XXX')).to.equal(off === 0 ? 'Z' : `${sign}${hh}:${mm}`);
      expect(at('z')).to.be.a('string').and.not.equal('');
    });
  });

  describe('XPath injection (ecosystem-security §3.2.2)', () => {
    const xml = '<users><u name="alice">1</u><u name="bob">2</u></users>';

    it("a property holding x' or '1'='1 selects nothing extra", () => {
      const e = compileExpression('//u[@name=$ctx:n]', {});
      const hostile = fakeContext({ xml, props: { n: "x' or '1'='1" } });
      expect(e.evaluate(hostile)).to.deep.equal([]);
      expect(compileExpression('count(//u[@name=$ctx:n])', {}).stringValue(hostile)).to.equal('0.0');
      expect(compileExpression("count(//u[@name=get-property('n')])", {}).stringValue(hostile)).to.equal('0.0');
      const friendly = fakeContext({ xml, props: { n: 'bob' } });
      expect(compileExpression('count(//u[@name=$ctx:n])', {}).stringValue(friendly)).to.equal('1.0');
    });

    it('hostile strings from headers and query parameters stay data', () => {
      const hostile = ["' or '1'='1", '"] | //* | x["', ')]//*[(', '$ctx:n', "1'] | //u['"];
      const e = compileExpression('count(//u[@name=$trp:h or @name=$url:q])', {});
      for (const h of hostile) {
        const ctx = fakeContext({ xml, transport: { h }, address: { To: `/x?q=${encodeURIComponent(h)}` } });
        expect(e.stringValue(ctx), h).to.equal('0.0');
      }
    });
  });

  describe('compile errors', () => {
    it('undeclared namespace prefixes -> AXON_EXPR_UNKNOWN_PREFIX with the offset', () => {
      const e = compileError('//a/m:b');
      expect(e.code).to.equal('AXON_EXPR_UNKNOWN_PREFIX');
      expect(e.offset).to.equal(4);
      expect(compileError("//a[@x='m:b']/m:*").offset).to.equal(14);
      expect(compileExpression('//m:b', { m: 'urn:m' }).readsBody).to.equal(true);
      expect(compileExpression('//xml:lang', {}).readsBody).to.equal(true);
    });

    it('syntax errors carry a position where one can be found', () => {
      expect(compileError('//a[').offset).to.equal(3);
      expect(compileError("concat('a'").offset).to.equal(6);
      expect(compileError("'abc").offset).to.equal(0);
      expect(compileError('//a)').offset).to.equal(3);
      expect(compileError('a b').code).to.equal('AXON_EXPR_PARSE');
      expect(compileError('').code).to.equal('AXON_EXPR_PARSE');
      expect(compileError('  ').code).to.equal('AXON_EXPR_PARSE');
    });

    it('Synapse Expressions ${...} are recognised and refused', () => {
      expect(compileError('${payload.a}').message).to.match(/Synapse Expressions/);
    });
  });

  describe('results', () => {
    it('evaluate returns node arrays, numbers, booleans and strings', () => {
      const ctx = fakeContext({ xml: '<r><i>1</i><i>2</i></r>' });
      const nodes = compileExpression('//i', {}).evaluate(ctx) as unknown[];
      expect(nodes.map((n) => serializeXml(n as never))).to.deep.equal(['<i>1</i>', '<i>2</i>']);
      expect(compileExpression('count(//i)', {}).evaluate(ctx)).to.equal(2);
      expect(compileExpression('count(//i) > 1', {}).evaluate(ctx)).to.equal(true);
      expect(compileExpression("concat('a', //i)", {}).evaluate(ctx)).to.equal('a1');
    });

    it('booleanValue follows XPath boolean() (and Jaxen for raw objects)', () => {
      const ctx = fakeContext({ xml: '<r><i>1</i></r>', props: { e: '', s: 'false', z: 0 } });
      const b = (e: string): boolean => compileExpression(e, {}).booleanValue(ctx);
      expect(b('//i')).to.equal(true);
      expect(b('//nope')).to.equal(false);
      expect(b("get-property('missing')")).to.equal(false);
      expect(b("get-property('e')")).to.equal(false);
      expect(b("get-property('s')")).to.equal(true);
      expect(b("get-property('z')")).to.equal(false);
      expect(b('0')).to.equal(false);
      expect(b("'x'")).to.equal(true);
    });

    it('a runtime evaluation error becomes a MediationError', () => {
      const e: CompiledExpression = compileExpression('$weird:x', {});
      expect(() => e.stringValue(fakeContext())).to.throw(MediationError, /cannot be resolved/);
    });
  });
});

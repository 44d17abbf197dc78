// <script>: the mc API in an isolate, the return rule, script errors with their lines, the time
// and memory limits, and the load-time checks (syntax, E4X) (synapse-semantics §5.12).

import { expect } from 'chai';
import { Harness } from '../../helpers/mediator-harness.js';
import { scriptMediator } from '../../../src/mediators/script/index.js';
import { findE4x } from '../../../src/mediators/script/check.js';
import { MediationError } from '../../../src/errors/codes.js';
import { JsonValue } from '../../../src/expr/types.js';
import { serializeXml } from '../../../src/xml/parse.js';
import type { MessageContext } from '../../../src/runtime/message-context.js';

const LIMITS = { timeoutMs: 200, memoryMb: 16 };
const h = (opts: ConstructorParameters<typeof Harness>[0] = {}) => new Harness({ extra: [scriptMediator], scriptLimits: LIMITS, ...opts });
const inline = (code: string) => `<script language="js"><![CDATA[${code}]]></script>`;

/** Run and return the MediationError the script raised. */
async function failure(x: Harness, xml: string, mc: MessageContext): Promise<MediationError> {
  try {
    await x.run(x.compile(xml), mc);
  } catch (e) {
    expect(e).to.be.instanceOf(MediationError);
    return e as MediationError;
  }
  throw new Error('the script did not fail');
}

describe('mediators: script', () => {
  describe('mc API', () => {
    it('reads the JSON payload and replaces it, leaving messageType alone', async () => {
      const x = h();
      const { mc } = x.message({ body: '{"a":1,"list":[1,2]}' });
      const ok = await x.run(x.compile(inline(`var p = mc.getPayloadJSON(); p.b = p.a + 1; p.list.push(3); mc.setPayloadJSON(p);`)), mc);
      expect(ok).to.equal(true);
      expect(mc.json()).to.deep.equal({ a: 1, list: [1, 2, 3], b: 2 });
      expect(mc.messageType()).to.equal('application/json');
    });

    it('getPayloadJSON gives {} when the message carries no JSON, and setPayloadJSON takes JSON text', async () => {
      const x = h();
      const { mc } = x.message({ method: 'GET' });
      await x.run(x.compile(inline(`mc.setProperty('empty', JSON.stringify(mc.getPayloadJSON())); mc.setPayloadJSON('{"t":"x"}');`)), mc);
      expect(mc.props.get('empty')).to.equal('{}');
      expect(mc.json()).to.deep.equal({ t: 'x' });
    });

    it('getPayloadJSON returns the same object until the payload is replaced (as Synapse keeps JSON_OBJECT)', async () => {
      const x = h();
      const { mc } = x.message({ body: '{"n":1}' });
      await x.run(x.compile(inline(`mc.getPayloadJSON().n = 5; mc.setProperty('same', mc.getPayloadJSON().n); mc.setPayloadJSON({n: 9}); mc.setProperty('after', mc.getPayloadJSON().n);`)), mc);
      expect(mc.props.get('same')).to.equal(5);
      expect(mc.props.get('after')).to.equal(9);
      // reading alone changed nothing on the wire
    });

    it('getPayloadXML gives the first Body child as text and setPayloadXML replaces it', async () => {
      const x = h();
      const { mc } = x.message({ body: '<order><id>7</id></order>' });
      await x.run(x.compile(inline(`mc.setProperty('before', mc.getPayloadXML()); mc.setPayloadXML('<done id="' + 7 + '"><ok/></done>');`)), mc);
      expect(mc.props.get('before')).to.equal('<order><id>7</id></order>');
      expect(mc.payload.text()).to.equal('<done id="7"><ok/></done>');
    });

    it('getPayloadText, getJsonText and getEnvelopeXML', async () => {
      const x = h();
      const { mc } = x.message({ body: '{"k":"v"}' });
      await x.run(x.compile(inline(`mc.setProperty('t', mc.getPayloadText()); mc.setProperty('j', mc.getJsonText()); mc.setProperty('e', mc.getEnvelopeXML());`)), mc);
      expect(mc.props.get('t')).to.equal('{"k":"v"}');
      expect(mc.props.get('j')).to.equal('{"k":"v"}');
      expect(String(mc.props.get('e'))).to.match(/^<soapenv:Envelope[^>]*>.*<jsonObject><k>v<\/k><\/jsonObject>/);
      const { mc: xmlMc } = x.message({ body: '<a>1</a>' });
      await x.run(x.compile(inline(`mc.setProperty('j', mc.getJsonText()); mc.setProperty('t', mc.getPayloadText());`)), xmlMc);
      expect(xmlMc.props.get('j')).to.equal('{}');
      expect(String(xmlMc.props.get('t'))).to.match(/<soapenv:Body><a>1<\/a><\/soapenv:Body>/);
    });

    it('reads and writes properties in the default, axis2 and transport scopes', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}', headers: { Accept: 'application/xml', 'X-Drop': '1' } });
      mc.props.set('in', 'from-config');
      mc.props.set('jsonProp', new JsonValue({ deep: [1, 2] }));
      mc.axis2.set('HTTP_METHOD', 'POST');
      await x.run(
        x.compile(
          inline(`
          mc.setProperty('copy', mc.getProperty('in') + '!');
          mc.setProperty('deep', mc.getProperty('jsonProp').deep.length);
          mc.setProperty('method', mc.getProperty('HTTP_METHOD', 'axis2'));
          mc.setProperty('accept', mc.getProperty('Accept', 'transport'));
          mc.setProperty('missing', mc.getProperty('nope') === null);
          mc.setProperty('HTTP_SC', '201', 'axis2');
          mc.setProperty('messageType', 'application/xml', 'axis2');
          mc.setProperty('X-Mock', 'yes', 'transport');
          mc.removeProperty('X-Drop', 'transport');
          mc.setProperty('obj', {a: [1]});
          mc.setProperty('gone', 'x'); mc.removeProperty('gone');
          mc.setProperty('readBack', mc.getProperty('X-Mock', 'transport'));
        `),
        ),
        mc,
      );
      expect(mc.props.get('copy')).to.equal('from-config!');
      expect(mc.props.get('deep')).to.equal(2);
      expect(mc.props.get('method')).to.equal('POST');
      expect(mc.props.get('accept')).to.equal('application/xml');
      expect(mc.props.get('missing')).to.equal(true);
      expect(mc.axis2.get('HTTP_SC')).to.equal('201');
      expect(mc.axis2.get('messageType')).to.equal('application/xml');
      expect(mc.headers.get('Content-Type')).to.equal('application/xml');
      expect(mc.headers.get('X-Mock')).to.equal('yes');
      expect(mc.headers.get('X-Drop')).to.equal(undefined);
      expect(mc.props.get('obj')).to.be.instanceOf(JsonValue);
      expect((mc.props.get('obj') as JsonValue).value).to.deep.equal({ a: [1] });
      expect(mc.props.has('gone')).to.equal(false);
      expect(mc.props.get('readBack')).to.equal('yes');
    });

    it('setTo and getTo change the address', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      await x.run(x.compile(inline(`mc.setTo('http://backend.example/x'); mc.setProperty('to', mc.getTo());`)), mc);
      expect(mc.addressing.To).to.equal('http://backend.example/x');
      expect(mc.props.get('to')).to.equal('http://backend.example/x');
    });

    it('an unknown scope is an error naming it', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      const e = await failure(x, inline(`mc.setProperty('a', 'b', 'registry');\nmc.getProperty('a');`), mc);
      expect(e.message).to.contain('unknown property scope "registry"');
    });
  });

  describe('return rule', () => {
    it('an inline script whose completion value is false stops the flow; anything else continues', async () => {
      const x = h();
      const { mc } = x.message({ body: '{"go":false}' });
      expect(await x.run(x.compile(inline(`mc.getPayloadJSON().go`)), mc)).to.equal(false);
      expect(await x.run(x.compile(inline(`mc.getPayloadJSON().go === false`)), mc)).to.equal(true);
      expect(await x.run(x.compile(inline(`0`)), mc)).to.equal(true);
      expect(await x.run(x.compile(inline(`var a = false;`)), mc)).to.equal(true);
    });

    it('a key script: the function result decides; the default function is mediate', async () => {
      const x = h({
        localEntries: { stopper: 'function mediate(mc) { mc.setProperty("ran", "yes"); return false; }' },
        resources: { 'scripts/go.js': 'function check(mc) { return mc.getProperty("flag") === "on"; }' },
      });
      const { mc } = x.message({ body: '{}' });
      expect(await x.run(x.compile(`<script language="js" key="stopper"/>`), mc)).to.equal(false);
      expect(mc.props.get('ran')).to.equal('yes');
      mc.props.set('flag', 'on');
      expect(await x.run(x.compile(`<script language="nashornJs" key="conf:/scripts/go.js" function="check"/>`), mc)).to.equal(true);
      mc.props.set('flag', 'off');
      expect(await x.run(x.compile(`<script language="js" key="gov:scripts/go.js" function="check"/>`), mc)).to.equal(false);
    });

    it('an async function is awaited', async () => {
      const x = h({ localEntries: { a: 'async function mediate(mc) { await null; mc.setProperty("late", 1); return false; }' } });
      const { mc } = x.message({ body: '{}' });
      expect(await x.run(x.compile(`<script language="js" key="a"/>`), mc)).to.equal(false);
      expect(mc.props.get('late')).to.equal(1);
    });
  });

  describe('messages do not share state', () => {
    it('globals and top-level names of one message are gone for the next', async () => {
      const x = h({ localEntries: { counter: 'var n = (typeof n === "number" ? n : 0) + 1; let k = 1; function mediate(mc) { mc.setProperty("n", n); }' } });
      const m1 = x.compile(inline(`var seen = typeof counter; counter = 1; mc.setProperty('seen', seen); let z = 1;`));
      for (let i = 0; i < 3; i++) {
        const { mc } = x.message({ body: '{}' });
        await x.run(m1, mc);
        expect(mc.props.get('seen')).to.equal('undefined');
      }
      const m2 = x.compile(`<script language="js" key="counter"/>`);
      for (let i = 0; i < 3; i++) {
        const { mc } = x.message({ body: '{}' });
        await x.run(m2, mc);
        expect(mc.props.get('n')).to.equal(1);
      }
    });

    it('built-ins cannot be changed, so nothing one message tries is seen by the next', async () => {
      const x = h();
      const m = x.compile(inline(`mc.setProperty('before', typeof Array.prototype.leak + ' ' + typeof JSON.parse); Array.prototype.leak = function () {}; JSON.parse = null; Object.prototype.x = 1;`));
      for (let i = 0; i < 3; i++) {
        const { mc } = x.message({ body: '{}' });
        await x.run(m, mc);
        expect(mc.props.get('before')).to.equal('undefined function');
      }
      const strict = x.message({ body: '{}' }).mc;
      const e = await failure(x, inline(`'use strict';\nArray.prototype.leak = 1;`), strict);
      expect(e.message).to.match(/at line 2 .*TypeError/);
    });

    it('assigning properties that built-in prototypes also have still works on ordinary objects', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      await x.run(
        x.compile(inline(`'use strict';
          var o = {}; o.toString = function () { return 'custom'; }; o.constructor = 'c'; o.valueOf = function () { return 42; };
          var err = new Error(); err.message = 'changed'; err.name = 'MyError';
          function F() {} F.prototype.toString = function () { return 'F!'; };
          mc.setProperty('r', String(o) + ' ' + o.constructor + ' ' + (o + 0) + ' ' + err + ' ' + String(new F()));`)),
        mc,
      );
      expect(mc.props.get('r')).to.equal('custom c 42 MyError: changed F!');
    });

    it('RegExp match state of one message is cleared for the next', async () => {
      const x = h();
      const m = x.compile(inline(`mc.setProperty('last', RegExp.lastMatch + '|' + RegExp.$1); /secret-(\\d+)/.exec(mc.getPayloadJSON().s); mc.setProperty('now', RegExp.$1);`));
      const first = x.message({ body: '{"s":"secret-123"}' }).mc;
      await x.run(m, first);
      expect(first.props.get('now')).to.equal('123');
      const second = x.message({ body: '{"s":"other"}' }).mc;
      await x.run(m, second);
      expect(second.props.get('last')).to.equal('|');
    });

    it('a global that cannot be removed gets the script a fresh context', async () => {
      const x = h();
      const m = x.compile(inline(`mc.setProperty('seen', typeof stuck); Object.defineProperty(globalThis, 'stuck', { value: 1, configurable: false });`));
      for (let i = 0; i < 2; i++) {
        const { mc } = x.message({ body: '{}' });
        await x.run(m, mc);
        expect(mc.props.get('seen')).to.equal('undefined');
      }
    });

    it('messages running at once each see their own mc', async () => {
      const x = h();
      const m = x.compile(inline(`var p = mc.getPayloadJSON(); mc.setPayloadJSON({ echo: p.i * 2 });`));
      const msgs = Array.from({ length: 20 }, (_, i) => x.message({ body: JSON.stringify({ i }) }).mc);
      await Promise.all(msgs.map((mc) => x.run(m, mc)));
      msgs.forEach((mc, i) => expect(mc.json()).to.deep.equal({ echo: i * 2 }));
    });
  });

  describe('failures fault only the message', () => {
    it('a throw names the inline script, its config position and the line inside the script', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      const e = await failure(x, `<script language="js"><![CDATA[var a = 1;\nvar b = mc.getPayloadJSON();\nb.missing.field = 2;]]></script>`, mc);
      expect(e.code).to.equal('AXON_MED_SCRIPT_FAILED');
      expect(e.synapseCode).to.equal(0);
      expect(e.status).to.equal(500);
      expect(e.message).to.match(/inline js script at test\.xml:1 at line 3 \(test\.xml:3\): TypeError: Cannot (read|set) properties of undefined/);
    });

    it('a throw in a key script names the key, the function and the line', async () => {
      const x = h({ localEntries: { bad: 'function helper() {\n  throw new Error("no stock");\n}\nfunction mediate(mc) { helper(); }' } });
      const { mc } = x.message({ body: '{}' });
      const e = await failure(x, `<script language="js" key="bad"/>`, mc);
      expect(e.message).to.equal('The script engine returned an error executing the external js script "bad" function mediate at line 2: Error: no stock');
    });

    it('a runtime SyntaxError (bad JSON text) reports its line', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      const e = await failure(x, inline(`\nmc.setPayloadJSON('{not json');`), mc);
      expect(e.message).to.match(/at line 2 .*SyntaxError/);
    });

    it('a missing function and a local entry that does not parse fail each message with a clear message', async () => {
      const x = h({ localEntries: { nofn: 'function other(mc) {}', broken: 'function mediate(mc) {\n  return (;\n}' } });
      const { mc } = x.message({ body: '{}' });
      expect((await failure(x, `<script language="js" key="nofn"/>`, mc)).message).to.contain('the script defines no function "mediate"');
      const broken = x.compile(`<script language="js" key="broken"/>`);
      for (let i = 0; i < 2; i++) {
        try {
          await x.run(broken, x.message({ body: '{}' }).mc);
          expect.fail('should fail');
        } catch (e) {
          expect((e as Error).message).to.match(/"broken" function mediate at line 2: SyntaxError: Unexpected token/);
        }
      }
    });

    it('writes made before a throw stay, as in Synapse', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      await failure(x, inline(`mc.setProperty('step', 1); throw 'plain string';`), mc);
      expect(mc.props.get('step')).to.equal(1);
    });

    it('an infinite loop is stopped by the time limit and the next message still runs', async () => {
      const x = h();
      const m = x.compile(inline(`if (mc.getProperty('loop') === 'yes') { while (true) {} } mc.setProperty('done', true);`));
      const { mc } = x.message({ body: '{}' });
      mc.props.set('loop', 'yes');
      const started = Date.now();
      const e = await failure(x, inline(`while (true) {}`), mc);
      expect(e.message).to.contain(`ran longer than ${LIMITS.timeoutMs} ms`);
      expect(Date.now() - started).to.be.lessThan(LIMITS.timeoutMs * 5);
      try {
        await x.run(m, mc);
        expect.fail('should time out');
      } catch (err) {
        expect((err as Error).message).to.contain('ran longer than');
      }
      const next = x.message({ body: '{}' }).mc;
      await x.run(m, next);
      expect(next.props.get('done')).to.equal(true);
    });

    it('a promise that never settles is given up on after the time limit', async () => {
      const x = h({ localEntries: { hang: 'function mediate(mc) { return new Promise(function () {}); }' } });
      const m = x.compile(`<script language="js" key="hang"/>`);
      const e = await failure(x, `<script language="js" key="hang"/>`, x.message({ body: '{}' }).mc);
      expect(e.message).to.contain(`did not finish within ${LIMITS.timeoutMs} ms`);
      void m;
    });

    it('a memory bomb is stopped by the memory limit and the isolate is rebuilt for the next message', async () => {
      const x = h();
      const m = x.compile(inline(`if (mc.getProperty('bomb') === 'yes') { var a = []; while (true) a.push(new Array(100000).fill(1.5)); } mc.setProperty('ok', 1);`));
      const { mc } = x.message({ body: '{}' });
      mc.props.set('bomb', 'yes');
      try {
        await x.run(m, mc);
        expect.fail('should fail');
      } catch (e) {
        expect((e as Error).message).to.match(/memory limit of 16 MB|ran longer than/);
      }
      const next = x.message({ body: '{}' }).mc;
      await x.run(m, next);
      expect(next.props.get('ok')).to.equal(1);
    });
  });

  describe('containment', () => {
    it('the host is out of reach: process, require, host globals, Function through mc methods', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      await x.run(
        x.compile(
          inline(`
          function probe(f) { try { var v = f(); return v === undefined ? 'undefined' : typeof v; } catch (e) { return 'blocked: ' + e.name; } }
          mc.setProperty('process', typeof process);
          mc.setProperty('require', typeof require);
          mc.setProperty('viaCtor', probe(function () { return mc.getPayloadJSON.constructor('return process')(); }));
          mc.setProperty('viaProto', probe(function () { return Object.getPrototypeOf(mc.setProperty).constructor('return typeof require')(); }));
          mc.setProperty('globalProcess', probe(function () { return globalThis.process || globalThis.Buffer || globalThis.setTimeout; }));
        `),
        ),
        mc,
      );
      expect(mc.props.get('process')).to.equal('undefined');
      expect(mc.props.get('require')).to.equal('undefined');
      expect(mc.props.get('viaCtor')).to.equal('blocked: ReferenceError');
      expect(mc.props.get('viaProto')).to.equal('string');
      expect(mc.props.get('globalProcess')).to.equal('undefined');
    });

    it('dynamic import() reaches no module loader: the message fails, the host is untouched', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      let outcome = 'ran';
      try {
        await x.run(x.compile(inline(`import('node:fs').then(function (fs) { mc.setProperty('fs', typeof fs.readFileSync); });`)), mc);
      } catch (e) {
        outcome = (e as Error).message;
      }
      expect(mc.props.has('fs')).to.equal(false);
      expect(outcome).to.contain('The script engine returned an error');
    });

    it('a prototype-polluting payload crosses back as data only', async () => {
      const x = h();
      const { mc } = x.message({ body: '{}' });
      await x.run(
        x.compile(inline(`Object.prototype.polluted = 'yes'; mc.setPayloadJSON(JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}')); mc.setProperty('p', {"__proto__": {"x": 1}});`)),
        mc,
      );
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).to.equal(false);
      const body = mc.payload.text();
      expect(JSON.parse(body)).to.have.own.property('__proto__');
      expect(Object.getPrototypeOf(mc.json())).to.equal(Object.prototype);
    });
  });

  describe('load-time checks', () => {
    it('accepts the JavaScript language names and rejects others', () => {
      for (const lang of ['js', 'javascript', 'nashornJs', 'rhinoJs', 'graalJs']) {
        const x = h();
        x.read(`<script language="${lang}">1</script>`);
        expect(x.codes(), lang).to.deep.equal([]);
      }
      const x = h();
      x.read(`<script language="groovy">1</script>`);
      expect(x.codes()).to.deep.equal(['AXON_CFG_UNSUPPORTED_ELEMENT']);
      expect(x.diag.errors[0]!.message).to.contain('JavaScript only');
    });

    it('rejects function without key, key with inline code, no code at all, and <include>', () => {
      const cases: [string, string][] = [
        ['<script language="js" function="f">1</script>', 'AXON_CFG_CONFLICT'],
        ['<script language="js" key="k">var a;</script>', 'AXON_CFG_CONFLICT'],
        ['<script language="js">  </script>', 'AXON_CFG_MISSING_ELEMENT'],
        ['<script>1</script>', 'AXON_CFG_MISSING_ATTRIBUTE'],
        ['<script language="js" key="k"><include key="lib"/></script>', 'AXON_CFG_UNSUPPORTED_ELEMENT'],
      ];
      for (const [xml, code] of cases) {
        const x = h();
        x.read(xml);
        expect(x.codes(), xml).to.deep.equal([code]);
      }
    });

    it('a syntax error in inline code is a config error at its file line and column', () => {
      const x = h();
      x.read(`<sequence>\n<script language="js"><![CDATA[\nvar a = 1;\nvar b = {;\n]]></script></sequence>`.replace('<sequence>\n', '').replace('</sequence>', ''));
      expect(x.codes()).to.deep.equal(['AXON_CFG_SCRIPT_SYNTAX']);
      const d = x.diag.errors[0]!;
      expect(d.line).to.equal(3);
      expect(d.col).to.equal(10);
      expect(d.message).to.equal("inline script, line 3: Unexpected token ';'");
    });

    it('a syntax error in a script file is reported in that file', () => {
      const x = h({ resources: { 'scripts/bad.js': 'function mediate(mc) {\n  return 1 +;\n}' } });
      x.read(`<script language="js" key="conf:/scripts/bad.js"/>`);
      expect(x.codes()).to.deep.equal(['AXON_CFG_SCRIPT_SYNTAX']);
      const d = x.diag.errors[0]!;
      expect([d.file, d.line]).to.deep.equal(['scripts/bad.js', 2]);
      expect(d.message).to.contain('used at test.xml:1');
    });

    it('E4X XML literals are a config error of their own, pointing at the literal', () => {
      const x = h();
      x.read(inline(`\nvar responses = [];\nresponses[200] = [];\nresponses[200]["application/xml"] = <Pet><id>1</id><name>doggie</name></Pet>;\n`));
      expect(x.codes()).to.deep.equal(['AXON_CFG_SCRIPT_E4X']);
      const d = x.diag.errors[0]!;
      expect(d.line).to.equal(4);
      expect(d.message).to.contain('E4X XML literals are not supported');
      expect(d.message).to.contain('the XML literal <Pet>');
      expect(d.message).to.contain('write the XML as a string');
    });

    it('E4X written without CDATA (XML children of <script>) is reported the same way', () => {
      const x = h();
      x.read(`<script language="js">mc.setPayloadXML(<a>b</a>);</script>`);
      expect(x.codes()).to.deep.equal(['AXON_CFG_SCRIPT_E4X']);
    });

    it('finds E4X only where it is E4X, never in strings, comments, comparisons, spreads or numbers', () => {
      expect(findE4x('var a = "<Pet> x..y .@z";\n// x = <Pet/>\nif (a < b) { f(...c, 1..toString(), {a: 1}) }')).to.equal(undefined);
      expect(findE4x('var a = 1;\nreturn <Pet/>;')).to.deep.equal({ line: 2, col: 8, what: 'the XML literal <Pet>' });
      expect(findE4x('f(<><a/></>)')).to.deep.include({ line: 1, col: 3 });
      expect(findE4x('var s = mc.getPayloadXML()..*::Code;')).to.deep.equal({ line: 1, col: 27, what: 'the E4X operator ..' });
      expect(findE4x('x = p.@id;')).to.deep.include({ what: 'the E4X operator .@' });
    });

    it('E4X operators (descendants, attributes) are reported as E4X too', () => {
      const x = h();
      x.read(inline(`var symbol = mc.getPayloadXML()..*::Code.toString();`));
      expect(x.codes()).to.deep.equal(['AXON_CFG_SCRIPT_E4X']);
    });
  });

  it('a returned XML element payload serialises under the new content type', async () => {
    const x = h();
    const { mc } = x.message({ body: '{"id":3}' });
    await x.run(x.compile(inline(`mc.setPayloadXML('<Pet><id>' + mc.getPayloadJSON().id + '</id></Pet>'); mc.setProperty('messageType', 'application/xml', 'axis2');`)), mc);
    expect(mc.payload.serialize(mc.messageType())!.toString()).to.equal('<Pet><id>3</id></Pet>');
    expect(serializeXml(mc.envelope())).to.contain('<Pet><id>3</id></Pet>');
  });
});

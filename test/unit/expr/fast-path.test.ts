// Expression stage tests: the compiled fast paths (DESIGN §4) never build the body and give the
// same results as the general XPath path; plus the {..} / {{..}} brace convention (§4.1).

import { expect } from 'chai';
import { compileExpression, compileValueOrExpression, isDynamicKey } from '../../../src/expr/compile.js';
import { ExpressionError, JsonValue } from '../../../src/expr/types.js';
import { parseXml } from '../../../src/xml/parse.js';
import { fakeContext, FIXED_NOW, type FakeContextOptions } from '../../helpers/eval-context.js';

const FAST = [
  "get-property('x')",
  'get-property("x")',
  "synapse:get-property('x')",
  "get-property('axis2', 'x')",
  "get-property('transport','x')",
  "get-property('operation', 'x')",
  "get-property('env', 'x')",
  "get-property('SYSTEM_DATE', 'yyyy')",
  "get-property('default', 'SYSTEM_DATE', 'yyyy')",
  "get-property('To')",
  '$ctx:x',
  '$trp:Content-Type',
  '$axis2:x',
  '$url:q',
  '$operation:x',
  '$sys:x',
  '$func:x',
  "'literal'",
  "concat('a', $ctx:x)",
  "fn:concat('a', \"b\", get-property('x'), $trp:h, $axis2:y)",
  "  concat ( 'a' , $ctx:x )  ",
];

const NOT_FAST = [
  "get-property('registry', 'x')",
  "concat('a')",
  "concat('a', //b)",
  "concat('a', string($ctx:x))",
  '$ctx:x = 1',
  '$body',
  '$ctx:body',
  "get-property('x')/a",
  "get-property($ctx:n)",
  '$foo:x',
];

/** A context whose body must not be touched. */
function noBody(opts: FakeContextOptions = {}) {
  return fakeContext({ ...opts, forbidBody: true });
}

describe('expr/compile fast paths', () => {
  for (const src of FAST) {
    it(`fast: ${src}`, () => {
      const e = compileExpression(src, {});
      expect(e.kind).to.equal('fast');
      expect(e.readsBody).to.equal(false);
      const ctx = noBody({ props: { x: 'v' }, transport: { h: 'H' } });
      e.evaluate(ctx);
      e.stringValue(ctx);
      e.booleanValue(ctx);
      expect(ctx.envelopeCalls + ctx.jsonCalls).to.equal(0);
    });
  }

  for (const src of NOT_FAST) {
    it(`general: ${src}`, () => {
      let kind: string;
      try {
        kind = compileExpression(src, {}).kind;
      } catch (e) {
        expect(e).to.be.instanceOf(ExpressionError);
        return;
      }
      expect(kind).to.not.equal('fast');
    });
  }

  it('a lone get-property of a missing property is null; inside concat it adds ""', () => {
    const ctx = noBody();
    expect(compileExpression("get-property('missing')", {}).stringValue(ctx)).to.equal(null);
    expect(compileExpression("get-property('missing')", {}).evaluate(ctx)).to.equal(null);
    expect(compileExpression('$ctx:missing', {}).stringValue(ctx)).to.equal(null);
    expect(compileExpression("concat('a', get-property('missing'), $ctx:missing, 'b')", {}).stringValue(ctx)).to.equal('ab');
  });

  it('fast and general paths agree on the string value', () => {
    const el = parseXml('<p><q>Q</q></p>').documentElement!;
    const opts: FakeContextOptions = {
      props: { s: 'str', n: 25000, d: 1.5, b: true, el, j: new JsonValue({ a: 1 }), t: ' text ' },
      axis2: { HTTP_SC: 404 },
      transport: { 'Content-Type': 'text/xml' },
      address: { To: '/a?q=1' },
      localEntries: { le: 'entry' },
    };
    const pairs: [string, string][] = [
      ["get-property('s')", "get-property(concat('s', ''))"],
      ["get-property('n')", "get-property(concat('n', ''))"],
      ["get-property('d')", "get-property(concat('d', ''))"],
      ["get-property('b')", "get-property(concat('b', ''))"],
      ["get-property('el')", "get-property(concat('el', ''))"],
      ["get-property('j')", "get-property(concat('j', ''))"],
      ["get-property('t')", "get-property(concat('t', ''))"],
      ["get-property('le')", "get-property(concat('le', ''))"],
      ["get-property('missing')", "get-property(concat('missing', ''))"],
      ["get-property('axis2','HTTP_SC')", "get-property('axis2', concat('HTTP_SC', ''))"],
      ["get-property('To')", "get-property(concat('To', ''))"],
      ["get-property('SYSTEM_DATE', 'yyyy-MM-dd')", "get-property('SYSTEM_DATE', concat('yyyy-MM-dd', ''))"],
      ["concat('x', $ctx:n, $ctx:d, $ctx:b, $ctx:el, $ctx:j, $ctx:missing)", "concat('x', $ctx:n, $ctx:d, $ctx:b, $ctx:el, $ctx:j, $ctx:missing, string(''))"],
      ["concat($trp:content-type, $axis2:HTTP_SC, $url:q)", "concat($trp:content-type, $axis2:HTTP_SC, $url:q, substring('', 1))"],
    ];
    for (const [fast, general] of pairs) {
      const f = compileExpression(fast, {});
      const g = compileExpression(general, {});
      expect(f.kind, fast).to.equal('fast');
      expect(g.kind, general).to.equal('xpath');
      const ctx = fakeContext(opts);
      expect(f.stringValue(ctx), fast).to.equal(g.stringValue(ctx));
      expect(f.booleanValue(ctx), fast).to.equal(g.booleanValue(ctx));
    }
  });

  it('concat prints numbers the XPath way and JSON properties as "" (Jaxen string())', () => {
    const ctx = noBody({ props: { n: 200, d: 1.5, j: new JsonValue({ a: 1 }) } });
    expect(compileExpression("concat($ctx:n, '/', $ctx:d, '/', $ctx:j)", {}).stringValue(ctx)).to.equal('200/1.5/');
  });

  it('evaluate returns the raw property object', () => {
    const el = parseXml('<p/>').documentElement!;
    const ctx = noBody({ props: { el, n: 7 } });
    expect(compileExpression("get-property('el')", {}).evaluate(ctx)).to.equal(el);
    expect(compileExpression('$ctx:n', {}).evaluate(ctx)).to.equal(7);
    expect(compileExpression("concat($ctx:n, '')", {}).evaluate(ctx)).to.equal('7');
  });

  it('get-property SYSTEM_DATE / SYSTEM_TIME use the injected clock', () => {
    const ctx = noBody();
    expect(compileExpression("get-property('SYSTEM_TIME')", {}).stringValue(ctx)).to.equal(String(FIXED_NOW));
    expect(compileExpression("get-property('SYSTEM_DATE', 'yyyy')", {}).stringValue(noBody({ now: Date.UTC(2031, 5, 15, 12) }))).to.equal('2031');
  });

  it('string literals keep their content (both quote styles)', () => {
    expect(compileExpression(`"it's"`, {}).stringValue(noBody())).to.equal("it's");
    expect(compileExpression(`concat('say "hi"', " it's")`, {}).stringValue(noBody())).to.equal(`say "hi" it's`);
  });
});

describe('expr/compile brace convention', () => {
  it('isDynamicKey', () => {
    expect(isDynamicKey('{//a}')).to.equal(true);
    expect(isDynamicKey('{{literal}}')).to.equal(false);
    expect(isDynamicKey('plain')).to.equal(false);
    expect(isDynamicKey('{')).to.equal(false);
    expect(isDynamicKey('{}')).to.equal(true);
  });

  it('{xpath} evaluates, {{..}} is a literal with single braces, plain text is literal', () => {
    const ctx = fakeContext({ props: { seq: 'mySeq' } });
    const dyn = compileValueOrExpression("{get-property('seq')}", {});
    expect(dyn.expression?.kind).to.equal('fast');
    expect(dyn.literal).to.equal(undefined);
    expect(dyn.stringValue(ctx)).to.equal('mySeq');
    expect(dyn.readsBody).to.equal(false);
    const lit = compileValueOrExpression('{{abc}}', {});
    expect(lit.literal).to.equal('{abc}');
    expect(lit.stringValue(ctx)).to.equal('{abc}');
    expect(compileValueOrExpression('conf:/a.xml', {}).stringValue(ctx)).to.equal('conf:/a.xml');
    expect(compileValueOrExpression('{//k}', {}).readsBody).to.equal(true);
  });

  it('errors inside braces point into the whole attribute value', () => {
    try {
      compileValueOrExpression('{//m:k}', {});
      expect.fail('compiled');
    } catch (e) {
      expect((e as ExpressionError).code).to.equal('AXON_EXPR_UNKNOWN_PREFIX');
      expect((e as ExpressionError).offset).to.equal(3);
    }
  });
});

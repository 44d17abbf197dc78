// Expression stage tests: the Jayway JsonPath subset (json-path.ts) and json-eval(...) (§4.5, CT-29).

import { expect } from 'chai';
import { compileExpression } from '../../../src/expr/compile.js';
import { compileJsonPath, jsonResultToString, JsonPathSyntaxError } from '../../../src/expr/json-path.js';
import { ExpressionError, JsonValue } from '../../../src/expr/types.js';
import { fakeContext, type FakeContextOptions } from '../../helpers/eval-context.js';

const CT29 = {
  id: 12345,
  name: null,
  object: {},
  array: [1, 2, [[], [{ inner_id: 6789 }]]],
  $schema_location: 'unknown',
  '12X12': 'x',
};

const STORE = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
      { category: 'fiction', author: 'J. R. R. Tolkien', title: 'The Lord of the Rings', isbn: '0-395-19395-8', price: 22.99 },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  expensive: 10,
};

function jp(path: string, root: unknown): string {
  return jsonResultToString(compileJsonPath(path).evaluate(root));
}

function je(expr: string, opts: FakeContextOptions): string | null {
  return compileExpression(expr, {}).stringValue(fakeContext(opts));
}

describe('expr/json-path', () => {
  describe('json-eval vectors (CT-29)', () => {
    const opts = { json: CT29 };
    const cases: [string, string][] = [
      ['$.id', '12345'],
      ['$.name', 'null'],
      ['$.object', '{}'],
      ['$.array[2][1][0].inner_id', '6789'],
      ["$.['$schema_location']", 'unknown'],
      ['$.12X12', 'x'],
      ['$.array', '[1,2,[[],[{"inner_id":6789}]]]'],
      ['$.missing', ''],
      ['$.id.deeper', ''],
      ['$.array[7]', ''],
    ];
    for (const [path, want] of cases) {
      it(`json-eval(${path}) -> ${JSON.stringify(want)}`, () => {
        expect(je(`json-eval(${path})`, opts)).to.equal(want);
      });
    }

    it('json-eval($.) and json-eval($) give the whole payload', () => {
      expect(je('json-eval($.)', { json: { a: 1 } })).to.equal('{"a":1}');
      expect(je('json-eval($)', { json: [1, 'x'] })).to.equal('[1,"x"]');
    });

    it('strings come out unquoted, booleans as text', () => {
      expect(je('json-eval($.s)', { json: { s: 'abc', t: true } })).to.equal('abc');
      expect(je('json-eval($.t)', { json: { s: 'abc', t: true } })).to.equal('true');
    });

    it('no body gives ""', () => {
      expect(je('json-eval($.a)', {})).to.equal('');
    });

    it('an XML payload is converted to JSON first', () => {
      expect(je('json-eval($.order.id)', { xml: '<order><id>7</id><item>a</item><item>b</item></order>' })).to.equal('7');
      expect(je('json-eval($.order.item)', { xml: '<order><id>7</id><item>a</item><item>b</item></order>' })).to.equal('["a","b"]');
    });
  });

  describe('json-eval forms', () => {
    it('$ctx:, $axis2:, $trp: evaluate over the JSON held in that property, without the body', () => {
      const opts: FakeContextOptions = {
        forbidBody: true,
        props: { p: '{"a":{"b":[10,20]}}', j: new JsonValue({ a: { b: 'jv' } }), bad: 'not json' },
        axis2: { q: '{"x":1}' },
        transport: { 'X-Json': '{"h":"v"}' },
      };
      const ctx = fakeContext(opts);
      const s = (e: string): string | null => {
        const c = compileExpression(e, {});
        expect(c.readsBody, e).to.equal(false);
        return c.stringValue(ctx);
      };
      expect(s('json-eval($ctx:p.a.b[1])')).to.equal('20');
      expect(s('json-eval($ctx:p)')).to.equal('{"a":{"b":[10,20]}}');
      expect(s('json-eval($ctx:j.a.b)')).to.equal('jv');
      expect(s('json-eval($axis2:q.x)')).to.equal('1');
      expect(s('json-eval($trp:x-json.h)')).to.equal('v');
      expect(s('json-eval($ctx:bad.a)')).to.equal('');
      expect(s('json-eval($ctx:none.a)')).to.equal('');
      expect(ctx.jsonCalls).to.equal(0);
    });

    it('{$ctx:p} placeholders are substituted at evaluation time', () => {
      const e = compileExpression('json-eval($.{$ctx:prop1}.book[1].author)', {});
      const json = { store: { book: [{ author: 'A' }, { author: 'B' }] }, shelf: { book: [{ author: 'C' }, { author: 'D' }] } };
      expect(e.stringValue(fakeContext({ json, props: { prop1: 'store' } }))).to.equal('B');
      expect(e.stringValue(fakeContext({ json, props: { prop1: 'shelf' } }))).to.equal('D');
      expect(e.stringValue(fakeContext({ json, props: { prop1: '[[[' } }))).to.equal('');
    });

    it('evaluate keeps JSON structure (JsonValue) and gives primitives as json-eval text', () => {
      const ctx = fakeContext({ json: CT29 });
      const obj = compileExpression('json-eval($.array)', {}).evaluate(ctx);
      expect(obj).to.be.instanceOf(JsonValue);
      expect((obj as JsonValue).value).to.deep.equal(CT29.array);
      expect(compileExpression('json-eval($.id)', {}).evaluate(ctx)).to.equal('12345');
      expect(compileExpression('json-eval($.missing)', {}).evaluate(ctx)).to.equal('');
      expect(String(compileExpression('json-eval($.name)', {}).evaluate(ctx))).to.equal('null');
    });

    it('booleanValue is true only for the text "true"', () => {
      const ctx = fakeContext({ json: { t: true, s: 'TRUE', f: 'yes', n: 1 } });
      const b = (p: string): boolean => compileExpression(`json-eval(${p})`, {}).booleanValue(ctx);
      expect(b('$.t')).to.equal(true);
      expect(b('$.s')).to.equal(true);
      expect(b('$.f')).to.equal(false);
      expect(b('$.n')).to.equal(false);
      expect(b('$.missing')).to.equal(false);
    });

    it('syntax errors are compile errors with an offset into the expression', () => {
      try {
        compileExpression('json-eval($.a[?(@.x ==)])', {});
        expect.fail('compiled');
      } catch (e) {
        expect(e).to.be.instanceOf(ExpressionError);
        expect((e as ExpressionError).code).to.equal('AXON_EXPR_PARSE');
        expect((e as ExpressionError).offset).to.be.a('number').greaterThan(10);
      }
      expect(() => compileExpression('json-eval($.a', {})).to.throw(ExpressionError);
      expect(() => compileExpression('json-eval()', {})).to.throw(ExpressionError);
      expect(() => compileExpression('json-eval($.a.foo())', {})).to.throw(ExpressionError, /unknown function/);
      expect(() => compileExpression('json-eval($.a.constructor())', {})).to.throw(ExpressionError, /unknown function/);
    });
  });

  describe('Jayway subset', () => {
    it('definite paths give the value; dot, bracket and index notation', () => {
      expect(jp('$.store.bicycle.color', STORE)).to.equal('red');
      expect(jp("$['store']['bicycle']['color']", STORE)).to.equal('red');
      expect(jp('$["store"].book[0].author', STORE)).to.equal('Nigel Rees');
      expect(jp('$.store.book[-1].title', STORE)).to.equal('The Lord of the Rings');
      expect(jp('store.bicycle.price', STORE)).to.equal('19.95');
      expect(compileJsonPath('$.store.book[0]').definite).to.equal(true);
    });

    it('indefinite paths give a list', () => {
      expect(jp('$.store.book[*].author', STORE)).to.equal('["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]');
      expect(jp('$.store.book[0,2].price', STORE)).to.equal('[8.95,8.99]');
      expect(jp('$.store.book[1:3].price', STORE)).to.equal('[12.99,8.99]');
      expect(jp('$.store.book[:2].price', STORE)).to.equal('[8.95,12.99]');
      expect(jp('$.store.book[-2:].price', STORE)).to.equal('[8.99,22.99]');
      expect(jp('$.store.bicycle.*', STORE)).to.equal('["red",19.95]');
      expect(jp('$.store.book[*].isbn', STORE)).to.equal('["0-553-21311-3","0-395-19395-8"]');
      expect(jp('$.store.none[*]', STORE)).to.equal('[]');
      expect(compileJsonPath('$.store.book[*]').definite).to.equal(false);
    });

    it('deep scan visits nodes in document order', () => {
      expect(jp('$..author', STORE)).to.equal('["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]');
      expect(jp('$.store..price', STORE)).to.equal('[8.95,12.99,8.99,22.99,19.95]');
      expect(jp('$..book[2].title', STORE)).to.equal('["Moby Dick"]');
      expect(jp('$..[0].title', STORE)).to.equal('["Sayings of the Century"]');
      expect(jp('$..*', { a: { b: 1 }, c: [2] })).to.equal('[{"b":1},[2],1,2]');
    });

    it('filters with comparisons, logic and existence', () => {
      expect(jp("$.store.book[?(@.category == 'reference')].title", STORE)).to.equal('["Sayings of the Century"]');
      expect(jp('$.store.book[?(@.price < 10)].price', STORE)).to.equal('[8.95,8.99]');
      expect(jp('$.store.book[?(@.price <= 8.99 && @.category != "reference")].title', STORE)).to.equal('["Moby Dick"]');
      expect(jp('$.store.book[?(@.price > 20 || @.price < 9)].price', STORE)).to.equal('[8.95,8.99,22.99]');
      expect(jp('$.store.book[?(@.price >= 22.99)].title', STORE)).to.equal('["The Lord of the Rings"]');
      expect(jp('$.store.book[?(@.isbn)].title', STORE)).to.equal('["Moby Dick","The Lord of the Rings"]');
      expect(jp('$.store.book[?(!@.isbn)].title', STORE)).to.equal('["Sayings of the Century","Sword of Honour"]');
      expect(jp('$.store.book[?(@.price > $.expensive)].price', STORE)).to.equal('[12.99,22.99]');
      expect(() => compileJsonPath('$..book[?(@.author =~ /x/)]')).to.throw(JsonPathSyntaxError, /not supported/);
    });

    it('filter value semantics: numeric strings, null, booleans, missing fields', () => {
      const data = [{ v: 1 }, { v: '1' }, { v: null }, { v: true }, {}];
      expect(jp("$[?(@.v == '1')]", data)).to.equal('[{"v":1},{"v":"1"}]');
      expect(jp('$[?(@.v == null)]', data)).to.equal('[{"v":null}]');
      expect(jp('$[?(@.v == true)]', data)).to.equal('[{"v":true}]');
      expect(jp('$[?(@.v != 1)]', data)).to.equal('[{"v":null},{"v":true},{}]');
      expect(jp('$[?(@.v)]', data)).to.equal('[{"v":1},{"v":"1"},{"v":null},{"v":true}]');
    });

    it('a filter on an object tests the object itself', () => {
      expect(jp('$.store[?(@.bicycle)].bicycle.color', STORE)).to.equal('["red"]');
    });

    it('functions at the end: length, size, min, max, avg, sum', () => {
      const data = { nums: [1, 2, 3, 4], o: { a: 1, b: 2 }, empty: [] };
      expect(jp('$.nums.length()', data)).to.equal('4');
      expect(jp('$.nums.size()', data)).to.equal('4');
      expect(jp('$.o.length()', data)).to.equal('2');
      expect(jp('$.nums.min()', data)).to.equal('1.0');
      expect(jp('$.nums.max()', data)).to.equal('4.0');
      expect(jp('$.nums.avg()', data)).to.equal('2.5');
      expect(jp('$.nums.sum()', data)).to.equal('10.0');
      expect(jp('$..price.sum()', STORE)).to.equal(String(8.95 + 12.99 + 8.99 + 22.99 + 19.95));
      expect(jp('$.empty.sum()', data)).to.equal('');
      expect(jp('$.missing.length()', data)).to.equal('');
      expect(jp('$.store.book[?(@.price < $.store.book.length())].price', STORE)).to.equal('[]');
    });

    it('names with $ and digits, and bracket unions of names', () => {
      const data = { $a: 1, '9b': 2, 'c d': 3, x: { y: 1, z: 2 } };
      expect(jp("$['$a']", data)).to.equal('1');
      expect(jp('$.9b', data)).to.equal('2');
      expect(jp("$['c d']", data)).to.equal('3');
      expect(jp("$.x['y','z']", data)).to.equal('{"y":1,"z":2}');
    });

    it('missing steps: definite -> not found, indefinite -> skipped', () => {
      expect(compileJsonPath('$.a.b').evaluate({ a: 1 }).found).to.equal(false);
      expect(compileJsonPath('$[5]').evaluate([1]).found).to.equal(false);
      expect(jp('$[*].a', [{ a: 1 }, { b: 2 }, 3])).to.equal('[1]');
    });

    it('rejects malformed paths with a position', () => {
      for (const bad of ['', '$.', '$.a.', '$[', '$[?(@.a ==)]', "$['a", '$.a[1:2:3]', '$.a()', '$..', '$[(@.length-1)]']) {
        if (bad === '$.') continue; // "$." is the root
        expect(() => compileJsonPath(bad), bad).to.throw(JsonPathSyntaxError);
      }
      try {
        compileJsonPath('$.a[?(@.b = 1)]');
        expect.fail('compiled');
      } catch (e) {
        expect((e as JsonPathSyntaxError).offset).to.be.a('number');
      }
    });

    it('does not follow prototype keys', () => {
      expect(compileJsonPath('$.constructor').evaluate({}).found).to.equal(false);
      expect(compileJsonPath('$.__proto__').evaluate({}).found).to.equal(false);
    });
  });
});

// call-template: parameters evaluated in the caller, $func: frames, defaults, nesting, and the
// frame popped on every way out (synapse-semantics §5.18, trap 29).

import assert from 'node:assert/strict';
import type { MediatorNode } from '../../../src/config/ast.js';
import { MediationError } from '../../../src/errors/codes.js';
import type { MediatorDef } from '../../../src/mediators/types.js';
import type { MessageContext } from '../../../src/runtime/message-context.js';
import { createHarness, type HarnessOptions } from '../../helpers/mediator-harness.js';

/** <probe/>: records the $func frames it sees, after a tick (an asynchronous mediator). */
const seen: { depth: number; top: Record<string, unknown> }[] = [];
const probe: MediatorDef<MediatorNode> = {
  element: 'probe',
  read: (el, r) => ({ kind: 'probe', pos: r.pos(el) }),
  compile: () => async (mc: MessageContext) => {
    await new Promise((res) => setImmediate(res));
    seen.push({ depth: mc.funcStack.length, top: Object.fromEntries(mc.funcStack.at(-1) ?? []) });
    return true;
  },
};
/** <boom/>: throws. */
const boom: MediatorDef<MediatorNode> = {
  element: 'boom',
  read: (el, r) => ({ kind: 'boom', pos: r.pos(el) }),
  compile: () => () => {
    throw new MediationError('AXON_MED_FAILED', 'boom');
  },
};

function harness(templates: HarnessOptions['templates'], extra: Partial<HarnessOptions> = {}) {
  return createHarness({ templates, extra: [probe, boom], ...extra });
}

const COPY = `<sequence>
  <property name="gotA" expression="$func:a"/>
  <property name="gotB" expression="get-property('func','b')"/>
  <property name="gotC" expression="$func:c"/>
</sequence>`;

describe('mediators/call-template', () => {
  beforeEach(() => {
    seen.length = 0;
  });

  it('passes literals, caller-evaluated expressions and defaults as $func: parameters', async () => {
    const h = harness({ T: { parameters: [{ name: 'a' }, { name: 'b' }, { name: 'c', defaultValue: 'dflt' }], body: COPY } });
    const m = h.compile(`<call-template target="T"><with-param name="a" value="lit"/><with-param name="b" value="{$ctx:x}"/></call-template>`);
    const { mc } = h.message();
    mc.props.set('x', 'from-caller');
    assert.equal(await h.run(m, mc), true);
    assert.equal(mc.props.get('gotA'), 'lit');
    assert.equal(mc.props.get('gotB'), 'from-caller');
    assert.equal(mc.props.get('gotC'), 'dflt');
    assert.equal(mc.funcStack.length, 0, 'the frame is popped');
  });

  it('{{...}} is a literal keeping one pair of braces; XPath params see the caller body', async () => {
    const h = harness({ T: { parameters: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], body: COPY } });
    const m = h.compile(`<call-template target="T"><with-param name="a" value="{{not-evaluated}}"/><with-param name="b" value="{//name}"/></call-template>`);
    const def = h.registry.get('call-template')!;
    assert.equal(def.readsBody!(h.read(`<call-template target="T"><with-param name="b" value="{//name}"/></call-template>`)!, h.ctx), true);
    const { mc } = h.message({ body: '<p><name>Ann</name></p>' });
    await h.run(m, mc);
    assert.equal(mc.props.get('gotA'), '{not-evaluated}');
    assert.equal(mc.props.get('gotB'), 'Ann');
  });

  it('nested templates see their own frame; a parameter can pass the outer $func: value on', async () => {
    const h = harness({
      Outer: {
        parameters: [{ name: 'a' }],
        body: `<sequence><call-template target="Inner"><with-param name="a" value="{$func:a}"/><with-param name="b" value="inner-b"/></call-template>
               <property name="outerA" expression="$func:a"/><property name="outerB" expression="$func:b"/></sequence>`,
      },
      Inner: { parameters: [{ name: 'a' }, { name: 'b' }], body: `<sequence><property name="innerA" expression="$func:a"/><property name="innerB" expression="$func:b"/></sequence>` },
    });
    const m = h.compile(`<call-template target="Outer"><with-param name="a" value="outer-a"/></call-template>`);
    const { mc } = h.message();
    await h.run(m, mc);
    assert.equal(mc.props.get('innerA'), 'outer-a');
    assert.equal(mc.props.get('innerB'), 'inner-b');
    assert.equal(mc.props.get('outerA'), 'outer-a');
    // outer has no "b": the inner frame is gone again
    assert.notEqual(mc.props.get('outerB'), 'inner-b');
    assert.equal(mc.funcStack.length, 0);
  });

  it('keeps the frame while an asynchronous mediator runs, pops it when the template completes', async () => {
    const h = harness({ T: { parameters: [{ name: 'a' }], body: '<sequence><probe/></sequence>' } });
    const m = h.compile(`<call-template target="T"><with-param name="a" value="1"/></call-template>`);
    const { mc } = h.message();
    const r = m(mc);
    assert.ok(r instanceof Promise);
    assert.equal(mc.funcStack.length, 1);
    assert.equal(await r, true);
    assert.deepEqual(seen, [{ depth: 1, top: { a: '1' } }]);
    assert.equal(mc.funcStack.length, 0);
  });

  it('pops the frame when the template throws (synchronously or later)', async () => {
    const h = harness({
      Sync: { parameters: [{ name: 'a' }], body: '<sequence><boom/></sequence>' },
      Async: { parameters: [{ name: 'a' }], body: '<sequence><probe/><boom/></sequence>' },
    });
    const sync = h.compile(`<call-template target="Sync"><with-param name="a" value="1"/></call-template>`);
    const later = h.compile(`<call-template target="Async"><with-param name="a" value="1"/></call-template>`);
    const { mc } = h.message();
    assert.throws(() => sync(mc), /boom/);
    assert.equal(mc.funcStack.length, 0);
    await assert.rejects(async () => h.run(later, mc), /boom/);
    assert.equal(mc.funcStack.length, 0);
  });

  it('onError pushes the sequence as fault handler while the template runs', async () => {
    const h = harness(
      { T: { body: '<sequence><boom/></sequence>' }, Ok: { body: '<sequence><property name="ran" value="yes"/></sequence>' } },
      { sequences: { errors: '<sequence><property name="handled" value="yes"/></sequence>' } },
    );
    const failing = h.compile(`<call-template target="T" onError="errors"/>`);
    const fine = h.compile(`<call-template target="Ok" onError="errors"/>`);
    const { mc } = h.message();
    await h.run(fine, mc);
    assert.equal(mc.faultStack.length, 0, 'popped after normal completion');
    assert.throws(() => failing(mc), /boom/);
    // left for the runtime's fault path, which pops and runs it
    assert.equal(mc.faultStack.length, 1);
    await mc.faultStack.pop()!.handle(mc);
    assert.equal(mc.props.get('handled'), 'yes');
  });

  it('a mandatory parameter without value or default fails at compile time; an expression yielding null at run time', async () => {
    const h = harness({ T: { parameters: [{ name: 'm', mandatory: true }], body: '<sequence/>' } });
    assert.throws(() => h.compile(`<call-template target="T"/>`), /mandatory parameter "m"/);
    const m = h.compile(`<call-template target="T"><with-param name="m" value="{get-property('absent')}"/></call-template>`);
    const { mc } = h.message();
    assert.throws(() => m(mc), MediationError);
    assert.equal(mc.funcStack.length, 0);
  });

  it('an unknown template fails at compile time; refs() name it for the linker', () => {
    const h = harness({});
    const node = h.read(`<call-template target="Missing"/>`)!;
    assert.deepEqual(
      h.registry.get('call-template')!.refs!(node).map((r) => [r.kind, r.key]),
      [['template', 'Missing']],
    );
    assert.throws(() => h.ctx.list([node]), /Missing/);
  });

  it('config: target is required, with-param needs name and value', () => {
    const h = harness({});
    h.read(`<call-template/>`);
    h.read(`<call-template target="T"><with-param name="a"/></call-template>`);
    h.read(`<call-template target="T"><with-param name="a" value="{//a[}"/></call-template>`);
    assert.deepEqual(h.codes(), ['AXON_CFG_MISSING_ATTRIBUTE', 'AXON_CFG_MISSING_ATTRIBUTE', 'AXON_EXPR_PARSE']);
  });
});

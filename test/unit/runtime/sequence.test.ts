// Mediator lists: synchronous until a step returns a promise; false stops the list; onError
// handlers are pushed for the sequence's duration.

import { expect } from 'chai';
import { fuseList, wrapOnError } from '../../../src/runtime/sequence.js';
import type { FaultHandler, MessageContext } from '../../../src/runtime/message-context.js';
import type { Mediate } from '../../../src/mediators/types.js';

function fakeMc(): MessageContext & { trace: string[] } {
  return { trace: [], faultStack: [], loadBody: () => undefined, payload: { isStream: false } } as unknown as MessageContext & { trace: string[] };
}
const step = (name: string, result: boolean | 'async' = true): Mediate => (mc) => {
  (mc as unknown as { trace: string[] }).trace.push(name);
  return result === 'async' ? Promise.resolve(true) : result;
};

describe('runtime/sequence', () => {
  it('runs a synchronous list without creating a promise', () => {
    const mc = fakeMc();
    const r = fuseList([{ mediate: step('a'), readsBody: false }, { mediate: step('b'), readsBody: false }])(mc);
    expect(r).to.equal(true);
    expect(mc.trace).to.deep.equal(['a', 'b']);
  });

  it('stops at a step returning false', () => {
    const mc = fakeMc();
    const r = fuseList([{ mediate: step('a', false), readsBody: false }, { mediate: step('b'), readsBody: false }])(mc);
    expect(r).to.equal(false);
    expect(mc.trace).to.deep.equal(['a']);
  });

  it('continues asynchronously after the first asynchronous step', async () => {
    const mc = fakeMc();
    const r = fuseList([
      { mediate: step('a'), readsBody: false },
      { mediate: step('b', 'async'), readsBody: false },
      { mediate: step('c'), readsBody: false },
      { mediate: () => Promise.resolve(false), readsBody: false },
      { mediate: step('d'), readsBody: false },
    ])(mc);
    expect(r).to.be.instanceOf(Promise);
    expect(await r).to.equal(false);
    expect(mc.trace).to.deep.equal(['a', 'b', 'c']);
  });

  it('loads the body before a step that reads it', async () => {
    let loaded = false;
    const mc = { ...fakeMc(), loadBody: () => (loaded ? undefined : Promise.resolve().then(() => void (loaded = true))) } as unknown as MessageContext;
    const r = fuseList([{ mediate: () => loaded, readsBody: true }])(mc);
    expect(await r).to.equal(true);
  });

  it('pushes the onError handler while the sequence runs and pops it after', async () => {
    const h: FaultHandler = { name: 'err', handle: async () => undefined };
    const mc = fakeMc();
    let seen: FaultHandler[] = [];
    const body: Mediate = (m) => {
      seen = [...m.faultStack];
      return Promise.resolve(true);
    };
    await wrapOnError(body, h)(mc);
    expect(seen).to.deep.equal([h]);
    expect(mc.faultStack).to.deep.equal([]);
  });

  it('leaves the handler on the stack when the sequence throws (the caller pops it)', () => {
    const h: FaultHandler = { name: 'err', handle: async () => undefined };
    const mc = fakeMc();
    expect(() => wrapOnError(() => { throw new Error('boom'); }, h)(mc)).to.throw('boom');
    expect(mc.faultStack).to.deep.equal([h]);
  });
});

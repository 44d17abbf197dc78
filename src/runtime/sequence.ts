// Compile stage: mediator lists become one closure. A list runs synchronously until a
// mediator returns a promise, and only then continues asynchronously (so a header/property
// pipeline costs no promise at all). Measure before changing.

import type { MessageContext, FaultHandler } from './message-context.js';
import { isPromise, type CompiledSequence, type Mediate } from '../mediators/types.js';

export interface ListStep {
  mediate: Mediate;
  /** The body must be loaded before this step runs. */
  readsBody: boolean;
}

function withBody(step: ListStep): Mediate {
  if (!step.readsBody) return step.mediate;
  const inner = step.mediate;
  return (mc) => {
    const p = mc.loadBody();
    return p ? p.then(() => inner(mc)) : inner(mc);
  };
}

/** Fuse a list of steps into one Mediate. */
export function fuseList(steps: readonly ListStep[]): Mediate {
  const fns = steps.map(withBody);
  const n = fns.length;
  if (n === 0) return () => true;
  if (n === 1) return fns[0]!;
  const continueFrom = async (mc: MessageContext, i: number, pending: Promise<boolean>): Promise<boolean> => {
    if (!(await pending)) return false;
    for (let j = i + 1; j < n; j++) {
      let r = fns[j]!(mc);
      if (isPromise<boolean>(r)) r = await r;
      if (!r) return false;
    }
    return true;
  };
  return (mc) => {
    for (let i = 0; i < n; i++) {
      const r = fns[i]!(mc);
      if (r === true) continue;
      if (r === false) return false;
      return continueFrom(mc, i, r);
    }
    return true;
  };
}

/**
 * A named sequence: while it runs, its onError sequence is the top fault handler; it is
 * popped again when the sequence completes without an exception (Synapse's SequenceMediator).
 */
export function wrapOnError(body: Mediate, handler: FaultHandler | undefined): Mediate {
  if (!handler) return body;
  const pop = (mc: MessageContext) => {
    const s = mc.faultStack;
    if (s[s.length - 1] === handler) s.pop();
  };
  return (mc) => {
    mc.faultStack.push(handler);
    const r = body(mc);
    if (isPromise<boolean>(r)) {
      return r.then((v) => {
        pop(mc);
        return v;
      });
    }
    pop(mc);
    return r;
  };
}

/** A compiled sequence used as a fault handler: runs it, result ignored. */
export function sequenceHandler(seq: CompiledSequence): FaultHandler {
  return {
    name: seq.name,
    async handle(mc) {
      const r = seq.mediate(mc);
      if (isPromise(r)) await r;
    },
  };
}

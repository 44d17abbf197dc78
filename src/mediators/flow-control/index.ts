// Mediators that end or steer a flow: <drop/>, <respond/>, <loopback/>, and the <in>/<out>
// branches of message-mediation sequences (synapse-semantics §5.5, §5.19).

import type { MediatorNode } from '../../config/ast.js';
import { respondToClient, runFlow } from '../../runtime/flow.js';
import type { MediatorDef } from '../types.js';

export interface PlainNode extends MediatorNode {
  kind: 'drop' | 'respond' | 'loopback';
}

export interface DirectionNode extends MediatorNode {
  kind: 'in' | 'out';
  mediators: MediatorNode[];
}

/** <drop/>: stop the flow. A request that got no answer then receives 202 Accepted. */
export const dropMediator: MediatorDef<PlainNode> = {
  element: 'drop',
  read(el, r) {
    r.checkAttributes(el, []);
    r.checkChildren(el, []);
    return { kind: 'drop', pos: r.pos(el) };
  },
  compile() {
    return (mc) => {
      mc.dropped = true;
      mc.addressing.To = null;
      return false;
    };
  },
};

/** <respond/>: send the current message back to the client and stop. */
export const respondMediator: MediatorDef<PlainNode> = {
  element: 'respond',
  read(el, r) {
    r.checkAttributes(el, []);
    r.checkChildren(el, []);
    return { kind: 'respond', pos: r.pos(el) };
  },
  compile() {
    return (mc) => {
      mc.addressing.To = null;
      respondToClient(mc);
      return false;
    };
  },
};

/** <loopback/>: skip the backend; the message becomes the response and takes the response path. */
export const loopbackMediator: MediatorDef<PlainNode> = {
  element: 'loopback',
  read(el, r) {
    r.checkAttributes(el, []);
    r.checkChildren(el, []);
    return { kind: 'loopback', pos: r.pos(el) };
  },
  compile(_node, c) {
    return (mc) => {
      if (mc.isResponse) return true;
      mc.isResponse = true;
      mc.addressing.To = null;
      mc.exchange.outboundStarted = true;
      const route = c.router.responseFlow(mc);
      if (route === null) {
        respondToClient(mc);
        return false;
      }
      mc.faultStack = route.fault ? [route.fault] : [];
      return runFlow(mc, route.flow).then(() => {
        if (!mc.exchange.responded && !mc.dropped) respondToClient(mc);
        return false;
      });
    };
  },
};

function direction(kind: 'in' | 'out'): MediatorDef<DirectionNode> {
  const wantResponse = kind === 'out';
  return {
    element: kind,
    read(el, r) {
      r.checkAttributes(el, []);
      return { kind, mediators: r.mediators(el), pos: r.pos(el) };
    },
    children(node) {
      return [node.mediators];
    },
    compile(node, c) {
      const run = c.list(node.mediators);
      return (mc) => (mc.isResponse === wantResponse ? run(mc) : true);
    },
  };
}

export const inMediator = direction('in');
export const outMediator = direction('out');

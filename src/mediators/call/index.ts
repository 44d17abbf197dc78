// Mediator <call>: send to an endpoint and continue with the next mediator once the response
// has replaced the message (non-blocking call, synapse-semantics §5.4). A failure runs the
// fault handlers instead of the continuation.
//   <call [blocking="false|true"]> <endpoint .../>? </call>

import type { EndpointNode, MediatorNode } from '../../config/ast.js';
import { readEndpointElement } from '../../config/readers/endpoint.js';
import { callEndpoint } from '../../runtime/flow.js';
import type { MediatorDef } from '../types.js';

export interface CallNode extends MediatorNode {
  kind: 'call';
  endpoint?: EndpointNode;
}

export const callMediator: MediatorDef<CallNode> = {
  element: 'call',
  read(el, r) {
    r.checkAttributes(el, ['blocking', 'initAxis2ClientOptions']);
    r.checkChildren(el, ['endpoint']);
    const node: CallNode = { kind: 'call', pos: r.pos(el) };
    const epEl = r.child(el, 'endpoint');
    if (epEl) {
      const ep = readEndpointElement(epEl, r, false);
      if (!ep) return undefined;
      node.endpoint = ep;
    }
    return node;
  },
  endpoints(node) {
    return node.endpoint ? [node.endpoint] : [];
  },
  compile(node, c) {
    const endpoint = node.endpoint ? c.endpoint(node.endpoint) : c.implicitEndpoint();
    return async (mc) => {
      await callEndpoint(mc, endpoint);
      return true;
    };
  },
};

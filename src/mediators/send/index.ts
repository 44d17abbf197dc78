// Mediator <send>: hand the message to an endpoint (or, without one, to the To address) and
// stop this flow; the backend's answer runs through the response path. On a response, a bare
// <send/> returns it to the client (synapse-semantics §5.3).
//   <send [receive="seqKey"] [buildmessage="true"]> <endpoint .../>? </send>

import type { EndpointNode, MediatorNode } from '../../config/ast.js';
import { readEndpointElement } from '../../config/readers/endpoint.js';
import { respondToClient, sendAndContinue } from '../../runtime/flow.js';
import type { ArtifactRef, MediatorDef } from '../types.js';

export interface SendNode extends MediatorNode {
  kind: 'send';
  endpoint?: EndpointNode;
  receive?: string;
}

export const sendMediator: MediatorDef<SendNode> = {
  element: 'send',
  read(el, r) {
    r.checkAttributes(el, ['receive', 'buildmessage']);
    r.checkChildren(el, ['endpoint']);
    const node: SendNode = { kind: 'send', pos: r.pos(el) };
    const epEl = r.child(el, 'endpoint');
    if (epEl) {
      const ep = readEndpointElement(epEl, r, false);
      if (!ep) return undefined;
      node.endpoint = ep;
    }
    const receive = r.attr(el, 'receive');
    if (receive !== undefined) {
      if (receive.startsWith('{')) {
        r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'a dynamic receive sequence is not supported by Axon', r.attrNode(el, 'receive'));
        return undefined;
      }
      node.receive = receive;
    }
    return node;
  },
  refs(node) {
    const out: ArtifactRef[] = [];
    if (node.receive) out.push({ kind: 'sequence', key: node.receive, pos: node.pos });
    return out;
  },
  endpoints(node) {
    return node.endpoint ? [node.endpoint] : [];
  },
  compile(node, c) {
    const endpoint = node.endpoint ? c.endpoint(node.endpoint) : c.implicitEndpoint();
    const receive = node.receive ? c.sequence(node.receive) : undefined;
    const router = c.router;
    return (mc) => {
      if (mc.isResponse) {
        respondToClient(mc);
        return false;
      }
      sendAndContinue(mc, endpoint, router, receive ? (m) => receive.mediate(m) : undefined).catch((e: unknown) => {
        router.logger.log('error', 'send failed unexpectedly', { err: e instanceof Error ? e.stack : String(e) });
      });
      return false;
    };
  },
};

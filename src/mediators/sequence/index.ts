// Mediator <sequence key="..."/>: run a named sequence (its onError applies). A key in braces
// is an expression evaluated per message (synapse-semantics §1.3, §5.6).

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode } from '../../config/read-context.js';
import { MediationError } from '../../errors/codes.js';
import type { MediatorDef } from '../types.js';

export interface SequenceRefNode extends MediatorNode {
  kind: 'sequence';
  key?: string;
  dynamicKey?: ExprNode;
  /** An anonymous inline <sequence> (just a list). */
  inline?: MediatorNode[];
}

export const sequenceMediator: MediatorDef<SequenceRefNode> = {
  element: 'sequence',
  read(el, r) {
    r.checkAttributes(el, ['key', 'name', 'onError']);
    const key = r.attr(el, 'key');
    const pos = r.pos(el);
    if (key === undefined) return { kind: 'sequence', inline: r.mediators(el), pos };
    if (key.startsWith('{') && key.endsWith('}') && !key.startsWith('{{')) {
      const e = r.expression(key.slice(1, -1), el, 'key');
      return e ? { kind: 'sequence', dynamicKey: e, pos } : undefined;
    }
    return { kind: 'sequence', key: key.startsWith('{{') ? key.slice(1, -1) : key, pos };
  },
  readsBody(node, c) {
    return !!node.dynamicKey && c.expr(node.dynamicKey).readsBody;
  },
  children(node) {
    return node.inline ? [node.inline] : [];
  },
  refs(node) {
    return node.key !== undefined ? [{ kind: 'sequence', key: node.key, pos: node.pos }] : [];
  },
  compile(node, c) {
    if (node.inline) return c.list(node.inline);
    if (node.key !== undefined) {
      const seq = c.sequence(node.key);
      return (mc) => seq.mediate(mc);
    }
    const e = c.expr(node.dynamicKey!);
    return (mc) => {
      const name = e.stringValue(mc) ?? '';
      if (!c.hasSequence(name)) throw new MediationError('AXON_MED_SEQUENCE_NOT_FOUND', `Sequence named ${name} cannot be found`);
      const seq = c.sequence(name);
      const p = mc.loadBody();
      return p ? p.then(() => seq.mediate(mc)) : seq.mediate(mc);
    };
  },
};

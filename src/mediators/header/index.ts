// Mediator <header>: WS-Addressing fields (To, From, Action...), SOAP header blocks, or HTTP
// headers with scope="transport" (synapse-semantics §5.2).
//   <header name="To|From|Action|FaultTo|ReplyTo|RelatesTo|p:local|Name" [value|expression]
//           [action="set|remove"] [scope="default|transport"]/>
//   <header [action="set"]> <ns:block .../>+ </header>

import type { AddressField } from '../../expr/types.js';
import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode } from '../../config/read-context.js';
import { MediationError } from '../../errors/codes.js';
import { envelopeHeader } from '../../expr/soap.js';
import { isValidHeaderName, isValidHeaderValue } from '../../runtime/headers.js';
import type { MessageContext } from '../../runtime/message-context.js';
import { childElements, namespacesInScope, type XmlElement } from '../../xml/parse.js';
import type { MediatorDef } from '../types.js';

const ADDRESS_FIELDS = ['To', 'From', 'Action', 'FaultTo', 'ReplyTo', 'RelatesTo'] as const;

export interface HeaderNode extends MediatorNode {
  kind: 'header';
  target:
    | { type: 'address'; field: AddressField }
    | { type: 'soap'; ns: string; local: string; prefix: string }
    | { type: 'transport'; name: string }
    | { type: 'inline'; blocks: XmlElement[] };
  action: 'set' | 'remove';
  value?: string;
  expression?: ExprNode;
}

export const headerMediator: MediatorDef<HeaderNode> = {
  element: 'header',
  read(el, r) {
    r.checkAttributes(el, ['name', 'value', 'expression', 'action', 'scope', 'type']);
    const action = r.enumAttr(el, 'action', ['set', 'remove'] as const, 'set')!;
    const scope = r.enumAttr(el, 'scope', ['default', 'transport'] as const, 'default')!;
    const name = r.attr(el, 'name');
    const pos = r.pos(el);
    let target: HeaderNode['target'];
    if (name === undefined) {
      const blocks = childElements(el);
      if (blocks.length === 0) {
        r.error('AXON_CFG_MISSING_ATTRIBUTE', '<header> needs a "name" or inline header elements', el);
        return undefined;
      }
      return { kind: 'header', target: { type: 'inline', blocks }, action, pos };
    }
    if (scope === 'transport') {
      if (!isValidHeaderName(name)) {
        r.error('AXON_CFG_BAD_VALUE', `"${name}" is not a valid HTTP header name`, r.attrNode(el, 'name'));
        return undefined;
      }
      target = { type: 'transport', name };
    } else if (name.includes(':')) {
      const [prefix, local] = name.split(':', 2) as [string, string];
      const ns = namespacesInScope(el)[prefix];
      if (!ns) {
        r.error('AXON_CFG_BAD_VALUE', `the prefix "${prefix}" of header "${name}" is not declared`, r.attrNode(el, 'name'));
        return undefined;
      }
      target = { type: 'soap', ns, local, prefix };
    } else if ((ADDRESS_FIELDS as readonly string[]).includes(name)) {
      target = { type: 'address', field: name as AddressField };
    } else {
      r.error(
        'AXON_CFG_BAD_VALUE',
        `header "${name}" needs scope="transport" (without it only ${ADDRESS_FIELDS.join(', ')} or a prefixed SOAP header are allowed)`,
        r.attrNode(el, 'name'),
      );
      return undefined;
    }
    const node: HeaderNode = { kind: 'header', target, action, pos };
    if (action === 'set') {
      const value = r.attr(el, 'value');
      const expression = r.attr(el, 'expression');
      if (value !== undefined) node.value = value;
      else if (expression !== undefined) node.expression = r.expression(expression, el, 'expression');
      else r.error('AXON_CFG_MISSING_ATTRIBUTE', `<header name="${name}"> needs a value or an expression`, el);
    }
    return node;
  },

  readsBody(node, c) {
    if (node.target.type === 'soap' || node.target.type === 'inline') return true;
    return !!node.expression && c.expr(node.expression).readsBody;
  },

  compile(node, c) {
    const expr = node.expression ? c.expr(node.expression) : undefined;
    const literal = node.value;
    const valueOf = (mc: MessageContext): string => {
      if (literal !== undefined) return literal;
      const v = expr!.stringValue(mc);
      if (v === null) c.logger.log('warn', 'header expression evaluated to null; using ""', { expression: expr!.source });
      return v ?? '';
    };
    const t = node.target;
    switch (t.type) {
      case 'address': {
        const field = t.field;
        if (node.action === 'remove') {
          return (mc) => {
            mc.addressing[field] = null;
            return true;
          };
        }
        return (mc) => {
          mc.addressing[field] = valueOf(mc);
          return true;
        };
      }
      case 'transport': {
        const name = t.name;
        if (node.action === 'remove') {
          return (mc) => {
            mc.headers.delete(name);
            return true;
          };
        }
        return (mc) => {
          const v = valueOf(mc);
          if (!isValidHeaderValue(v)) {
            // never let client input split a header (CR/LF injection)
            throw new MediationError('AXON_MED_BAD_HEADER_VALUE', `the value for header "${name}" contains characters not allowed in HTTP`);
          }
          mc.headers.set(name, v);
          return true;
        };
      }
      case 'soap': {
        const { ns, local, prefix } = t;
        if (node.action === 'remove') {
          return (mc) => {
            const h = envelopeHeader(mc.envelope());
            if (!h) return true;
            for (const b of childElements(h)) if (b.namespaceURI === ns && b.localName === local) h.removeChild(b);
            if (mc.payload.soap) mc.payload.envelopeChanged();
            return true;
          };
        }
        return (mc) => {
          const env = mc.envelope();
          const h = envelopeHeader(env, true)!;
          const b = env.createElementNS(ns, `${prefix}:${local}`);
          b.appendChild(env.createTextNode(valueOf(mc)));
          h.appendChild(b);
          if (mc.payload.soap) mc.payload.envelopeChanged();
          return true;
        };
      }
      case 'inline': {
        const blocks = t.blocks;
        return (mc) => {
          const env = mc.envelope();
          const h = envelopeHeader(env, true)!;
          for (const b of blocks) {
            if (node.action === 'remove') {
              for (const x of childElements(h)) if (x.namespaceURI === b.namespaceURI && x.localName === b.localName) h.removeChild(x);
            } else {
              h.appendChild(env.importNode(b, true));
            }
          }
          if (mc.payload.soap) mc.payload.envelopeChanged();
          return true;
        };
      }
    }
  },
};

// Mediator <makefault>: replace the message with a SOAP 1.1, SOAP 1.2 or POX fault and (by
// default) mark it as a response, so a following <send/> or <respond/> returns it to the client
// (synapse-semantics §5.13, CT-36). W defaults the version to soap11.
//   <makefault [version="soap11|soap12|pox"] [response="true|false"]>
//     <code value="prefix:Name" | expression=".."/> <reason value=".." | expression=".."/>
//     <node>..</node>? <role>..</role>? <detail [expression=".."]>text or XML</detail>?
//   </makefault>

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode } from '../../config/read-context.js';
import { createEnvelope, envelopeBody, SOAP11_NS, SOAP12_NS } from '../../expr/soap.js';
import type { MessageContext } from '../../runtime/message-context.js';
import { childElements, directText, namespacesInScope, type XmlElement } from '../../xml/parse.js';
import type { MediatorDef } from '../types.js';

type Version = 'soap11' | 'soap12' | 'pox';

interface Text {
  value?: string;
  expression?: ExprNode;
}

export interface MakefaultNode extends MediatorNode {
  kind: 'makefault';
  version: Version;
  response: boolean;
  code: Text & { ns?: string; prefix?: string };
  reason: Text;
  node?: string;
  role?: string;
  detail?: Text & { xml?: XmlElement[] };
}

const CONTENT_TYPE: Record<Version, string> = { soap11: 'text/xml', soap12: 'application/soap+xml', pox: 'application/xml' };

export const makefaultMediator: MediatorDef<MakefaultNode> = {
  element: 'makefault',
  read(el, r) {
    r.checkAttributes(el, ['version', 'response']);
    r.checkChildren(el, ['code', 'reason', 'node', 'role', 'detail']);
    const version = r.enumAttr(el, 'version', ['soap11', 'soap12', 'pox'] as const, 'soap11')!;
    const response = r.boolAttr(el, 'response', true);
    const readText = (child: XmlElement | undefined, what: string, required: boolean): Text | undefined => {
      if (!child) {
        if (required) r.error('AXON_CFG_MISSING_ELEMENT', `<makefault> needs a <${what}>`, el);
        return undefined;
      }
      r.checkAttributes(child, ['value', 'expression']);
      const value = r.attr(child, 'value');
      const expression = r.exprAttr(child, 'expression');
      if (value !== undefined) return { value };
      if (expression) return { expression };
      if (!required) return { value: directText(child).trim() };
      r.error('AXON_CFG_MISSING_ATTRIBUTE', `<${what}> needs a value or an expression`, child);
      return undefined;
    };
    const codeEl = r.child(el, 'code');
    const code = readText(codeEl, 'code', version !== 'pox');
    const reason = readText(r.child(el, 'reason'), 'reason', true);
    const node: MakefaultNode = { kind: 'makefault', version, response, code: code ?? { value: '' }, reason: reason ?? { value: '' }, pos: r.pos(el) };
    if (code?.value !== undefined && code.value.includes(':') && codeEl) {
      const prefix = code.value.split(':')[0]!;
      const ns = namespacesInScope(codeEl)[prefix];
      if (!ns) r.error('AXON_CFG_BAD_VALUE', `the prefix "${prefix}" of fault code "${code.value}" is not declared`, r.attrNode(codeEl, 'value'));
      else {
        node.code.ns = ns;
        node.code.prefix = prefix;
      }
    }
    const n = r.child(el, 'node');
    if (n) node.node = directText(n).trim();
    const role = r.child(el, 'role');
    if (role) node.role = directText(role).trim();
    const detailEl = r.child(el, 'detail');
    if (detailEl) {
      const xml = childElements(detailEl);
      node.detail = xml.length ? { xml } : (readText(detailEl, 'detail', false) ?? {});
    }
    if (!reason || (version !== 'pox' && !code)) return undefined;
    return node;
  },

  readsBody(node, c) {
    return [node.code.expression, node.reason.expression, node.detail?.expression].some((e) => !!e && c.expr(e).readsBody);
  },

  compile(node, c) {
    const text = (t: Text | undefined) => {
      if (!t) return () => undefined;
      if (t.expression) {
        const e = c.expr(t.expression);
        return (mc: MessageContext) => e.stringValue(mc) ?? '';
      }
      const v = t.value ?? '';
      return () => v;
    };
    const code = text(node.code);
    const reason = text(node.reason);
    const detail = text(node.detail);
    const { version } = node;
    return (mc) => {
      const reasonText = reason(mc)!;
      const detailText = node.detail?.xml ? undefined : detail(mc);
      const env = createEnvelope(version === 'soap12' ? 'soap12' : 'soap11');
      if (version === 'pox') {
        // POX fault: <Exception> with the detail, or else the reason
        const ex = env.createElementNS(null, 'Exception');
        ex.appendChild(env.createTextNode(detailText || reasonText));
        mc.payload.soap = null;
        mc.payload.setBodyElement(ex);
      } else {
        const ns = version === 'soap12' ? SOAP12_NS : SOAP11_NS;
        const fault = env.createElementNS(ns, 'soapenv:Fault');
        const add = (parent: XmlElement, qname: string, value: string, inNs = version === 'soap12') => {
          const e = inNs ? env.createElementNS(ns, qname) : env.createElementNS(null, qname);
          e.appendChild(env.createTextNode(value));
          parent.appendChild(e);
          return e;
        };
        const codeText = code(mc)!;
        if (node.code.ns && node.code.prefix) fault.setAttribute(`xmlns:${node.code.prefix}`, node.code.ns);
        if (version === 'soap11') {
          add(fault, 'faultcode', codeText);
          add(fault, 'faultstring', reasonText);
          if (node.role) add(fault, 'faultactor', node.role);
        } else {
          const codeEl = env.createElementNS(ns, 'soapenv:Code');
          add(codeEl, 'soapenv:Value', codeText);
          fault.appendChild(codeEl);
          const reasonEl = env.createElementNS(ns, 'soapenv:Reason');
          add(reasonEl, 'soapenv:Text', reasonText).setAttribute('xml:lang', 'en');
          fault.appendChild(reasonEl);
          if (node.node) add(fault, 'soapenv:Node', node.node);
          if (node.role) add(fault, 'soapenv:Role', node.role);
        }
        if (node.detail) {
          const d = version === 'soap12' ? env.createElementNS(ns, 'soapenv:Detail') : env.createElementNS(null, 'detail');
          if (node.detail.xml) for (const x of node.detail.xml) d.appendChild(env.importNode(x, true));
          else d.appendChild(env.createTextNode(detailText ?? ''));
          fault.appendChild(d);
        }
        envelopeBody(env)!.appendChild(fault);
        mc.payload.soap = version;
        mc.payload.setEnvelope(env);
      }
      const ct = CONTENT_TYPE[version];
      mc.axis2.set('messageType', ct);
      mc.axis2.set('ContentType', ct);
      mc.headers.set('Content-Type', ct);
      mc.axis2.delete('NO_ENTITY_BODY');
      if (!mc.axis2.has('HTTP_SC')) mc.axis2.set('HTTP_SC', 500);
      if (node.response) {
        mc.isResponse = true;
        mc.addressing.To = mc.addressing.ReplyTo ?? null;
      }
      return true;
    };
  },
};

// Mediator <property>: set or remove a property in a scope (synapse-semantics §5.1).
//   <property name="n|{xpath}" [value=".." | expression=".."] [type="STRING|INTEGER|BOOLEAN|DOUBLE|LONG|FLOAT|SHORT|OM|JSON"]
//             [scope="default|transport|axis2|axis2-client|operation|trace|analytics"] [action="set|remove"]
//             [pattern="javaRegex" [group="n"]]> [inline XML] </property>

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode } from '../../config/read-context.js';
import { MediationError } from '../../errors/codes.js';
import { JsonValue, type CompiledExpression } from '../../expr/types.js';
import type { CompiledSynapseExpression } from '../../expr/compile.js';
import { isXmlNode, rawStringValue } from '../../expr/string-value.js';
import { compileJavaRegex } from '../../regex/java-regex.js';
import { isValidHeaderValue } from '../../runtime/headers.js';
import type { MessageContext } from '../../runtime/message-context.js';
import { childElements, parseXml, type XmlElement } from '../../xml/parse.js';
import type { MediatorDef } from '../types.js';

export const PROPERTY_TYPES = ['STRING', 'INTEGER', 'BOOLEAN', 'DOUBLE', 'LONG', 'FLOAT', 'SHORT', 'OM', 'JSON'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];
const SCOPES = ['default', 'transport', 'axis2', 'axis2-client', 'operation', 'registry', 'system', 'trace', 'analytics'] as const;
export type PropertyScope = (typeof SCOPES)[number];

export interface PropertyNode extends MediatorNode {
  kind: 'property';
  name: string;
  dynamicName?: ExprNode;
  action: 'set' | 'remove';
  scope: PropertyScope;
  type: PropertyType;
  /** A static value, already converted to its type. */
  value?: unknown;
  expression?: ExprNode;
  inline?: XmlElement;
  pattern?: string;
  group: number;
}

/** Convert a string to a Synapse property type; throws a message on failure. */
export function convertType(text: string, type: PropertyType): unknown {
  switch (type) {
    case 'STRING':
      return text;
    case 'BOOLEAN': {
      const t = text.trim().toLowerCase();
      return t === 'true' || t === 'yes' || t === '1';
    }
    case 'INTEGER':
    case 'SHORT':
    case 'LONG': {
      const t = text.trim();
      // W parses values with a decimal point as a double and truncates them
      const n = t.includes('.') ? Math.trunc(Number(t)) : Number(t);
      if (t === '' || !Number.isFinite(n)) throw new Error(`"${text}" is not a valid ${type}`);
      if (type === 'SHORT' && (n < -32768 || n > 32767)) throw new Error(`"${text}" is out of range for SHORT`);
      if (type === 'INTEGER' && (n < -2147483648 || n > 2147483647)) throw new Error(`"${text}" is out of range for INTEGER`);
      return n;
    }
    case 'DOUBLE':
    case 'FLOAT': {
      const t = text.trim();
      const n = Number(t);
      if (t === '' || Number.isNaN(n)) throw new Error(`"${text}" is not a valid ${type}`);
      return n;
    }
    case 'OM': {
      try {
        return parseXml(text).documentElement;
      } catch (e) {
        throw new Error(`"${text.slice(0, 80)}" is not XML: ${(e as Error).message}`);
      }
    }
    case 'JSON': {
      try {
        return new JsonValue(JSON.parse(text));
      } catch {
        // W retries with the text as a JSON string, so `abc` becomes "abc"
        return new JsonValue(text);
      }
    }
  }
}

export const propertyMediator: MediatorDef<PropertyNode> = {
  element: 'property',
  read(el, r) {
    r.checkAttributes(el, ['name', 'value', 'expression', 'type', 'scope', 'action', 'pattern', 'group']);
    const name = r.requireAttr(el, 'name');
    if (name === undefined) return undefined;
    const action = r.enumAttr(el, 'action', ['set', 'remove'] as const, 'set')!;
    const scope = r.enumAttr(el, 'scope', SCOPES, 'default')!;
    if (scope === 'registry' || scope === 'system') {
      r.error('AXON_CFG_UNSUPPORTED_ELEMENT', `property scope "${scope}" is not supported by Axon`, r.attrNode(el, 'scope'));
    }
    const type = r.enumAttr(el, 'type', PROPERTY_TYPES, 'STRING', true)!;
    const node: PropertyNode = { kind: 'property', name, action, scope, type, group: 0, pos: r.pos(el) };
    if (name.startsWith('{') && name.endsWith('}') && !name.startsWith('{{')) {
      node.dynamicName = r.expression(name.slice(1, -1), el, 'name');
    }
    const value = r.attr(el, 'value');
    const expression = r.attr(el, 'expression');
    const inline = childElements(el)[0];
    if (action === 'set') {
      if (value !== undefined) {
        try {
          node.value = convertType(value, type);
        } catch (e) {
          r.error('AXON_CFG_BAD_VALUE', (e as Error).message, r.attrNode(el, 'value'));
        }
      } else if (inline) {
        node.inline = inline;
      } else if (expression !== undefined) {
        node.expression = r.expression(expression, el, 'expression');
      } else {
        r.error('AXON_CFG_MISSING_ATTRIBUTE', `<property name="${name}"> needs a value, an expression or an inline XML child`, el);
      }
    }
    const pattern = r.attr(el, 'pattern');
    const group = r.attr(el, 'group');
    if (pattern !== undefined) node.pattern = r.regex(pattern, el, 'pattern');
    if (group !== undefined) {
      if (pattern === undefined) r.error('AXON_CFG_CONFLICT', '"group" needs "pattern"', r.attrNode(el, 'group'));
      const g = Number(group);
      if (!Number.isInteger(g) || g < 0) r.error('AXON_CFG_BAD_VALUE', `"group" must be a non-negative integer, not "${group}"`, r.attrNode(el, 'group'));
      else node.group = g;
    }
    return node;
  },

  readsBody(node, c) {
    return (!!node.expression && c.expr(node.expression).readsBody) || (!!node.dynamicName && c.expr(node.dynamicName).readsBody);
  },

  compile(node, c) {
    const nameOf = nameResolver(node, c.expr.bind(c));
    const scope = node.scope;
    if (scope === 'trace' || scope === 'analytics') return () => true;
    if (node.action === 'remove') {
      return (mc) => {
        removeProperty(mc, scope, nameOf(mc));
        return true;
      };
    }
    const valueOf = valueResolver(node, node.expression ? c.expr(node.expression) : undefined);
    return (mc) => {
      const v = valueOf(mc);
      setProperty(mc, scope, nameOf(mc), v);
      return true;
    };
  },
};

function nameResolver(node: PropertyNode, expr: (n: ExprNode) => CompiledExpression): (mc: MessageContext) => string {
  if (!node.dynamicName) {
    const n = node.name.startsWith('{{') ? node.name.slice(1, -1) : node.name;
    return () => n;
  }
  const e = expr(node.dynamicName);
  return (mc) => e.stringValue(mc) ?? '';
}

function valueResolver(node: PropertyNode, expr: CompiledExpression | undefined): (mc: MessageContext) => unknown {
  if (node.value !== undefined) {
    const v = node.value;
    return () => v;
  }
  if (node.inline) {
    const el = node.inline;
    return () => el.cloneNode(true);
  }
  const e = expr! as CompiledSynapseExpression;
  const type = node.type;
  const pattern = node.pattern !== undefined ? compileJavaRegex(node.pattern) : undefined;
  const group = node.group;
  // A bare property read keeps typed values (an XML element, a JSON value) as W stores the
  // evaluated object; everything else becomes Synapse's string value. One evaluation each.
  const keepTyped = type === 'STRING' && !pattern && e.kind === 'fast';
  return (mc) => {
    let s: string | null;
    if (keepTyped) {
      const raw = e.evaluate(mc);
      if (raw === null || raw === undefined) return null;
      if (raw instanceof JsonValue || isXmlNode(raw)) return raw;
      s = rawStringValue(raw, e.source);
    } else {
      s = e.stringValue(mc);
    }
    if (s === null) return null;
    if (pattern && pattern.ok) {
      const m = pattern.match(s);
      s = m ? (m[group] ?? '') : '';
    }
    if (type === 'STRING') return s;
    try {
      return convertType(s, type);
    } catch (err) {
      throw new MediationError('AXON_MED_FAILED', `property "${node.name}": ${(err as Error).message}`);
    }
  };
}

/** Store a value in a scope with Synapse's side effects (null is never stored). */
export function setProperty(mc: MessageContext, scope: PropertyScope, name: string, v: unknown): void {
  switch (scope) {
    case 'default':
      if (v === null || v === undefined) return;
      mc.props.set(name, v);
      return;
    case 'transport': {
      const s = v === null || v === undefined ? '' : String(v);
      if (!isValidHeaderValue(s)) {
        throw new MediationError('AXON_MED_BAD_HEADER_VALUE', `the value for header "${name}" contains characters not allowed in HTTP`);
      }
      mc.headers.set(name, s);
      return;
    }
    case 'axis2':
    case 'axis2-client':
      if (v === null || v === undefined) return;
      mc.axis2.set(name, v);
      if (name === 'messageType') {
        // W: messageType also rewrites ContentType and the Content-Type header
        const s = String(v);
        if (!isValidHeaderValue(s)) throw new MediationError('AXON_MED_BAD_HEADER_VALUE', 'messageType contains characters not allowed in HTTP');
        mc.axis2.set('ContentType', s);
        mc.headers.set('Content-Type', s);
      }
      return;
    case 'operation':
      if (v === null || v === undefined) return;
      mc.operation.set(name, v);
      return;
    default:
      return;
  }
}

export function removeProperty(mc: MessageContext, scope: PropertyScope, name: string): void {
  switch (scope) {
    case 'default':
      mc.props.delete(name);
      return;
    case 'transport':
      mc.headers.delete(name);
      return;
    case 'axis2':
    case 'axis2-client':
      if (name === 'TRANSPORT_HEADERS') mc.headers.clear();
      mc.axis2.delete(name);
      return;
    case 'operation':
      mc.operation.delete(name);
      return;
    default:
      return;
  }
}

// Mediator <enrich>: copy (or move) a piece of the message, a property or an inline value into
// another place of the message or into a property (synapse-semantics §5.11).
//   <enrich>
//     <source [type="custom|envelope|body|property|inline"] [clone="true|false"]
//             [xpath="xpath|json-eval(..)"] [property="name"] [key="localEntryKey"]> [inline XML | JSON text] </source>
//     <target [type="custom|envelope|body|property"] [action="replace|child|sibling"]
//             [xpath="xpath|json-eval(..)"] [property="name"]/>
//   </enrich>
// Defaults: source custom (xpath required) with clone="true"; target custom with action replace.
// Rejected at load, as Synapse does: envelope -> custom/envelope/body, body -> envelope/body,
// custom -> envelope, an inline target, an envelope target with an action other than replace.
//
// Two ways of running, chosen as WSO2 Synapse chooses them:
// * JSON-native, when the message carries a JSON payload, no side is XML-specific (every custom
//   side is a json-eval(...) path, no envelope, inline content is JSON, the source property does
//   not hold XML): the payload is edited as JSON (mc.json() / payload.setJson()).
//   json-eval targets must be definite paths: $, $.a, $.a.b, $['a'], $["a"], $.a[0], $[0],
//   $.a[-1] (any mix). replace sets the value there (a missing last key of an existing object is
//   created; anything else missing is an error); child appends to an array or merges an object
//   into an object. json-eval sources may use any JSONPath the expression engine evaluates
//   (definite ones are read directly); clone="false" (remove from the payload) needs a definite path.
// * XML, otherwise: XPath over the SOAP envelope (JSON payloads appear as their jsonObject view),
//   after which the edited envelope is the payload. Synapse's quirks kept: a text source replaces
//   the *content* of a target element; child/sibling insert elements only (several siblings land
//   in reverse order); a property target stores the node list itself (XPath reads it back as a
//   node-set); a custom target written as get-property('[scope',] 'name') enriches that property;
//   text holding a JSON object/array sent to the body becomes the JSON payload (Axon does this
//   for an empty body too, where Synapse only logs an error).

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode, ReadContext } from '../../config/read-context.js';
import { MediationError } from '../../errors/codes.js';
import { createEnvelope, firstBodyElement, envelopeBody, isSoapEnvelope, soapVersionOf } from '../../expr/soap.js';
import { JsonValue, type CompiledExpression } from '../../expr/types.js';
import type { Logger } from '../../runtime/logger.js';
import type { MessageContext } from '../../runtime/message-context.js';
import {
  ATTRIBUTE_NODE,
  CDATA_SECTION_NODE,
  DOCUMENT_NODE,
  ELEMENT_NODE,
  TEXT_NODE,
  childElements,
  directText,
  parseXml,
  serializeXml,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
} from '../../xml/parse.js';
import type { CompileContext, MediatorDef } from '../types.js';

const SOURCE_TYPES = ['custom', 'envelope', 'body', 'property', 'inline'] as const;
const TARGET_TYPES = ['custom', 'envelope', 'body', 'property'] as const;
const ACTIONS = ['replace', 'child', 'sibling'] as const;

type SourceType = (typeof SOURCE_TYPES)[number];
type TargetType = (typeof TARGET_TYPES)[number];
type Action = (typeof ACTIONS)[number];

/** One step of a definite JSONPath: an object key or an array index (negative counts from the end). */
export type PathToken = string | number;

export interface EnrichSourceNode {
  type: SourceType;
  clone: boolean;
  xpath?: ExprNode;
  /** For a json-eval(...) xpath that is a definite path. */
  jsonPath?: PathToken[];
  /** The xpath is json-eval(...). */
  isJson: boolean;
  property?: string;
  inlineXml?: XmlElement;
  inlineText?: string;
  key?: string;
}

export interface EnrichTargetNode {
  type: TargetType;
  action: Action;
  xpath?: ExprNode;
  jsonPath?: PathToken[];
  isJson: boolean;
  property?: string;
  /** A custom xpath written as get-property('[scope',] 'name'): Synapse enriches that property. */
  propertyRef?: { scope: 'default' | 'axis2' | 'operation'; name: string };
}

export interface EnrichNode extends MediatorNode {
  kind: 'enrich';
  source: EnrichSourceNode;
  target: EnrichTargetNode;
  /** No side is XML-specific (decided at load; inline key content is checked at compile). */
  nativeJson: boolean;
}

export const enrichMediator: MediatorDef<EnrichNode> = {
  element: 'enrich',
  read(el, r) {
    r.checkAttributes(el, []);
    r.checkChildren(el, ['source', 'target']);
    const sEl = r.child(el, 'source');
    const tEl = r.child(el, 'target');
    if (!sEl) r.error('AXON_CFG_MISSING_ELEMENT', '<enrich> needs a <source>', el);
    if (!tEl) r.error('AXON_CFG_MISSING_ELEMENT', '<enrich> needs a <target>', el);
    if (!sEl || !tEl) return undefined;
    const source = readSource(sEl, r);
    const target = readTarget(tEl, r);
    if (!source || !target) return undefined;

    // the combinations Synapse refuses
    const s = source.type;
    const t = target.type;
    if ((s === 'envelope' && (t === 'custom' || t === 'envelope' || t === 'body')) || (s === 'body' && (t === 'envelope' || t === 'body')) || (s === 'custom' && t === 'envelope')) {
      r.error('AXON_CFG_CONFLICT', `<enrich> cannot take a ${s} source into a ${t} target`, tEl);
      return undefined;
    }
    // one side XPath, the other JSONPath: neither Synapse mode can run it
    const sideKinds = [source.type === 'custom' ? source.isJson : undefined, target.type === 'custom' ? target.isJson : undefined].filter(
      (x) => x !== undefined,
    );
    if (sideKinds.length === 2 && sideKinds[0] !== sideKinds[1]) {
      r.error('AXON_CFG_CONFLICT', '<enrich> cannot mix an XPath and a json-eval(...) path; use json-eval on both sides or XPath on both', tEl);
      return undefined;
    }
    if (target.isJson && source.inlineXml) {
      r.error('AXON_CFG_CONFLICT', 'an inline XML source cannot go to a json-eval(...) target', sEl);
      return undefined;
    }
    const nativeJson =
      !source.inlineXml &&
      s !== 'envelope' &&
      t !== 'envelope' &&
      (s !== 'custom' || source.isJson) &&
      (t !== 'custom' || target.isJson);
    return { kind: 'enrich', source, target, nativeJson, pos: r.pos(el) };
  },

  readsBody(node, c) {
    const s = node.source;
    const t = node.target;
    if (t.type === 'custom' && !t.propertyRef) return true;
    if (t.type === 'body' || t.type === 'envelope') return true;
    if (s.type === 'body' || s.type === 'envelope') return true;
    if (s.type === 'custom') return !s.clone || c.expr(s.xpath!).readsBody;
    return !!t.xpath && c.expr(t.xpath).readsBody;
  },

  compile(node, c) {
    return compileEnrich(node, c);
  },
};

// --- read ----------------------------------------------------------------------------------------

function readSource(el: XmlElement, r: ReadContext): EnrichSourceNode | undefined {
  r.checkAttributes(el, ['type', 'clone', 'xpath', 'property', 'key']);
  const type = r.enumAttr(el, 'type', SOURCE_TYPES, 'custom')!;
  const clone = r.boolAttr(el, 'clone', true);
  const src: EnrichSourceNode = { type, clone, isJson: false };
  switch (type) {
    case 'custom': {
      const x = r.requireAttr(el, 'xpath');
      if (x === undefined) return undefined;
      const e = r.expression(x, el, 'xpath');
      if (!e) return undefined;
      src.xpath = e;
      if (isJsonEval(x)) {
        src.isJson = true;
        const p = parseDefinitePath(x);
        if (p) src.jsonPath = p;
        else if (!clone) {
          r.error('AXON_CFG_UNSUPPORTED_ELEMENT', `clone="false" with a json-eval source needs a definite path ($.a.b, $.a[0]), not ${x}`, r.attrNode(el, 'clone'));
          return undefined;
        }
      }
      return src;
    }
    case 'property': {
      const p = r.requireAttr(el, 'property');
      if (p === undefined) return undefined;
      src.property = p;
      return src;
    }
    case 'inline': {
      const first = childElements(el)[0];
      const text = directText(el);
      const key = r.attr(el, 'key');
      if (first) src.inlineXml = first;
      else if (text.trim() !== '') src.inlineText = text;
      else if (key !== undefined && key.trim() !== '') src.key = key.trim();
      else {
        r.error('AXON_CFG_MISSING_ELEMENT', 'an inline <source> needs inline XML, JSON text or a key', el);
        return undefined;
      }
      return src;
    }
    default:
      return src;
  }
}

function readTarget(el: XmlElement, r: ReadContext): EnrichTargetNode | undefined {
  r.checkAttributes(el, ['type', 'action', 'xpath', 'property']);
  const rawType = r.attr(el, 'type')?.trim();
  if (rawType === 'inline') {
    r.error('AXON_CFG_BAD_VALUE', 'inline is not a valid <target> type', r.attrNode(el, 'type'));
    return undefined;
  }
  if (rawType === 'key' || rawType === 'variable') {
    r.error('AXON_CFG_UNSUPPORTED_ELEMENT', `the enrich target type "${rawType}" is not supported by Axon`, r.attrNode(el, 'type'));
    return undefined;
  }
  if (r.attr(el, 'action')?.trim() === 'remove') {
    r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'the enrich action "remove" is not supported by Axon', r.attrNode(el, 'action'));
    return undefined;
  }
  const type = r.enumAttr(el, 'type', TARGET_TYPES, 'custom')!;
  const action = r.enumAttr(el, 'action', ACTIONS, 'replace')!;
  if (type === 'envelope' && action !== 'replace') {
    r.error('AXON_CFG_BAD_VALUE', 'an envelope target only takes action="replace"', r.attrNode(el, 'action'));
    return undefined;
  }
  const tgt: EnrichTargetNode = { type, action, isJson: false };
  if (type === 'custom') {
    const x = r.requireAttr(el, 'xpath');
    if (x === undefined) return undefined;
    const e = r.expression(x, el, 'xpath');
    if (!e) return undefined;
    tgt.xpath = e;
    if (isJsonEval(x)) {
      tgt.isJson = true;
      const p = parseDefinitePath(x);
      if (!p) {
        r.error(
          'AXON_CFG_UNSUPPORTED_ELEMENT',
          `an enrich json-eval target must be a definite path ($, $.a.b, $['a'], $.a[0]), not ${x}`,
          r.attrNode(el, 'xpath'),
        );
        return undefined;
      }
      if (p.length === 0 && action === 'replace') {
        r.error('AXON_CFG_BAD_VALUE', 'replace on the root path is not supported for a custom target; use type="body"', r.attrNode(el, 'xpath'));
        return undefined;
      }
      if (action === 'sibling') {
        r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'action="sibling" is not supported with a json-eval target; use action="child"', r.attrNode(el, 'action'));
        return undefined;
      }
      tgt.jsonPath = p;
    } else {
      const ref = getPropertyRef(x);
      if (ref) tgt.propertyRef = ref;
    }
  } else if (type === 'property') {
    const p = r.requireAttr(el, 'property');
    if (p === undefined) return undefined;
    tgt.property = p;
  }
  return tgt;
}

function isJsonEval(x: string): boolean {
  return x.trim().startsWith('json-eval(');
}

/**
 * The tokens of a definite JSONPath inside json-eval(...): `$`, `.name`, `['name']`, `["name"]`,
 * `[n]`. Anything else (wildcards, deep scan, filters, slices, unions, $ctx: paths) gives undefined.
 */
export function parseDefinitePath(expr: string): PathToken[] | undefined {
  let s = expr.trim();
  if (s.startsWith('json-eval(')) {
    if (!s.endsWith(')')) return undefined;
    s = s.slice('json-eval('.length, -1).trim();
  }
  if (!s.startsWith('$')) return undefined;
  const out: PathToken[] = [];
  let i = 1;
  while (i < s.length) {
    const ch = s[i];
    if (ch === '.') {
      if (s[i + 1] === '.') return undefined;
      i++;
      if (i === s.length) {
        // "$." is Synapse's spelling of the root
        if (out.length === 0) break;
        return undefined;
      }
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      const name = s.slice(i, j).trim();
      if (name === '' || name === '*' || /[()?@,:]/.test(name)) return undefined;
      out.push(name);
      i = j;
    } else if (ch === '[') {
      const q = s[i + 1];
      if (q === "'" || q === '"') {
        const end = s.indexOf(q, i + 2);
        if (end < 0 || s[end + 1] !== ']') return undefined;
        out.push(s.slice(i + 2, end));
        i = end + 2;
      } else {
        const end = s.indexOf(']', i);
        if (end < 0) return undefined;
        const body = s.slice(i + 1, end).trim();
        if (!/^-?\d+$/.test(body)) return undefined;
        out.push(Number(body));
        i = end + 1;
      }
    } else {
      return undefined;
    }
  }
  return out;
}

/** get-property('name') or get-property('scope', 'name') used as a target xpath. */
function getPropertyRef(x: string): EnrichTargetNode['propertyRef'] {
  const m = /^\s*get-property\(\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)\s*$/.exec(x);
  if (!m) return undefined;
  if (m[2] === undefined) return { scope: 'default', name: m[1]! };
  const scope = m[1]!;
  if (scope !== 'default' && scope !== 'axis2' && scope !== 'operation') return undefined;
  return { scope, name: m[2] };
}

// --- compile ---------------------------------------------------------------------------------------

/** A document to create detached text nodes in when the message's own is not needed. */
const SCRATCH: XmlDocument = createEnvelope('soap11');

interface Compiled {
  node: EnrichNode;
  sourceExpr: CompiledExpression | undefined;
  targetExpr: CompiledExpression | undefined;
  /** A local entry resolved at compile time (inline key=). */
  keyEntry: unknown;
  logger: Logger;
}

function compileEnrich(node: EnrichNode, c: CompileContext): (mc: MessageContext) => boolean {
  let keyEntry: unknown;
  let nativeJson = node.nativeJson;
  if (node.source.key !== undefined) {
    keyEntry = c.localEntry(node.source.key);
    if (keyEntry === undefined || keyEntry === null) throw new Error(`enrich source key "${node.source.key}" names no local entry`);
    if (isXmlNode(keyEntry)) nativeJson = false;
  }
  const k: Compiled = {
    node,
    sourceExpr: node.source.xpath ? c.expr(node.source.xpath) : undefined,
    targetExpr: node.target.xpath && !node.target.propertyRef ? c.expr(node.target.xpath) : undefined,
    keyEntry,
    logger: c.logger,
  };
  return (mc) => {
    if (nativeJson && mc.payload.kind === 'json') {
      const src = jsonSourceValue(k, mc);
      if (src.xml !== true) {
        enrichJson(k, mc, src);
        dropNoEntityBody(node, mc);
        return true;
      }
    }
    if (node.source.isJson || node.target.isJson) {
      throw new MediationError('AXON_MED_FAILED', 'enrich with a json-eval(...) path needs a JSON payload (and a source that is not XML)');
    }
    enrichXml(k, mc);
    dropNoEntityBody(node, mc);
    return true;
  };
}

function dropNoEntityBody(node: EnrichNode, mc: MessageContext): void {
  // a body written by enrich must go out even on a GET (W)
  if (node.target.type === 'body' || node.target.type === 'envelope') mc.axis2.delete('NO_ENTITY_BODY');
}

function logError(k: Compiled, mc: MessageContext, msg: string): void {
  k.logger.log('error', `enrich: ${msg}`, { category: 'mediator.enrich', messageId: mc.id });
}

// --- JSON-native mode -------------------------------------------------------------------------------

/** The source as JSON, or `xml: true` when the source property holds XML (then XML mode runs). */
interface JsonSource {
  xml?: true;
  value?: unknown;
}

function jsonSourceValue(k: Compiled, mc: MessageContext): JsonSource {
  const s = k.node.source;
  switch (s.type) {
    case 'property': {
      const v = mc.props.get(s.property!);
      const j = propertyAsJson(v);
      if (j === XML) return { xml: true };
      if (j === MISSING) throw new MediationError('AXON_MED_FAILED', `enrich: the source property "${s.property}" is not set`);
      return { value: j };
    }
    case 'inline': {
      if (s.inlineText !== undefined) return { value: textAsJson(s.inlineText) };
      const e = k.keyEntry;
      if (typeof e === 'string') return { value: textAsJson(e) };
      return { xml: true };
    }
    case 'body':
      return { value: clone(mc.json() ?? null) };
    case 'custom':
      // read (and possibly removed) in enrichJson, which owns the payload root
      return {};
    default:
      return { xml: true };
  }
}

const XML = Symbol('xml');
const MISSING = Symbol('missing');

/** A property value seen by JSON enrich: JSON values, JSON text, or XML (which forces XML mode). */
function propertyAsJson(v: unknown): unknown {
  if (v === undefined || v === null) return MISSING;
  if (v instanceof JsonValue) return clone(v.value);
  if (typeof v === 'string') return textAsJson(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    // a node list stored by an XML enrich: JSON only when it is text holding an object or array
    let text = '';
    for (const n of v) {
      if (!isXmlNode(n) || (n.nodeType !== TEXT_NODE && n.nodeType !== CDATA_SECTION_NODE)) return XML;
      text += n.nodeValue ?? '';
    }
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null ? parsed : XML;
    } catch {
      return XML;
    }
  }
  if (isXmlNode(v)) return XML;
  return MISSING;
}

/** Text as JSON; text that is not JSON is a JSON string (Synapse quotes it and parses again). */
function textAsJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function enrichJson(k: Compiled, mc: MessageContext, src: JsonSource): void {
  const s = k.node.source;
  const t = k.node.target;
  // the payload is read only when a side is in it (a property-to-property enrich needs no body)
  let root: unknown = s.type === 'custom' || t.type !== 'property' ? (mc.json() ?? null) : null;
  let payloadChanged = false;
  let value = src.value;

  if (s.type === 'custom') {
    if (s.jsonPath) {
      const found = getAt(root, s.jsonPath);
      if (!found.found) throw new MediationError('AXON_MED_FAILED', `enrich: the source path ${k.sourceExpr!.source} does not exist in the payload`);
      value = clone(found.value);
      if (!s.clone) {
        // clone="false" moves the value: it leaves its old place
        root = deleteAt(root, s.jsonPath);
        payloadChanged = true;
      }
    } else {
      value = jsonResult(k.sourceExpr!.evaluate(mc));
      if (value === undefined) throw new MediationError('AXON_MED_FAILED', `enrich: the source path ${k.sourceExpr!.source} selected nothing`);
    }
  }

  switch (t.type) {
    case 'custom': {
      const path = t.jsonPath!;
      if (t.action === 'replace') {
        root = setAt(root, path, value, k.targetExpr!.source);
        payloadChanged = true;
      } else {
        // child: append to an array, or merge an object into an object
        const found = getAt(root, path);
        if (!found.found) throw new MediationError('AXON_MED_FAILED', `enrich: the target path ${k.targetExpr!.source} does not exist in the payload`);
        if (appendChild(found.value, value)) payloadChanged = true;
        else logError(k, mc, `cannot add a child to ${k.targetExpr!.source}: it is not an array, or not an object merged with an object`);
      }
      break;
    }
    case 'body': {
      if (t.action !== 'replace') {
        logError(k, mc, `action "${t.action}" is not supported for a body target with a JSON payload; only replace`);
        break;
      }
      if (typeof value === 'object' && value !== null) {
        root = value;
        payloadChanged = true;
      } else {
        logError(k, mc, 'only a JSON object or array can become the body');
      }
      break;
    }
    case 'property': {
      const name = t.property!;
      if (t.action === 'replace') {
        mc.props.set(name, new JsonValue(value));
      } else if (t.action === 'child') {
        const current = propertyAsJson(mc.props.get(name));
        if (Array.isArray(current)) {
          current.push(value);
          mc.props.set(name, new JsonValue(current));
        } else if (current === MISSING) {
          logError(k, mc, `cannot find the property "${name}" to add a child to`);
        } else {
          logError(k, mc, `cannot add a child to the property "${name}": it is not a JSON array`);
        }
      } else {
        logError(k, mc, 'action "sibling" is not supported when enriching properties with JSON');
      }
      break;
    }
    default:
      break;
  }
  if (payloadChanged) mc.payload.setJson(root);
}

/** A json-eval result as a JSON value. */
function jsonResult(r: unknown): unknown {
  if (r instanceof JsonValue) return clone(r.value);
  // json-eval gives "" for a path that found nothing (and primitives as their text)
  if (r === undefined || r === '') return undefined;
  if (typeof r === 'string') return r;
  if (Array.isArray(r) && r.some(isXmlNode)) return undefined;
  return clone(r);
}

function clone<T>(v: T): T {
  return v === null || typeof v !== 'object' ? v : structuredClone(v);
}

function own(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Set a key without letting "__proto__" and friends reach the prototype. */
function defineKey(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}

function step(container: unknown, token: PathToken): { found: boolean; value?: unknown } {
  if (typeof token === 'number') {
    if (!Array.isArray(container)) return { found: false };
    const i = token < 0 ? container.length + token : token;
    return i >= 0 && i < container.length ? { found: true, value: container[i] } : { found: false };
  }
  if (typeof container !== 'object' || container === null || Array.isArray(container)) return { found: false };
  return own(container, token) ? { found: true, value: (container as Record<string, unknown>)[token] } : { found: false };
}

export function getAt(root: unknown, path: readonly PathToken[]): { found: boolean; value?: unknown } {
  let cur: { found: boolean; value?: unknown } = { found: true, value: root };
  for (const t of path) {
    cur = step(cur.value, t);
    if (!cur.found) return cur;
  }
  return cur;
}

/** Set `value` at `path`, returning the (possibly new) root. */
export function setAt(root: unknown, path: readonly PathToken[], value: unknown, shown: string): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (!parent.found) throw new MediationError('AXON_MED_FAILED', `enrich: the target path ${shown} does not exist in the payload`);
  const p = parent.value;
  if (typeof last === 'number') {
    if (!Array.isArray(p)) throw new MediationError('AXON_MED_FAILED', `enrich: ${shown} indexes something that is not an array`);
    const i = last < 0 ? p.length + last : last;
    if (i < 0 || i >= p.length) throw new MediationError('AXON_MED_FAILED', `enrich: the index in ${shown} is outside the array`);
    p[i] = value;
    return root;
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw new MediationError('AXON_MED_FAILED', `enrich: ${shown} names a key of something that is not an object`);
  }
  // the last key may be new (Synapse's set adds it to an existing object)
  defineKey(p as Record<string, unknown>, last, value);
  return root;
}

export function deleteAt(root: unknown, path: readonly PathToken[]): unknown {
  if (path.length === 0) return null;
  const parent = getAt(root, path.slice(0, -1));
  if (!parent.found) return root;
  const p = parent.value;
  const last = path[path.length - 1]!;
  if (typeof last === 'number' && Array.isArray(p)) {
    const i = last < 0 ? p.length + last : last;
    if (i >= 0 && i < p.length) p.splice(i, 1);
  } else if (typeof last === 'string' && typeof p === 'object' && p !== null && !Array.isArray(p) && own(p, last)) {
    delete (p as Record<string, unknown>)[last];
  }
  return root;
}

function appendChild(receiver: unknown, value: unknown): boolean {
  if (Array.isArray(receiver)) {
    receiver.push(value);
    return true;
  }
  if (isPlainObject(receiver) && isPlainObject(value)) {
    for (const key of Object.keys(value)) defineKey(receiver, key, value[key]);
    return true;
  }
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// --- XML mode -----------------------------------------------------------------------------------------

function isXmlNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && typeof (v as { nodeType?: unknown }).nodeType === 'number';
}

function enrichXml(k: Compiled, mc: MessageContext): void {
  const s = k.node.source;
  const t = k.node.target;
  // writes: the envelope DOM becomes the payload afterwards; reads alone keep the original bytes
  const writesPayload = (t.type !== 'property' && !t.propertyRef) || (!s.clone && (s.type === 'body' || s.type === 'envelope' || s.type === 'custom'));
  const readsPayload = writesPayload || s.type === 'body' || s.type === 'envelope';
  const doc = readsPayload ? mc.envelope() : SCRATCH;
  const sources = xmlSources(k, mc, doc);

  switch (t.type) {
    case 'custom':
      if (t.propertyRef) enrichPropertyRef(k, mc, sources);
      else insertCustom(k, mc, doc, sources);
      break;
    case 'body':
      insertBody(k, mc, doc, sources);
      break;
    case 'envelope':
      replaceEnvelope(mc, sources);
      return;
    case 'property':
      insertProperty(k, mc, t.property!, sources);
      break;
  }
  if (writesPayload) mc.payload.envelopeChanged();
}

function textNode(doc: XmlDocument, s: string): XmlNode {
  return doc.createTextNode(s) as unknown as XmlNode;
}

/** The source nodes (copies when clone="true"). */
function xmlSources(k: Compiled, mc: MessageContext, doc: XmlDocument): XmlNode[] {
  const s = k.node.source;
  const cl = s.clone;
  switch (s.type) {
    case 'custom': {
      const r = k.sourceExpr!.evaluate(mc);
      const out: XmlNode[] = [];
      const items: unknown[] = Array.isArray(r) ? r : r === null || r === undefined ? [] : [r];
      for (const o of items) {
        if (isXmlNode(o)) {
          switch (o.nodeType) {
            case ELEMENT_NODE:
              out.push(cl ? o.cloneNode(true) : o);
              break;
            case TEXT_NODE:
            case CDATA_SECTION_NODE:
              out.push(cl ? textNode(doc, o.nodeValue ?? '') : o);
              break;
            case ATTRIBUTE_NODE:
              out.push(textNode(doc, (o as unknown as { value: string }).value ?? ''));
              break;
            case DOCUMENT_NODE: {
              const root = (o as XmlDocument).documentElement;
              if (root) out.push(cl ? root.cloneNode(true) : root);
              break;
            }
            default:
              break;
          }
        } else if (!Array.isArray(r)) {
          // a string, number or boolean result becomes text
          const sv = k.sourceExpr!.stringValue(mc);
          if (sv !== null) out.push(textNode(doc, sv));
        }
      }
      if (out.length === 0) logError(k, mc, `the source ${k.sourceExpr!.source} selected nothing`);
      return out;
    }
    case 'body': {
      const first = firstBodyElement(doc);
      return first ? [cl ? first.cloneNode(true) : first] : [];
    }
    case 'envelope': {
      const root = doc.documentElement!;
      return [cl ? root.cloneNode(true) : root];
    }
    case 'property': {
      const v = mc.props.get(s.property!);
      const out = propertyNodes(v, cl, doc);
      if (out === undefined) {
        logError(k, mc, `the source property "${s.property}" is not set`);
        return [];
      }
      return out;
    }
    case 'inline': {
      if (s.inlineXml) return [s.inlineXml.cloneNode(true)];
      if (s.inlineText !== undefined) return [textNode(doc, s.inlineText)];
      const e = k.keyEntry;
      if (isXmlNode(e)) return [e.cloneNode(true)];
      return [textNode(doc, String(e))];
    }
  }
}

function propertyNodes(v: unknown, cl: boolean, doc: XmlDocument): XmlNode[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [textNode(doc, v)];
  if (v instanceof JsonValue) return [textNode(doc, v.toString())];
  if (typeof v === 'number' || typeof v === 'boolean') return [textNode(doc, String(v))];
  if (isXmlNode(v)) {
    const n = v.nodeType === DOCUMENT_NODE ? (v as XmlDocument).documentElement : v;
    return n ? [cl ? n.cloneNode(true) : n] : [];
  }
  if (Array.isArray(v)) {
    const out: XmlNode[] = [];
    for (const n of v) {
      if (!isXmlNode(n)) continue;
      const m = n.nodeType === DOCUMENT_NODE ? (n as XmlDocument).documentElement : n;
      if (m) out.push(cl ? m.cloneNode(true) : m);
    }
    return out;
  }
  return undefined;
}

/** A node ready to go into `doc`: nodes of other documents are copied in. */
function adopt(n: XmlNode, doc: XmlDocument): XmlNode {
  return n.ownerDocument === doc ? n : doc.importNode(n, true);
}

function isElement(n: XmlNode): n is XmlElement {
  return n.nodeType === ELEMENT_NODE;
}

function isText(n: XmlNode): boolean {
  return n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE;
}

function setText(e: XmlElement, text: string): void {
  while (e.firstChild) e.removeChild(e.firstChild);
  e.appendChild(e.ownerDocument!.createTextNode(text));
}

/**
 * Synapse's insertion at an element: replace puts the source elements in its place (a text
 * source replaces its content instead), child appends elements, sibling puts each element
 * directly after it (so several land in reverse order, as in Synapse).
 */
function insertAt(sources: readonly XmlNode[], e: XmlElement, action: Action): void {
  const doc = e.ownerDocument!;
  const parent = e.parentNode;
  if (action === 'replace') {
    let inserted = false;
    for (const s of sources) {
      if (isElement(s)) {
        if (!parent) throw new MediationError('AXON_MED_FAILED', 'enrich: the target element has no parent to replace it in');
        parent.insertBefore(adopt(s, doc), e);
        inserted = true;
      } else if (isText(s)) {
        setText(e, s.nodeValue ?? '');
      }
    }
    if (inserted) parent!.removeChild(e);
  } else if (action === 'child') {
    for (const s of sources) if (isElement(s)) e.appendChild(adopt(s, doc));
  } else {
    if (!parent) throw new MediationError('AXON_MED_FAILED', 'enrich: the target element has no parent to add a sibling in');
    for (const s of sources) if (isElement(s)) parent.insertBefore(adopt(s, doc), e.nextSibling);
  }
}

function firstNode(r: unknown): unknown {
  if (Array.isArray(r)) return r[0];
  return r;
}

function insertCustom(k: Compiled, mc: MessageContext, doc: XmlDocument, sources: XmlNode[]): void {
  if (sources.length === 0) {
    logError(k, mc, 'cannot enrich the message from an empty source');
    return;
  }
  const target = firstNode(k.targetExpr!.evaluate(mc));
  if (!isXmlNode(target)) throw new MediationError('AXON_MED_FAILED', `enrich: the target ${k.targetExpr!.source} selected nothing to enrich`);
  const first = sources[0]!;
  switch (target.nodeType) {
    case ELEMENT_NODE:
      insertAt(sources, target as XmlElement, k.node.target.action);
      return;
    case TEXT_NODE:
    case CDATA_SECTION_NODE: {
      const parent = target.parentNode;
      if (!parent || parent.nodeType !== ELEMENT_NODE) return;
      if (isText(first)) {
        setText(parent as XmlElement, first.nodeValue ?? '');
      } else if (isElement(first)) {
        // a text target is replaced by the (first) element
        parent.removeChild(target);
        parent.appendChild(adopt(first, doc));
      }
      return;
    }
    case ATTRIBUTE_NODE: {
      // an attribute takes the source's text
      const attr = target as unknown as { ownerElement: XmlElement | null; namespaceURI: string | null; name: string };
      const text = isElement(first) ? (first.textContent ?? '') : (first.nodeValue ?? '');
      if (!attr.ownerElement) return;
      if (attr.namespaceURI) attr.ownerElement.setAttributeNS(attr.namespaceURI, attr.name, text);
      else attr.ownerElement.setAttribute(attr.name, text);
      return;
    }
    default:
      throw new MediationError('AXON_MED_FAILED', `enrich: the target ${k.targetExpr!.source} is not an element, text or attribute`);
  }
}

function insertBody(k: Compiled, mc: MessageContext, doc: XmlDocument, sources: XmlNode[]): void {
  const t = k.node.target;
  const first = sources[0];
  // text holding a JSON object or array replaces the body as JSON (W); Axon also does this for
  // an empty body (a GET), where Synapse only logs an error
  if (t.action === 'replace' && first && isText(first)) {
    const json = textAsJson(first.nodeValue ?? '');
    if (typeof json === 'object' && json !== null) {
      mc.payload.setJson(json);
      return;
    }
  }
  const e = firstBodyElement(doc);
  if (e) {
    insertAt(sources, e, t.action);
    return;
  }
  const body = envelopeBody(doc);
  if (!body) throw new MediationError('AXON_MED_FAILED', 'enrich: the message has no SOAP body');
  for (const s of sources) {
    if (isElement(s)) body.appendChild(adopt(s, doc));
    else logError(k, mc, 'only elements can be inserted into an empty body');
  }
}

function replaceEnvelope(mc: MessageContext, sources: XmlNode[]): void {
  const first = sources[0];
  if (!first || !isElement(first) || !isSoapEnvelope(first)) {
    throw new MediationError('AXON_MED_FAILED', 'enrich: a SOAP envelope is expected for an envelope target');
  }
  const env = parseXml(serializeXml(first));
  mc.payload.setEnvelope(env);
  mc.payload.soap = soapVersionOf(env);
}

/** Property target: `child` adds into an element the property holds; otherwise the node list is stored. */
function insertProperty(k: Compiled, mc: MessageContext, name: string, sources: XmlNode[]): void {
  const current = mc.props.get(name);
  if (k.node.target.action === 'child') {
    if (isXmlNode(current) && isElement(current)) {
      insertAt(sources, current, 'child');
      return;
    }
    if (typeof current === 'string' && current.trim().startsWith('<')) {
      let el: XmlElement | undefined;
      try {
        el = parseXml(current).documentElement ?? undefined;
      } catch {
        el = undefined;
      }
      if (el) {
        insertAt(sources, el, 'child');
        // W stores the element's text here; Axon keeps the XML, which is what was enriched
        mc.props.set(name, serializeXml(el));
        return;
      }
    }
  }
  // Synapse stores the node list itself; XPath reads it back as a node-set
  mc.props.set(name, sources);
}

/** A custom target written as get-property(...): enrich the property in that scope. */
function enrichPropertyRef(k: Compiled, mc: MessageContext, sources: XmlNode[]): void {
  const ref = k.node.target.propertyRef!;
  const store = ref.scope === 'default' ? mc.props : ref.scope === 'axis2' ? mc.axis2 : mc.operation;
  const current = store.get(ref.name);
  if (isXmlNode(current) && isElement(current) && k.node.target.action === 'child') {
    const copy = current.cloneNode(true) as XmlElement;
    insertAt(sources, copy, 'child');
    store.set(ref.name, copy);
    return;
  }
  store.set(ref.name, sources);
}

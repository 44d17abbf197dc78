// Mediator <payloadFactory>: build a new payload from a template whose $1, $2, ... placeholders
// are replaced by argument values, then make it the message body (synapse-semantics §5.10,
// trap 25, conformance CT-34/CT-35).
//   <payloadFactory [media-type="xml|json|text"] [template-type="default"] [escapeXmlChars="bool"]>
//     <format [key="localEntryKey"]> template (inline XML for xml, text/CDATA for json and text) </format>
//     <args>
//       <arg (value="literal" | expression="xpath|json-eval(..)" [evaluator="xml|json"]) [literal="bool"]/>*
//     </args>
//   </payloadFactory>
//
// The template is split into literal segments and placeholders once, at compile time. Per
// message only the arguments are evaluated and concatenated with the segments.

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode, ReadContext } from '../../config/read-context.js';
import { MediationError } from '../../errors/codes.js';
import { jsonToXml, xmlToJson } from '../../expr/json-xml.js';
import { createEnvelope, isSoapEnvelope, soapVersionOf } from '../../expr/soap.js';
import type { CompiledExpression } from '../../expr/types.js';
import type { MessageContext } from '../../runtime/message-context.js';
import { checkJsonDepth, mediaType as mediaTypeOf } from '../../runtime/payload.js';
import {
  CDATA_SECTION_NODE,
  ELEMENT_NODE,
  TEXT_NODE,
  childElements,
  directText,
  parseXml,
  serializeXml,
  type XmlElement,
  type XmlNode,
} from '../../xml/parse.js';
import type { ArtifactRef, MediatorDef } from '../types.js';

export type PayloadMediaType = 'xml' | 'json' | 'text';

export interface PayloadArgNode {
  /** A literal value (value="..."). */
  value?: string;
  /** An expression (expression="..."); json evaluators are stored as json-eval(...). */
  expression?: ExprNode;
  /** The expression is a JSONPath (evaluator="json" or a json-eval(...) expression). */
  jsonPath: boolean;
  /** literal="true": the result is always a plain string. */
  literal: boolean;
}

export interface PayloadFactoryNode extends MediatorNode {
  kind: 'payloadFactory';
  mediaType: PayloadMediaType;
  escapeXmlChars: boolean;
  /** The inline template, already serialised (xml) or as text (json, text). */
  format?: string;
  /** key= of a local entry holding the template. */
  formatKey?: string;
  args: PayloadArgNode[];
}

/** Synapse's placeholder syntax: `$` followed by digits (1-based argument number). */
const PLACEHOLDER = /\$(\d+)/g;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const XML_DECL = /^\s*<\?xml[^>]*\?>/;
const QUOTE_PROPERTY = 'QUOTE_STRING_IN_PAYLOAD_FACTORY_JSON';

const CONTENT_TYPES: Record<PayloadMediaType, string> = {
  xml: 'application/xml',
  json: 'application/json',
  text: 'text/plain',
};
/** XML content types payloadFactory leaves alone (a SOAP request stays SOAP). */
const XML_KEEP = new Set(['application/xml', 'text/xml', 'application/soap+xml']);

export const payloadFactoryMediator: MediatorDef<PayloadFactoryNode> = {
  element: 'payloadFactory',
  read(el, r) {
    r.checkAttributes(el, ['media-type', 'template-type', 'escapeXmlChars']);
    r.checkChildren(el, ['format', 'args']);
    const mediaType = r.enumAttr(el, 'media-type', ['xml', 'json', 'text'] as const, 'xml')!;
    const templateType = r.enumAttr(el, 'template-type', ['default', 'freemarker'] as const, 'default')!;
    let ok = true;
    if (templateType === 'freemarker') {
      r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'FreeMarker payloadFactory templates are not supported by Axon; use the default template type', r.attrNode(el, 'template-type'));
      ok = false;
    }
    const escapeXmlChars = r.boolAttr(el, 'escapeXmlChars', false);
    const node: PayloadFactoryNode = { kind: 'payloadFactory', mediaType, escapeXmlChars, args: [], pos: r.pos(el) };

    const formatEl = r.child(el, 'format');
    if (!formatEl) {
      r.error('AXON_CFG_MISSING_ELEMENT', '<payloadFactory> needs a <format>', el);
      ok = false;
    } else {
      r.checkAttributes(formatEl, ['key']);
      const key = r.attr(formatEl, 'key');
      if (key !== undefined) {
        if (key.trim() === '') {
          r.error('AXON_CFG_BAD_VALUE', '<format key=""> needs the key of a local entry', r.attrNode(formatEl, 'key'));
          ok = false;
        }
        node.formatKey = key.trim();
      } else {
        const format = inlineFormat(formatEl, mediaType);
        if (format.trim() === '') {
          const what = mediaType === 'xml' ? 'inline XML' : `the ${mediaType} template as text or CDATA`;
          r.error('AXON_CFG_MISSING_ELEMENT', `<format> is empty: give ${what}, or key="..."`, formatEl);
          ok = false;
        }
        node.format = format;
      }
    }

    const argsEl = r.child(el, 'args');
    if (argsEl) {
      r.checkAttributes(argsEl, []);
      r.checkChildren(argsEl, ['arg']);
      for (const a of r.children(argsEl, 'arg')) {
        const arg = readArg(a, r);
        if (arg) node.args.push(arg);
        else ok = false;
      }
    }

    if (ok && node.format !== undefined) {
      // Synapse notices a placeholder without an argument only per message; say it at load too.
      const max = highestPlaceholder(node.format);
      if (max > node.args.length) {
        r.warn(
          'AXON_CFG_BAD_VALUE',
          `the format uses $${max} but only ${node.args.length} <arg> given; from the first missing one on, the template is emitted verbatim`,
          formatEl!,
        );
      }
    }
    return ok ? node : undefined;
  },

  readsBody(node, c) {
    // xml: the existing envelope is kept (SOAP headers survive), so it must be readable
    if (node.mediaType === 'xml') return true;
    return node.args.some((a) => !!a.expression && c.expr(a.expression).readsBody);
  },

  refs(node) {
    const out: ArtifactRef[] = [];
    if (node.formatKey !== undefined) out.push({ kind: 'localEntry', key: node.formatKey, pos: node.pos });
    return out;
  },

  compile(node, c) {
    let template: string;
    if (node.formatKey !== undefined) {
      const entry = c.localEntry(node.formatKey);
      if (entry === undefined || entry === null) {
        throw new Error(`payloadFactory format key "${node.formatKey}" names no local entry`);
      }
      template = formatFromEntry(entry);
    } else {
      template = node.format!;
    }
    const segments = splitTemplate(template);
    const args = node.args.map((a) => compileArg(a, a.expression ? c.expr(a.expression) : undefined));
    const mediaType = node.mediaType;
    const escapeXmlChars = node.escapeXmlChars;
    const logger = c.logger;

    return (mc) => {
      // Synapse evaluates every argument first, then substitutes
      const values = args.map((a) => a(mc, mediaType));
      let out = '';
      for (const seg of segments) {
        if (typeof seg === 'string') {
          out += seg;
          continue;
        }
        const v = seg.index >= 1 ? values[seg.index - 1] : undefined;
        if (!v) {
          // W: a mismatch between placeholders and args is logged, and the rest of the
          // template (from this placeholder on) is appended unchanged
          logger.log('error', `payloadFactory: the format uses $${seg.index} but only ${values.length} argument(s) are given`, {
            category: 'mediator.payloadFactory',
            messageId: mc.id,
          });
          out += seg.rest;
          break;
        }
        out += replacement(v, mediaType, escapeXmlChars, mc);
      }
      setPayload(mc, mediaType, out.trim());
      return true;
    };
  },
};

// --- read helpers ------------------------------------------------------------------------------

function readArg(a: XmlElement, r: ReadContext): PayloadArgNode | undefined {
  r.checkAttributes(a, ['value', 'expression', 'evaluator', 'literal']);
  const evaluator = r.enumAttr(a, 'evaluator', ['xml', 'json'] as const, 'xml')!;
  const literal = r.boolAttr(a, 'literal', false);
  const value = r.attr(a, 'value');
  const expression = r.attr(a, 'expression');
  if (value !== undefined) {
    if (expression !== undefined) {
      // Synapse takes the value and ignores the expression
      r.warn('AXON_CFG_CONFLICT', '<arg> has both "value" and "expression"; the value is used', r.attrNode(a, 'expression'));
    }
    return { value, jsonPath: false, literal };
  }
  if (expression === undefined) {
    r.error('AXON_CFG_MISSING_ATTRIBUTE', '<arg> needs a "value" or an "expression"', a);
    return undefined;
  }
  let src = expression.trim();
  // evaluator="json" takes a bare JSONPath ($.a.b); the json-eval(...) wrapper is optional
  if (evaluator === 'json' && !src.startsWith('json-eval(')) src = `json-eval(${src})`;
  const e = r.expression(src, a, 'expression');
  if (!e) return undefined;
  return { expression: e, jsonPath: src.startsWith('json-eval('), literal };
}

/** Remove whitespace-only text nodes everywhere below `el` (Synapse strips config indentation). */
function stripIndentation(el: XmlElement): void {
  let n: XmlNode | null = el.firstChild;
  while (n) {
    const next: XmlNode | null = n.nextSibling;
    if (n.nodeType === TEXT_NODE && (n.nodeValue ?? '').trim() === '') el.removeChild(n);
    else if (n.nodeType === ELEMENT_NODE) stripIndentation(n as XmlElement);
    n = next;
  }
}

/**
 * The template of an inline <format>. xml: its element (and text) content serialised; the
 * serializer declares the namespaces the elements and attributes use, so prefixes declared on
 * the <format> ancestors (the sequence, the API) still resolve. Unprefixed elements keep the
 * default namespace in scope (usually the Synapse one) as Synapse's output does.
 * json/text: the text and CDATA children.
 */
function inlineFormat(formatEl: XmlElement, mediaType: PayloadMediaType): string {
  const copy = formatEl.cloneNode(true) as XmlElement;
  stripIndentation(copy);
  if (mediaType !== 'xml') return directText(copy);
  let out = '';
  // xmldom declares each element's and attribute's namespace where it is not yet declared, so
  // the detached copy serialises with the declarations it needs
  for (let k: XmlNode | null = copy.firstChild; k; k = k.nextSibling) {
    if (k.nodeType === ELEMENT_NODE || k.nodeType === TEXT_NODE || k.nodeType === CDATA_SECTION_NODE) out += serializeXml(k);
  }
  return out;
}

/** A local entry as a template: an element is serialised (indentation stripped), text used as is. */
function formatFromEntry(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'object' && entry !== null && (entry as XmlNode).nodeType === ELEMENT_NODE) {
    const copy = (entry as XmlElement).cloneNode(true) as XmlElement;
    stripIndentation(copy);
    return serializeXml(copy);
  }
  return String(entry);
}

type Segment = string | { index: number; rest: string };

/** Split a template into literal text and placeholders; each placeholder keeps the raw rest. */
export function splitTemplate(template: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const at = m.index!;
    if (at > last) out.push(template.slice(last, at));
    out.push({ index: Number(m[1]), rest: template.slice(at) });
    last = at + m[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}

function highestPlaceholder(template: string): number {
  let max = 0;
  for (const m of template.matchAll(PLACEHOLDER)) max = Math.max(max, Number(m[1]));
  return max;
}

// --- arguments ---------------------------------------------------------------------------------

/** How a value is inserted: markup, JSON text, or a plain string. */
type ArgKind = 'xml' | 'json' | 'str';

interface ArgValue {
  text: string;
  kind: ArgKind;
  /** literal="true": never inserted raw as JSON, always an escaped string. */
  literal?: boolean;
}

type ArgEvaluator = (mc: MessageContext, mediaType: PayloadMediaType) => ArgValue;

function compileArg(a: PayloadArgNode, e: CompiledExpression | undefined): ArgEvaluator {
  if (a.value !== undefined) {
    // W XML-escapes a value that is not XML whatever the media type (so `&` reaches a JSON or
    // text payload as `&amp;`), once, here
    const v = a.value;
    const xml = looksLikeXml(v);
    const text = xml ? v : escapeXml(v);
    const fixed: ArgValue = a.literal ? { text, kind: 'str', literal: true } : { text, kind: xml ? 'xml' : 'str' };
    return () => fixed;
  }
  const expr = e!;
  const jsonPath = a.jsonPath;
  const literal = a.literal;
  return (mc, mediaType) => {
    const raw = expr.stringValue(mc);
    if (raw === null) return { text: '', kind: 'str' };
    const xml = looksLikeXml(raw);
    const json = jsonPath && startsLikeJson(raw);
    let text = raw;
    // plain strings going into an XML payload are escaped; JSON from a JSONPath is converted later
    if (!xml && mediaType === 'xml' && !json) text = escapeXml(raw);
    let kind: ArgKind;
    if (literal) kind = 'str';
    else if (!jsonPath) kind = xml ? 'xml' : 'str';
    else kind = json ? 'json' : 'str';
    return literal ? { text, kind, literal } : { text, kind };
  };
}

/** The text that replaces one placeholder, after Synapse's conversions for the target type. */
function replacement(v: ArgValue, mediaType: PayloadMediaType, escapeXmlChars: boolean, mc: MessageContext): string {
  if (mediaType === 'json') {
    if (v.kind === 'xml') return xmlArgToJson(v.text);
    if (v.kind === 'json') return escapeXmlChars ? escapeControlChars(v.text) : v.text;
    const trimmed = v.text.trim();
    // values that start like JSON go in raw (trap 25) unless literal="true"; other strings are
    // escaped, never quoted...
    if (!v.literal && (trimmed.startsWith('{') || trimmed.startsWith('['))) return v.text;
    let s = escapeJsonString(v.text);
    // ...unless QUOTE_STRING_IN_PAYLOAD_FACTORY_JSON asks for quotes around non-scalars
    const q = mc.props.get(QUOTE_PROPERTY);
    if (
      !trimmed.startsWith('{') &&
      !trimmed.startsWith('[') &&
      q !== undefined &&
      q !== null &&
      String(q).toLowerCase() === 'true' &&
      trimmed !== 'true' &&
      trimmed !== 'false' &&
      trimmed !== 'null' &&
      !JSON_NUMBER.test(trimmed)
    ) {
      s = `"${s}"`;
    }
    return s;
  }
  if (mediaType === 'xml' && v.kind === 'json') return jsonArgToXml(v.text);
  return v.text;
}

/** W's XML test for an argument: it ends with '>' and parses as XML (a fragment is fine). */
function looksLikeXml(value: string): boolean {
  const t = value.trim();
  if (t.length < 4 || !t.endsWith('>')) return false;
  const body = t.replace(XML_DECL, '').trimStart();
  if (!/^<[A-Za-z_:]/.test(body)) return false;
  try {
    parseXml(`<pfArg>${body}</pfArg>`);
    return true;
  } catch {
    return false;
  }
}

function startsLikeJson(value: string): boolean {
  const t = value.trim();
  return t.startsWith('{') || t.startsWith('[');
}

/** An XML argument in a JSON template: wrapped in <jsonObject> and converted (`{"name":"Smith"}`). */
function xmlArgToJson(text: string): string {
  let root: XmlElement;
  try {
    root = parseXml(`<jsonObject>${text.replace(XML_DECL, '')}</jsonObject>`).documentElement!;
  } catch {
    // not XML after all: Synapse falls back to a plain escaped string
    return escapeJsonString(text);
  }
  return JSON.stringify(xmlToJson(root) ?? null);
}

/** A JSON argument in an XML template: converted, the jsonObject/jsonArray wrapper dropped. */
function jsonArgToXml(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MediationError(
      'AXON_MED_FAILED',
      `payloadFactory: a JSONPath argument that looks like JSON could not be parsed: ${(e as Error).message}`,
    );
  }
  const el = jsonToXml(value, createEnvelope('soap11'));
  if (el.nodeName === 'jsonObject' || el.nodeName === 'jsonArray') {
    return childElements(el)
      .map((c) => serializeXml(c).trim())
      .join('');
  }
  return serializeXml(el);
}

// --- escaping ----------------------------------------------------------------------------------

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** XML 1.0 escaping as Synapse does it (commons-text escapeXml10): the five entities, and
 *  characters XML 1.0 cannot carry are dropped. */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]!);
}

/** JSON string escaping without the surrounding quotes. */
export function escapeJsonString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default:
        // other control characters would make the JSON invalid
        out += code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    }
  }
  return out;
}

/** escapeXmlChars="true": control characters inside raw JSON arguments become JSON escapes. */
function escapeControlChars(s: string): string {
  return s.replace(/[\b\f\n\r\t]/g, (ch) => ({ '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[ch]!);
}

// --- result ------------------------------------------------------------------------------------

function setPayload(mc: MessageContext, mediaType: PayloadMediaType, out: string): void {
  switch (mediaType) {
    case 'xml':
      setXmlPayload(mc, out);
      break;
    case 'json': {
      if (out === '') {
        mc.payload.clearBody();
        break;
      }
      checkJsonDepth(out, mc.env.limits.maxJsonDepth);
      let value: unknown;
      try {
        value = JSON.parse(out);
      } catch (e) {
        throw new MediationError(
          'AXON_MED_FAILED',
          `payloadFactory produced invalid JSON (${(e as Error).message}): ${out.length > 200 ? `${out.slice(0, 200)}...` : out}`,
        );
      }
      mc.payload.setJson(value);
      break;
    }
    case 'text':
      mc.payload.setText(out);
      break;
  }
  setContentType(mc, mediaType);
}

function setXmlPayload(mc: MessageContext, out: string): void {
  let first: XmlElement | undefined;
  try {
    // like Synapse, the result may be several nodes; the first element becomes the payload
    const doc = parseXml(`<pfPadding>${out.replace(XML_DECL, '')}</pfPadding>`);
    first = childElements(doc.documentElement!)[0];
  } catch (e) {
    throw new MediationError('AXON_MED_FAILED', `payloadFactory produced malformed XML (${(e as Error).message}): ${out.slice(0, 200)}`);
  }
  if (!first) throw new MediationError('AXON_MED_FAILED', 'payloadFactory produced no XML element');
  if (isSoapEnvelope(first)) {
    // the format is a whole envelope: it replaces the message's envelope
    const env = parseXml(serializeXml(first));
    mc.payload.setEnvelope(env);
    mc.payload.soap = soapVersionOf(env);
    return;
  }
  const mt = mediaTypeOf(mc.messageType());
  if (mc.payload.kind === 'xml' && (mc.payload.soap !== null || mt === 'text/xml' || mt === 'application/soap+xml')) {
    // keep the current SOAP envelope (and its headers); a POX body is simply replaced
    try {
      mc.envelope();
    } catch {
      // a malformed old body is simply replaced
    }
  }
  mc.payload.setBodyElement(first);
}

/** messageType, ContentType and the Content-Type header follow the media type (W). */
function setContentType(mc: MessageContext, mediaType: PayloadMediaType): void {
  const type = CONTENT_TYPES[mediaType];
  if (mediaType === 'xml') {
    const current = mc.axis2.get('messageType');
    const mt = typeof current === 'string' && current ? mediaTypeOf(current) : mediaTypeOf(mc.headers.get('content-type'));
    if (XML_KEEP.has(mt)) {
      mc.axis2.delete('NO_ENTITY_BODY');
      return;
    }
  }
  mc.axis2.set('messageType', type);
  mc.axis2.set('ContentType', type);
  mc.headers.set('Content-Type', type);
  // a GET turned into a request with a body
  mc.axis2.delete('NO_ENTITY_BODY');
}

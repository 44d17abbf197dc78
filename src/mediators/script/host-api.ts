// Runtime for <script>: the host half of the `mc` API. Reads answer with JSON text; writes arrive
// as a list of operations (JSON text made in the isolate) and are applied here, in order, with the
// same side effects as the property mediator. Nothing from the isolate is used but parsed data.

import { JsonValue } from '../../expr/types.js';
import { isXmlNode } from '../../expr/string-value.js';
import { firstBodyElement } from '../../expr/soap.js';
import type { MessageContext } from '../../runtime/message-context.js';
import { checkJsonDepth } from '../../runtime/payload.js';
import { parseXml, serializeXml, XmlSyntaxError, type XmlNode } from '../../xml/parse.js';
import { removeProperty, setProperty, type PropertyScope } from '../property/index.js';

const SCOPES: ReadonlySet<string> = new Set(['default', 'axis2', 'axis2-client', 'transport', 'operation']);
const ADDRESS_FIELDS: ReadonlySet<string> = new Set(['To', 'From', 'ReplyTo', 'FaultTo', 'MessageID']);

function scope(s: unknown): PropertyScope {
  if (typeof s !== 'string' || !SCOPES.has(s)) {
    throw new Error(`unknown property scope "${String(s)}" (use default, axis2, transport or operation)`);
  }
  return s as PropertyScope;
}

/** The JSON text of a JSON payload, or undefined when the message does not carry JSON. */
function jsonText(mc: MessageContext): string | undefined {
  if (mc.payload.kind !== 'json') return undefined;
  // raw bytes go across as received: no parse and re-serialise on the host
  const t = mc.payload.text(mc.env.limits);
  return t.trim() === '' ? undefined : t;
}

/**
 * What getPayloadJSON will read, handed over with the call that starts the script so the common
 * read-modify-write script needs no round trip; null when the body is large (read on demand).
 */
export function prefetchJson(mc: MessageContext, maxChars: number): string | null {
  if (mc.payload.isStream) return null;
  const t = jsonText(mc);
  if (t === undefined) return '{}';
  return t.length <= maxChars ? t : null;
}

/** A property value as the script sees it: primitives as they are, JSON as data, XML as text. */
function propertyJson(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(v);
    case 'bigint':
      return JSON.stringify(String(v));
    default:
      if (v instanceof JsonValue) return JSON.stringify(v.value) ?? undefined;
      if (isXmlNode(v)) return JSON.stringify(serializeXml(v as XmlNode));
      return JSON.stringify(String(v));
  }
}

/** Answer one read; `pending` holds the writes made since the last call, applied first. */
export function hostRead(mc: MessageContext, op: string, a: unknown, b: unknown, pending: string): string | undefined {
  if (pending) applyOps(mc, pending);
  switch (op) {
    case 'json':
      return jsonText(mc) ?? '{}';
    case 'jsonText':
      return JSON.stringify(jsonText(mc) ?? '{}');
    case 'xml': {
      if (mc.payload.isEmpty) return undefined;
      const el = firstBodyElement(mc.envelope());
      return el ? JSON.stringify(serializeXml(el)) : undefined;
    }
    case 'text': {
      const j = jsonText(mc);
      return JSON.stringify(j ?? serializeXml(mc.envelope()));
    }
    case 'envelope':
      return JSON.stringify(serializeXml(mc.envelope()));
    case 'get': {
      const name = String(a);
      const s = scope(b);
      const v = s === 'default' ? mc.props.get(name) : s === 'transport' ? mc.headers.get(name) : s === 'operation' ? mc.operation.get(name) : mc.axis2.get(name);
      return propertyJson(v);
    }
    case 'addr': {
      const field = String(a);
      if (!ADDRESS_FIELDS.has(field)) throw new Error(`unknown address field ${field}`);
      const v = mc.getAddress(field as 'To');
      return v === null ? undefined : JSON.stringify(v);
    }
    case 'isResponse':
      return JSON.stringify(mc.isResponse);
    case 'setXml':
      setPayloadXml(mc, String(a));
      return undefined;
    default:
      throw new Error(`unknown mc operation ${op}`);
  }
}

function setPayloadXml(mc: MessageContext, text: string): void {
  if (Buffer.byteLength(text, 'utf8') > mc.env.limits.maxBodyBytes) throw new Error(`setPayloadXML: the XML is larger than ${mc.env.limits.maxBodyBytes} bytes`);
  let doc;
  try {
    doc = parseXml(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) {
      throw new Error(e.doctype ? 'setPayloadXML: DOCTYPE declarations are not allowed' : `setPayloadXML: the XML is not well-formed (${e.line}:${e.col}: ${e.message})`);
    }
    throw e;
  }
  // the element replaces the first child of the Body; the rest of the envelope stays
  mc.payload.setBodyElement(doc.documentElement!);
}

/** Apply the writes a script made, in order. */
export function applyOps(mc: MessageContext, text: string): void {
  const ops: unknown = JSON.parse(text);
  if (!Array.isArray(ops)) throw new Error('malformed operations from the script');
  for (const op of ops as unknown[]) {
    if (!Array.isArray(op) || typeof op[0] !== 'string') throw new Error('malformed operation from the script');
    switch (op[0]) {
      case 'set': {
        const [, name, valueJson, sc] = op as [string, string, string, string];
        const s = scope(sc);
        let v: unknown = JSON.parse(String(valueJson));
        // objects keep their JSON nature for json-eval and get-property; null is not stored
        if (v !== null && typeof v === 'object') v = s === 'default' || s === 'operation' ? new JsonValue(v) : JSON.stringify(v);
        setProperty(mc, s, String(name), v);
        break;
      }
      case 'remove':
        removeProperty(mc, scope(op[2]), String(op[1]));
        break;
      case 'json': {
        const body = String(op[1]);
        if (Buffer.byteLength(body, 'utf8') > mc.env.limits.maxBodyBytes) throw new Error(`setPayloadJSON: the JSON is larger than ${mc.env.limits.maxBodyBytes} bytes`);
        checkJsonDepth(body, mc.env.limits.maxJsonDepth);
        // W: setPayloadJSON replaces the JSON payload and leaves messageType alone
        mc.payload.setJson(JSON.parse(body));
        break;
      }
      case 'addr': {
        const field = String(op[1]);
        if (!ADDRESS_FIELDS.has(field)) throw new Error(`unknown address field ${field}`);
        mc.addressing[field as 'To'] = String(op[2]);
        break;
      }
      default:
        throw new Error(`unknown operation ${String(op[0])} from the script`);
    }
  }
}

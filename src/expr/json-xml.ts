// Expression stage (shared with the runtime payload): the JSON <-> XML mapping WSO2 Synapse uses
// so that XPath works on JSON bodies (synapse-semantics §3.3): <jsonObject>/<jsonArray>/<jsonValue>
// wrappers, arrays as repeated elements announced by <?xml-multiple name?>, key escapes.

import {
  ELEMENT_NODE,
  PROCESSING_INSTRUCTION_NODE,
  TEXT_NODE,
  CDATA_SECTION_NODE,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
} from '../xml/parse.js';

export const JSON_OBJECT = 'jsonObject';
export const JSON_ARRAY = 'jsonArray';
export const JSON_ELEMENT = 'jsonElement';
export const JSON_VALUE = 'jsonValue';
export const XML_MULTIPLE_PI = 'xml-multiple';

/** Prefix for keys starting with a digit ("12X12" -> _JsonReader_PD_12X12). */
export const KEY_DIGIT_PREFIX = '_JsonReader_PD_';
/** Replacement for a leading "$" ("$schema" -> _JsonReader_PS_schema). */
export const KEY_DOLLAR_PREFIX = '_JsonReader_PS_';

/**
 * Element name for a JSON key. Only the two escapes Synapse applies; other characters that XML
 * names do not allow are kept (xmldom does not check names, so XPath and the way back still work,
 * as they do with Synapse's StAX-built tree).
 */
export function escapeJsonKey(key: string): string {
  const c = key.charCodeAt(0);
  if (c >= 48 && c <= 57) return KEY_DIGIT_PREFIX + key;
  if (c === 36) return KEY_DOLLAR_PREFIX + key.slice(1);
  return key;
}

/** JSON key for an element name (inverse of escapeJsonKey). */
export function unescapeJsonKey(name: string): string {
  if (name.startsWith(KEY_DIGIT_PREFIX)) return name.slice(KEY_DIGIT_PREFIX.length);
  if (name.startsWith(KEY_DOLLAR_PREFIX)) return `$${name.slice(KEY_DOLLAR_PREFIX.length)}`;
  return name;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/**
 * Build Synapse's XML view of a JSON value in `doc` (not attached anywhere): an object becomes
 * <jsonObject>, an array <jsonArray> of <jsonElement>, a primitive <jsonValue>. Elements carry no
 * namespace.
 */
export function jsonToXml(value: unknown, doc: XmlDocument): XmlElement {
  if (Array.isArray(value)) {
    const root = doc.createElement(JSON_ARRAY);
    appendArray(doc, root, JSON_ELEMENT, JSON_ELEMENT, value);
    return root;
  }
  if (isPlainObject(value)) {
    const root = doc.createElement(JSON_OBJECT);
    appendMembers(doc, root, value);
    return root;
  }
  const root = doc.createElement(JSON_VALUE);
  if (value !== null && value !== undefined) root.appendChild(doc.createTextNode(scalarText(value)));
  return root;
}

function appendMembers(doc: XmlDocument, parent: XmlElement, obj: Record<string, unknown>): void {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    if (Array.isArray(v)) appendArray(doc, parent, key, escapeJsonKey(key), v);
    else parent.appendChild(valueElement(doc, escapeJsonKey(key), v));
  }
}

/** An array member: the PI names the JSON key (unescaped, as Synapse writes it), then one element per item. */
function appendArray(doc: XmlDocument, parent: XmlElement, key: string, name: string, items: readonly unknown[]): void {
  parent.appendChild(doc.createProcessingInstruction(XML_MULTIPLE_PI, key));
  for (const item of items) {
    if (Array.isArray(item)) {
      // nested array: <name><jsonArray><?xml-multiple jsonElement?><jsonElement>..
      const el = doc.createElement(name);
      const inner = doc.createElement(JSON_ARRAY);
      appendArray(doc, inner, JSON_ELEMENT, JSON_ELEMENT, item);
      el.appendChild(inner);
      parent.appendChild(el);
    } else {
      parent.appendChild(valueElement(doc, name, item === undefined ? null : item));
    }
  }
}

function valueElement(doc: XmlDocument, name: string, v: unknown): XmlElement {
  const el = doc.createElement(name);
  if (isPlainObject(v)) appendMembers(doc, el, v);
  else if (v !== null) el.appendChild(doc.createTextNode(scalarText(v)));
  return el;
}

// --- XML -> JSON ------------------------------------------------------------------------------

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Synapse's autoPrimitive: text that is a JSON number or true/false is emitted unquoted.
 * Integers beyond 2^53 stay strings (a JS number would change their digits).
 */
export function autoPrimitive(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (JSON_NUMBER.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n))) return n;
  }
  return text;
}

/** JSON key of an element: namespaces and prefixes dropped, Synapse key escapes undone. */
function keyOf(el: XmlElement): string {
  // elements built from JSON have no namespace; their name may contain ':' and is kept whole
  const name = el.namespaceURI ? (el.localName ?? el.nodeName) : el.nodeName;
  return unescapeJsonKey(name);
}

function isJsonWrapper(el: XmlElement, name: string): boolean {
  return !el.namespaceURI && el.nodeName === name;
}

/**
 * Convert an element to JSON the way Synapse's formatter does: a <jsonObject>/<jsonArray>/
 * <jsonValue> root is unwrapped, any other root becomes the single top-level key; repeated
 * siblings become arrays, <?xml-multiple?> forces one; numeric/boolean text is unquoted; empty
 * elements are null. Attributes (which §3.3 does not cover) become "@name" keys and text next to
 * them or to child elements becomes "$", as Synapse's StAXON-based converter writes them.
 */
export function xmlToJson(el: XmlElement): unknown {
  if (isJsonWrapper(el, JSON_OBJECT)) {
    const v = elementValue(el);
    return v === null ? {} : v;
  }
  if (isJsonWrapper(el, JSON_ARRAY)) return arrayValue(el);
  if (isJsonWrapper(el, JSON_VALUE)) {
    const t = textOf(el);
    return t === '' ? null : autoPrimitive(t);
  }
  const out: Record<string, unknown> = {};
  setKey(out, keyOf(el), elementValue(el));
  return out;
}

/** Own-property assignment that a key such as "__proto__" from a payload cannot subvert. */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function textOf(el: XmlElement): string {
  let s = '';
  for (let n: XmlNode | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) s += n.nodeValue ?? '';
  }
  return s;
}

function arrayValue(el: XmlElement): unknown[] {
  const out: unknown[] = [];
  for (let n: XmlNode | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) out.push(elementValue(n as XmlElement));
  }
  return out;
}

function attributesOf(el: XmlElement): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const attrs = el.attributes;
  if (!attrs) return out;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i)!;
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
    out.push({ key: `@${a.localName ?? a.name}`, value: a.value });
  }
  return out;
}

function elementValue(el: XmlElement): unknown {
  const attrs = attributesOf(el);
  // key -> collected values, in order of first appearance (an element or an xml-multiple PI)
  const groups = new Map<string, { values: unknown[]; multiple: boolean }>();
  let elements = 0;
  let onlyChild: XmlElement | null = null;
  let text = '';
  for (let n: XmlNode | null = el.firstChild; n; n = n.nextSibling) {
    switch (n.nodeType) {
      case ELEMENT_NODE: {
        const child = n as XmlElement;
        elements++;
        onlyChild = elements === 1 ? child : null;
        const key = keyOf(child);
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { values: [], multiple: false }));
        g.values.push(elementValue(child));
        break;
      }
      case PROCESSING_INSTRUCTION_NODE: {
        const pi = n as unknown as { target: string; data: string };
        if (pi.target !== XML_MULTIPLE_PI) break;
        const key = (pi.data ?? '').trim();
        if (!key) break;
        const g = groups.get(key);
        if (g) g.multiple = true;
        else groups.set(key, { values: [], multiple: true });
        break;
      }
      case TEXT_NODE:
      case CDATA_SECTION_NODE:
        text += n.nodeValue ?? '';
        break;
      default:
        break;
    }
  }

  if (groups.size === 0) {
    if (attrs.length === 0) return text === '' ? null : autoPrimitive(text);
    const obj: Record<string, unknown> = {};
    for (const a of attrs) setKey(obj, a.key, autoPrimitive(a.value));
    if (text !== '') setKey(obj, '$', autoPrimitive(text));
    return obj;
  }
  // <k><jsonArray>..</jsonArray></k>: an array item that is itself an array
  if (elements === 1 && onlyChild && attrs.length === 0 && groups.size === 1 && isJsonWrapper(onlyChild, JSON_ARRAY)) {
    return arrayValue(onlyChild);
  }
  const obj: Record<string, unknown> = {};
  for (const a of attrs) setKey(obj, a.key, autoPrimitive(a.value));
  for (const [key, g] of groups) {
    setKey(obj, key, g.multiple || g.values.length > 1 ? g.values : g.values[0]);
  }
  const t = text.trim();
  if (t !== '') setKey(obj, '$', autoPrimitive(t));
  return obj;
}

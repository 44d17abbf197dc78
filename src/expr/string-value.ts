// Expression stage: Synapse's stringValueOf (synapse-semantics §4.4, W rules), which is not
// XPath's string(): one element gives its own trimmed text (or its XML when it has none),
// several elements give their XML, numbers print as Java doubles ("3.0").

import { JsonValue } from './types.js';
import {
  ATTRIBUTE_NODE,
  CDATA_SECTION_NODE,
  DOCUMENT_NODE,
  ELEMENT_NODE,
  TEXT_NODE,
  directText,
  serializeXml,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
} from '../xml/parse.js';

/** Whether a value is a DOM node (xmldom or anything shaped like one). */
export function isXmlNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && typeof (v as { nodeType?: unknown }).nodeType === 'number';
}

/** Java's String.trim(): strips characters <= U+0020 only (not every Unicode space). */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Java's Double.toString: Jaxen numbers are doubles, so `count(//i)` prints "3.0" and
 * `sum(//price)` "1500.0". Decimal form for 1e-3 <= |d| < 1e7, computerised scientific form
 * ("1.0E7", "1.5E-4") outside it.
 */
export function javaDoubleToString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exp)}`;
}

/**
 * How a property value that is a plain JS number prints. Properties typed INTEGER/LONG/SHORT
 * hold Java integers in Synapse (HTTP_SC 200 prints "200"); a JS number cannot say whether it
 * was a Double, so whole numbers print as integers and fractions as Java doubles.
 */
export function propertyNumberToString(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : javaDoubleToString(n);
}

/** XPath string-value of one node (all descendant text for elements, as XPath string()). */
export function xpathNodeString(n: XmlNode): string {
  switch (n.nodeType) {
    case ELEMENT_NODE:
      return (n as XmlElement).textContent ?? '';
    case DOCUMENT_NODE: {
      const root = (n as XmlDocument).documentElement;
      return root ? (root.textContent ?? '') : '';
    }
    case ATTRIBUTE_NODE:
      return (n as unknown as { value: string }).value ?? '';
    default:
      return n.nodeValue ?? '';
  }
}

/** XPath 1.0 number-to-string (integers without a decimal point, never an exponent). */
export function xpathNumberToString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n === 0 ? 0 : n) : BigInt(n).toString();
  const s = String(n);
  if (!s.includes('e')) return s;
  // small magnitudes: expand 1.5e-7 to 0.00000015
  const neg = n < 0;
  const [m, e] = Math.abs(n).toExponential().split('e') as [string, string];
  const digits = m.replace('.', '');
  const exp = Number(e);
  return `${neg ? '-' : ''}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/**
 * Jaxen's StringFunction applied to a raw object (what concat() and friends see when an
 * argument is a property value): strings as they are, numbers in XPath form, nodes by their
 * string-value, anything else (a JSON property, a map) as "".
 */
export function xpathStringOfRaw(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return xpathNumberToString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isXmlNode(v)) return xpathNodeString(v);
  if (Array.isArray(v)) return v.length && isXmlNode(v[0]) ? xpathNodeString(v[0]) : '';
  return '';
}

/**
 * Jaxen's BooleanFunction on a raw object: null is false, strings by length, numbers by
 * non-zero, an empty node list false, any other object true.
 */
export function rawBooleanValue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0 && rawBooleanValue(v[0]);
  return true;
}

/**
 * Synapse (W) stringValueOf over a node list. `source` is the expression text: W looks for
 * the literal "node()" in it.
 */
export function nodeSetStringValue(nodes: readonly unknown[], source: string): string {
  const hasNodeTest = source.includes('node()');
  const single = nodes.length === 1;
  let out = '';
  for (let o of nodes) {
    if (single && hasNodeTest && isXmlNode(o) && isTextLike(o) && o.parentNode && o.parentNode.nodeType === ELEMENT_NODE) {
      // `//name/node()` selecting one text node prints the parent element (W keeps this for
      // payloadFactory arguments that insert an element)
      o = o.parentNode;
    }
    if (o instanceof JsonValue) {
      out += o.toString();
      continue;
    }
    if (!isXmlNode(o)) continue;
    switch (o.nodeType) {
      case TEXT_NODE:
      case CDATA_SECTION_NODE:
        out += o.nodeValue ?? '';
        break;
      case ELEMENT_NODE:
        out += elementString(o as XmlElement, single && !hasNodeTest);
        break;
      case DOCUMENT_NODE: {
        const root = (o as XmlDocument).documentElement;
        if (root) out += serializeXml(root);
        break;
      }
      case ATTRIBUTE_NODE:
        out += (o as unknown as { value: string }).value ?? '';
        break;
      default:
        // comments and processing instructions contribute nothing (W ignores them)
        break;
    }
  }
  return out;
}

function isTextLike(n: XmlNode): boolean {
  return n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE;
}

function elementString(el: XmlElement, ownTextOnly: boolean): string {
  // W: the element's direct text, with non-breaking spaces made plain and trimmed; a lone
  // element prints that text, otherwise the XML with the text replaced by its trimmed form;
  // an element without text always prints as XML.
  const text = directText(el);
  const trimmed = javaTrim(text.replace(/\u00a0/g, ' '));
  if (trimmed.length === 0) return serializeXml(el);
  if (ownTextOnly) return trimmed;
  const xml = serializeXml(el);
  return text === trimmed ? xml : xml.split(text).join(trimmed);
}

/**
 * Synapse stringValueOf for a value that did not come out of XPath as a number (a property
 * object, a function's raw return): null stays null, strings as they are, nodes by the
 * node-set rules, JSON as its text, other objects as "".
 */
export function rawStringValue(v: unknown, source: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return propertyNumberToString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JsonValue) return v.toString();
  if (isXmlNode(v)) return nodeSetStringValue([v], source);
  if (Array.isArray(v)) return nodeSetStringValue(v, source);
  return '';
}

/**
 * Synapse stringValueOf for an XPath result converted to JS: node arrays by the node-set rules,
 * numbers as Java doubles, booleans as "true"/"false".
 */
export function xpathResultStringValue(v: unknown, source: string): string | null {
  if (typeof v === 'number') return javaDoubleToString(v);
  return rawStringValue(v, source);
}

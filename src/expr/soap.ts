// Expression stage (shared with the runtime): the SOAP envelope that holds every payload.
// Synapse keeps even JSON and plain-XML bodies inside an Envelope/Body, and XPath runs
// against that envelope, so expressions and the payload code build it the same way here.

import { DOMImplementation } from '@xmldom/xmldom';
import { ELEMENT_NODE, type XmlDocument, type XmlElement, type XmlNode } from '../xml/parse.js';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';

export type SoapVersion = 'soap11' | 'soap12';

const SOAP_PREFIX = 'soapenv';
const domImpl = new DOMImplementation();

export function soapNamespace(version: SoapVersion): string {
  return version === 'soap12' ? SOAP12_NS : SOAP11_NS;
}

/** A new document holding `<soapenv:Envelope>` with an empty Header and an empty Body. */
export function createEnvelope(version: SoapVersion): XmlDocument {
  const ns = soapNamespace(version);
  const doc = domImpl.createDocument(ns, `${SOAP_PREFIX}:Envelope`, null);
  const env = doc.documentElement!;
  env.appendChild(doc.createElementNS(ns, `${SOAP_PREFIX}:Header`));
  env.appendChild(doc.createElementNS(ns, `${SOAP_PREFIX}:Body`));
  return doc;
}

/** Whether an element is a SOAP 1.1 or 1.2 Envelope. */
export function isSoapEnvelope(el: XmlElement | null | undefined): boolean {
  if (!el || el.localName !== 'Envelope') return false;
  return el.namespaceURI === SOAP11_NS || el.namespaceURI === SOAP12_NS;
}

/** The SOAP version of an envelope document; null when the root is not an Envelope. */
export function soapVersionOf(doc: XmlDocument): SoapVersion | null {
  const root = doc.documentElement;
  if (!root || !isSoapEnvelope(root)) return null;
  return root.namespaceURI === SOAP12_NS ? 'soap12' : 'soap11';
}

function envelopeChild(doc: XmlDocument, local: string): XmlElement | null {
  const root = doc.documentElement;
  if (!root || !isSoapEnvelope(root)) return null;
  for (let n: XmlNode | null = root.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== ELEMENT_NODE) continue;
    const el = n as XmlElement;
    if (el.localName === local && el.namespaceURI === root.namespaceURI) return el;
  }
  return null;
}

/** The Body element, or null when the document is not an envelope (or has no Body). */
export function envelopeBody(doc: XmlDocument): XmlElement | null {
  return envelopeChild(doc, 'Body');
}

/**
 * The Header element. With `create`, a missing Header is added as the Envelope's first child
 * (SOAP requires it before the Body); returns null only when the document is not an envelope.
 */
export function envelopeHeader(doc: XmlDocument, create = false): XmlElement | null {
  const found = envelopeChild(doc, 'Header');
  if (found || !create) return found;
  const root = doc.documentElement;
  if (!root || !isSoapEnvelope(root)) return null;
  const prefix = root.prefix ? `${root.prefix}:` : '';
  const header = doc.createElementNS(root.namespaceURI, `${prefix}Header`);
  root.insertBefore(header, root.firstChild);
  return header;
}

/** The payload: the first element child of the Body, or null when the Body is empty. */
export function firstBodyElement(doc: XmlDocument): XmlElement | null {
  const body = envelopeBody(doc);
  if (!body) return null;
  for (let n: XmlNode | null = body.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) return n as XmlElement;
  }
  return null;
}

/**
 * Replace everything inside the Body with `el` (null empties the Body). An element from another
 * document is imported (deep copy) first. Returns the element now in the Body, or null.
 */
export function setBodyElement(doc: XmlDocument, el: XmlElement | null): XmlElement | null {
  const body = envelopeBody(doc);
  if (!body) throw new Error('setBodyElement: the document is not a SOAP envelope');
  while (body.firstChild) body.removeChild(body.firstChild);
  if (!el) return null;
  const own = el.ownerDocument === doc ? el : (doc.importNode(el, true) as XmlElement);
  body.appendChild(own);
  return own;
}

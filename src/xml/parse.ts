// The only way Axon parses XML (config files and message payloads alike): DOCTYPE is refused
// before any parser sees the text, well-formedness errors carry a line and column, and
// xmldom's recoverable errors are escalated so a damaged document is never half-read.

import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import type { Document as XmlDocument, Element as XmlElement, Node as XmlNode } from '@xmldom/xmldom';
import { XMLValidator } from 'fast-xml-parser';

export type { XmlDocument, XmlElement, XmlNode };

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
    readonly doctype = false,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const DOCTYPE_RE = /<!DOCTYPE/i;

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

export interface ParseXmlOptions {
  /** Whether to run the positional validator first (config files: yes; hot payload path: optional). */
  validate?: boolean;
}

/**
 * Parse XML text into a DOM with line/column information on elements and attributes.
 * Throws XmlSyntaxError for DOCTYPE, malformed text or several root elements.
 */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlDocument {
  const m = DOCTYPE_RE.exec(text);
  if (m) {
    const p = positionOf(text, m.index);
    throw new XmlSyntaxError('DOCTYPE declarations are not allowed (no DTDs, no entities)', p.line, p.col, true);
  }
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (options.validate !== false) {
    const v = XMLValidator.validate(src, { allowBooleanAttributes: false });
    if (v !== true) {
      throw new XmlSyntaxError(v.err.msg, v.err.line, v.err.col);
    }
  }
  let firstError: string | undefined;
  const parser = new DOMParser({
    onError: (level: string, msg: string) => {
      if (level !== 'warning' && firstError === undefined) firstError = msg;
    },
  });
  let doc: XmlDocument;
  try {
    doc = parser.parseFromString(src, 'text/xml');
  } catch (e) {
    throw new XmlSyntaxError(cleanXmldomMessage((e as Error).message), 1, 1);
  }
  if (firstError !== undefined) throw new XmlSyntaxError(cleanXmldomMessage(firstError), 1, 1);
  if (!doc.documentElement) throw new XmlSyntaxError('the document has no root element', 1, 1);
  return doc;
}

function cleanXmldomMessage(msg: string): string {
  return msg.replace(/^\[xmldom [a-zA-Z]+\]\s*/, '').split('\n')[0]!.trim();
}

const serializer = new XMLSerializer();

/** Serialise a node to text (no XML declaration). */
export function serializeXml(node: XmlNode): string {
  return serializer.serializeToString(node);
}

export const ELEMENT_NODE = 1;
export const ATTRIBUTE_NODE = 2;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;
export const PROCESSING_INSTRUCTION_NODE = 7;
export const COMMENT_NODE = 8;
export const DOCUMENT_NODE = 9;

/** Child elements of an element, in document order. */
export function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) out.push(n as XmlElement);
  }
  return out;
}

/** The element's local name (without prefix). */
export function localName(el: XmlNode): string {
  return (el as XmlElement).localName ?? el.nodeName;
}

/** Concatenated direct text and CDATA children. */
export function directText(el: XmlElement): string {
  let s = '';
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) s += n.nodeValue ?? '';
  }
  return s;
}

/**
 * Namespace declarations in scope on an element (prefix -> URI), nearest wins. Used to resolve
 * prefixes in expressions written in config attributes.
 */
export function namespacesInScope(el: XmlElement): Record<string, string> {
  const chain: XmlElement[] = [];
  for (let n: XmlNode | null = el; n && n.nodeType === ELEMENT_NODE; n = n.parentNode) chain.push(n as XmlElement);
  const out: Record<string, string> = {};
  for (let i = chain.length - 1; i >= 0; i--) {
    const attrs = chain[i]!.attributes;
    for (let j = 0; j < attrs.length; j++) {
      const a = attrs.item(j)!;
      if (a.name.startsWith('xmlns:')) out[a.name.slice(6)] = a.value;
    }
  }
  return out;
}

// Runtime: the message body. It stays a stream (or raw bytes) until a mediator or an
// expression needs it, then it is built once as JSON or as a SOAP envelope DOM. When nothing
// changed it, the original bytes go out untouched. Measure before changing: the streaming
// path here is the gateway's fast path.

import { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { MediationError } from '../errors/codes.js';
import { parseXml, serializeXml, XmlSyntaxError, type XmlDocument, type XmlElement } from '../xml/parse.js';
import { jsonToXml, xmlToJson } from '../expr/json-xml.js';
import { createEnvelope, firstBodyElement, isSoapEnvelope, setBodyElement, soapVersionOf } from '../expr/soap.js';

export const TEXT_NS = 'http://ws.apache.org/commons/ns/payload';

export type BodyKind = 'json' | 'xml' | 'text' | 'none';

/** Lower-case media type without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const i = contentType.indexOf(';');
  return (i < 0 ? contentType : contentType.slice(0, i)).trim().toLowerCase();
}

export function kindOfMediaType(mt: string): BodyKind {
  if (mt === '') return 'none';
  if (mt === 'application/json' || mt === 'text/json' || mt.endsWith('+json') || mt === 'application/javascript') return 'json';
  if (mt === 'application/xml' || mt === 'text/xml' || mt === 'application/soap+xml' || mt.endsWith('+xml')) return 'xml';
  return 'text';
}

export interface PayloadLimits {
  /** Largest body a mediator may buffer, in bytes. */
  maxBodyBytes: number;
  /** Deepest JSON nesting accepted when a body is parsed. */
  maxJsonDepth: number;
}

export const DEFAULT_LIMITS: PayloadLimits = { maxBodyBytes: 10 * 1024 * 1024, maxJsonDepth: 256 };

/**
 * The body of one message. `primary` says which representation is authoritative:
 * the original bytes (unchanged), a JSON value, the envelope DOM, or text.
 */
type Primary = 'stream' | 'bytes' | 'json' | 'xml' | 'text' | 'empty';

export class Payload {
  #stream: Readable | undefined;
  #bytes: Buffer | undefined;
  #json: unknown;
  #hasJson = false;
  #envelope: XmlDocument | undefined;
  #text: string | undefined;
  #primary: Primary;
  /** Media type of the body as received (for parsing). */
  #sourceType: string;
  /** Set when the body is a SOAP message (incoming envelope, or set by a mediator). */
  soap: 'soap11' | 'soap12' | null = null;

  private constructor(primary: Primary, sourceType: string) {
    this.#primary = primary;
    this.#sourceType = sourceType;
  }

  static empty(): Payload {
    return new Payload('empty', '');
  }

  static fromStream(stream: Readable, contentType: string | undefined): Payload {
    const p = new Payload('stream', mediaType(contentType));
    p.#stream = stream;
    return p;
  }

  static fromBytes(bytes: Buffer, contentType: string | undefined): Payload {
    const p = new Payload(bytes.length ? 'bytes' : 'empty', mediaType(contentType));
    p.#bytes = bytes;
    return p;
  }

  get isStream(): boolean {
    return this.#primary === 'stream';
  }

  get isEmpty(): boolean {
    return this.#primary === 'empty';
  }

  /** Whether a mediator replaced or edited the body since it arrived. */
  get modified(): boolean {
    return this.#primary === 'json' || this.#primary === 'xml' || this.#primary === 'text';
  }

  /** The kind of body a content-aware reader sees. */
  get kind(): BodyKind {
    switch (this.#primary) {
      case 'json':
        return 'json';
      case 'xml':
        return 'xml';
      case 'text':
        return 'text';
      case 'empty':
        return 'none';
      default:
        return kindOfMediaType(this.#sourceType);
    }
  }

  /** Take the unread stream (for pass-through). Afterwards the payload is empty. */
  takeStream(): Readable | undefined {
    if (this.#primary !== 'stream') return undefined;
    const s = this.#stream;
    this.#stream = undefined;
    this.#primary = 'empty';
    return s;
  }

  /** Read a streamed body into memory, at most `limit` bytes. */
  async load(limit: number): Promise<void> {
    if (this.#primary !== 'stream') return;
    const stream = this.#stream!;
    this.#stream = undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        const b = chunk as Buffer;
        size += b.length;
        if (size > limit) {
          discard(stream);
          throw new MediationError('AXON_TRN_BODY_TOO_LARGE', `the body is larger than ${limit} bytes`, { synapseCode: 413 });
        }
        chunks.push(b);
      }
    } catch (e) {
      this.#primary = 'empty';
      if (e instanceof MediationError) throw e;
      throw new MediationError('AXON_TRN_BAD_PAYLOAD', `the body could not be read: ${(e as Error).message}`);
    }
    this.#bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    this.#primary = size ? 'bytes' : 'empty';
  }

  #requireLoaded(): void {
    if (this.#primary === 'stream') {
      // A reader was compiled without declaring that it reads the body: our bug, not the user's.
      throw new Error('payload read before it was loaded');
    }
  }

  #parseJsonBytes(limits: PayloadLimits): unknown {
    const text = this.#bytes!.toString('utf8');
    checkJsonDepth(text, limits.maxJsonDepth);
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new MediationError('AXON_MED_BAD_PAYLOAD', `the JSON body is malformed: ${(e as Error).message}`);
    }
  }

  /** The payload as JSON (XML bodies converted); undefined when there is no body. */
  json(limits: PayloadLimits = DEFAULT_LIMITS): unknown {
    this.#requireLoaded();
    if (this.#hasJson) return this.#json;
    switch (this.#primary) {
      case 'empty':
        return undefined;
      case 'text':
        return this.#text;
      case 'xml': {
        const el = firstBodyElement(this.#envelope!);
        return el ? xmlToJson(el) : undefined;
      }
      default: {
        const kind = kindOfMediaType(this.#sourceType);
        if (kind === 'json') {
          this.#json = this.#parseJsonBytes(limits);
          this.#hasJson = true;
          return this.#json;
        }
        if (kind === 'xml') {
          const el = firstBodyElement(this.envelope(limits));
          return el ? xmlToJson(el) : undefined;
        }
        return this.#bytes!.toString('utf8');
      }
    }
  }

  /** The SOAP envelope holding the payload, built on first use. */
  envelope(limits: PayloadLimits = DEFAULT_LIMITS): XmlDocument {
    this.#requireLoaded();
    if (this.#envelope) return this.#envelope;
    let env: XmlDocument;
    switch (this.#primary) {
      case 'empty':
        env = createEnvelope('soap11');
        break;
      case 'json':
        env = envelopeAround(jsonViewOf(this.#json));
        break;
      case 'text':
        env = envelopeAround(textElement(this.#text ?? ''));
        break;
      default: {
        const kind = kindOfMediaType(this.#sourceType);
        if (kind === 'json') {
          const v = this.#hasJson ? this.#json : this.#parseJsonBytes(limits);
          this.#json = v;
          this.#hasJson = true;
          env = envelopeAround(jsonViewOf(v));
        } else if (kind === 'xml') {
          env = this.#parseXmlBytes();
        } else {
          env = envelopeAround(textElement(this.#bytes!.toString('utf8')));
        }
      }
    }
    this.#envelope = env;
    return env;
  }

  #parseXmlBytes(): XmlDocument {
    let doc: XmlDocument;
    try {
      doc = parseXml(this.#bytes!.toString('utf8'));
    } catch (e) {
      if (e instanceof XmlSyntaxError) {
        throw new MediationError(
          'AXON_MED_BAD_PAYLOAD',
          e.doctype ? 'XML bodies must not contain a DOCTYPE' : `the XML body is malformed at ${e.line}:${e.col}: ${e.message}`,
        );
      }
      throw e;
    }
    const root = doc.documentElement!;
    if (isSoapEnvelope(root)) {
      this.soap = soapVersionOf(doc);
      return doc;
    }
    const env = createEnvelope('soap11');
    setBodyElement(env, env.importNode(root, true) as XmlElement);
    return env;
  }

  /** The raw text of the body (JSON text, XML text, plain text). */
  text(limits: PayloadLimits = DEFAULT_LIMITS): string {
    this.#requireLoaded();
    switch (this.#primary) {
      case 'empty':
        return '';
      case 'bytes':
        return this.#bytes!.toString('utf8');
      case 'text':
        return this.#text ?? '';
      case 'json':
        return JSON.stringify(this.#json);
      default: {
        void limits;
        const el = firstBodyElement(this.#envelope!);
        return el ? serializeXml(el) : '';
      }
    }
  }

  /** Forget every representation (an unread stream is drained or aborted) before a replacement. */
  #reset(primary: Primary): void {
    discard(this.#stream);
    this.#stream = undefined;
    this.#bytes = undefined;
    this.#json = undefined;
    this.#hasJson = false;
    this.#envelope = undefined;
    this.#text = undefined;
    this.#primary = primary;
  }

  setJson(value: unknown): void {
    this.#reset('json');
    this.#json = value;
    this.#hasJson = true;
  }

  /** Make `el` the only Body child (a POX/JSON payload replacement). */
  setBodyElement(el: XmlElement | null): void {
    const env = this.#envelope && this.#primary !== 'json' ? this.#envelope : createEnvelope(this.soap ?? 'soap11');
    if (el) setBodyElement(env, el.ownerDocument === env ? el : (env.importNode(el, true) as XmlElement));
    else setBodyElement(env, null);
    this.setEnvelope(env);
  }

  /** Replace the whole envelope. */
  setEnvelope(env: XmlDocument): void {
    this.#reset('xml');
    this.#envelope = env;
  }

  setText(text: string): void {
    this.#reset('text');
    this.#text = text;
  }

  /** Called after a mediator edited the envelope DOM in place: the DOM becomes authoritative. */
  envelopeChanged(): void {
    if (!this.#envelope) return;
    const env = this.#envelope;
    this.#reset('xml');
    this.#envelope = env;
  }

  clearBody(): void {
    this.#reset('empty');
  }

  /**
   * The body to put on the wire for a message whose messageType is `outType`. Returns the
   * original bytes when nothing changed (byte-exact pass-through), else a serialisation.
   */
  serialize(outType: string): Buffer | null {
    switch (this.#primary) {
      case 'empty':
      case 'stream':
        return null;
      case 'bytes':
        return this.#bytes!;
      case 'text':
        return Buffer.from(this.#text ?? '', 'utf8');
      case 'json': {
        const k = kindOfMediaType(outType);
        if (k === 'xml') {
          const view = jsonViewOf(this.#json);
          return Buffer.from(serializeXml(view), 'utf8');
        }
        return Buffer.from(JSON.stringify(this.#json === undefined ? null : this.#json), 'utf8');
      }
      case 'xml': {
        const env = this.#envelope!;
        const k = kindOfMediaType(outType);
        const first = firstBodyElement(env);
        if (k === 'json') {
          return Buffer.from(JSON.stringify(first ? xmlToJson(first) : null), 'utf8');
        }
        if (k === 'text' && first && first.namespaceURI === TEXT_NS && first.localName === 'text') {
          return Buffer.from(first.textContent ?? '', 'utf8');
        }
        const mt = mediaType(outType);
        if (this.soap !== null && (mt === 'text/xml' || mt === 'application/soap+xml')) {
          return Buffer.from(serializeXml(env), 'utf8');
        }
        return Buffer.from(first ? serializeXml(first) : '', 'utf8');
      }
    }
  }

  /** A deep copy (the response MC of a call/send keeps its own body). */
  clone(): Payload {
    const p = new Payload(this.#primary, this.#sourceType);
    p.soap = this.soap;
    p.#bytes = this.#bytes;
    p.#text = this.#text;
    if (this.#hasJson) {
      p.#json = structuredClone(this.#json);
      p.#hasJson = true;
    }
    if (this.#envelope) p.#envelope = this.#envelope.cloneNode(true) as XmlDocument;
    return p;
  }
}

/**
 * Drop an unread body stream. A client's request body is drained (destroying it would close the
 * client's connection before it gets its answer); a backend response body is destroyed, and its
 * abort error (undici raises one) must not go unhandled.
 */
function discard(stream: Readable | undefined): void {
  if (!stream || stream.destroyed) return;
  stream.on('error', () => {});
  if (stream instanceof IncomingMessage) stream.resume();
  else stream.destroy();
}

function envelopeAround(el: XmlElement): XmlDocument {
  const env = createEnvelope('soap11');
  setBodyElement(env, env.importNode(el, true) as XmlElement);
  return env;
}

function jsonViewOf(value: unknown): XmlElement {
  const holder = createEnvelope('soap11');
  return jsonToXml(value, holder);
}

function textElement(text: string): XmlElement {
  const holder = createEnvelope('soap11');
  const el = holder.createElementNS(TEXT_NS, 'text');
  el.appendChild(holder.createTextNode(text));
  return el;
}

/** Reject JSON nested deeper than `max` before parsing (stack-safe conversions later). */
export function checkJsonDepth(text: string, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) throw new MediationError('AXON_MED_BAD_PAYLOAD', `the JSON body is nested deeper than ${max} levels`);
    } else if (c === 125 || c === 93) depth--;
  }
}

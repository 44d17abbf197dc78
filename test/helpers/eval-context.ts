// Test helper: a plain EvalContext for expression unit tests. It builds a SOAP envelope from XML
// or JSON with the expr stage's own soap.ts / json-xml.ts, keeps one property map per scope and a
// fixed clock, and can refuse any body access to prove that a fast path never builds the body.

import { jsonToXml, xmlToJson } from '../../src/expr/json-xml.js';
import { createEnvelope, envelopeHeader, firstBodyElement, isSoapEnvelope, setBodyElement, type SoapVersion } from '../../src/expr/soap.js';
import type { AddressField, EvalContext, ReadScope, XmlDocument, XmlElement } from '../../src/expr/types.js';
import { parseXml } from '../../src/xml/parse.js';

export interface FakeContextOptions {
  /** The payload: a root element (wrapped in a SOAP 1.1 envelope) or a whole envelope. */
  xml?: string;
  /** A JSON payload (the envelope then holds Synapse's jsonObject view). */
  json?: unknown;
  /** Envelope version for `xml`/`json` payloads that are not envelopes already. */
  soap?: SoapVersion;
  /** SOAP header blocks (XML text) added to the envelope Header. */
  headerBlocks?: string[];
  props?: Record<string, unknown>;
  axis2?: Record<string, unknown>;
  /** Transport headers; names compare case-insensitively. */
  transport?: Record<string, string>;
  operation?: Record<string, unknown>;
  func?: Record<string, unknown>;
  system?: Record<string, string>;
  env?: Record<string, string>;
  registry?: Record<string, string>;
  file?: Record<string, string>;
  localEntries?: Record<string, unknown>;
  address?: Partial<Record<AddressField, string>>;
  messageFormat?: string;
  fault?: boolean;
  /** Fixed clock (epoch millis). */
  now?: number;
  /** envelope() and json() throw: a fast path must never call them. */
  forbidBody?: boolean;
}

/** 2024-03-05T14:07:09.045 local time: single-digit month, day and hour-of-12 make patterns visible. */
export const FIXED_NOW = new Date(2024, 2, 5, 14, 7, 9, 45).getTime();

export class FakeEvalContext implements EvalContext {
  readonly props: Map<string, unknown>;
  readonly axis2: Map<string, unknown>;
  readonly transport = new Map<string, string>();
  readonly operation: Map<string, unknown>;
  readonly func: Map<string, unknown>;
  readonly localEntries: Map<string, unknown>;
  envelopeCalls = 0;
  jsonCalls = 0;
  #envelope: XmlDocument | undefined;
  #json: unknown;
  #hasJson = false;

  constructor(readonly opts: FakeContextOptions = {}) {
    this.props = new Map(Object.entries(opts.props ?? {}));
    this.axis2 = new Map(Object.entries(opts.axis2 ?? {}));
    for (const [k, v] of Object.entries(opts.transport ?? {})) this.transport.set(k.toLowerCase(), v);
    this.operation = new Map(Object.entries(opts.operation ?? {}));
    this.func = new Map(Object.entries(opts.func ?? {}));
    this.localEntries = new Map(Object.entries(opts.localEntries ?? {}));
    if (opts.json !== undefined) {
      this.#json = opts.json;
      this.#hasJson = true;
    }
  }

  getProperty(name: string): unknown {
    return this.props.get(name);
  }

  getScoped(scope: ReadScope, name: string): unknown {
    switch (scope) {
      case 'default':
        return this.props.get(name);
      case 'axis2':
      case 'axis2-client':
        return this.axis2.get(name);
      case 'transport':
        return this.transport.get(name.toLowerCase());
      case 'operation':
        return this.operation.get(name);
      case 'func':
        return this.func.get(name);
      case 'system':
        return this.opts.system?.[name] ?? '';
      case 'env':
        return this.opts.env?.[name] ?? '';
      case 'registry':
        return this.opts.registry?.[name];
      case 'file':
        return this.opts.file?.[name] ?? '';
      default:
        return undefined;
    }
  }

  getAddress(field: AddressField): string | null {
    return this.opts.address?.[field] ?? null;
  }

  getLocalEntry(key: string): unknown {
    return this.localEntries.get(key);
  }

  envelope(): XmlDocument {
    this.envelopeCalls++;
    if (this.opts.forbidBody) throw new Error('the body was read');
    if (!this.#envelope) this.#envelope = this.#buildEnvelope();
    return this.#envelope;
  }

  json(): unknown {
    this.jsonCalls++;
    if (this.opts.forbidBody) throw new Error('the body was read');
    if (this.#hasJson) return this.#json;
    if (this.opts.xml === undefined) return undefined;
    const el = firstBodyElement(this.envelope());
    return el ? xmlToJson(el) : undefined;
  }

  isJson(): boolean {
    return this.#hasJson;
  }

  messageFormat(): string {
    return this.opts.messageFormat ?? (this.#hasJson ? 'pox' : 'soap11');
  }

  isFault(): boolean {
    return this.opts.fault === true;
  }

  now(): number {
    return this.opts.now ?? FIXED_NOW;
  }

  #buildEnvelope(): XmlDocument {
    let env: XmlDocument;
    if (this.opts.xml !== undefined) {
      const doc = parseXml(this.opts.xml);
      if (isSoapEnvelope(doc.documentElement!)) env = doc;
      else {
        env = createEnvelope(this.opts.soap ?? 'soap11');
        setBodyElement(env, doc.documentElement as XmlElement);
      }
    } else {
      env = createEnvelope(this.opts.soap ?? 'soap11');
      if (this.#hasJson) setBodyElement(env, jsonToXml(this.#json, env));
    }
    for (const block of this.opts.headerBlocks ?? []) {
      const h = envelopeHeader(env, true)!;
      h.appendChild(env.importNode(parseXml(block).documentElement!, true));
    }
    return env;
  }
}

/** Shorthand. */
export function fakeContext(opts: FakeContextOptions = {}): FakeEvalContext {
  return new FakeEvalContext(opts);
}

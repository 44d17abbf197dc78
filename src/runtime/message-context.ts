// Runtime: one message in flight. Properties by scope (default, axis2, transport = headers,
// operation), WS-Addressing fields, the lazy payload and the fault-handler stack, as in
// Synapse's MessageContext. Per-message state lives here, never on compiled mediators.

import type { Readable } from 'node:stream';
import type { AddressField, EvalContext, ReadScope, XmlDocument } from '../expr/types.js';
import { HeaderMap, type HeaderValue } from './headers.js';
import { DEFAULT_LIMITS, mediaType, Payload, type PayloadLimits } from './payload.js';
import type { Logger } from './logger.js';

/** A fault handler on the stack: a compiled sequence (or, later, an endpoint group). */
export interface FaultHandler {
  readonly name: string;
  handle(mc: MessageContext): Promise<void>;
}

/** What the runtime needs from the config generation a message runs on. */
export interface MessageEnvironment {
  localEntry(key: string): unknown;
  readonly limits: PayloadLimits;
  readonly logger: Logger;
  now(): number;
}

/** The client side of an exchange, implemented by the transport. */
export interface ClientExchange {
  readonly method: string;
  /** Path and query exactly as received. */
  readonly rawPath: string;
  readonly scheme: 'http' | 'https';
  readonly remoteAddress: string;
  /** A response has been written (or is being written) to the client. */
  readonly responded: boolean;
  /** A send/call went out, so no automatic 202 is due. */
  outboundStarted: boolean;
  respond(status: number, headers: Record<string, HeaderValue>, body: Buffer | Readable | null, statusText?: string): void;
}

export const ANONYMOUS_TO = 'http://www.w3.org/2005/08/addressing/anonymous';

let messageCounter = 0;

export class MessageContext implements EvalContext {
  /** Default (Synapse) scope. */
  readonly props: Map<string, unknown>;
  /** Axis2 scope (messageType, HTTP_SC, REST_URL_POSTFIX...); not carried into responses. */
  readonly axis2 = new Map<string, unknown>();
  /** Transport scope: the HTTP headers of this message. */
  headers: HeaderMap;
  /** Operation scope: shared by the request and its response. */
  readonly operation: Map<string, unknown>;
  readonly addressing: Partial<Record<AddressField, string | null>> = {};
  isResponse = false;
  /** A <drop/> ended this message's flow on purpose. */
  dropped = false;
  payload: Payload;
  faultStack: FaultHandler[] = [];
  /** Template parameter frames ($func:), innermost last. */
  funcStack: Map<string, unknown>[] = [];
  /** Status of the last backend response, used by respond when HTTP_SC is unset. */
  lastBackendStatus: number | undefined;
  lastBackendStatusText: string | undefined;
  /** The API/resource the request was dispatched to (response routing). */
  route: RouteInfo | undefined;
  #id: string | undefined;

  constructor(
    readonly exchange: ClientExchange,
    readonly env: MessageEnvironment,
    init?: { props?: Map<string, unknown>; operation?: Map<string, unknown>; headers?: HeaderMap; payload?: Payload },
  ) {
    this.props = init?.props ?? new Map();
    this.operation = init?.operation ?? new Map();
    this.headers = init?.headers ?? new HeaderMap();
    this.payload = init?.payload ?? Payload.empty();
  }

  /** The message id (built on first use: most messages never need it). */
  get id(): string {
    return (this.#id ??= `urn:uuid:axon-${process.pid}-${++messageCounter}`);  }

  // --- EvalContext --------------------------------------------------------------------------

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
        return this.headers.get(name);
      case 'operation':
        return this.operation.get(name);
      case 'func':
        return this.funcParam(name);
      case 'env':
        return process.env[name] ?? '';
      case 'system':
        return '';
      default:
        return undefined;
    }
  }

  getAddress(field: AddressField): string | null {
    if (field === 'MessageID') return this.addressing.MessageID ?? this.id;
    return this.addressing[field] ?? null;
  }

  getLocalEntry(key: string): unknown {
    return this.env.localEntry(key);
  }

  envelope(): XmlDocument {
    return this.payload.envelope(this.env.limits);
  }

  json(): unknown {
    return this.payload.json(this.env.limits);
  }

  isJson(): boolean {
    return this.payload.kind === 'json' || /json/.test(this.messageType());
  }

  messageFormat(): string {
    if (this.payload.soap) return this.payload.soap;
    const m = (this.axis2.get('HTTP_METHOD') as string | undefined) ?? this.exchange.method;
    return m === 'GET' ? 'get' : 'pox';
  }

  isFault(): boolean {
    return this.axis2.get('FAULT_MESSAGE') === 'TRUE' || this.props.get('FAULT') === 'TRUE';
  }

  now(): number {
    return this.env.now();
  }

  // --- helpers ------------------------------------------------------------------------------

  funcParam(name: string): unknown {
    const top = this.funcStack[this.funcStack.length - 1];
    return top?.get(name);
  }

  /** axis2 messageType, falling back to the Content-Type header's media type. */
  messageType(): string {
    const mt = this.axis2.get('messageType');
    if (typeof mt === 'string' && mt) return mt;
    return mediaType(this.headers.get('content-type'));
  }

  /** Load a streamed body so content-aware mediators can read it synchronously. */
  loadBody(): Promise<void> | undefined {
    return this.payload.isStream ? this.payload.load(this.env.limits.maxBodyBytes) : undefined;
  }

  /** Record an error the way Synapse's fault path does (ERROR_CODE and friends). */
  setError(code: number, message: string, detail?: string, exception?: unknown): void {
    this.props.set('ERROR_CODE', code);
    this.props.set('ERROR_MESSAGE', message);
    this.props.set('ERROR_DETAIL', detail ?? message);
    if (exception !== undefined) this.props.set('ERROR_EXCEPTION', exception);
  }

  clearError(): void {
    this.props.delete('ERROR_CODE');
    this.props.delete('ERROR_MESSAGE');
    this.props.delete('ERROR_DETAIL');
    this.props.delete('ERROR_EXCEPTION');
  }

  /** The response MC Synapse builds when a backend answers: default and operation scope carried over. */
  forResponse(headers: HeaderMap, payload: Payload, status: number, statusText: string | undefined): MessageContext {
    const r = new MessageContext(this.exchange, this.env, {
      props: new Map(this.props),
      operation: this.operation,
      headers,
      payload,
    });
    r.isResponse = true;
    r.route = this.route;
    r.faultStack = [];
    r.lastBackendStatus = status;
    r.lastBackendStatusText = statusText;
    r.axis2.set('HTTP_SC', status);
    const ct = headers.get('content-type');
    if (ct) {
      r.axis2.set('messageType', mediaType(ct));
      r.axis2.set('ContentType', ct);
    }
    if (status >= 400) r.axis2.set('FAULT_MESSAGE', 'TRUE');
    r.funcStack = this.funcStack;
    return r;
  }
}

export interface RouteInfo {
  apiName: string;
  resourceIndex: number;
}

export { DEFAULT_LIMITS };

// Endpoint contract: an endpoint turns a message into one backend call (or, for groups,
// several). It reports failures as MediationErrors carrying Synapse's numeric ERROR_CODE; the
// wire work goes through a Sender that the transport layer provides.

import type { Readable } from 'node:stream';
import type { HeaderMap, HeaderValue } from '../runtime/headers.js';
import type { MessageContext } from '../runtime/message-context.js';

export interface OutboundRequest {
  /** scheme://host[:port] of the backend. */
  origin: string;
  /** Path and query, starting with "/". */
  path: string;
  method: string;
  headers: Record<string, HeaderValue>;
  body: Readable | Buffer | null;
  /** Time allowed for the response headers and between body chunks. */
  timeoutMs: number;
}

export interface BackendResponse {
  status: number;
  statusText: string | undefined;
  headers: HeaderMap;
  /** The response body, still streaming; null for bodiless responses. */
  body: Readable | null;
}

/** Sends one request; rejects with a MediationError carrying Synapse's transport code. */
export interface Sender {
  send(req: OutboundRequest): Promise<BackendResponse>;
  close(): Promise<void>;
}

export interface Endpoint {
  /** Undefined for anonymous inline endpoints. */
  readonly name: string | undefined;
  readonly type: string;
  /** Send the message; resolves with the backend's response (any HTTP status). */
  send(mc: MessageContext): Promise<BackendResponse>;
  /** Synapse's readyToSend(): would this endpoint take a message now? A pure query. */
  ready(): boolean;
  /** After a failure with this ERROR_CODE, may a parent group try another child? */
  shouldRetry(errorCode: number): boolean;
  /** State, counters and children, for the admin port and metrics. */
  view(): EndpointView;
  /** Admin switch: off = never ready until switched on again (Synapse's switchOff/switchOn). */
  setActive(on: boolean): void;
}

export interface EndpointView {
  name: string | null;
  type: string;
  /** active | timeout | suspended | off; groups report active while some child is ready. */
  state: string;
  /** Leaf address or template, when fixed. */
  address?: string;
  /** The service catalog entry the address came from. */
  service?: string;
  counters?: { successes: number; failures: number; timeouts: number; suspensions: number };
  /** When a timeout or suspended endpoint takes a probe again (epoch ms). */
  retryAt?: number | null;
  /** Length of the current suspension (ms). */
  suspendedForMs?: number | null;
  remainingRetries?: number | null;
  children?: EndpointView[];
  /** Session-affinity groups: live bindings. */
  sessions?: number;
  /** Children of an <environments> endpoint: which environment the child serves. */
  environment?: 'production' | 'sandbox';
}

/** Marks a failure so an endpoint's onError sequence handles it before the enclosing handlers. */
export const FAULT_HANDLER = Symbol('axon.faultHandler');

/**
 * A failure that Synapse's endpoint `discard` response action ends: the endpoint's state was
 * updated, but no fault sequence runs and no parent group fails over.
 */
export const DISCARDED = Symbol('axon.discarded');

/** Transport failures (Synapse's 101xxx codes) are what moves an endpoint's state machine. */
export function isTransportFailure(code: number): boolean {
  return code >= 101000 && code < 102000;
}

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
}

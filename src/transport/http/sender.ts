// Transport: the outbound HTTP sender on undici. One keep-alive pool per origin; transport
// failures become MediationErrors with Synapse's numeric codes (101503 refused, 101504 timeout,
// 101505 closed, 101508 connect timeout). Measure before changing: every backend call goes here.

import tls from 'node:tls';
import { Agent } from 'undici';
import type { Readable } from 'node:stream';
import { MediationError } from '../../errors/codes.js';
import { HeaderMap } from '../../runtime/headers.js';
import type { BackendResponse, OutboundRequest, Sender } from '../../endpoints/types.js';

/** Endpoint timeouts shorter than this use a precise timer instead of undici's coarse ones. */
const PRECISE_TIMEOUT_BELOW_MS = 30_000;

export interface OutboundTls {
  /** Extra trusted CA certificates (added to Node's default roots). */
  ca?: Buffer[];
  /** WSO2's HostnameVerifier: Strict (default), AllowAll, DefaultAndLocalhost. */
  hostnameVerifier?: 'Strict' | 'AllowAll' | 'DefaultAndLocalhost';
  /** Client certificate for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
}

export interface SenderOptions {
  tls?: OutboundTls;
  /** Longest silence allowed on a backend socket, whatever the endpoint timeout (ms). */
  socketTimeoutMs?: number;
  /** TCP connect timeout in ms. */
  connectTimeoutMs?: number;
  /** Idle keep-alive time for pooled backend connections. */
  keepAliveTimeoutMs?: number;
  /** Connections per origin. */
  connections?: number;
}

export function createHttpSender(opts: SenderOptions = {}): Sender {
  const socketTimeout = opts.socketTimeoutMs ?? Number.MAX_SAFE_INTEGER;
  const agent = new Agent({
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: 600_000,
    connections: opts.connections ?? 256,
    pipelining: 1,
    connect: { timeout: opts.connectTimeoutMs ?? 30_000, ...tlsConnectOptions(opts.tls) },
  });
  return {
    async send(out: OutboundRequest): Promise<BackendResponse> {
      const req = socketTimeout < out.timeoutMs ? { ...out, timeoutMs: socketTimeout } : out;
      let res;
      // undici's own timers tick about once a second; short endpoint timeouts get a precise timer
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      let signal: AbortSignal | undefined;
      if (req.timeoutMs < PRECISE_TIMEOUT_BELOW_MS) {
        const ac = new AbortController();
        signal = ac.signal;
        timer = setTimeout(() => {
          timedOut = true;
          ac.abort();
        }, req.timeoutMs);
      }
      try {
        res = await agent.request({
          origin: req.origin,
          path: req.path,
          method: req.method as 'GET',
          headers: req.headers,
          body: req.body as Buffer | Readable | null,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
          ...(signal ? { signal } : {}),
        });
      } catch (e) {
        if (timedOut) throw new MediationError('AXON_EP_TIMEOUT', 'Send timeout', { detail: `no response within ${req.timeoutMs} ms (${req.origin})`, cause: e });
        throw mapTransportError(e, req.origin);
      } finally {
        if (timer) clearTimeout(timer);
      }
      const headers = new HeaderMap();
      const h = res.headers;
      for (const name in h) {
        const v = h[name];
        if (v !== undefined) headers.set(name, v);
      }
      const bodiless = req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
      if (bodiless) res.body.resume();
      return { status: res.statusCode, statusText: undefined, headers, body: bodiless ? null : res.body };
    },
    async close() {
      await agent.close();
    },
  };
}

/**
 * TLS options for backend connections. The chain is always verified; only the hostname check
 * follows HostnameVerifier (AllowAll skips it, DefaultAndLocalhost skips it for loopback names).
 */
function tlsConnectOptions(t: OutboundTls | undefined): Record<string, unknown> {
  if (!t) return {};
  const o: Record<string, unknown> = {};
  if (t.ca?.length) o.ca = [...tls.rootCertificates, ...t.ca.map((b) => b.toString('utf8'))];
  if (t.cert && t.key) {
    o.cert = t.cert;
    o.key = t.key;
  }
  if (t.hostnameVerifier === 'AllowAll') o.checkServerIdentity = () => undefined;
  else if (t.hostnameVerifier === 'DefaultAndLocalhost') {
    o.checkServerIdentity = (host: string, cert: tls.PeerCertificate) =>
      host === 'localhost' || host === '127.0.0.1' || host === '::1' ? undefined : tls.checkServerIdentity(host, cert);
  }
  return o;
}

/** Map an undici/socket error to Synapse's transport error code. */
export function mapTransportError(e: unknown, where: string): MediationError {
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? '';
  const detail = `${code || 'error'}: ${err.message ?? String(e)} (${where})`;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new MediationError('AXON_EP_CONNECT_FAILED', 'Error connecting to the back end', { detail, cause: e });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new MediationError('AXON_EP_CONNECT_TIMEOUT', 'Error connecting to the back end', { detail, cause: e });
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new MediationError('AXON_EP_TIMEOUT', 'Send timeout', { detail, cause: e });
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_CLOSED':
      return new MediationError('AXON_EP_CONNECTION_CLOSED', 'Connection closed by the back end', { detail, cause: e });
    case 'HPE_INVALID_CONSTANT':
    case 'UND_ERR_INFO':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new MediationError('AXON_EP_PROTOCOL', 'the back end broke the HTTP protocol', { detail, cause: e });
    case 'UND_ERR_INVALID_ARG':
      return new MediationError('AXON_MED_BAD_HEADER_VALUE', 'the backend request is not valid HTTP', { detail, cause: e });
    default:
      if (typeof code === 'string' && (code.startsWith('ERR_TLS') || /CERT|SELF_SIGNED|UNABLE_TO_/.test(code))) {
        // the TLS handshake failed: Synapse reports it as a failed connection
        return new MediationError('AXON_EP_CONNECT_FAILED', 'Error connecting to the back end', { detail, cause: e });
      }
      if (typeof code === 'string' && code.startsWith('HPE_')) {
        return new MediationError('AXON_EP_PROTOCOL', 'the back end broke the HTTP protocol', { detail, cause: e });
      }
      return new MediationError('AXON_EP_SEND_FAILED', 'Error in Sender', { detail, cause: e });
  }
}

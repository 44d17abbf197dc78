// Endpoints, runtime stage: session affinity for load-balance groups (synapse-semantics §6.6).
// A session id is read from each request (a backend cookie, a client id, a SOAP header, or
// Axon's own signed cookie); a table binds ids to children for a sliding timeout.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SessionNode } from '../../config/ast.js';
import type { BackendResponse } from '../types.js';
import type { MessageContext } from '../../runtime/message-context.js';
import type { Clock } from '../state/endpoint-state.js';
import { childElements, localName, type XmlDocument, type XmlElement } from '../../xml/parse.js';
import { envelopeHeader } from '../../expr/soap.js';

const SYNAPSE_NS = 'http://ws.apache.org/ns/synapse';
const AXIS2_NS = 'http://ws.apache.org/namespaces/axis2';
const WSA_NS = 'http://www.w3.org/2005/08/addressing';

/** Most live bindings per group; the oldest go first beyond it. */
export const MAX_SESSIONS = 100_000;

/** Session id -> child binding with a sliding expiry. Map order is least-recently-used first. */
export class SessionTable {
  readonly #map = new Map<string, { child: number; expires: number }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly clock: Clock,
    private readonly max = MAX_SESSIONS,
  ) {}

  /** The bound child, refreshing the binding; undefined when unknown or expired. */
  get(id: string): number | undefined {
    const b = this.#map.get(id);
    if (!b) return undefined;
    const now = this.clock.now();
    this.#map.delete(id);
    if (b.expires <= now) return undefined;
    b.expires = now + this.timeoutMs;
    this.#map.set(id, b);
    return b.child;
  }

  bind(id: string, child: number): void {
    this.#map.delete(id);
    this.#map.set(id, { child, expires: this.clock.now() + this.timeoutMs });
    if (this.#map.size > this.max) {
      const now = this.clock.now();
      for (const [k, v] of this.#map) {
        if (this.#map.size <= this.max && v.expires > now) break;
        this.#map.delete(k);
      }
    }
  }

  get size(): number {
    const now = this.clock.now();
    let n = 0;
    for (const v of this.#map.values()) if (v.expires > now) n++;
    return n;
  }
}

/** Cookie header -> name/value pairs (first occurrence of a name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** The cookies a response sets: name -> value, from every Set-Cookie line. */
export function setCookies(res: BackendResponse): Map<string, string> {
  const out = new Map<string, string>();
  const raw = res.headers.getAll('set-cookie');
  for (const line of raw) {
    const first = line.split(';', 1)[0]!;
    const eq = first.indexOf('=');
    if (eq > 0) out.set(first.slice(0, eq).trim(), first.slice(eq + 1).trim());
  }
  return out;
}

function soapHeaderChild(mc: MessageContext, ns: string, name: string): XmlElement | undefined {
  const header = envelopeHeader(mc.envelope());
  return header ? childElements(header).find((e) => e.namespaceURI === ns && localName(e) === name) : undefined;
}

/** Whether the request may carry a SOAP header worth parsing the body for. */
function looksSoap(mc: MessageContext): boolean {
  const ct = mc.headers.get('content-type') ?? '';
  return /text\/xml|application\/soap\+xml/i.test(ct);
}

/** What a session policy needs: read the id of a request, learn bindings from a response. */
export interface SessionPolicy {
  readonly node: SessionNode;
  /** Ids the request presents (a body is loaded only for SOAP-based types). */
  requestIds(mc: MessageContext): Promise<string[]>;
  /** A child id bound by a self-contained token (signed cookie), checked without the table. */
  tokenChild?(mc: MessageContext): string | undefined;
  /** Ids a response establishes (server-initiated sessions). */
  responseIds(res: BackendResponse): string[];
  /** Headers to add to the client response after `childId` answered (signed cookie). */
  issue?(mc: MessageContext, childId: string): string | undefined;
}

export function createSessionPolicy(node: SessionNode, secret: Buffer, clock: Clock): SessionPolicy {
  switch (node.type) {
    case 'http':
      return {
        node,
        async requestIds(mc) {
          const cookies = parseCookies(mc.headers.get('cookie'));
          const ids: string[] = [];
          for (const name of node.cookieNames) {
            const v = cookies.get(name);
            if (v !== undefined && v !== '') ids.push(`${name}=${v}`);
          }
          return ids;
        },
        responseIds(res) {
          const set = setCookies(res);
          const ids: string[] = [];
          for (const name of node.cookieNames) {
            const v = set.get(name);
            if (v !== undefined && v !== '') ids.push(`${name}=${v}`);
          }
          return ids;
        },
      };
    case 'simpleClientSession':
      return {
        node,
        async requestIds(mc) {
          const h = mc.headers.get(node.clientIdHeader);
          if (h) return [`h:${h}`];
          const q = queryParam(mc.exchange.rawPath, node.clientIdQuery);
          if (q) return [`h:${q}`];
          if (!looksSoap(mc)) return [];
          const p = mc.loadBody();
          if (p) await p;
          const el = soapHeaderChild(mc, SYNAPSE_NS, 'ClientID');
          const id = el?.textContent?.trim();
          return id ? [`h:${id}`] : [];
        },
        responseIds: () => [],
      };
    case 'soap':
      return {
        node,
        async requestIds(mc) {
          if (!looksSoap(mc)) return [];
          const p = mc.loadBody();
          if (p) await p;
          const id = soapHeaderChild(mc, AXIS2_NS, 'ServiceGroupId')?.textContent?.trim();
          return id ? [`sg:${id}`] : [];
        },
        responseIds: () => [],
      };
    case 'signedCookie':
      return signedCookiePolicy(node, secret, clock);
  }
}

/** The ServiceGroupId a SOAP response hands out in its ReplyTo reference parameters. */
export function serviceGroupIdOf(env: XmlDocument): string | undefined {
  const header = envelopeHeader(env);
  if (!header) return undefined;
  for (const h of childElements(header)) {
    if (h.namespaceURI === WSA_NS && localName(h) === 'ReplyTo') {
      const rp = childElements(h).find((e) => localName(e) === 'ReferenceParameters');
      const sg = rp && childElements(rp).find((e) => e.namespaceURI === AXIS2_NS && localName(e) === 'ServiceGroupId');
      const id = sg?.textContent?.trim();
      if (id) return id;
    }
  }
  return undefined;
}

function queryParam(rawPath: string, name: string): string | undefined {
  const q = rawPath.indexOf('?');
  if (q < 0) return undefined;
  for (const part of rawPath.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    if (k === name) {
      try {
        return decodeURIComponent((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' ')) || undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Axon's own affinity: the cookie names the child and an expiry, signed with HMAC-SHA256, so
 * any Axon instance holding the same secret and config honours it without a shared store.
 * Format: v1.<childId>.<expiry seconds>.<mac>
 */
function signedCookiePolicy(node: SessionNode, secret: Buffer, clock: Clock): SessionPolicy {
  const mac = (payload: string): string => createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 32);
  return {
    node,
    requestIds: async () => [],
    tokenChild(mc) {
      const v = parseCookies(mc.headers.get('cookie')).get(node.cookieName);
      if (!v) return undefined;
      const parts = v.split('.');
      if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
      const payload = `${parts[0]}.${parts[1]}.${parts[2]}`;
      const want = Buffer.from(mac(payload));
      const got = Buffer.from(parts[3]!);
      if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
      if (Number(parts[2]) * 1000 <= clock.now()) return undefined;
      return parts[1];
    },
    responseIds: () => [],
    issue(_mc, childId) {
      const expiry = Math.ceil((clock.now() + node.timeoutMs) / 1000);
      const payload = `v1.${childId}.${expiry}`;
      return `${node.cookieName}=${payload}.${mac(payload)}; Path=/; Max-Age=${Math.ceil(node.timeoutMs / 1000)}; HttpOnly; SameSite=Lax`;
    },
  };
}

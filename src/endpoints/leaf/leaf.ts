// Endpoints: the leaf kinds (address, http, default, and the implicit To-address send). A leaf
// works out the target URL for a message, applies its <property> children and format, and
// sends through the Sender. Measure before changing: every proxied request passes here.

import type { EndpointNode, EndpointPropertyNode, LeafQosNode, MemberNode } from '../../config/ast.js';
import { MediationError } from '../../errors/codes.js';
import { compileExpression } from '../../expr/compile.js';
import type { CompiledExpression } from '../../expr/types.js';
import { HOP_BY_HOP, isValidHeaderValue } from '../../runtime/headers.js';
import { ANONYMOUS_TO, type MessageContext } from '../../runtime/message-context.js';

import { randomUUID } from 'node:crypto';
import { createEnvelope, envelopeBody, envelopeHeader, firstBodyElement, soapVersionOf } from '../../expr/soap.js';
import type { XmlDocument, XmlElement } from '../../xml/parse.js';
import { appendRestPostfix } from '../rest-url.js';
import { compileHttpUriTemplate } from '../uri-template-expand.js';
import { DISCARDED, isTransportFailure, type BackendResponse, type Endpoint, type EndpointView, type OutboundRequest, type Sender } from '../types.js';
import type { EndpointState } from '../state/endpoint-state.js';

export interface LeafOptions {
  sender: Sender;
  /** synapse.global_timeout_interval: used when the endpoint sets no <timeout>. */
  globalTimeoutMs: number;
  /** Backend call outcomes (metrics). */
  metrics?: { upstream(endpoint: string, outcome: 'success' | 'timeout' | 'connect_error' | 'closed' | 'fault', ms: number): void };
  /** The endpoint's state machine; none for the implicit endpoint of a bare <send/>. */
  state?: EndpointState;
}

/** How Synapse names each leaf kind in its "not ready" message. */
const KIND_LABEL: Record<string, string> = { address: 'Address', http: 'HTTP', default: 'Default', wsdl: 'WSDL' };

function outcomeOf(e: unknown): 'timeout' | 'connect_error' | 'closed' | 'fault' {
  const code = e instanceof MediationError ? e.synapseCode : 0;
  if (code === 101504) return 'timeout';
  if (code === 101503 || code === 101508) return 'connect_error';
  if (code === 101505) return 'closed';
  return 'fault';
}

type UrlResolver = (mc: MessageContext) => string;

interface CompiledProperty {
  name: string;
  scope: EndpointPropertyNode['scope'];
  value: (mc: MessageContext) => string | null;
}

const SOAP_ENV_TYPES: Record<'soap11' | 'soap12', string> = { soap11: 'text/xml', soap12: 'application/soap+xml' };

/** Headers never copied from the incoming message onto the backend request. */
const OUT_SKIP = new Set(['host', 'content-length', 'expect']);

/**
 * Whether Synapse treats the request as REST for postfix appending (§5.3): anything but a SOAP
 * request, unless the endpoint forces SOAP.
 */
function isRestRequest(mc: MessageContext, format: LeafQosNode['format']): boolean {
  if (format === 'soap11' || format === 'soap12') return false;
  if (format === 'rest' || format === 'pox' || format === 'get') return true;
  const ct = mc.headers.get('content-type') ?? '';
  if (/application\/soap\+xml/i.test(ct)) return false;
  if (/text\/xml/i.test(ct) && mc.headers.has('soapaction')) return false;
  return true;
}

/** `${prop}` in an address is replaced from default-scope properties at send time (§6.2). */
function compileAddress(uri: string): (mc: MessageContext) => string {
  if (!uri.includes('${')) return () => uri;
  const parts = uri.split(/(\$\{[^}]*\})/);
  return (mc) =>
    parts
      .map((p) => {
        if (!p.startsWith('${') || !p.endsWith('}')) return p;
        const v = mc.props.get(p.slice(2, -1));
        return v === undefined || v === null ? '' : String(v);
      })
      .join('');
}

export class LeafEndpoint implements Endpoint {
  readonly #resolve: UrlResolver;
  readonly #method: string | undefined;
  readonly #format: LeafQosNode['format'];
  readonly #timeoutMs: number;
  readonly #properties: CompiledProperty[];
  readonly #sender: Sender;
  readonly #metrics: LeafOptions['metrics'];
  readonly #state: EndpointState | undefined;
  readonly #discardOnTimeout: boolean;
  readonly #timeoutExpr: CompiledExpression | undefined;
  readonly #globalTimeoutMs: number;
  readonly #address: string | undefined;
  readonly #addressing: LeafQosNode['addressing'];
  #checkedOrigin: string | undefined;
  /** Metrics label: the name, or for an anonymous endpoint its (last checked) origin. */
  #label: string | undefined;
  /** The service catalog entry the address came from, if any. */
  service: string | undefined;

  constructor(
    readonly name: string | undefined,
    readonly type: string,
    resolve: UrlResolver,
    qos: LeafQosNode,
    method: string | undefined,
    properties: CompiledProperty[],
    opts: LeafOptions,
    address?: string,
  ) {
    this.#resolve = resolve;
    this.#method = method;
    this.#format = qos.format;
    const t = qos.timeout;
    // responseAction "never" means: no endpoint timeout, only the global one
    this.#timeoutMs = t && t.responseAction !== 'never' && t.durationMs !== undefined ? t.durationMs : opts.globalTimeoutMs;
    this.#properties = properties;
    this.#sender = opts.sender;
    this.#metrics = opts.metrics;
    this.#state = opts.state;
    this.#discardOnTimeout = t?.responseAction === 'discard';
    this.#globalTimeoutMs = opts.globalTimeoutMs;
    this.#timeoutExpr =
      t && t.responseAction !== 'never' && t.durationMs === undefined && t.durationExpression !== undefined
        ? compileExpression(t.durationExpression, {})
        : undefined;
    this.#address = address;
    this.#addressing = qos.addressing;
  }

  ready(): boolean {
    return this.#state ? this.#state.readyToSend() : true;
  }

  shouldRetry(errorCode: number): boolean {
    return this.#state ? this.#state.shouldRetry(errorCode) : true;
  }

  setActive(on: boolean): void {
    if (!this.#state) return;
    if (on) this.#state.switchOn();
    else this.#state.switchOff();
  }

  view(): EndpointView {
    const v: EndpointView = { name: this.name ?? null, type: this.type, state: this.#state?.state ?? 'active' };
    if (this.#address !== undefined) v.address = this.#address;
    if (this.service !== undefined) v.service = this.service;
    if (this.#state) {
      const s = this.#state.snapshot();
      v.counters = s.counters;
      v.retryAt = s.state === 'active' || s.state === 'off' ? null : s.nextRetryTime;
      v.suspendedForMs = s.state === 'suspended' ? s.lastSuspendDurationMs : null;
      v.remainingRetries = s.remainingRetries;
    }
    return v;
  }

  /** The 303001 failure of a leaf that is not ready (suspended, timed out, switched off). */
  #notReady(): MediationError {
    const st = this.#state!.state;
    const label = st === 'off' ? 'MAINTNENCE' : st.toUpperCase();
    const kind = KIND_LABEL[this.type] ?? 'Address';
    return new MediationError(
      'AXON_EP_NOT_READY',
      `Currently , ${kind} endpoint : [ Name : ${this.name ?? 'AnonymousEndpoint'} ] [ State : ${label} ]`,
      this.type === 'wsdl' ? { synapseCode: 303002 } : undefined,
    );
  }

  #timeoutFor(mc: MessageContext): number {
    if (!this.#timeoutExpr) return this.#timeoutMs;
    // {xpath} durations: evaluated per message, capped at the global timeout
    const n = Number(this.#timeoutExpr.stringValue(mc));
    return Number.isFinite(n) && n >= 0 ? Math.min(n, this.#globalTimeoutMs) : this.#globalTimeoutMs;
  }

  async send(mc: MessageContext): Promise<BackendResponse> {
    const state = this.#state;
    if (state && !state.readyToSend()) throw this.#notReady();
    for (const p of this.#properties) applyProperty(mc, p);
    const target = this.#resolve(mc);
    const m = TARGET_RE.exec(target);
    if (!m) throw new MediationError('AXON_EP_BAD_ADDRESS', `the endpoint address "${target}" is not an http or https URL`);
    const origin = m[1]!;
    const rest = m[2]!;
    const path = rest === '' ? '/' : rest[0] === '?' ? '/' + rest : rest;
    // full URL validation once per distinct origin (WHATWG parsing per message costs ~2% CPU)
    if (origin !== this.#checkedOrigin) {
      checkOrigin(origin, target);
      this.#checkedOrigin = origin;
      this.#label = this.name ?? `anonymous:${origin}`;
    }
    mc.props.set('ENDPOINT_PREFIX', origin);
    if (this.#format === 'soap11' || this.#format === 'soap12' || this.#format === 'pox' || this.#format === 'get' || this.#addressing) {
      const p = mc.loadBody();
      if (p) await p;
    }
    if (this.#addressing) addAddressingHeaders(mc, target, this.#addressing, this.#format);
    const out = buildOutbound(mc, origin, path, this.#method, this.#format, this.#timeoutFor(mc));
    const metrics = this.#metrics;
    if (!metrics && !state) return this.#sender.send(out);
    const t0 = metrics ? performance.now() : 0;
    try {
      const res = await this.#sender.send(out);
      state?.onSuccess();
      metrics?.upstream(this.#label!, 'success', performance.now() - t0);
      return res;
    } catch (e) {
      metrics?.upstream(this.#label!, outcomeOf(e), performance.now() - t0);
      if (state && e instanceof MediationError && isTransportFailure(e.synapseCode)) {
        state.onFailure(e.synapseCode);
        if (this.#discardOnTimeout && e.synapseCode === 101504) (e as MediationError & { [DISCARDED]?: boolean })[DISCARDED] = true;
      }
      throw e;
    }
  }
}

const TARGET_RE = /^(https?:\/\/[^/?#]+)([^#]*)/i;

function checkOrigin(origin: string, target: string): void {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new MediationError('AXON_EP_BAD_ADDRESS', `the endpoint address "${target}" is not a valid URL`);
  }
  if (url.username || url.password) {
    throw new MediationError('AXON_EP_BAD_ADDRESS', 'endpoint addresses must not carry credentials');
  }
}

function applyProperty(mc: MessageContext, p: CompiledProperty): void {
  const v = p.value(mc);
  if (v === null) return;
  switch (p.scope) {
    case 'default':
      mc.props.set(p.name, v);
      break;
    case 'transport':
      if (!isValidHeaderValue(v)) throw new MediationError('AXON_MED_BAD_HEADER_VALUE', `endpoint property "${p.name}" is not a valid header value`);
      mc.headers.set(p.name, v);
      break;
    default:
      mc.axis2.set(p.name, v);
  }
}

/** The backend request for a message: method, forwarded headers, and the body (streamed when untouched). */
export function buildOutbound(
  mc: MessageContext,
  origin: string,
  pathIn: string,
  method: string | undefined,
  format: LeafQosNode['format'],
  timeoutMs: number,
): OutboundRequest {
  let path = pathIn;
  let m = method ?? (mc.axis2.get('HTTP_METHOD') as string | undefined) ?? mc.exchange.method;
  if (format === 'get') {
    m = 'GET';
    path = appendBodyAsQuery(mc, path);
  }
  else if (format === 'soap11' || format === 'soap12') m = 'POST';
  const headers = mc.headers.forwardable(OUT_SKIP);
  const p = mc.payload;
  let body: OutboundRequest['body'] = null;
  const noBody = mc.axis2.get('NO_ENTITY_BODY') === true || m === 'GET' || m === 'HEAD' || format === 'get';
  if (format === 'soap11' || format === 'soap12') {
    toSoapVersion(mc, format);
    const action = soapActionOf(mc);
    deleteHeader(headers, 'soapaction');
    if (format === 'soap11') {
      setHeader(headers, 'Content-Type', SOAP_ENV_TYPES.soap11);
      setHeader(headers, 'SOAPAction', action === undefined ? '""' : `"${action}"`);
    } else {
      setHeader(headers, 'Content-Type', action === undefined ? SOAP_ENV_TYPES.soap12 : `${SOAP_ENV_TYPES.soap12}; action="${action}"`);
    }
    p.soap = format;
    body = p.serialize(SOAP_ENV_TYPES[format]);
  } else if (!noBody) {
    if (p.isStream) {
      body = p.takeStream() ?? null;
      const cl = mc.headers.get('content-length');
      if (cl !== undefined) headers['content-length'] = cl;
    } else {
      let outType = mc.messageType();
      if (format === 'pox') {
        // plain XML: a SOAP message leaves its envelope (and SOAPAction) behind
        outType = 'application/xml';
        const env = mc.envelope();
        if (p.soap !== null) {
          p.setEnvelope(env);
          p.soap = null;
          deleteHeader(headers, 'soapaction');
        }
      }
      body = p.serialize(outType);
      if (p.modified || format === 'pox') {
        const ct = format === 'pox' ? 'application/xml' : ((mc.axis2.get('ContentType') as string | undefined) ?? outType);
        if (ct) setHeader(headers, 'Content-Type', ct);
      }
    }
  } else if (p.isStream) {
    // a GET carrying a body: drop it rather than let the client connection stall
    p.takeStream()?.resume();
  }
  return { origin, path, method: m, headers, body, timeoutMs };
}

/**
 * The message as a SOAP envelope of `version`: a SOAP 1.1 message sent to a SOAP 1.2 endpoint
 * (or the reverse) gets a new envelope of the other version with the same header blocks and
 * body; plain XML and JSON bodies are wrapped.
 */
function toSoapVersion(mc: MessageContext, version: 'soap11' | 'soap12'): XmlDocument {
  const env = mc.envelope();
  if (mc.payload.soap === version) return env;
  if (soapVersionOf(env) === version) {
    // a plain XML or JSON body already sits in an envelope of this version: send the envelope
    mc.payload.setEnvelope(env);
    return env;
  }
  const out = createEnvelope(version);
  const from = { header: envelopeHeader(env), body: envelopeBody(env) };
  const to = { header: envelopeHeader(out, true)!, body: envelopeBody(out)! };
  for (const part of ['header', 'body'] as const) {
    for (let n = from[part]?.firstChild ?? null; n; n = n.nextSibling) to[part].appendChild(out.importNode(n, true));
  }
  mc.payload.setEnvelope(out);
  return out;
}

const WSA = {
  final: { ns: 'http://www.w3.org/2005/08/addressing', anonymous: 'http://www.w3.org/2005/08/addressing/anonymous' },
  submission: { ns: 'http://schemas.xmlsoap.org/ws/2004/08/addressing', anonymous: 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous' },
};

/**
 * <enableAddressing>: WS-Addressing To, Action, MessageID and an anonymous ReplyTo in the SOAP
 * header of the outgoing message (replacing ones already there). Messages that do not go out as
 * SOAP carry no addressing, as in Synapse.
 */
function addAddressingHeaders(mc: MessageContext, target: string, version: 'final' | 'submission', format: LeafQosNode['format']): void {
  if (mc.payload.isEmpty && format !== 'soap11' && format !== 'soap12') return;
  const env = mc.envelope();
  const soap = format === 'soap11' || format === 'soap12' || (format === undefined && mc.payload.soap !== null);
  if (!soap || soapVersionOf(env) === null) return;
  const { ns, anonymous } = WSA[version];
  const header = envelopeHeader(env, true)!;
  for (let n = header.firstChild; n; ) {
    const next = n.nextSibling;
    if (n.nodeType === 1 && (n as XmlElement).namespaceURI === ns) header.removeChild(n);
    n = next;
  }
  const add = (name: string, text?: string): XmlElement => {
    const el = env.createElementNS(ns, `wsa:${name}`);
    if (text !== undefined) el.appendChild(env.createTextNode(text));
    header.appendChild(el);
    return el;
  };
  add('To', target);
  const action = soapActionOf(mc);
  if (action !== undefined) add('Action', action);
  add('MessageID', mc.addressing.MessageID ?? `urn:uuid:${randomUUID()}`);
  add('ReplyTo').appendChild(env.createElementNS(ns, 'wsa:Address')).appendChild(env.createTextNode(anonymous));
  mc.payload.setEnvelope(env);
}

/** The SOAP action of a message: the WS-Addressing Action, a SOAPAction header, or a SOAP 1.2 action parameter. */
function soapActionOf(mc: MessageContext): string | undefined {
  const wsa = mc.addressing.Action;
  if (wsa) return wsa;
  const h = mc.headers.get('soapaction');
  if (h !== undefined) {
    const v = h.trim().replace(/^"(.*)"$/, '$1');
    if (v !== '') return v;
  }
  const m = /;\s*action\s*=\s*"?([^";]+)"?/i.exec(mc.headers.get('content-type') ?? '');
  return m ? m[1] : undefined;
}

/**
 * format="get": the children of the payload element become query parameters (Synapse's
 * x-www-form-urlencoded formatter); the payload itself is not sent.
 */
function appendBodyAsQuery(mc: MessageContext, path: string): string {
  const p = mc.payload;
  if (p.isStream || p.isEmpty) return path;
  const first = firstBodyElement(mc.envelope());
  if (!first) return path;
  const params: string[] = [];
  for (let n = first.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const el = n as XmlElement;
    params.push(`${encodeURIComponent(el.localName ?? el.nodeName)}=${encodeURIComponent(el.textContent ?? '')}`);
  }
  if (params.length === 0) return path;
  return path + (path.includes('?') ? '&' : '?') + params.join('&');
}

function deleteHeader(headers: Record<string, string | string[]>, lower: string): void {
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) delete headers[k];
}

function setHeader(headers: Record<string, string | string[]>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) delete headers[k];
  headers[name] = value;
}

function compileProperties(list: EndpointPropertyNode[]): CompiledProperty[] {
  return list.map((p) => {
    if (p.value !== undefined) {
      const v = p.value;
      return { name: p.name, scope: p.scope, value: () => v };
    }
    const e: CompiledExpression = compileExpression(p.expression!, p.namespaces);
    return { name: p.name, scope: p.scope, value: (mc: MessageContext) => e.stringValue(mc) };
  });
}

/** Build a leaf endpoint from its definition. */
export function createLeafEndpoint(node: EndpointNode, opts: LeafOptions): LeafEndpoint {
  const b = node.body;
  const props = compileProperties(node.properties);
  switch (b.type) {
    case 'address': {
      const ep = new LeafEndpoint(node.name, 'address', withRestPostfix(compileAddress(b.uri), b.format), b, undefined, props, opts, b.uri);
      ep.service = b.service;
      return ep;
    }
    case 'http': {
      const tpl = compileHttpUriTemplate(b.uriTemplate, b.legacyEncoding);
      const resolve: UrlResolver = (mc) => {
        // http endpoints never append REST_URL_POSTFIX; the expanded template is the address
        mc.axis2.delete('REST_URL_POSTFIX');
        const url = tpl.expand((name) => {
          const v = mc.props.get(name);
          return v === undefined || v === null ? undefined : String(v);
        });
        mc.addressing.To = url;
        return url;
      };
      return new LeafEndpoint(node.name, 'http', resolve, b, b.method, props, opts, b.uriTemplate);
    }
    case 'wsdl': {
      // the linker filled the address in; the WSDL's SOAP version is the format unless one is given
      const uri = b.address!;
      const format = b.format ?? b.soap;
      const qos = { ...b, ...(format ? { format } : {}) };
      return new LeafEndpoint(node.name, 'wsdl', withRestPostfix(() => uri, format), qos, undefined, props, opts, uri);
    }
    case 'default':
      return new LeafEndpoint(node.name, 'default', withRestPostfix(toAddress, b.format), b, undefined, props, opts);
    default:
      throw new Error(`${b.type} endpoints are built by the generation, not as leaves`);
  }
}

/**
 * A load-balance `<member>`: the member's host and port with the path (and query) of the
 * message's To address, which for an API request is the request path.
 */
export function createMemberEndpoint(member: MemberNode, opts: LeafOptions): LeafEndpoint {
  const https = member.httpPort === undefined;
  const origin = `${https ? 'https' : 'http'}://${member.hostName.includes(':') ? `[${member.hostName}]` : member.hostName}:${https ? member.httpsPort : member.httpPort}`;
  const resolve: UrlResolver = (mc) => {
    const to = mc.addressing.To ?? '/';
    if (to.startsWith('/')) return origin + to;
    const m = TARGET_RE.exec(to);
    return origin + (m ? m[2] || '/' : '/');
  };
  return new LeafEndpoint(undefined, 'member', resolve, {}, undefined, [], opts, origin);
}

/** An address with REST_URL_POSTFIX appended for REST requests, as Synapse's address endpoints do (§5.3). */
function withRestPostfix(base: UrlResolver, format: LeafQosNode['format']): UrlResolver {
  return (mc) => {
    const addr = base(mc);
    const postfix = mc.axis2.get('REST_URL_POSTFIX');
    if (typeof postfix === 'string' && postfix !== '' && isRestRequest(mc, format)) return appendRestPostfix(addr, postfix);
    return addr;
  };
}

/** The target of a default endpoint (or of a send with no endpoint): the To address. */
const toAddress: UrlResolver = (mc) => {
  const to = mc.addressing.To;
  if (to === undefined || to === null || to === '') {
    throw new MediationError('AXON_EP_NOT_READY', 'the To header is not set, so the default endpoint has no address');
  }
  if (to === ANONYMOUS_TO) {
    throw new MediationError('AXON_EP_NOT_READY', `'To' header was set to ${ANONYMOUS_TO}`);
  }
  if (!/^https?:\/\//i.test(to)) {
    throw new MediationError('AXON_EP_NOT_READY', `the To header "${to}" is not an absolute http(s) address`);
  }
  return to;
};

/** `<send/>` with no endpoint: the To address, the global timeout, no postfix, no QoS. */
export function createImplicitEndpoint(opts: LeafOptions): LeafEndpoint {
  return new LeafEndpoint(undefined, 'implicit', toAddress, {}, undefined, [], opts);
}

export { HOP_BY_HOP };

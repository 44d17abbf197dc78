// Config stage: <endpoint> elements, named (their own file, or inside <definitions>) or inline
// in send/call. Reads the leaf kinds Axon runs (address, http, default) and key references,
// with the QoS settings of synapse-semantics §6.1; other kinds are reported as unsupported.

import type {
  EndpointBody,
  LoadbalanceEndpointBody,
  MemberNode,
  SessionNode,
  EndpointNode,
  EndpointPropertyNode,
  HttpMethod,
  LeafQosNode,
  MarkForSuspensionNode,
  RetryConfigNode,
  SuspendOnFailureNode,
  TimeoutNode,
} from '../ast.js';
import type { ReadContext } from '../read-context.js';
import { readMockEndpoint } from './mock.js';
import { childElements, directText, localName, namespacesInScope, parseXml, type XmlElement, type XmlNode } from '../../xml/parse.js';
import { isWsdlRoot, wsdlAddress } from './wsdl.js';

const LEAF_KINDS = ['address', 'default', 'http', 'wsdl', 'service'];
const GROUP_KINDS = ['failover', 'loadbalance', 'environments', 'recipientlist'];
const OTHER_KINDS = ['dynamicLoadbalance', 'serviceDynamicLoadbalance', 'class'];
const ALGORITHMS = [
  'org.apache.synapse.endpoints.algorithms.RoundRobin',
  'org.apache.synapse.endpoints.algorithms.WeightedRoundRobin',
  'org.apache.synapse.endpoints.algorithms.WeightedRRLCAlgorithm',
];
/** Cookie names Synapse's http session type recognises. */
export const SYNAPSE_SESSION_COOKIES = ['JSESSIONID', 'PHPSESSID', 'phpMyAdmin', 'wordpress_test_cookie'];
/** Synapse's synapse.sal.endpoints.sesssion.timeout.default. */
export const DEFAULT_SESSION_TIMEOUT_MS = 120_000;
/** Endpoint properties that must hold a positive number. */
const WEIGHT_PROPERTIES = ['loadbalance.weight', 'loadbalance.weight.min', 'loadbalance.weight.max', 'loadbalance.weightedRRLC.roundsPerRecal'];
const QOS_CHILDREN = ['timeout', 'markForSuspension', 'suspendOnFailure', 'retryConfig', 'suspendDurationOnFailure'];
const HTTP_METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];

/**
 * Read an <endpoint>. `named` is true for top-level endpoint artifacts, which need a name.
 */
export function readEndpointElement(el: XmlElement, r: ReadContext, named: boolean): EndpointNode | undefined {
  r.checkAttributes(el, ['name', 'key', 'key-expression', 'template', 'uri', 'onError']);
  const pos = r.pos(el);
  const name = r.attr(el, 'name');
  const key = r.attr(el, 'key');
  const base = { pos, file: r.file, properties: [] as EndpointPropertyNode[] };
  if (key !== undefined) {
    const node: EndpointNode = { ...base, body: { type: 'key', key } };
    if (name !== undefined) node.name = name;
    return node;
  }
  if (r.attr(el, 'key-expression') !== undefined) {
    r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'key-expression endpoints are not supported by Axon', r.attrNode(el, 'key-expression'));
    return undefined;
  }
  const template = r.attr(el, 'template');
  if (template !== undefined) {
    const params: Record<string, string> = {};
    if (name !== undefined) params.name = name;
    const uri = r.attr(el, 'uri');
    if (uri !== undefined) params.uri = uri;
    for (const c of childElements(el)) {
      if (r.isSynapse(c) && localName(c) === 'parameter') {
        r.checkAttributes(c, ['name', 'value']);
        const pn = r.requireAttr(c, 'name');
        const pv = r.requireAttr(c, 'value');
        if (pn !== undefined && pv !== undefined) params[pn] = pv;
      } else if (localName(c) !== 'description') {
        r.error('AXON_CFG_UNKNOWN_ELEMENT', `a template endpoint takes <parameter> children, not <${c.nodeName}>`, c);
      }
    }
    const node: EndpointNode = { ...base, body: { type: 'template', template, params, pos } };
    if (name !== undefined) node.name = name;
    return node;
  }
  if (named && name === undefined) {
    r.error('AXON_CFG_MISSING_ATTRIBUTE', 'a top-level <endpoint> needs a "name"', el);
  }
  let body: EndpointBody | undefined;
  let kindSeen = false;
  let sessionEl: XmlElement | undefined;
  const properties: EndpointPropertyNode[] = [];
  for (const c of childElements(el)) {
    const n = localName(c);
    if (!r.isSynapse(c)) {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `<endpoint> cannot contain <${c.nodeName}>`, c);
      continue;
    }
    if (LEAF_KINDS.includes(n) || GROUP_KINDS.includes(n) || OTHER_KINDS.includes(n) || n === 'mock') {
      if (kindSeen) {
        r.error('AXON_CFG_CONFLICT', `an <endpoint> has exactly one kind; <${n}> is a second one`, c);
        continue;
      }
      kindSeen = true;
      if (OTHER_KINDS.includes(n)) {
        r.error('AXON_CFG_UNSUPPORTED_ELEMENT', `<${n}> endpoints are not supported by Axon yet`, c);
        continue;
      }
      body = n === 'mock' ? readMockEndpoint(c, r) : GROUP_KINDS.includes(n) ? readGroup(c, n, r) : readLeaf(c, n, r);
    } else if (n === 'property') {
      const p = readEndpointProperty(c, r);
      if (p) properties.push(p);
    } else if (n === 'description' || n === 'parameter') {
      continue;
    } else if (n === 'session') {
      if (sessionEl) r.error('AXON_CFG_CONFLICT', 'an <endpoint> has at most one <session>', c);
      else sessionEl = c;
    } else {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `<endpoint> cannot contain <${n}>`, c);
    }
  }
  if (!kindSeen) {
    r.error('AXON_CFG_MISSING_ELEMENT', '<endpoint> needs one of <address>, <http>, <default>, <failover> or <loadbalance> (or key="...")', el);
    return undefined;
  }
  if (sessionEl) {
    const session = readSession(sessionEl, r);
    if (body && body.type !== 'loadbalance') {
      r.error('AXON_CFG_BAD_VALUE', '<session> applies to <loadbalance> endpoints only', sessionEl);
    } else if (body && session) {
      (body as LoadbalanceEndpointBody).session = session;
    }
  }
  for (const p of properties) {
    if (WEIGHT_PROPERTIES.includes(p.name) && p.value !== undefined) {
      const w = Number(p.value.trim());
      if (p.value.trim() === '' || !Number.isFinite(w) || w <= 0) {
        r.diag.error('AXON_CFG_BAD_VALUE', `${p.name} must be a positive number, not "${p.value}"`, p.pos);
      }
    }
  }
  if (!body) return undefined;
  const node: EndpointNode = { ...base, body, properties };
  if (name !== undefined) node.name = name;
  const onError = r.attr(el, 'onError');
  if (onError !== undefined) node.onError = onError;
  return node;
}

function boolAttr(el: XmlElement, r: ReadContext, name: string, dflt: boolean): boolean {
  const v = r.enumAttr(el, name, ['true', 'false'] as const, undefined, true);
  return v === undefined ? dflt : v === 'true';
}

/** <recipientlist>: endpoints, members, or one <endpoints value="{expr}"/>. */
function readRecipientList(el: XmlElement, r: ReadContext): EndpointBody | undefined {
  r.checkAttributes(el, []);
  const body: EndpointBody = { type: 'recipientlist', children: [], members: [] };
  for (const c of childElements(el)) {
    const n = localName(c);
    if (r.isSynapse(c) && n === 'endpoint') {
      const child = readEndpointElement(c, r, false);
      if (child) body.children.push(child);
    } else if (r.isSynapse(c) && n === 'member') {
      const m = readMember(c, r);
      if (m) body.members.push(m);
    } else if (r.isSynapse(c) && n === 'endpoints') {
      r.checkAttributes(c, ['value', 'max-cache']);
      const v = r.requireAttr(c, 'value');
      const maxRaw = r.attr(c, 'max-cache');
      const max = maxRaw === undefined ? 20 : Number(maxRaw);
      if (!Number.isInteger(max) || max < 1) r.error('AXON_CFG_BAD_VALUE', `max-cache must be a positive integer, not "${maxRaw}"`, r.attrNode(c, 'max-cache'));
      if (v === undefined) continue;
      const t = v.trim();
      if (t.startsWith('{') && t.endsWith('}')) {
        const e = r.expression(t.slice(1, -1), c, 'value');
        if (e) body.dynamic = { expression: e.source, namespaces: namespacesInScope(c), maxCache: max };
      } else {
        // a fixed list: one address child per URL
        for (const url of t.split(',').map((x) => x.trim()).filter(Boolean)) {
          body.children.push({ body: { type: 'address', uri: url }, properties: [], pos: r.pos(c), file: r.file });
        }
      }
    } else {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `<recipientlist> cannot contain <${c.nodeName}>`, c);
    }
  }
  if (body.children.length === 0 && body.members.length === 0 && !body.dynamic) {
    r.error('AXON_CFG_MISSING_ELEMENT', 'an empty <recipientlist> can never send: give it <endpoint>, <member> or <endpoints> children', el);
    return undefined;
  }
  return body;
}

/** <environments>: a production and/or a sandbox endpoint. */
function readEnvironments(el: XmlElement, r: ReadContext): EndpointBody | undefined {
  r.checkAttributes(el, ['gatewayType', 'keyTypeHeader']);
  const gatewayType = r.enumAttr(el, 'gatewayType', ['hybrid', 'production', 'sandbox'] as const, 'hybrid')!;
  const body: EndpointBody = { type: 'environments', gatewayType };
  const header = r.attr(el, 'keyTypeHeader');
  if (header !== undefined) body.keyTypeHeader = header.trim();
  for (const c of childElements(el)) {
    const n = localName(c);
    if (!r.isSynapse(c) || (n !== 'production' && n !== 'sandbox')) {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `<environments> takes <production> and <sandbox>, not <${c.nodeName}>`, c);
      continue;
    }
    if (body[n]) {
      r.error('AXON_CFG_CONFLICT', `<environments> has one <${n}>`, c);
      continue;
    }
    const eps = childElements(c).filter((x) => localName(x) === 'endpoint');
    if (eps.length !== 1 || childElements(c).length !== 1) {
      r.error('AXON_CFG_BAD_VALUE', `<${n}> holds exactly one <endpoint>`, c);
      continue;
    }
    const ep = readEndpointElement(eps[0]!, r, false);
    if (ep) body[n] = ep;
  }
  const need = gatewayType === 'hybrid' ? undefined : gatewayType;
  if (need && !body[need]) {
    r.error('AXON_CFG_MISSING_ELEMENT', `a ${need} gateway needs a <${need}> endpoint`, el);
    return undefined;
  }
  if (!body.production && !body.sandbox) {
    r.error('AXON_CFG_MISSING_ELEMENT', '<environments> needs a <production> or a <sandbox> endpoint', el);
    return undefined;
  }
  return body;
}

/** <failover> and <loadbalance>: child endpoints (or members), group settings. */
function readGroup(el: XmlElement, kind: string, r: ReadContext): EndpointBody | undefined {
  if (kind === 'environments') return readEnvironments(el, r);
  if (kind === 'recipientlist') return readRecipientList(el, r);
  const children: EndpointNode[] = [];
  const members: MemberNode[] = [];
  for (const c of childElements(el)) {
    const n = localName(c);
    if (r.isSynapse(c) && n === 'endpoint') {
      const child = readEndpointElement(c, r, false);
      if (child) children.push(child);
    } else if (r.isSynapse(c) && n === 'member' && kind === 'loadbalance') {
      const m = readMember(c, r);
      if (m) members.push(m);
    } else {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `<${kind}> cannot contain <${c.nodeName}>`, c);
    }
  }
  const childElementsCount = childElements(el).filter((c) => localName(c) === 'endpoint' || localName(c) === 'member').length;
  if (childElementsCount === 0) {
    r.error('AXON_CFG_MISSING_ELEMENT', `an empty <${kind}> can never send: give it at least one <endpoint>`, el);
    return undefined;
  }
  const maxRaw = r.attr(el, 'maxAttempts');
  let maxAttempts: number | undefined;
  if (maxRaw !== undefined) {
    maxAttempts = Number(maxRaw.trim());
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      r.error('AXON_CFG_BAD_VALUE', `maxAttempts must be a positive integer, not "${maxRaw}"`, r.attrNode(el, 'maxAttempts'));
      maxAttempts = undefined;
    }
  }
  if (kind === 'failover') {
    r.checkAttributes(el, ['dynamic', 'buildMessage', 'maxAttempts']);
    const fo: EndpointBody = { type: 'failover', dynamic: boolAttr(el, r, 'dynamic', true), buildMessage: boolAttr(el, r, 'buildMessage', false), children };
    if (maxAttempts !== undefined) fo.maxAttempts = maxAttempts;
    return fo;
  }
  r.checkAttributes(el, ['algorithm', 'policy', 'failover', 'buildMessage', 'maxAttempts']);
  if (children.length > 0 && members.length > 0) {
    r.error('AXON_CFG_CONFLICT', '<loadbalance> takes either <endpoint> or <member> children, not both', el);
  }
  const algorithm = r.attr(el, 'algorithm')?.trim();
  const policy = r.attr(el, 'policy');
  if (policy !== undefined && algorithm !== undefined) {
    r.error('AXON_CFG_CONFLICT', '<loadbalance> takes "policy" or "algorithm", not both', r.attrNode(el, 'policy'));
  } else if (policy !== undefined && policy.trim() !== 'roundRobin') {
    r.error('AXON_CFG_BAD_VALUE', `<loadbalance policy="${policy}">: the only policy is roundRobin`, r.attrNode(el, 'policy'));
  }
  if (algorithm !== undefined && !ALGORITHMS.includes(algorithm)) {
    r.error(
      'AXON_CFG_BAD_VALUE',
      `unknown load-balance algorithm "${algorithm}"; Axon knows ${ALGORITHMS.map((a) => a.split('.').pop()).join(', ')} (by their Synapse class names)`,
      r.attrNode(el, 'algorithm'),
    );
  }
  const body: LoadbalanceEndpointBody = {
    type: 'loadbalance',
    failover: boolAttr(el, r, 'failover', true),
    buildMessage: boolAttr(el, r, 'buildMessage', false),
    children,
    members,
  };
  if (algorithm !== undefined) body.algorithm = algorithm;
  if (maxAttempts !== undefined) body.maxAttempts = maxAttempts;
  return body;
}

function readMember(el: XmlElement, r: ReadContext): MemberNode | undefined {
  r.checkAttributes(el, ['hostName', 'httpPort', 'httpsPort']);
  const host = r.requireAttr(el, 'hostName');
  const port = (name: string): number | undefined => {
    const v = r.attr(el, name);
    if (v === undefined) return undefined;
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      r.error('AXON_CFG_BAD_VALUE', `${name} must be a port number, not "${v}"`, r.attrNode(el, name));
      return undefined;
    }
    return n;
  };
  const httpPort = port('httpPort');
  const httpsPort = port('httpsPort');
  if (host === undefined) return undefined;
  if (httpPort === undefined && httpsPort === undefined) {
    r.error('AXON_CFG_MISSING_ATTRIBUTE', '<member> needs an httpPort or an httpsPort', el);
    return undefined;
  }
  const m: MemberNode = { hostName: host.trim(), pos: r.pos(el) };
  if (httpPort !== undefined) m.httpPort = httpPort;
  if (httpsPort !== undefined) m.httpsPort = httpsPort;
  return m;
}

const SESSION_TYPES = ['http', 'soap', 'simpleClientSession', 'signedCookie'] as const;

function readSession(el: XmlElement, r: ReadContext): SessionNode | undefined {
  r.checkAttributes(el, ['type']);
  const type = r.attr(el, 'type');
  const node: SessionNode = {
    type: 'http',
    timeoutMs: DEFAULT_SESSION_TIMEOUT_MS,
    cookieNames: SYNAPSE_SESSION_COOKIES,
    cookieName: 'AXON_AFFINITY',
    clientIdHeader: 'X-Client-ID',
    clientIdQuery: 'clientId',
    pos: r.pos(el),
  };
  if (type === undefined || !(SESSION_TYPES as readonly string[]).includes(type.trim())) {
    r.error(
      'AXON_CFG_BAD_VALUE',
      type === undefined ? '<session> needs a "type"' : `session type "${type}" does not exist; use ${SESSION_TYPES.join(', ')}`,
      type === undefined ? el : r.attrNode(el, 'type'),
    );
    return undefined;
  }
  node.type = type.trim() as SessionNode['type'];
  let ok = true;
  for (const c of childElements(el)) {
    const n = localName(c);
    const text = directText(c).trim();
    switch (n) {
      case 'sessionTimeout': {
        // "300.0" (as API Manager renders it) is read as the number it means
        const v = Number(text);
        if (text === '' || !Number.isFinite(v) || v <= 0) {
          r.error('AXON_CFG_BAD_VALUE', `<sessionTimeout> must be a positive number of milliseconds, not "${text}"`, c);
          ok = false;
        } else node.timeoutMs = Math.round(v);
        break;
      }
      case 'cookieNames':
        node.cookieNames = text.split(/[\s,]+/).filter(Boolean);
        if (node.cookieNames.length === 0) {
          r.error('AXON_CFG_BAD_VALUE', '<cookieNames> needs at least one cookie name', c);
          ok = false;
        }
        break;
      case 'cookieName':
      case 'clientIdHeader':
      case 'clientIdQuery':
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(text)) {
          r.error('AXON_CFG_BAD_VALUE', `<${n}> must be a token (letters, digits, - _ . and the like), not "${text}"`, c);
          ok = false;
        } else node[n] = text;
        break;
      default:
        r.error('AXON_CFG_UNKNOWN_ELEMENT', `<session> cannot contain <${c.nodeName}>`, c);
        ok = false;
    }
  }
  return ok ? node : undefined;
}

function readLeaf(el: XmlElement, kind: string, r: ReadContext): EndpointBody | undefined {
  const common = ['format', 'optimize', 'encoding', 'statistics', 'trace'];
  const optimize = r.attr(el, 'optimize');
  if (optimize !== undefined && optimize.trim().toLowerCase() !== 'none' && optimize.trim() !== '') {
    r.error('AXON_CFG_UNSUPPORTED_ELEMENT', `optimize="${optimize}" (MTOM/SwA attachments) is not supported by Axon`, r.attrNode(el, 'optimize'));
  }
  if (kind === 'address') {
    r.checkAttributes(el, ['uri', ...common]);
    const uri = r.requireAttr(el, 'uri');
    const qos = readQos(el, r);
    if (uri === undefined) return undefined;
    const trimmed = uri.trim();
    if (!/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !trimmed.includes('${')) {
      r.error('AXON_CFG_BAD_VALUE', `address uri "${uri}" is not an absolute URL`, r.attrNode(el, 'uri'));
    }
    return { type: 'address', uri: trimmed, ...qos };
  }
  if (kind === 'wsdl') return readWsdl(el, r, common);
  if (kind === 'service') {
    r.checkAttributes(el, ['name', 'version', 'key', ...common]);
    const body: EndpointBody = { type: 'service', pos: r.pos(el), ...readQos(el, r) };
    const sName = r.attr(el, 'name');
    const sVersion = r.attr(el, 'version');
    const sKey = r.attr(el, 'key');
    if (sKey !== undefined) {
      body.key = sKey.trim();
      if (sName !== undefined || sVersion !== undefined) r.error('AXON_CFG_CONFLICT', '<service> takes a key, or a name and a version', el);
    } else if (sName === undefined || sVersion === undefined) {
      r.error('AXON_CFG_MISSING_ATTRIBUTE', '<service> needs a name and a version (or a key)', el);
      return undefined;
    } else {
      body.name = sName.trim();
      body.version = sVersion.trim();
    }
    return body;
  }
  if (kind === 'default') {
    r.checkAttributes(el, common);
    return { type: 'default', ...readQos(el, r) };
  }
  // http
  r.checkAttributes(el, ['uri-template', 'method', 'version', ...common]);
  const t = r.requireAttr(el, 'uri-template');
  const m = r.enumAttr(el, 'method', HTTP_METHODS.map((x) => x.toLowerCase()) as string[], undefined, true);
  const qos = readQos(el, r, ['authentication']);
  const auth = r.child(el, 'authentication');
  if (auth) r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'backend authentication is not supported by Axon yet', auth);
  if (t === undefined) return undefined;
  const legacy = t.startsWith('legacy-encoding:');
  const body: EndpointBody = { type: 'http', uriTemplate: legacy ? t.slice('legacy-encoding:'.length) : t, legacyEncoding: legacy, ...qos };
  if (m !== undefined) body.method = m.toUpperCase() as HttpMethod;
  return body;
}

function readWsdl(el: XmlElement, r: ReadContext, common: string[]): EndpointBody | undefined {
  r.checkAttributes(el, ['uri', 'service', 'port', ...common]);
  const service = r.requireAttr(el, 'service');
  const port = r.requireAttr(el, 'port');
  const qos = readQos(el, r, ['definitions', 'description']);
  const uri = r.attr(el, 'uri')?.trim();
  const inline = childElements(el).find((c) => isWsdlRoot(c));
  if (service === undefined || port === undefined) return undefined;
  const body: EndpointBody = { type: 'wsdl', service, port, pos: r.pos(el), ...qos };
  let root: XmlElement | undefined = inline;
  let at: XmlNode = el;
  if (uri !== undefined) {
    body.uri = uri;
    at = r.attrNode(el, 'uri') ?? el;
    if (inline) r.error('AXON_CFG_CONFLICT', '<wsdl> takes a uri or an inline WSDL, not both', inline);
    if (/^https?:/i.test(uri)) {
      r.error('AXON_CFG_BAD_VALUE', `Axon does not download WSDLs at load: save "${uri}" in the config folder and give its path`, at);
      return undefined;
    }
    const text = r.resource(uri.replace(/^file:/i, ''));
    if (text === undefined) return body; // perhaps a local entry: the linker resolves it
    try {
      root = parseXml(text).documentElement ?? undefined;
    } catch (e) {
      r.error('AXON_CFG_BAD_VALUE', `the WSDL "${uri}" is not well-formed XML: ${(e as Error).message}`, at);
      return undefined;
    }
  } else if (!inline) {
    r.error('AXON_CFG_MISSING_ATTRIBUTE', '<wsdl> needs a uri or an inline WSDL', el);
    return undefined;
  }
  const a = wsdlAddress(root!, service, port);
  if ('error' in a) {
    r.error('AXON_CFG_BAD_VALUE', a.error, at);
    return undefined;
  }
  body.address = a.uri;
  if (a.soap) body.soap = a.soap;
  return body;
}

function readQos(el: XmlElement, r: ReadContext, extra: string[] = []): LeafQosNode {
  const out: LeafQosNode = {};
  const format = r.enumAttr(el, 'format', ['soap11', 'soap12', 'pox', 'get', 'rest'] as const, undefined, true);
  if (format) out.format = format;
  for (const c of childElements(el)) {
    const n = localName(c);
    if (extra.includes(n)) continue;
    if (r.isSynapse(c) && n === 'enableAddressing') {
      r.checkAttributes(c, ['version', 'separateListener']);
      const version = r.enumAttr(c, 'version', ['final', 'submission'] as const, 'final')!;
      if (r.attr(c, 'separateListener')?.trim() === 'true') {
        r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'separateListener="true" (replies on a separate channel) is not supported by Axon', r.attrNode(c, 'separateListener'));
      }
      out.addressing = version;
      continue;
    }
    if (!r.isSynapse(c) || !QOS_CHILDREN.includes(n)) {
      if (['enableSec', 'enableRM'].includes(n)) {
        r.error('AXON_CFG_UNSUPPORTED_ELEMENT', `<${n}> (WS-* on endpoints) is not supported by Axon`, c);
      } else {
        r.error('AXON_CFG_UNKNOWN_ELEMENT', `<${localName(el)}> cannot contain <${c.nodeName}>`, c);
      }
      continue;
    }
    switch (n) {
      case 'timeout':
        out.timeout = readTimeout(c, r);
        break;
      case 'markForSuspension':
        out.markForSuspension = readMarkForSuspension(c, r);
        break;
      case 'suspendOnFailure':
        out.suspendOnFailure = { ...(out.suspendOnFailure ?? defaultSuspend()), ...readSuspendOnFailure(c, r) };
        break;
      case 'retryConfig':
        out.retryConfig = readRetryConfig(c, r);
        break;
      case 'suspendDurationOnFailure': {
        // deprecated form: seconds, no progression
        const s = numberText(c, r, 'suspendDurationOnFailure', false);
        if (s !== undefined) out.suspendOnFailure = { ...(out.suspendOnFailure ?? defaultSuspend()), initialDurationMs: s * 1000, progressionFactor: 1 };
        break;
      }
    }
  }
  return out;
}

function defaultSuspend(): SuspendOnFailureNode {
  return { errorCodes: [], initialDurationMs: -1, progressionFactor: 1, maximumDurationMs: Number.MAX_SAFE_INTEGER };
}

function numberText(el: XmlElement, r: ReadContext, what: string, allowFraction: boolean): number | undefined {
  const t = directText(el).trim();
  const n = Number(t);
  if (t === '' || !Number.isFinite(n) || (!allowFraction && !Number.isInteger(n))) {
    r.error('AXON_CFG_BAD_VALUE', `<${what}> must be ${allowFraction ? 'a number' : 'an integer'}, not "${t}"`, el);
    return undefined;
  }
  return n;
}

export function parseErrorCodes(text: string): number[] | string {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    if (!/^-?\d+$/.test(p)) return p;
    out.push(Number(p));
  }
  return out;
}

function codes(el: XmlElement | undefined, r: ReadContext): number[] {
  if (!el) return [];
  const v = parseErrorCodes(directText(el));
  if (typeof v === 'string') {
    r.error('AXON_CFG_BAD_VALUE', `error code "${v}" is not a number`, el);
    return [];
  }
  return v;
}

function readTimeout(el: XmlElement, r: ReadContext): TimeoutNode {
  r.checkChildren(el, ['duration', 'responseAction']);
  const node: TimeoutNode = { pos: r.pos(el) };
  const d = r.child(el, 'duration');
  if (d) {
    const t = directText(d).trim();
    if (t.startsWith('{') && t.endsWith('}')) {
      const e = r.expression(t.slice(1, -1), d);
      if (e) node.durationExpression = e.source;
    } else {
      const n = numberText(d, r, 'duration', false);
      if (n !== undefined) {
        if (n < 0) r.error('AXON_CFG_BAD_VALUE', '<duration> must not be negative', d);
        else node.durationMs = n;
      }
    }
  }
  const a = r.child(el, 'responseAction');
  if (a) {
    const t = directText(a).trim().toLowerCase();
    if (t === 'fault' || t === 'discard' || t === 'never') node.responseAction = t;
    else r.error('AXON_CFG_BAD_VALUE', `<responseAction> must be fault, discard or never, not "${t}"`, a);
  }
  return node;
}

function readMarkForSuspension(el: XmlElement, r: ReadContext): MarkForSuspensionNode {
  r.checkChildren(el, ['errorCodes', 'retriesBeforeSuspension', 'retryDelay']);
  const retries = r.child(el, 'retriesBeforeSuspension');
  const delay = r.child(el, 'retryDelay');
  return {
    errorCodes: codes(r.child(el, 'errorCodes'), r),
    retriesBeforeSuspension: retries ? (numberText(retries, r, 'retriesBeforeSuspension', false) ?? 0) : 0,
    retryDelayMs: delay ? (numberText(delay, r, 'retryDelay', false) ?? 0) : 0,
  };
}

function readSuspendOnFailure(el: XmlElement, r: ReadContext): SuspendOnFailureNode {
  r.checkChildren(el, ['errorCodes', 'initialDuration', 'progressionFactor', 'maximumDuration']);
  const d = defaultSuspend();
  const i = r.child(el, 'initialDuration');
  const f = r.child(el, 'progressionFactor');
  const m = r.child(el, 'maximumDuration');
  return {
    errorCodes: codes(r.child(el, 'errorCodes'), r),
    initialDurationMs: i ? (numberText(i, r, 'initialDuration', false) ?? d.initialDurationMs) : d.initialDurationMs,
    progressionFactor: f ? (numberText(f, r, 'progressionFactor', true) ?? 1) : 1,
    maximumDurationMs: m ? (numberText(m, r, 'maximumDuration', false) ?? d.maximumDurationMs) : d.maximumDurationMs,
  };
}

function readRetryConfig(el: XmlElement, r: ReadContext): RetryConfigNode {
  r.checkChildren(el, ['disabledErrorCodes', 'enabledErrorCodes']);
  return { disabledErrorCodes: codes(r.child(el, 'disabledErrorCodes'), r), enabledErrorCodes: codes(r.child(el, 'enabledErrorCodes'), r) };
}

function readEndpointProperty(el: XmlElement, r: ReadContext): EndpointPropertyNode | undefined {
  r.checkAttributes(el, ['name', 'value', 'expression', 'scope']);
  const name = r.requireAttr(el, 'name');
  const scope = r.enumAttr(el, 'scope', ['default', 'transport', 'axis2', 'axis2-client'] as const, 'default')!;
  const value = r.attr(el, 'value');
  const expression = r.attr(el, 'expression');
  if (name === undefined) return undefined;
  const node: EndpointPropertyNode = { name, scope, namespaces: namespacesInScope(el), pos: r.pos(el) };
  if (value !== undefined) node.value = value;
  else if (expression !== undefined) {
    const e = r.expression(expression, el, 'expression');
    if (!e) return undefined;
    node.expression = e.source;
  } else {
    r.error('AXON_CFG_MISSING_ATTRIBUTE', `endpoint <property name="${name}"> needs a value or an expression`, el);
    return undefined;
  }
  return node;
}

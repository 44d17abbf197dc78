// Dispatch stage: which API and resource a request goes to, and the properties Synapse sets on the
// way (synapse-semantics §2.3-§2.5, W). Everything request-independent is prepared once per config
// generation in createApiDispatcher. Measure before changing: dispatch() runs for every request.

import type { ApiNode, ResourceNode } from '../../config/ast.js';
import { normaliseContext } from '../../config/link.js';
import { compileJavaRegex } from '../../regex/java-regex.js';
import { compileUriTemplate, UriTemplateDecodeError, type UriTemplate } from './uri-template.js';
import { classifyUrlMapping, selectUrlMapping, urlMappingPattern, type UrlMapping } from './url-mapping.js';
import { parseQueryInto } from './query.js';

export interface DispatchRequest {
  /** Path and query as received (the request target). */
  rawPath: string;
  method: string;
  /** The Host header, if any. */
  host?: string | undefined;
  /** The listener the request came in on. */
  scheme: 'http' | 'https';
  contentType?: string | undefined;
  userAgent?: string | undefined;
  hasBody: boolean;
}

/** Properties set on the message (default scope) when the request enters an API. */
export type DispatchProperties = Record<string, string>;

export type DispatchResult =
  /** No API takes the request: it goes to the main sequence. */
  | { kind: 'none' }
  /**
   * The API matched but no resource can take the request (W's acceptable-set rule), or the request
   * is unusable (undecodable query value, path-traversal variable: 400). `properties` holds the
   * API-level ones (for a future _resource_mismatch_handler_ sequence).
   */
  | { kind: 'error'; api: ApiNode; status: 404 | 405 | 400; message: string; properties: DispatchProperties }
  /** OPTIONS on a resource that does not list OPTIONS: the engine answers with `Allow` itself. */
  | { kind: 'options'; api: ApiNode; resource: ResourceNode; resourceIndex: number; allow: string; properties: DispatchProperties }
  | {
      kind: 'match';
      api: ApiNode;
      resource: ResourceNode;
      resourceIndex: number;
      /** Default-scope properties to set, uri.var.* and query.param.* included. */
      properties: DispatchProperties;
      /** axis2-scope REST_URL_POSTFIX after API entry (§2.4), appended to address/default endpoints. */
      restUrlPostfix: string;
    };

export interface ApiDispatcher {
  dispatch(req: DispatchRequest): DispatchResult;
}

/** Allow header for a resource without a methods attribute (W's REST_ALL_SUPPORTED_METHODS). */
const ALL_METHODS_ALLOW = 'GET, POST, PUT, DELETE';
const KNOWN_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'];

interface PreparedResource {
  node: ResourceNode;
  index: number;
  methods: ReadonlySet<string> | null;
  mapping: UrlMapping | undefined;
  template: UriTemplate | undefined;
  /** Per template variable: `uri.var.<name>` and whether it is checked for path traversal. */
  varProps: readonly string[];
  varChecked: readonly boolean[];
  /** rest.url.pattern (W's normalised mapping string, or the template). */
  pattern: string | undefined;
  /** API_ELECTED_RESOURCE: the mapping or template as written. */
  elected: string | undefined;
  userAgent: ((s: string) => boolean) | undefined;
  allow: string;
}

interface PreparedApi {
  node: ApiNode;
  /** W's API.getName(): the name, plus ":v<version>" for versioned APIs (SYNAPSE_REST_API). */
  apiName: string;
  /** Stored context: {version} substituted, trailing "/" removed ("/" becomes ""). */
  context: string;
  version: string;
  versionType: '' | 'url' | 'context';
  resources: PreparedResource[];
  /** W order for the acceptable set: OPTIONS-only resources first, then definition order. */
  ordered: PreparedResource[];
  /** When no resource filters on anything but the method: acceptable lists per known method. */
  byMethod: Map<string, PreparedResource[]> | undefined;
  matches(req: DispatchRequest): boolean;
}

function prepareResource(node: ResourceNode, index: number): PreparedResource {
  let mapping: UrlMapping | undefined;
  let template: UriTemplate | undefined;
  const checked = new Set<string>();
  if (node.urlMapping !== undefined) {
    // url-mapping wins when both attributes are present (§2.1)
    mapping = classifyUrlMapping(node.urlMapping);
  } else if (node.uriTemplate !== undefined) {
    const t = compileUriTemplate(node.uriTemplate);
    if (!t.ok) throw new Error(`uri-template "${node.uriTemplate}" was accepted at read time but does not compile: ${t.error}`);
    template = t;
    for (const n of t.nodes) if (n.kind === 'expr' && n.op !== '+') for (const v of n.vars) checked.add(v.name);
  }
  let userAgent: ((s: string) => boolean) | undefined;
  if (node.userAgent !== undefined) {
    const re = compileJavaRegex(node.userAgent);
    if (!re.ok) throw new Error(`user-agent regex "${node.userAgent}" was accepted at read time but does not compile: ${re.message}`);
    userAgent = re.fullMatch;
  }
  const methods = node.methods ? new Set<string>(node.methods) : null;
  return {
    node,
    index,
    methods,
    mapping,
    template,
    varProps: template ? template.variables.map((v) => `uri.var.${v}`) : [],
    varChecked: template ? template.variables.map((v) => checked.has(v)) : [],
    pattern: mapping ? urlMappingPattern(mapping) : node.uriTemplate,
    elected: node.urlMapping ?? node.uriTemplate,
    userAgent,
    // W lists the resource's methods except OPTIONS (declaration order here; W's is hash order)
    allow: node.methods ? node.methods.filter((m) => m !== 'OPTIONS').join(', ') : ALL_METHODS_ALLOW,
  };
}

/** Resource filters (§2.5 step 1, W Resource.canProcess). */
function acceptable(r: PreparedResource, req: DispatchRequest): boolean {
  const n = r.node;
  if (n.protocol !== undefined && n.protocol !== req.scheme) return false;
  // OPTIONS passes every resource, before the method, content-type and user-agent checks
  if (req.method === 'OPTIONS') return true;
  if (r.methods !== null && !r.methods.has(req.method)) return false;
  // exact string comparison with the Content-Type header, only for requests with a body (W)
  if (n.contentType !== undefined && req.hasBody && req.contentType !== n.contentType) return false;
  if (r.userAgent !== undefined && (req.userAgent === undefined || !r.userAgent(req.userAgent))) return false;
  return true;
}

function hasMatchingMethod(r: PreparedResource, method: string): boolean {
  return method === 'OPTIONS' || r.methods === null || r.methods.has(method);
}

interface Found {
  r: PreparedResource;
  /** Captured values aligned with r.template.variables. */
  vars: readonly (string | undefined)[] | undefined;
}

const mappingOf = (r: PreparedResource) => r.mapping;

/**
 * The three Synapse dispatchers in their fixed order (§2.5 step 2): url-mapping (exact > longest
 * prefix > extension), then the first uri-template that matches in candidate order (trap 9:
 * declaration order, not specificity), then the default resource. May throw
 * UriTemplateDecodeError.
 */
function findResource(candidates: readonly PreparedResource[], subPath: string): Found | undefined {
  const byMapping = selectUrlMapping(candidates, mappingOf, subPath);
  if (byMapping) return { r: byMapping, vars: undefined };
  for (const r of candidates) {
    if (r.template === undefined) continue;
    const vars = r.template.matchValues(subPath);
    if (vars) return { r, vars };
  }
  for (const r of candidates) if (r.mapping === undefined && r.template === undefined) return { r, vars: undefined };
  return undefined;
}

/**
 * Security rule (ecosystem-security §3.2.10): Synapse captures `..%2F..%2Fadmin` into `{name}` and
 * decodes it to `../../admin`, which an http endpoint's `{+uri.var.name}` or legacy-encoding
 * template, or a backend joining paths, would turn into a traversal. A decoded simple variable that
 * contains "/" next to "..", a NUL or a backslash, or is exactly "." or "..", is refused with 400
 * before any mediation. Reserved `{+var}` captures are exempt: the template asked for slashes.
 */
function unsafeValue(v: string): boolean {
  if (v === '.' || v === '..') return true;
  return v.includes('/..') || v.includes('../') || v.includes('\0') || v.includes('\\');
}

/** W's check of the Host header against hostname/port (CT-03, CT-04). */
function hostMatches(a: ApiNode, req: DispatchRequest): boolean {
  const host = req.host;
  if (host === undefined || host === '') return false;
  let name: string;
  let portText: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    name = close < 0 ? host : host.slice(0, close + 1);
    portText = close >= 0 && host[close + 1] === ':' ? host.slice(close + 2) : undefined;
  } else {
    const colon = host.indexOf(':');
    name = colon < 0 ? host : host.slice(0, colon);
    portText = colon < 0 ? undefined : host.slice(colon + 1);
  }
  // the host name comparison is exact (case-sensitive), as in W
  if (a.hostname !== undefined && name !== a.hostname) return false;
  if (a.port !== undefined) {
    let port: number;
    if (portText === undefined) port = req.scheme === 'http' ? 80 : 443;
    else if (/^[0-9]{1,5}$/.test(portText)) port = Number(portText);
    else return false;
    if (port !== a.port) return false;
  }
  return true;
}

function prepareApi(a: ApiNode): PreparedApi {
  const context = normaliseContext(a.context, a.version, a.versionType);
  const version = a.version ?? '';
  const versionType: PreparedApi['versionType'] = a.version !== undefined && a.versionType ? a.versionType : '';
  const resources = a.resources.map(prepareResource);
  const ordered = [...resources.filter((r) => r.methods !== null && r.methods.size === 1 && r.methods.has('OPTIONS')), ...resources.filter((r) => !(r.methods !== null && r.methods.size === 1 && r.methods.has('OPTIONS')))];
  let byMethod: Map<string, PreparedResource[]> | undefined;
  if (resources.every((r) => r.node.protocol === undefined && r.node.contentType === undefined && r.userAgent === undefined)) {
    byMethod = new Map();
    for (const m of KNOWN_METHODS) byMethod.set(m, ordered.filter((r) => m === 'OPTIONS' || r.methods === null || r.methods.has(m)));
  }
  const bound = a.hostname !== undefined || a.port !== undefined;
  const transports = a.transports && a.transports.length > 0 ? new Set(a.transports) : undefined;
  const urlVersion = versionType === 'url';
  const matches = (req: DispatchRequest): boolean => {
    const path = req.rawPath;
    // context test: "/test" takes "/test", "/test/..." and "/test?...", never "/test1"
    if (context !== '') {
      if (!path.startsWith(context)) return false;
      if (path.length !== context.length) {
        const c = path.charCodeAt(context.length);
        if (c !== 0x2f && c !== 0x3f) return false;
      }
    }
    if (urlVersion) {
      // the first segment after the context must equal the version ("/test/1.0.0", "/test/1.0.0/x", "/test/1.0.0?q")
      if (path.charCodeAt(context.length) !== 0x2f) return false;
      const from = context.length + 1;
      let end = path.length;
      const slash = path.indexOf('/', from);
      const query = path.indexOf('?', from);
      if (slash >= 0 && (query < 0 || slash < query)) end = slash;
      else if (query >= 0) end = query;
      if (end - from !== version.length || !path.startsWith(version, from)) return false;
    }
    if (bound && !hostMatches(a, req)) return false;
    if (transports !== undefined && !transports.has(req.scheme)) return false;
    return true;
  };
  return {
    node: a,
    apiName: version !== '' ? `${a.name}:v${version}` : a.name,
    context,
    version,
    versionType,
    resources,
    ordered,
    byMethod,
    matches,
  };
}

/** The first path segment: after the leading "/", up to the next "/" or "?" or the end. */
function firstSegment(path: string): string {
  let end = 1;
  while (end < path.length) {
    const c = path.charCodeAt(end);
    if (c === 0x2f || c === 0x3f) break;
    end++;
  }
  return path.slice(1, end);
}

export function createApiDispatcher(apis: readonly ApiNode[]): ApiDispatcher {
  const prepared = apis.map(prepareApi);
  // W keeps APIs sorted by descending context length (stable here for equal lengths) and tries
  // the versioned ones first, then all of them (§2.3)
  prepared.sort((x, y) => y.context.length - x.context.length);
  // A context "/a/..." only takes paths whose first segment is "a" (the context test needs "/", "?"
  // or the end after it), so the search is narrowed by the first path segment. Each list keeps the
  // W order: versioned APIs first, then all, each by descending context length; the root context
  // ("") belongs to every list.
  const order = (list: PreparedApi[]) => [...list.filter((p) => p.versionType !== ''), ...list];
  const rootOnly = prepared.filter((p) => p.context === '');
  const bySegment = new Map<string, PreparedApi[]>();
  for (const p of prepared) {
    if (p.context === '') continue;
    const seg = firstSegment(p.context);
    if (!bySegment.has(seg)) bySegment.set(seg, order(prepared.filter((q) => q.context === '' || firstSegment(q.context) === seg)));
  }
  const fallback = order(rootOnly);

  const select = (req: DispatchRequest): PreparedApi | undefined => {
    const list = bySegment.get(firstSegment(req.rawPath)) ?? fallback;
    for (const p of list) if (p.matches(req)) return p;
    return undefined;
  };

  return {
    // hot path (every request): measure before changing
    dispatch(req) {
      if (prepared.length === 0) return { kind: 'none' };
      const api = select(req);
      if (!api) return { kind: 'none' };
      const a = api.node;
      const full = req.rawPath;
      const context = api.context;

      // REST_SUB_REQUEST_PATH: the full path minus context (and "/version"); "/" when empty.
      // Like W, "/test?a=5" gives "?a=5" (the query stays).
      let subPath = api.versionType === 'url' ? full.slice(context.length + api.version.length + 1) : full.slice(context.length);
      if (subPath === '') subPath = '/';

      const properties: DispatchProperties = {
        SYNAPSE_REST_API: api.apiName,
        SYNAPSE_REST_API_VERSION: api.version,
        REST_API_CONTEXT: context,
        SYNAPSE_REST_API_VERSION_STRATEGY: api.versionType,
        REST_FULL_REQUEST_PATH: full,
        REST_SUB_REQUEST_PATH: subPath,
        REST_METHOD: req.method,
      };
      if (req.host !== undefined && req.host !== '') properties.REST_URL_PREFIX = `${req.scheme}://${req.host}`;
      const error = (status: 404 | 405 | 400, message: string): DispatchResult => ({ kind: 'error', api: a, status, message, properties });

      const accept = api.byMethod?.get(req.method) ?? api.ordered.filter((r) => acceptable(r, req));
      let found: Found | undefined;
      try {
        if (accept.length > 0) {
          found = findResource(accept, subPath);
          if (!found) return error(404, 'no resource matches the request');
        } else {
          // nothing acceptable: find the resource ignoring the filters to tell 404, 405 and 400
          // apart. A method mismatch is only a 405 here; with another acceptable resource it is a
          // 404 (CT-21 asymmetry).
          const any = findResource(api.resources, subPath);
          if (!any) return error(404, 'no resource matches the request');
          if (!hasMatchingMethod(any.r, req.method)) return error(405, `the resource does not allow ${req.method}`);
          return error(400, 'the request does not satisfy the resource filters (protocol, content-type or user-agent)');
        }
      } catch (e) {
        if (e instanceof UriTemplateDecodeError) return error(400, `a path variable has malformed percent-encoding: ${e.value}`);
        throw e;
      }
      const r = found.r;

      if (req.method === 'OPTIONS' && !(r.methods !== null && r.methods.has('OPTIONS'))) {
        return { kind: 'options', api: a, resource: r.node, resourceIndex: r.index, allow: r.allow, properties };
      }

      if (r.pattern !== undefined) properties['rest.url.pattern'] = r.pattern;
      if (r.elected !== undefined) properties.API_ELECTED_RESOURCE = r.elected;
      const vars = found.vars;
      if (vars) {
        for (let i = 0; i < vars.length; i++) {
          const v = vars[i];
          if (v === undefined) continue;
          if (r.varChecked[i] && unsafeValue(v)) return error(400, `path variable "${r.template!.variables[i]}" would traverse the backend path`);
          properties[r.varProps[i]!] = v;
        }
      }
      if (full.indexOf('?') >= 0) {
        const bad = parseQueryInto(full, properties, 'query.param.');
        if (bad !== undefined) return error(400, bad);
      }

      // REST_URL_POSTFIX after API entry (W API.process): leading "/", context removed, and for
      // url versioning the version segment removed
      let postfix = full.startsWith('/') ? full : '/' + full;
      if (postfix.startsWith(context)) postfix = postfix.slice(context.length);
      if (api.versionType === 'url') {
        if (postfix.startsWith(api.version)) postfix = postfix.slice(api.version.length);
        else if (postfix.startsWith('/' + api.version)) postfix = postfix.slice(api.version.length + 1);
      }
      return { kind: 'match', api: a, resource: r.node, resourceIndex: r.index, properties, restUrlPostfix: postfix };
    },
  };
}

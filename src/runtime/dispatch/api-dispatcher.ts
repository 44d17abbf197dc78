// Dispatch stage: which API and resource a request goes to (synapse-semantics §2.3-§2.5, W):
// APIs by longest context (versioned first), version and host/port binding; resources by
// filters, then url-mapping (exact > longest prefix > extension), uri-templates in declaration
// order, the default resource; 404/405/400 by W's acceptable-set rule. Everything is prepared
// once per generation. Measure before changing: runs per request.

import type { ApiNode, ResourceNode } from '../../config/ast.js';
import { normaliseContext } from '../../config/link.js';
import { compileJavaRegex } from '../../regex/java-regex.js';
import { compileUriTemplate, type UriTemplate } from './uri-template.js';
import { classifyUrlMapping, matchUrlMapping, pathOf, type UrlMapping } from './url-mapping.js';
import { parseQuery } from './query.js';

export interface DispatchRequest {
  /** Path and query as received. */
  rawPath: string;
  method: string;
  host?: string | undefined;
  scheme: 'http' | 'https';
  contentType?: string | undefined;
  userAgent?: string | undefined;
  hasBody: boolean;
}

export type DispatchResult =
  | { kind: 'none' }
  | { kind: 'error'; api: ApiNode; status: 404 | 405 | 400 }
  | { kind: 'options'; api: ApiNode; resource: ResourceNode; allow: string }
  | { kind: 'match'; api: ApiNode; resource: ResourceNode; resourceIndex: number; properties: Record<string, string>; restUrlPostfix: string };

export interface ApiDispatcher {
  dispatch(req: DispatchRequest): DispatchResult;
}

interface PreparedResource {
  node: ResourceNode;
  index: number;
  methods: Set<string> | null;
  optionsOnly: boolean;
  mapping?: UrlMapping;
  template?: UriTemplate;
  contentType?: string;
  userAgent?: (s: string) => boolean;
}

interface PreparedApi {
  node: ApiNode;
  context: string;
  version: string;
  versionType: '' | 'url' | 'context';
  /** `/version` for url versioning. */
  versionSegment: string;
  resources: PreparedResource[];
  /** W order: OPTIONS-only resources first, then definition order. */
  ordered: PreparedResource[];
}

function prepareResource(node: ResourceNode, index: number): PreparedResource {
  const r: PreparedResource = { node, index, methods: node.methods ? new Set(node.methods) : null, optionsOnly: !!node.methods && node.methods.length === 1 && node.methods[0] === 'OPTIONS' };
  if (node.urlMapping !== undefined) r.mapping = classifyUrlMapping(node.urlMapping);
  else if (node.uriTemplate !== undefined) {
    const t = compileUriTemplate(node.uriTemplate);
    if ('error' in t) throw new Error(`uri-template checked at read time failed: ${node.uriTemplate}`);
    r.template = t;
  }
  if (node.contentType !== undefined) r.contentType = node.contentType.toLowerCase();
  if (node.userAgent !== undefined) {
    const re = compileJavaRegex(node.userAgent);
    if (re.ok) r.userAgent = re.fullMatch;
  }
  return r;
}

function mediaTypeOf(ct: string): string {
  const i = ct.indexOf(';');
  return (i < 0 ? ct : ct.slice(0, i)).trim().toLowerCase();
}

/** The resource filters (§2.5 step 1). OPTIONS passes every method filter. */
function acceptable(r: PreparedResource, req: DispatchRequest): boolean {
  if (r.methods && req.method !== 'OPTIONS' && !r.methods.has(req.method)) return false;
  if (r.node.protocol && r.node.protocol !== req.scheme) return false;
  if (r.contentType && req.hasBody && mediaTypeOf(req.contentType ?? '') !== mediaTypeOf(r.contentType)) return false;
  if (r.userAgent && !r.userAgent(req.userAgent ?? '')) return false;
  return true;
}

interface Found {
  r: PreparedResource;
  vars?: Record<string, string>;
}

/** url-mapping, then uri-template, then default (§2.5 step 2). */
function findResource(candidates: readonly PreparedResource[], subPath: string): Found | undefined {
  const matchPath = subPath.startsWith('?') ? '/' + subPath : subPath;
  const path = pathOf(matchPath);
  let exact: PreparedResource | undefined;
  let prefix: PreparedResource | undefined;
  let prefixLen = -1;
  let ext: PreparedResource | undefined;
  for (const r of candidates) {
    const m = r.mapping;
    if (!m || !matchUrlMapping(m, path)) continue;
    if (m.kind === 'exact') {
      exact ??= r;
    } else if (m.kind === 'prefix') {
      if (m.prefix.length > prefixLen) {
        prefix = r;
        prefixLen = m.prefix.length;
      }
    } else ext ??= r;
  }
  const byMapping = exact ?? prefix ?? ext;
  if (byMapping) return { r: byMapping };
  for (const r of candidates) {
    if (!r.template) continue;
    const vars = r.template.match(matchPath);
    if (vars) return { r, vars };
  }
  const def = candidates.find((r) => !r.mapping && !r.template);
  return def ? { r: def } : undefined;
}

/** Path traversal through decoded template variables (ecosystem-security §3.2.10). */
function unsafeVariable(value: string): boolean {
  return value === '.' || value === '..' || value.includes('\0') || value.includes('\\') || /(^|\/)\.\.(\/|$)/.test(value);
}

export function createApiDispatcher(apis: readonly ApiNode[]): ApiDispatcher {
  const prepared: PreparedApi[] = apis.map((a) => {
    const resources = a.resources.map(prepareResource);
    return {
      node: a,
      context: normaliseContext(a.context, a.version, a.versionType),
      version: a.version ?? '',
      versionType: a.versionType ?? '',
      versionSegment: a.versionType === 'url' && a.version !== undefined ? `/${a.version}` : '',
      resources,
      ordered: [...resources.filter((r) => r.optionsOnly), ...resources.filter((r) => !r.optionsOnly)],
    };
  });
  // W keeps APIs sorted by descending context length; the sort is stable for equal lengths
  prepared.sort((x, y) => y.context.length - x.context.length);
  const versioned = prepared.filter((p) => p.versionType !== '');

  const matches = (p: PreparedApi, req: DispatchRequest): boolean => {
    const path = req.rawPath;
    const ctx = p.context;
    if (ctx !== '') {
      if (!path.startsWith(ctx)) return false;
      const next = path[ctx.length];
      if (next !== undefined && next !== '/' && next !== '?') return false;
    }
    if (p.versionSegment) {
      const seg = p.versionSegment;
      if (!path.startsWith(seg, ctx.length)) return false;
      const next = path[ctx.length + seg.length];
      if (next !== undefined && next !== '/' && next !== '?') return false;
    }
    const a = p.node;
    if (a.hostname !== undefined || a.port !== undefined) {
      if (!req.host) return false;
      const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(req.host);
      if (!m) return false;
      if (a.hostname !== undefined && m[1] !== a.hostname) return false;
      if (a.port !== undefined) {
        const port = m[2] !== undefined ? Number(m[2]) : req.scheme === 'http' ? 80 : 443;
        if (port !== a.port) return false;
      }
    }
    if (a.transports && !a.transports.includes(req.scheme)) return false;
    return true;
  };

  return {
    dispatch(req) {
      let api = versioned.find((p) => matches(p, req));
      api ??= prepared.find((p) => matches(p, req));
      if (!api) return { kind: 'none' };
      const a = api.node;
      const full = req.rawPath;
      const postfix = full.slice(api.context.length + api.versionSegment.length);
      const subPath = postfix === '' ? '/' : postfix;
      const accept = api.ordered.filter((r) => acceptable(r, req));
      const found = accept.length ? findResource(accept, subPath) : undefined;
      if (!found) {
        if (accept.length) return { kind: 'error', api: a, status: 404 };
        const any = findResource(api.ordered, subPath);
        if (!any) return { kind: 'error', api: a, status: 404 };
        if (any.r.methods && !any.r.methods.has(req.method)) return { kind: 'error', api: a, status: 405 };
        return { kind: 'error', api: a, status: 400 };
      }
      const r = found.r;
      if (req.method === 'OPTIONS' && r.methods && !r.methods.has('OPTIONS')) {
        return { kind: 'options', api: a, resource: r.node, allow: [...r.methods, 'OPTIONS'].join(', ') };
      }
      const properties: Record<string, string> = {
        SYNAPSE_REST_API: a.name,
        SYNAPSE_REST_API_VERSION: api.version,
        SYNAPSE_REST_API_VERSION_STRATEGY: api.versionType,
        REST_API_CONTEXT: api.context,
        REST_FULL_REQUEST_PATH: full,
        REST_SUB_REQUEST_PATH: subPath,
        REST_METHOD: req.method,
      };
      if (req.host) properties.REST_URL_PREFIX = `${req.scheme}://${req.host}`;
      const pattern = r.node.urlMapping ?? r.node.uriTemplate;
      if (pattern !== undefined) {
        properties['rest.url.pattern'] = pattern;
        properties.API_ELECTED_RESOURCE = pattern;
      }
      if (found.vars) {
        for (const [k, v] of Object.entries(found.vars)) {
          if (!r.template!.reservedVars.has(k) && unsafeVariable(v)) return { kind: 'error', api: a, status: 400 };
          properties[`uri.var.${k}`] = v;
        }
      }
      const q = parseQuery(full);
      if (!q.ok) return { kind: 'error', api: a, status: 400 };
      for (const [k, v] of q.params) properties[`query.param.${k}`] = v;
      return { kind: 'match', api: a, resource: r.node, resourceIndex: r.index, properties, restUrlPostfix: postfix };
    },
  };
}

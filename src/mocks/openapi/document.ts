// OpenAPI mocks, load stage: an OpenAPI 3.x or Swagger 2.0 document (YAML or JSON) becomes a
// table of operations, each with its responses, media types and examples already serialised,
// so nothing is parsed or sampled while a request is answered. Pure data in, pure data out: no
// runtime objects, so the config readers can build the table synchronously.

import YAML from 'yaml';
import { sample } from 'openapi-sampler';
import { isValidHeaderName, isValidHeaderValue } from '../../runtime/headers.js';

/** One example, serialised for its media type. `name` is undefined for the unnamed one. */
export interface MockExample {
  name: string | undefined;
  body: string;
}

/** A media type of a response with its examples (never empty: types without one are dropped). */
export interface MockContent {
  mediaType: string;
  examples: MockExample[];
}

export interface MockResponseDef {
  /** The response key: "default", a status ("404") or a range ("2XX", "50x"), as written. */
  key: string;
  /** Example header values, strings sent as they are. */
  headers: [string, string][];
  /** Empty when the response declares no body (it is then served with an empty body). */
  content: MockContent[];
}

export interface MockOperationDef {
  /** Upper-case HTTP method. */
  method: string;
  /** The path template as written in the document, e.g. "/pets/{petId}". */
  path: string;
  /** Responses that can be served, in document order. */
  responses: MockResponseDef[];
}

export interface MockDocument {
  spec: 'openapi-3.0' | 'openapi-3.1' | 'swagger-2.0';
  /** Base paths of `servers` (OpenAPI 3) or `basePath` (Swagger 2), longest first, never "/". */
  basePaths: string[];
  operations: MockOperationDef[];
}

export type MockProblemCode = 'AXON_CFG_OPENAPI_INVALID' | 'AXON_CFG_OPENAPI_UNSUPPORTED';

export interface MockProblem {
  severity: 'error' | 'warning';
  code: MockProblemCode;
  message: string;
}

type Obj = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Response keys Axon serves: an exact status, NNx or Nxx (x in either case); 1xx cannot be a final answer. */
export const RESPONSE_KEY_RE = /^[1-5](?:\d\d|\d[xX]|[xX][xX])$/;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse YAML or JSON text into a plain value; syntax problems come back as one message. */
export function parseOpenApiText(text: string): { doc: Obj } | { error: string } {
  // YAML 1.2 reads JSON too; aliases are capped by the yaml package (no billion laughs)
  const d = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (d.errors.length > 0) {
    const e = d.errors[0]!;
    return { error: `not valid YAML or JSON: ${e.message.split('\n')[0]}` };
  }
  let value: unknown;
  try {
    value = d.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { error: `not valid YAML or JSON: ${(e as Error).message}` };
  }
  if (!isObj(value)) return { error: 'the document is not a YAML or JSON object' };
  return { doc: value };
}

/** Resolves local "#/..." references; anything else is reported as unsupported. */
class Refs {
  constructor(
    readonly doc: Obj,
    readonly problems: MockProblem[],
  ) {}

  #reported = new Set<string>();

  /** Follow a chain of $ref objects to the referenced value (undefined when it does not resolve). */
  deref(v: unknown, where: string): unknown {
    const seen = new Set<string>();
    while (isObj(v) && typeof v.$ref === 'string') {
      const ref = v.$ref;
      if (seen.has(ref)) {
        this.#report('error', 'AXON_CFG_OPENAPI_INVALID', `${where}: $ref "${ref}" refers to itself in a loop`);
        return undefined;
      }
      seen.add(ref);
      if (!ref.startsWith('#')) {
        this.#report('error', 'AXON_CFG_OPENAPI_UNSUPPORTED', `${where}: $ref "${ref}" points outside the document; bundle the document into one file`);
        return undefined;
      }
      const target = pointer(this.doc, ref.slice(1));
      if (target === undefined) {
        this.#report('error', 'AXON_CFG_OPENAPI_INVALID', `${where}: $ref "${ref}" does not resolve`);
        return undefined;
      }
      v = target;
    }
    return v;
  }

  #report(severity: MockProblem['severity'], code: MockProblemCode, message: string): void {
    if (this.#reported.has(message)) return;
    this.#reported.add(message);
    this.problems.push({ severity, code, message });
  }
}

/** RFC 6901 JSON pointer ("/a/b~1c") into a value. */
function pointer(doc: unknown, p: string): unknown {
  if (p === '') return doc;
  if (!p.startsWith('/')) return undefined;
  let cur: unknown = doc;
  for (const raw of p.slice(1).split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** Every external $ref anywhere in the document (reported once each). */
function findExternalRefs(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 200) return;
  if (Array.isArray(v)) {
    for (const x of v) findExternalRefs(x, out, depth + 1);
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      // example values are data: a "$ref" key inside one is not a reference
      if (k === 'example' || (k === 'examples' && !isObj(x))) continue;
      if (k === '$ref' && typeof x === 'string' && !x.startsWith('#')) out.add(x);
      else findExternalRefs(x, out, depth + 1);
    }
  }
}

/**
 * Build the mock table of a parsed document. Problems (not a known OpenAPI version, broken
 * references, bad response keys or header values) are returned, not thrown; `document` is
 * undefined when an error makes the document unusable.
 */
export function extractMockDocument(doc: Obj): { document?: MockDocument; problems: MockProblem[] } {
  const problems: MockProblem[] = [];
  const err = (message: string) => problems.push({ severity: 'error', code: 'AXON_CFG_OPENAPI_INVALID', message });
  let spec: MockDocument['spec'];
  if (typeof doc.openapi === 'string' && /^3\.0\.\d+/.test(doc.openapi)) spec = 'openapi-3.0';
  else if (typeof doc.openapi === 'string' && /^3\.1\.\d+/.test(doc.openapi)) spec = 'openapi-3.1';
  else if (doc.swagger === '2.0') spec = 'swagger-2.0';
  else {
    const v = doc.openapi ?? doc.swagger;
    err(v === undefined ? 'not an OpenAPI document (no "openapi" or "swagger" field)' : `OpenAPI version ${JSON.stringify(v)} is not supported (3.0, 3.1 or Swagger 2.0)`);
    return { problems };
  }
  const external = new Set<string>();
  findExternalRefs(doc, external);
  for (const x of external) {
    problems.push({ severity: 'error', code: 'AXON_CFG_OPENAPI_UNSUPPORTED', message: `$ref "${x}" points outside the document; bundle the document into one file` });
  }
  if (external.size > 0) return { problems };
  const refs = new Refs(doc, problems);
  if (doc.paths !== undefined && !isObj(doc.paths)) {
    err('"paths" must be an object');
    return { problems };
  }
  const paths = (doc.paths ?? {}) as Obj;
  const operations: MockOperationDef[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    if (path.startsWith('x-')) continue;
    if (!path.startsWith('/')) {
      err(`path "${path}" must start with "/"`);
      continue;
    }
    const item = refs.deref(rawItem, `path ${path}`);
    if (!isObj(item)) continue;
    for (const m of METHODS) {
      const op = item[m];
      if (op === undefined) continue;
      const where = `${m.toUpperCase()} ${path}`;
      if (!isObj(op)) {
        err(`${where} is not an operation object`);
        continue;
      }
      const responses = isObj(op.responses) ? op.responses : {};
      const out: MockResponseDef[] = [];
      for (const [key, rawResp] of Object.entries(responses)) {
        if (key.startsWith('x-')) continue;
        if (key !== 'default' && !RESPONSE_KEY_RE.test(key)) {
          err(`${where}: response key "${key}" is not a status code (200), a range (2XX, 20X) or "default"`);
          continue;
        }
        if (key[0] === '1') {
          problems.push({ severity: 'warning', code: 'AXON_CFG_OPENAPI_UNSUPPORTED', message: `${where}: informational response ${key} cannot be mocked; it is skipped` });
          continue;
        }
        const resp = refs.deref(rawResp, `${where} response ${key}`);
        if (!isObj(resp)) continue;
        const r =
          spec === 'swagger-2.0'
            ? swaggerResponse(key, resp, op, doc, refs, `${where} response ${key}`, problems)
            : openApiResponse(key, resp, doc, refs, `${where} response ${key}`, problems);
        if (r) out.push(r);
      }
      operations.push({ method: m.toUpperCase(), path, responses: out });
    }
  }
  if (problems.some((p) => p.severity === 'error')) return { problems };
  if (operations.length === 0) {
    err('the document defines no operations to mock');
    return { problems };
  }
  return { document: { spec, basePaths: basePaths(doc, spec), operations }, problems };
}

/** The path parts of `servers[].url` (variables replaced by their defaults) or Swagger's basePath. */
function basePaths(doc: Obj, spec: MockDocument['spec']): string[] {
  const out = new Set<string>();
  const add = (p: string) => {
    let s = p.trim();
    while (s.endsWith('/')) s = s.slice(0, -1);
    if (s !== '' && s.startsWith('/')) out.add(s);
  };
  if (spec === 'swagger-2.0') {
    if (typeof doc.basePath === 'string') add(doc.basePath);
  } else if (Array.isArray(doc.servers)) {
    for (const s of doc.servers) {
      if (!isObj(s) || typeof s.url !== 'string') continue;
      const vars = isObj(s.variables) ? s.variables : {};
      const url = s.url.replace(/\{([^}]*)\}/g, (_, n: string) => {
        const v = vars[n];
        return isObj(v) && v.default !== undefined ? String(v.default) : '';
      });
      const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/[^?#]*)?/i.exec(url);
      if (m) add(m[1] ?? '');
      else add(url.startsWith('/') ? url.split(/[?#]/)[0]! : '/' + url.split(/[?#]/)[0]!);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** A header's example as it goes on the wire: strings as they are, other values as JSON. */
function headerText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const SKIP_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection']);

function readHeaders(
  raw: unknown,
  refs: Refs,
  where: string,
  problems: MockProblem[],
  pick: (h: Obj) => unknown,
): [string, string][] {
  const out: [string, string][] = [];
  if (!isObj(raw)) return out;
  for (const [name, rawH] of Object.entries(raw)) {
    // OpenAPI says a Content-Type header definition is ignored; the media type decides it
    if (SKIP_HEADERS.has(name.toLowerCase())) continue;
    const h = refs.deref(rawH, `${where} header ${name}`);
    if (!isObj(h)) continue;
    const v = pick(h);
    if (v === undefined) continue;
    const text = headerText(v);
    if (!isValidHeaderName(name)) {
      problems.push({ severity: 'error', code: 'AXON_CFG_OPENAPI_INVALID', message: `${where}: "${name}" is not a valid header name` });
      continue;
    }
    if (!isValidHeaderValue(text)) {
      problems.push({ severity: 'error', code: 'AXON_CFG_OPENAPI_INVALID', message: `${where}: the example of header ${name} contains characters not allowed in a header` });
      continue;
    }
    out.push([name, text]);
  }
  return out;
}

function openApiResponse(key: string, resp: Obj, doc: Obj, refs: Refs, where: string, problems: MockProblem[]): MockResponseDef | undefined {
  const headers = readHeaders(resp.headers, refs, where, problems, (h) => {
    if (h.example !== undefined) return h.example;
    if (isObj(h.examples)) {
      for (const [n, e] of Object.entries(h.examples)) {
        const ex = refs.deref(e, `${where} header example ${n}`);
        if (isObj(ex) && ex.value !== undefined) return ex.value;
      }
    }
    const schema = refs.deref(h.schema, `${where} header schema`);
    if (isObj(schema)) return schema.example ?? schema.default;
    return undefined;
  });
  if (!isObj(resp.content) || Object.keys(resp.content).length === 0) return { key, headers, content: [] };
  const content: MockContent[] = [];
  for (const [rawType, media] of Object.entries(resp.content)) {
    if (!isObj(media)) continue;
    const mediaType = concreteMediaType(rawType);
    if (content.some((c) => c.mediaType === mediaType)) continue;
    const schema = media.schema;
    const examples: MockExample[] = [];
    if (media.example !== undefined) examples.push({ name: undefined, body: serializeExample(media.example, mediaType, schema, doc, refs) });
    if (isObj(media.examples)) {
      for (const [name, e] of Object.entries(media.examples)) {
        const ex = refs.deref(e, `${where} example ${name}`);
        if (!isObj(ex)) continue;
        if (ex.value !== undefined) examples.push({ name, body: serializeExample(ex.value, mediaType, schema, doc, refs) });
        else if (typeof ex.externalValue === 'string') {
          problems.push({ severity: 'warning', code: 'AXON_CFG_OPENAPI_UNSUPPORTED', message: `${where}: example "${name}" is an externalValue, which the mock does not fetch; it is skipped` });
        }
      }
    }
    if (examples.length === 0 && schema !== undefined) {
      const s = sampleSchema(schema, doc, `${where} ${rawType}`, problems);
      if (s !== undefined) examples.push({ name: undefined, body: serializeExample(s, mediaType, schema, doc, refs) });
    }
    // a media type with neither an example nor a schema has nothing to answer with
    if (examples.length > 0) content.push({ mediaType, examples });
  }
  return content.length > 0 ? { key, headers, content } : undefined;
}

function swaggerResponse(key: string, resp: Obj, op: Obj, doc: Obj, refs: Refs, where: string, problems: MockProblem[]): MockResponseDef | undefined {
  // Swagger 2 headers have no example field; x-example (a common extension) or the default
  const headers = readHeaders(resp.headers, refs, where, problems, (h) => h['x-example'] ?? h.default);
  const schema = resp.schema;
  const examples = isObj(resp.examples) ? resp.examples : {};
  if (schema === undefined && Object.keys(examples).length === 0) return { key, headers, content: [] };
  const produces = (Array.isArray(op.produces) ? op.produces : Array.isArray(doc.produces) ? doc.produces : ['application/json']).filter(
    (x): x is string => typeof x === 'string',
  );
  const content: MockContent[] = [];
  for (const [rawType, value] of Object.entries(examples)) {
    const mediaType = concreteMediaType(rawType);
    if (content.some((c) => c.mediaType === mediaType)) continue;
    content.push({ mediaType, examples: [{ name: undefined, body: serializeExample(value, mediaType, schema, doc, refs) }] });
  }
  if (schema !== undefined) {
    let sampled: unknown;
    let tried = false;
    for (const rawType of produces) {
      const mediaType = concreteMediaType(rawType);
      if (content.some((c) => c.mediaType === mediaType)) continue;
      if (!tried) {
        sampled = sampleSchema(schema, doc, where, problems);
        tried = true;
      }
      if (sampled === undefined) break;
      content.push({ mediaType, examples: [{ name: undefined, body: serializeExample(sampled, mediaType, schema, doc, refs) }] });
    }
  }
  return content.length > 0 ? { key, headers, content } : undefined;
}

/**
 * Media ranges in a document ("*\/*", "application/*") cannot be a Content-Type: they are
 * served as JSON, text/plain or octet-stream.
 */
function concreteMediaType(t: string): string {
  const s = t.trim();
  const essence = s.split(';')[0]!.trim().toLowerCase();
  if (essence === '*/*' || essence === 'application/*' || essence === '*') return 'application/json';
  if (essence === 'text/*') return 'text/plain';
  if (essence.endsWith('/*')) return 'application/octet-stream';
  return s;
}

function sampleSchema(schema: unknown, doc: Obj, where: string, problems: MockProblem[]): unknown {
  try {
    // deterministic: the sampler uses no randomness, and write-only fields never appear in responses
    return sample(schema as Parameters<typeof sample>[0], { skipWriteOnly: true, quiet: true }, doc);
  } catch (e) {
    problems.push({ severity: 'warning', code: 'AXON_CFG_OPENAPI_UNSUPPORTED', message: `${where}: no example could be built from the schema (${(e as Error).message}); it is skipped` });
    return undefined;
  }
}

/** json, xml, yaml or text: how an example is written for a media type. */
export function mediaKind(mediaType: string): 'json' | 'xml' | 'yaml' | 'text' {
  const e = mediaType.split(';')[0]!.trim().toLowerCase();
  if (e === 'application/json' || e.endsWith('+json') || e.endsWith('/json')) return 'json';
  if (e.endsWith('/xml') || e.endsWith('+xml')) return 'xml';
  if (e.endsWith('/yaml') || e.endsWith('+yaml') || e.endsWith('/x-yaml')) return 'yaml';
  return 'text';
}

/**
 * An example as the bytes of its media type: JSON as JSON; for XML, YAML and text types a
 * string is sent as written (never JSON-quoted), other values are converted.
 */
export function serializeExample(value: unknown, mediaType: string, schema: unknown, doc: Obj, refs?: Refs): string {
  const kind = mediaKind(mediaType);
  if (kind === 'json') return JSON.stringify(value === undefined ? null : value);
  if (typeof value === 'string') return value;
  if (kind === 'xml') return toXml(value, schema, doc, refs);
  if (kind === 'yaml') return YAML.stringify(value);
  return JSON.stringify(value === undefined ? null : value);
}

/** A schema's element name: xml.name, else the name of the schema it refers to. */
function schemaName(schema: unknown, doc: Obj, refs: Refs | undefined): { name?: string; resolved?: Obj } {
  let name: string | undefined;
  let cur: unknown = schema;
  for (let i = 0; i < 20 && isObj(cur) && typeof cur.$ref === 'string'; i++) {
    const ref = cur.$ref;
    if (!ref.startsWith('#')) break;
    name ??= decodeURIComponent(ref.split('/').pop() ?? '');
    cur = refs ? refs.deref({ $ref: ref }, 'schema') : pointer(doc, ref.slice(1));
  }
  if (!isObj(cur)) return name !== undefined ? { name } : {};
  const xml = isObj(cur.xml) ? cur.xml : undefined;
  const own = xml && typeof xml.name === 'string' ? xml.name : undefined;
  const out: { name?: string; resolved?: Obj } = { resolved: cur };
  const n = own ?? name;
  if (n !== undefined) out.name = n;
  return out;
}

/**
 * A plain XML rendering of a JSON value: objects become elements named by their keys, arrays
 * repeat their element, scalars become text. The root is the schema's xml.name or schema
 * name, else a lone top-level key, else "root". XML hints beyond `name` (attributes,
 * namespaces, wrapped) are not applied.
 */
function toXml(value: unknown, schema: unknown, doc: Obj, refs: Refs | undefined): string {
  const { name, resolved } = schemaName(schema, doc, refs);
  if (Array.isArray(value)) {
    const item = schemaName(resolved?.items, doc, refs).name ?? 'item';
    return element(name ?? 'root', value.map((v) => element(item, v)).join(''), true);
  }
  if (name === undefined && isObj(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) return element(keys[0]!, value[keys[0]!]);
  }
  return element(name ?? 'root', value);
}

function element(rawName: string, v: unknown, rawContent = false): string {
  const n = xmlName(rawName);
  if (rawContent) return `<${n}>${v as string}</${n}>`;
  if (Array.isArray(v)) return v.map((x) => element(rawName, x)).join('');
  if (v === null || v === undefined) return `<${n}/>`;
  if (isObj(v)) return `<${n}>${Object.entries(v).map(([k, x]) => element(k, x)).join('')}</${n}>`;
  return `<${n}>${escapeXml(String(v))}</${n}>`;
}

function xmlName(s: string): string {
  let n = s.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (!/^[A-Za-z_]/.test(n)) n = '_' + n;
  return n;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
}

/**
 * Validate a parsed document against the OpenAPI 3.x / Swagger 2.0 schemas with
 * @readme/openapi-parser (asynchronous; the gateway awaits it before building a generation).
 * Returns one compact message per problem, empty when the document is valid.
 */
export async function validateOpenApiDocument(doc: Obj): Promise<string[]> {
  const { validate } = await import('@readme/openapi-parser');
  const copy = validationCopy(doc);
  let result: Awaited<ReturnType<typeof validate>>;
  try {
    result = await validate(copy as never, { resolve: { external: false } });
  } catch (e) {
    return [(e as Error).message.split('\n')[0]!];
  }
  if (result.valid) return [];
  const out = result.errors.slice(0, 5).map((e) => compactMessage(e.message));
  const more = result.errors.length - out.length + (result.additionalErrors ?? 0);
  if (more > 0) out.push(`and ${more} more problem${more === 1 ? '' : 's'}`);
  return out;
}

/**
 * The library's messages carry a code frame of the JSON it validated (not the user's file):
 * keep the first line and the frame's pointer note ("x is missing here!").
 */
function compactMessage(m: string): string {
  const lines = m.split('\n');
  const head = lines[0]!.trim();
  const note = lines.map((l) => /\|\s*\^+\s*(.*)$/.exec(l)?.[1]?.trim()).find((x) => x);
  return note ? `${head} (${note})` : head;
}

/**
 * A deep copy for the validator, with the response keys Axon accepts beyond the standard
 * (Choreo-style "50x"/"5xx", any range in Swagger 2) renamed to a free key the schema allows,
 * so that their content is still validated.
 */
function validationCopy(doc: Obj): Obj {
  const copy = structuredClone(doc);
  const swagger = copy.swagger === '2.0';
  const standard = swagger ? /^(?:[1-5]\d\d|default)$/ : /^(?:[1-5](?:\d\d|XX)|default)$/;
  if (!isObj(copy.paths)) return copy;
  for (const item of Object.values(copy.paths)) {
    if (!isObj(item)) continue;
    for (const m of METHODS) {
      const op = item[m];
      if (!isObj(op) || !isObj(op.responses)) continue;
      const responses = op.responses;
      for (const key of Object.keys(responses)) {
        if (standard.test(key) || key.startsWith('x-') || !RESPONSE_KEY_RE.test(key)) continue;
        const cls = key[0]!;
        const candidates = swagger ? [] : [`${cls}XX`];
        for (let i = 0; i < 100; i++) candidates.push(`${cls}${String(i).padStart(2, '0')}`);
        const free = candidates.find((c) => !(c in responses));
        if (free !== undefined) responses[free] = responses[key];
        delete responses[key];
      }
    }
  }
  return copy;
}

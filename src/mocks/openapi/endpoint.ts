// OpenAPI mocks, compile + runtime stage: an Endpoint that answers from the examples of an
// OpenAPI document instead of calling a backend. It resolves like a backend response, so the
// out sequence, respond and relay work as for a real one; nothing touches the network.
//
//   <endpoint name="PetstoreMock"><mock openapi="mocks/petstore.yaml"/></endpoint>

import { Readable } from 'node:stream';
import type { BackendResponse, Endpoint, EndpointView } from '../../endpoints/types.js';
import { MediationError } from '../../errors/codes.js';
import { HeaderMap } from '../../runtime/headers.js';
import type { MessageContext } from '../../runtime/message-context.js';
import type { MockDocument, MockOperationDef } from './document.js';
import { errorBody, NO_OPERATION, selectMockResponse, type MockError, type MockSelection } from './select.js';

/** Every answer of a mock carries this header, so clients and logs can tell it from a backend's. */
export const MOCK_HEADER = 'x-axon-mock';
export const MOCK_HEADER_VALUE = 'openapi';

interface CompiledOperation {
  method: string;
  /** One matcher per path segment: a literal or a regex for templated segments. */
  segments: (string | RegExp)[];
  op: MockOperationDef;
}

/** Statuses whose responses never have a body (RFC 9110 §15.3.5, §15.3.6, §15.4.5). */
const NO_BODY = new Set([204, 205, 304]);

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function splitPath(p: string): string[] {
  let s = p;
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s === '/' || s === '' ? [] : s.replace(/^\//, '').split('/');
}

function compileOperation(op: MockOperationDef): CompiledOperation & { rank: [number, number] } {
  let vars = 0;
  let literal = 0;
  const segments = splitPath(op.path).map((seg) => {
    if (!seg.includes('{')) {
      literal += seg.length;
      return seg;
    }
    const parts = seg.split(/(\{[^}]*\})/).filter((x) => x !== '');
    const src = parts
      .map((x) => {
        if (x.startsWith('{') && x.endsWith('}')) {
          vars++;
          return '.+';
        }
        literal += x.length;
        return escapeRegex(x);
      })
      .join('');
    return new RegExp(`^${src}$`, 's');
  });
  return { method: op.method, segments, op, rank: [vars, -literal] };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class OpenApiMockEndpoint implements Endpoint {
  readonly type = 'mock';
  readonly #ops: CompiledOperation[];
  readonly #basePaths: string[];
  readonly #source: string;
  /** Switched off from the admin port: not ready, and a send fails as for any endpoint. */
  #off = false;

  constructor(
    readonly name: string | undefined,
    doc: MockDocument,
    source: string,
  ) {
    this.#source = source;
    // concrete paths before templated ones (OpenAPI's rule), then the longer literal text
    this.#ops = doc.operations
      .map((op, i) => ({ ...compileOperation(op), i }))
      .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.i - b.i);
    this.#basePaths = doc.basePaths;
  }

  /** The operation for a method and a path relative to the API (query already removed). */
  find(method: string, path: string): MockOperationDef | undefined {
    const candidates: string[] = [];
    for (const b of this.#basePaths) {
      if (path === b || path.startsWith(b + '/')) candidates.push(path.slice(b.length) || '/');
    }
    candidates.push(path);
    for (const c of candidates) {
      const segs = splitPath(c).map(decodeSegment);
      const match = (m: string) =>
        this.#ops.find((o) => o.method === m && o.segments.length === segs.length && o.segments.every((s, i) => (typeof s === 'string' ? s === segs[i] : s.test(segs[i]!))));
      const found = match(method) ?? (method === 'HEAD' ? match('GET') : undefined);
      if (found) return found.op;
    }
    return undefined;
  }

  /** What the mock answers for a request (pure; send() turns it into a response). */
  answer(method: string, path: string, prefer: string | undefined, accept: string | undefined): MockSelection {
    const op = this.find(method, path);
    if (!op) {
      const e: MockError = {
        kind: 'error',
        status: 404,
        code: NO_OPERATION,
        message: 'Not Found',
        description: `No operation in the OpenAPI document matches ${method} ${path}`,
      };
      return e;
    }
    return selectMockResponse(op, prefer, accept);
  }

  ready(): boolean {
    return !this.#off;
  }

  /** A mock never fails in transport, so there is nothing a group could retry elsewhere. */
  shouldRetry(): boolean {
    return false;
  }

  setActive(on: boolean): void {
    this.#off = !on;
  }

  view(): EndpointView {
    return { name: this.name ?? null, type: this.type, state: this.#off ? 'off' : 'active', address: `openapi:${this.#source}` };
  }

  send(mc: MessageContext): Promise<BackendResponse> {
    if (this.#off) {
      return Promise.reject(
        new MediationError('AXON_EP_NOT_READY', `Currently , Mock endpoint : [ Name : ${this.name ?? 'AnonymousEndpoint'} ] [ State : MAINTNENCE ]`),
      );
    }
    // the request body is not needed: let it drain so the client connection stays usable
    if (mc.payload.isStream) mc.payload.takeStream()?.resume();
    const method = String((mc.axis2.get('HTTP_METHOD') as string | undefined) ?? mc.exchange.method).toUpperCase();
    const path = requestPath(mc);
    const prefer = mc.headers.get('prefer');
    const accept = mc.headers.get('accept');
    const sel = this.answer(method, path, prefer, accept);
    return Promise.resolve(toResponse(sel, method));
  }
}

/**
 * The request path relative to the API: REST_URL_POSTFIX (which a mediator may have
 * rewritten), else REST_SUB_REQUEST_PATH, else the raw path; without its query.
 */
function requestPath(mc: MessageContext): string {
  const postfix = mc.axis2.get('REST_URL_POSTFIX');
  const sub = mc.props.get('REST_SUB_REQUEST_PATH');
  let p = typeof postfix === 'string' ? postfix : typeof sub === 'string' ? sub : mc.exchange.rawPath;
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  if (!p.startsWith('/')) p = '/' + p;
  return p;
}

function toResponse(sel: MockSelection, method: string): BackendResponse {
  const headers = new HeaderMap();
  let status: number;
  let body: string;
  if (sel.kind === 'error') {
    status = sel.status;
    body = errorBody(sel);
    headers.set('Content-Type', 'application/json');
  } else {
    status = sel.status;
    body = sel.body;
    for (const [k, v] of sel.headers) headers.append(k, v);
    if (sel.mediaType !== undefined) headers.set('Content-Type', sel.mediaType);
  }
  headers.set(MOCK_HEADER, MOCK_HEADER_VALUE);
  headers.set('Vary', 'Prefer, Accept');
  if (NO_BODY.has(status)) {
    headers.delete('Content-Type');
    return { status, statusText: undefined, headers, body: null };
  }
  const buf = Buffer.from(body, 'utf8');
  headers.set('Content-Length', String(buf.length));
  if (method === 'HEAD' || buf.length === 0) return { status, statusText: undefined, headers, body: null };
  return { status, statusText: undefined, headers, body: Readable.from([buf], { objectMode: false }) };
}

/** The mock endpoint of a `<mock openapi="..."/>` definition; `source` is the document's path. */
export function createOpenApiMockEndpoint(name: string | undefined, doc: MockDocument, source: string): Endpoint {
  return new OpenApiMockEndpoint(name, doc, source);
}

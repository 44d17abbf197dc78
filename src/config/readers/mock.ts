// Config stage: the `<mock openapi="path/to/doc.yaml"/>` endpoint kind (an Axon extension). The
// document is a .yaml, .yml or .json side file of the config folder; it is parsed and turned
// into the mock's operation table here, synchronously. Schema validation with the OpenAPI
// library is asynchronous and runs later (src/mocks/openapi/prepare.ts), before the generation
// is built. Every problem is reported at the openapi attribute.

import type { MockEndpointBody } from '../ast.js';
import type { ReadContext } from '../read-context.js';
import { extractMockDocument, parseOpenApiText } from '../../mocks/openapi/document.js';
import type { XmlElement } from '../../xml/parse.js';

/** A side-file path as ReadContext.resource() looks it up ("./a//b.yaml" -> "a/b.yaml"); undefined if it climbs out. */
export function normaliseResourcePath(relPath: string): string | undefined {
  const parts: string[] = [];
  for (const seg of relPath.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return undefined;
    parts.push(seg);
  }
  return parts.join('/');
}

export function readMockEndpoint(el: XmlElement, r: ReadContext): MockEndpointBody | undefined {
  r.checkAttributes(el, ['openapi']);
  r.checkChildren(el, []);
  const raw = r.requireAttr(el, 'openapi');
  if (raw === undefined) return undefined;
  const at = r.attrNode(el, 'openapi');
  const path = normaliseResourcePath(raw.trim());
  const text = path === undefined || path === '' ? undefined : r.resource(path);
  if (path === undefined || text === undefined) {
    const hint = /\.(ya?ml|json)$/i.test(raw.trim()) ? '' : ' (OpenAPI documents must be .yaml, .yml or .json files)';
    r.error('AXON_CFG_OPENAPI_MISSING', `the OpenAPI document "${raw}" is not in the config folder${hint}`, at);
    return undefined;
  }
  const parsed = parseOpenApiText(text);
  if ('error' in parsed) {
    r.error('AXON_CFG_OPENAPI_SYNTAX', `${path}: ${parsed.error}`, at);
    return undefined;
  }
  const { document, problems } = extractMockDocument(parsed.doc);
  for (const p of problems) {
    if (p.severity === 'error') r.error(p.code, `${path}: ${p.message}`, at);
    else r.warn(p.code, `${path}: ${p.message}`, at);
  }
  if (!document) return undefined;
  return { type: 'mock', openapi: path, openapiPos: r.pos(at), document };
}

// OpenAPI mocks, load stage (asynchronous part): every OpenAPI document a mock endpoint uses is
// validated against the OpenAPI 3.x / Swagger 2.0 schemas before a generation is built; the
// problems become diagnostics at the endpoint's openapi attribute. The readers have already
// parsed each document and built its table synchronously (src/config/readers/mock.ts).

import type { ArtifactSet, EndpointNode, MediatorNode, MockEndpointBody, SequenceRef } from '../../config/ast.js';
import type { Diagnostics } from '../../config/diagnostics.js';
import { groupChildren } from '../../config/link.js';
import type { MediatorRegistry } from '../../mediators/registry.js';
import { parseOpenApiText, validateOpenApiDocument } from './document.js';

/** Every mock endpoint body in the set: named endpoints, and inline ones in any mediator list. */
export function collectMockBodies(set: ArtifactSet, reg: MediatorRegistry): MockEndpointBody[] {
  const out = new Set<MockEndpointBody>();
  const endpoint = (ep: EndpointNode): void => {
    if (ep.body.type === 'mock') out.add(ep.body);
    // groups (failover, loadbalance, environments): the linker knows where their children are
    for (const c of groupChildren(ep)) endpoint(c);
  };
  const list = (nodes: readonly MediatorNode[]): void => {
    for (const m of nodes) {
      const def = reg.get(m.kind);
      if (!def) continue;
      if (def.endpoints) for (const ep of def.endpoints(m)) endpoint(ep);
      if (def.children) for (const c of def.children(m)) list(c);
    }
  };
  const ref = (r: SequenceRef | undefined): void => {
    if (r?.inline) list(r.inline);
  };
  for (const e of set.endpoints) endpoint(e);
  for (const s of set.sequences) list(s.mediators);
  for (const t of set.templates) list(t.sequence.mediators);
  for (const a of set.apis) {
    for (const r of a.resources) {
      ref(r.inSequence);
      ref(r.outSequence);
      ref(r.faultSequence);
    }
  }
  return [...out];
}

/**
 * Validate the documents of every mock endpoint (each document once) and report problems as
 * AXON_CFG_OPENAPI_INVALID at each openapi attribute that names it.
 */
export async function validateMockDocuments(
  set: ArtifactSet,
  reg: MediatorRegistry,
  resources: ReadonlyMap<string, string>,
  diag: Diagnostics,
): Promise<void> {
  const bodies = collectMockBodies(set, reg);
  if (bodies.length === 0) return;
  const results = new Map<string, Promise<string[]>>();
  for (const b of bodies) {
    if (results.has(b.openapi)) continue;
    const text = resources.get(b.openapi);
    const parsed = text === undefined ? undefined : parseOpenApiText(text);
    // the reader built this body from the same text, so it parses; stay defensive all the same
    results.set(b.openapi, parsed && 'doc' in parsed ? validateOpenApiDocument(parsed.doc) : Promise.resolve([]));
  }
  const reported = new Set<string>();
  for (const b of bodies) {
    const errors = await results.get(b.openapi)!;
    const at = `${b.openapiPos.file}:${b.openapiPos.line}:${b.openapiPos.col}`;
    if (reported.has(at)) continue;
    reported.add(at);
    for (const e of errors) diag.error('AXON_CFG_OPENAPI_INVALID', `${b.openapi}: ${e}`, b.openapiPos);
  }
}

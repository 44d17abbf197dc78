// Config stage: the service catalog. Each file under `service-catalog/` in the config folder
// (YAML or JSON) describes one service as WSO2's catalog and Micro Integrator's metadata.yaml
// do: name, version, serviceUrl, and optionally key, description, definitionType and
// definitionFile. Endpoints refer to a service by name and version, or by key.

import path from 'node:path';
import { LineCounter, parseDocument, isMap } from 'yaml';
import type { Diagnostics } from '../diagnostics.js';
import type { ServiceEntryNode } from '../ast.js';

export const SERVICE_CATALOG_DIR = 'service-catalog/';
const KNOWN = ['key', 'name', 'version', 'serviceUrl', 'description', 'displayName', 'definitionType', 'definitionFile', 'securityType', 'mutualSSLEnabled'];
const DEFINITION_TYPES = ['OAS2', 'OAS3', 'WSDL1', 'WSDL2', 'GRAPHQL_SDL', 'ASYNC_API'];

/** Read every catalog entry among the side files. */
export function readServiceCatalog(resources: ReadonlyMap<string, string>, diag: Diagnostics): ServiceEntryNode[] {
  const out: ServiceEntryNode[] = [];
  for (const [file, text] of resources) {
    if (!file.startsWith(SERVICE_CATALOG_DIR) || !/\.(ya?ml|json)$/i.test(file)) continue;
    const e = readEntry(file, text, resources, diag);
    if (e) out.push(e);
  }
  return out;
}

function readEntry(file: string, text: string, resources: ReadonlyMap<string, string>, diag: Diagnostics): ServiceEntryNode | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number | undefined) => {
    const p = lc.linePos(offset ?? 0);
    return { file, line: p.line, col: p.col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) diag.error('AXON_CFG_BAD_VALUE', `the service entry is not valid YAML: ${e.message.split('\n')[0]}`, at(e.pos[0]));
    return undefined;
  }
  if (!isMap(doc.contents)) {
    diag.error('AXON_CFG_BAD_VALUE', 'a service entry is a map of name, version, serviceUrl...', at(0));
    return undefined;
  }
  const fields = new Map<string, { value: unknown; offset: number }>();
  for (const item of doc.contents.items) {
    const k = String((item.key as { value?: unknown })?.value ?? item.key);
    const offset = (item.key as { range?: [number, number, number] })?.range?.[0] ?? 0;
    if (!KNOWN.includes(k)) {
      diag.error('AXON_CFG_UNKNOWN_ATTRIBUTE', `unknown service entry field "${k}" (known: ${KNOWN.join(', ')})`, at(offset));
      continue;
    }
    const node = item.value as { toJSON?: () => unknown; range?: [number, number, number] } | null;
    fields.set(k, { value: node && typeof node.toJSON === 'function' ? node.toJSON() : node, offset: node?.range?.[0] ?? offset });
  }
  let ok = true;
  const str = (k: string, required: boolean): string | undefined => {
    const f = fields.get(k);
    if (!f) {
      if (required) {
        diag.error('AXON_CFG_MISSING_ATTRIBUTE', `a service entry needs "${k}"`, at(0));
        ok = false;
      }
      return undefined;
    }
    if (typeof f.value !== 'string' && typeof f.value !== 'number') {
      diag.error('AXON_CFG_BAD_VALUE', `"${k}" must be a string`, at(f.offset));
      ok = false;
      return undefined;
    }
    return String(f.value).trim();
  };
  const name = str('name', true);
  const version = str('version', true);
  const serviceUrl = str('serviceUrl', true);
  const key = str('key', false);
  const definitionType = str('definitionType', false);
  const definitionFile = str('definitionFile', false);
  if (serviceUrl !== undefined && !/^https?:\/\/[^/?#]+/i.test(serviceUrl)) {
    diag.error('AXON_CFG_BAD_VALUE', `serviceUrl "${serviceUrl}" is not an http or https URL`, at(fields.get('serviceUrl')!.offset));
    ok = false;
  }
  if (definitionType !== undefined && !DEFINITION_TYPES.includes(definitionType)) {
    diag.error('AXON_CFG_BAD_VALUE', `definitionType must be one of ${DEFINITION_TYPES.join(', ')}, not "${definitionType}"`, at(fields.get('definitionType')!.offset));
    ok = false;
  }
  if (definitionFile !== undefined) {
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(file), definitionFile));
    if (rel.startsWith('..') || !resources.has(rel)) {
      diag.error('AXON_CFG_UNRESOLVED_KEY', `definitionFile "${definitionFile}" is not a file of the config folder`, at(fields.get('definitionFile')!.offset));
      ok = false;
    }
  }
  if (!ok || name === undefined || version === undefined || serviceUrl === undefined) return undefined;
  if (key !== undefined && key.includes('*')) {
    diag.error('AXON_CFG_BAD_VALUE', 'a service key cannot contain "*"', at(fields.get('key')!.offset));
    return undefined;
  }
  const entry: ServiceEntryNode = { key: key ?? `${name}-${version}`, name, version, serviceUrl, pos: { file, line: 1, col: 1 }, file };
  if (definitionType !== undefined) entry.definitionType = definitionType;
  return entry;
}

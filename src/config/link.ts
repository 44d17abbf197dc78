// Config stage: whole-set checks after reading: unique names per kind, every key= reference
// resolves, no reference cycles, no two APIs on the same context and version.

import { wsdlAddress } from './readers/wsdl.js';
import { readEndpointElement } from './readers/endpoint.js';
import { ReadContext } from './read-context.js';
import type { XmlElement, XmlNode } from '../xml/parse.js';
import type { ApiNode, ArtifactSet, EndpointNode, ServiceEntryNode, TemplateEndpointBody, MediatorNode, Position, SequenceRef } from './ast.js';
import type { Diagnostics } from './diagnostics.js';
import type { MediatorRegistry } from '../mediators/registry.js';
import type { ArtifactRef } from '../mediators/types.js';

/** Sequences Synapse provides when the config does not define them. */
export const IMPLICIT_SEQUENCES = new Set(['main', 'fault']);

/** Normalised API context as W stores it (trailing slashes stripped, `/` becomes ""). */
export function normaliseContext(context: string, version: string | undefined, versionType: string | undefined): string {
  let c = context;
  if (versionType === 'context' && version !== undefined) c = c.split('{version}').join(version);
  while (c.endsWith('/')) c = c.slice(0, -1);
  return c;
}

interface Walked {
  refs: ArtifactRef[];
  endpoints: EndpointNode[];
}

function walkMediators(list: readonly MediatorNode[], reg: MediatorRegistry, out: Walked): void {
  for (const m of list) {
    const def = reg.get(m.kind);
    if (!def) continue;
    if (def.refs) out.refs.push(...def.refs(m));
    if (def.endpoints) out.endpoints.push(...def.endpoints(m));
    if (def.children) for (const c of def.children(m)) walkMediators(c, reg, out);
  }
}

function refOfSeq(ref: SequenceRef | undefined, reg: MediatorRegistry, out: Walked): void {
  if (!ref) return;
  if (ref.key !== undefined) out.refs.push({ kind: 'sequence', key: ref.key, pos: ref.pos });
  if (ref.inline) walkMediators(ref.inline, reg, out);
}

function endpointRefs(ep: EndpointNode, out: Walked): void {
  if (ep.body.type === 'key') out.refs.push({ kind: 'endpoint', key: ep.body.key, pos: ep.pos });
  if (ep.onError !== undefined) out.refs.push({ kind: 'sequence', key: ep.onError, pos: ep.pos });
  for (const c of groupChildren(ep)) endpointRefs(c, out);
}

/** The child endpoints of a failover or loadbalance group (none for other kinds). */
export function groupChildren(ep: EndpointNode): EndpointNode[] {
  const b = ep.body;
  if (b.type === 'failover' || b.type === 'loadbalance') return b.children;
  if (b.type === 'environments') return [b.production, b.sandbox].filter((x): x is EndpointNode => x !== undefined);
  if (b.type === 'recipientlist') return b.children;
  return [];
}

/** The named endpoints an endpoint refers to by key, through its group children. */
function endpointKeys(ep: EndpointNode, out: { key: string; pos: Position }[]): void {
  if (ep.body.type === 'key') out.push({ key: `endpoint:${ep.body.key}`, pos: ep.pos });
  for (const c of groupChildren(ep)) endpointKeys(c, out);
}

export function link(set: ArtifactSet, reg: MediatorRegistry, diag: Diagnostics): void {
  expandEndpointTemplates(set, reg, diag);
  const dup = (kind: string, items: { name: string; pos: Position }[]) => {
    const seen = new Map<string, Position>();
    for (const it of items) {
      const prev = seen.get(it.name);
      if (prev) {
        diag.error('AXON_CFG_DUPLICATE_NAME', `${kind} "${it.name}" is already defined at ${prev.file}:${prev.line}:${prev.col}`, it.pos);
      } else seen.set(it.name, it.pos);
    }
  };
  dup('API', set.apis.map((a) => ({ name: a.name, pos: a.pos })));
  dup('sequence', set.sequences.map((s) => ({ name: s.name, pos: s.pos })));
  dup('endpoint', set.endpoints.filter((e) => e.name !== undefined).map((e) => ({ name: e.name!, pos: e.pos })));
  dup('local entry', set.localEntries.map((l) => ({ name: l.key, pos: l.pos })));
  dup('template', set.templates.map((t) => ({ name: t.name, pos: t.pos })));

  // API context + version clashes
  const contexts = new Map<string, Position>();
  for (const a of set.apis) {
    const key = `${normaliseContext(a.context, a.version, a.versionType)}\u0000${a.version ?? ''}\u0000${a.hostname ?? ''}\u0000${a.port ?? ''}`;
    const prev = contexts.get(key);
    if (prev) {
      diag.error('AXON_CFG_API_CLASH', `URL context "${a.context}"${a.version ? ` version ${a.version}` : ''} is already registered at ${prev.file}:${prev.line}:${prev.col}`, a.pos);
    } else contexts.set(key, a.pos);
  }

  const seqNames = new Set(set.sequences.map((s) => s.name));
  const epNames = new Set(set.endpoints.filter((e) => e.name !== undefined).map((e) => e.name!));
  const tplNames = new Set(set.templates.map((t) => t.name));
  const leNames = new Set(set.localEntries.map((l) => l.key));

  // references, per owner (for the cycle check: sequence -> sequences/templates it runs)
  const graph = new Map<string, { key: string; pos: Position }[]>();
  const check = (w: Walked, owner: string | undefined) => {
    for (const ep of w.endpoints) endpointRefs(ep, w);
    for (const r of w.refs) {
      let ok: boolean;
      switch (r.kind) {
        case 'sequence':
          ok = seqNames.has(r.key) || IMPLICIT_SEQUENCES.has(r.key);
          break;
        case 'endpoint':
          ok = epNames.has(r.key);
          break;
        case 'template':
          ok = tplNames.has(r.key);
          break;
        case 'localEntry':
          ok = leNames.has(r.key);
          break;
      }
      if (!ok) {
        const what = r.kind === 'localEntry' ? 'local entry' : r.kind;
        diag.error('AXON_CFG_UNRESOLVED_KEY', `no ${what} named "${r.key}"`, r.pos);
      }
      if (owner && (r.kind === 'sequence' || r.kind === 'template')) {
        const list = graph.get(owner) ?? [];
        list.push({ key: `${r.kind}:${r.key}`, pos: r.pos });
        graph.set(owner, list);
      }
    }
  };

  for (const s of set.sequences) {
    const w: Walked = { refs: [], endpoints: [] };
    walkMediators(s.mediators, reg, w);
    if (s.onError !== undefined) w.refs.push({ kind: 'sequence', key: s.onError, pos: s.pos });
    check(w, `sequence:${s.name}`);
  }
  for (const t of set.templates) {
    const w: Walked = { refs: [], endpoints: [] };
    walkMediators(t.sequence.mediators, reg, w);
    check(w, `template:${t.name}`);
  }
  for (const a of set.apis) {
    for (const res of a.resources) {
      const w: Walked = { refs: [], endpoints: [] };
      refOfSeq(res.inSequence, reg, w);
      refOfSeq(res.outSequence, reg, w);
      refOfSeq(res.faultSequence, reg, w);
      check(w, undefined);
    }
  }
  const epGraph = new Map<string, { key: string; pos: Position }[]>();
  for (const e of set.endpoints) {
    const w: Walked = { refs: [], endpoints: [] };
    endpointRefs(e, w);
    check(w, undefined);
    if (e.name !== undefined) {
      const edges: { key: string; pos: Position }[] = [];
      endpointKeys(e, edges);
      if (edges.length > 0) epGraph.set(`endpoint:${e.name}`, edges);
    }
  }

  // one walk finds every endpoint node for the load-time resolutions
  const endpointNodes = allEndpointNodes(set, reg);
  resolveWsdlEntries(set, endpointNodes, diag);
  resolveServices(set, endpointNodes, diag);
  reportCycles(graph, diag, 'sequences and templates');
  reportCycles(epGraph, diag, 'endpoints');

  // lifecycle: a mock implementation may answer only while an API is CREATED or PRE-RELEASED
  for (const a of set.apis) {
    if (a.lifecycle === undefined || !NO_MOCK_STATES.has(a.lifecycle)) continue;
    const mock = reachableMock(a, set, reg);
    if (!mock || mock.body.type !== 'mock') continue;
    const what = mock.name !== undefined ? `the mock endpoint "${mock.name}"` : `an inline mock endpoint`;
    diag.error(
      'AXON_CFG_MOCK_NOT_ALLOWED',
      `API "${a.name}" is ${a.lifecycle} but reaches ${what} (${mock.body.openapi}); mocks are served only while an API is CREATED or PRE-RELEASED`,
      a.pos,
    );
  }
}

/** Lifecycle states in which an API must not be answered by a mock. */
const NO_MOCK_STATES = new Set(['PUBLISHED', 'BLOCKED', 'DEPRECATED', 'RETIRED']);

/**
 * The first mock endpoint an API's resources can reach: inline, by key, inside groups, and
 * through named sequences, templates and onError sequences.
 */
function reachableMock(api: ApiNode, set: ArtifactSet, reg: MediatorRegistry): EndpointNode | undefined {
  const seqs = new Map(set.sequences.map((s) => [s.name, s]));
  const tpls = new Map(set.templates.map((t) => [t.name, t]));
  const eps = new Map(set.endpoints.filter((e) => e.name !== undefined).map((e) => [e.name!, e]));
  const w: Walked = { refs: [], endpoints: [] };
  for (const res of api.resources) {
    refOfSeq(res.inSequence, reg, w);
    refOfSeq(res.outSequence, reg, w);
    refOfSeq(res.faultSequence, reg, w);
  }
  const seen = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < w.refs.length || j < w.endpoints.length) {
    if (j < w.endpoints.length) {
      const ep = w.endpoints[j++]!;
      if (ep.body.type === 'mock') return ep;
      if (ep.body.type === 'key') w.refs.push({ kind: 'endpoint', key: ep.body.key, pos: ep.pos });
      if (ep.onError !== undefined) w.refs.push({ kind: 'sequence', key: ep.onError, pos: ep.pos });
      w.endpoints.push(...groupChildren(ep));
      continue;
    }
    const r = w.refs[i++]!;
    const id = `${r.kind}:${r.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (r.kind === 'sequence') {
      const s = seqs.get(r.key);
      if (s) {
        walkMediators(s.mediators, reg, w);
        if (s.onError !== undefined) w.refs.push({ kind: 'sequence', key: s.onError, pos: s.pos });
      }
    } else if (r.kind === 'template') {
      const t = tpls.get(r.key);
      if (t) walkMediators(t.sequence.mediators, reg, w);
    } else if (r.kind === 'endpoint') {
      const e = eps.get(r.key);
      if (e) w.endpoints.push(e);
    }
  }
  return undefined;
}

/** Depth-first search for cycles; each cycle is reported once, at the edge that closes it. */
function reportCycles(graph: Map<string, { key: string; pos: Position }[]>, diag: Diagnostics, what: string): void {
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 1);
    stack.push(n);
    for (const e of graph.get(n) ?? []) {
      const s = state.get(e.key);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(e.key)).concat(e.key).map((x) => x.replace(/^\w+:/, ''));
        diag.error('AXON_CFG_REFERENCE_CYCLE', `${what} refer to each other in a cycle: ${cycle.join(' -> ')}`, e.pos);
      } else if (s === undefined && graph.has(e.key)) visit(e.key);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
}

/** Every endpoint node of the set, group children and inline endpoints of named ones included. */
function allEndpointNodes(set: ArtifactSet, reg: MediatorRegistry): EndpointNode[] {
  const out: EndpointNode[] = [];
  const add = (e: EndpointNode): void => {
    out.push(e);
    for (const c of groupChildren(e)) add(c);
  };
  for (const e of set.endpoints) add(e);
  const fromLists = (lists: (MediatorNode[] | undefined)[]): void => {
    for (const l of lists) {
      if (!l) continue;
      const w: Walked = { refs: [], endpoints: [] };
      walkMediators(l, reg, w);
      for (const e of w.endpoints) add(e);
    }
  };
  fromLists(set.sequences.map((s) => s.mediators));
  fromLists(set.templates.map((t) => t.sequence.mediators));
  for (const a of set.apis) for (const r of a.resources) fromLists([r.inSequence?.inline, r.outSequence?.inline, r.faultSequence?.inline]);
  return out;
}

/** <wsdl uri="key"> naming a local entry that holds the WSDL: read its service/port address. */
function resolveWsdlEntries(set: ArtifactSet, nodes: readonly EndpointNode[], diag: Diagnostics): void {
  for (const e of nodes) {
    const b = e.body;
    if (b.type !== 'wsdl' || b.address !== undefined) continue;
    const entry = set.localEntries.find((l) => l.key === b.uri);
    if (!entry || typeof entry.value === 'string') {
      diag.error('AXON_CFG_UNRESOLVED_KEY', `the WSDL "${b.uri}" is neither a file in the config folder nor a local entry holding a WSDL`, b.pos);
      continue;
    }
    const a = wsdlAddress(entry.value, b.service, b.port);
    if ('error' in a) {
      diag.error('AXON_CFG_BAD_VALUE', `local entry "${entry.key}": ${a.error}`, b.pos);
      continue;
    }
    b.address = a.uri;
    if (a.soap) b.soap = a.soap;
  }
}

/** Nesting depth of templates that use templates. */
const MAX_TEMPLATE_DEPTH = 8;

/**
 * `<endpoint template="T">`: replace each use with the template's endpoint, every `$param`
 * (in attribute values and text) given its value. Problems are reported in the template's file.
 */
function expandEndpointTemplates(set: ArtifactSet, reg: MediatorRegistry, diag: Diagnostics): void {
  const templates = new Map(set.endpointTemplates.map((t) => [t.name, t]));
  for (let depth = 0; ; depth++) {
    const uses = allEndpointNodes(set, reg).filter((e) => e.body.type === 'template');
    if (uses.length === 0) return;
    if (depth >= MAX_TEMPLATE_DEPTH) {
      for (const u of uses) diag.error('AXON_CFG_REFERENCE_CYCLE', `endpoint templates nest deeper than ${MAX_TEMPLATE_DEPTH} levels (a cycle?)`, u.pos);
      return;
    }
    for (const use of uses) {
      const b = use.body as TemplateEndpointBody;
      const t = templates.get(b.template);
      if (!t) {
        diag.error('AXON_CFG_UNRESOLVED_KEY', `no endpoint template named "${b.template}"`, b.pos);
        use.body = { type: 'default' };
        continue;
      }
      const missing = t.parameters.filter((p) => b.params[p] === undefined);
      if (missing.length > 0) {
        diag.error('AXON_CFG_MISSING_ATTRIBUTE', `template "${t.name}" needs a value for ${missing.map((m) => `"${m}"`).join(', ')}`, b.pos);
        use.body = { type: 'default' };
        continue;
      }
      const copy = substitutedCopy(t.element, b.params);
      const inst = readEndpointElement(copy, new ReadContext(t.file, diag, reg), false);
      if (!inst) {
        use.body = { type: 'default' };
        continue;
      }
      use.body = inst.body;
      use.properties = inst.properties;
      if (use.onError === undefined && inst.onError !== undefined) use.onError = inst.onError;
    }
  }
}

/** A deep copy of `el` with `$param` replaced, keeping source positions for messages. */
function substitutedCopy(el: XmlElement, params: Record<string, string>): XmlElement {
  const names = Object.keys(params).sort((a, b) => b.length - a.length);
  const re = names.length ? new RegExp('\\$(' + names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') + ')(?![\\w.-])', 'g') : undefined;
  const sub = (v: string): string => (re ? v.replace(re, (_m, n: string) => params[n] ?? '') : v);
  const copy = el.cloneNode(true) as XmlElement;
  const walk = (from: XmlNode, to: XmlNode): void => {
    const f = from as XmlNode & { lineNumber?: number; columnNumber?: number };
    const t = to as XmlNode & { lineNumber?: number; columnNumber?: number };
    t.lineNumber = f.lineNumber;
    t.columnNumber = f.columnNumber;
    if (to.nodeType === 1) {
      const fe = from as XmlElement;
      const te = to as XmlElement;
      for (let i = 0; i < te.attributes.length; i++) {
        const a = te.attributes.item(i)!;
        const fa = fe.attributes.item(i) as (XmlNode & { lineNumber?: number; columnNumber?: number }) | null;
        (a as unknown as { lineNumber?: number }).lineNumber = fa?.lineNumber;
        (a as unknown as { columnNumber?: number }).columnNumber = fa?.columnNumber;
        a.value = sub(a.value);
      }
    } else if (to.nodeType === 3 || to.nodeType === 4) {
      (to as XmlNode & { data: string }).data = sub((to as XmlNode & { data: string }).data);
    }
    for (let a = from.firstChild, b = to.firstChild; a && b; a = a.nextSibling, b = b.nextSibling) walk(a, b);
  };
  walk(el, copy);
  return copy;
}

/** <service>: the catalog entry's serviceUrl becomes the endpoint's address. */
function resolveServices(set: ArtifactSet, nodes: readonly EndpointNode[], diag: Diagnostics): void {
  const byKey = new Map<string, ServiceEntryNode>();
  for (const s of set.services) {
    const prev = byKey.get(s.key);
    if (prev) diag.error('AXON_CFG_DUPLICATE_NAME', `service "${s.key}" is already defined in ${prev.file}`, s.pos);
    else byKey.set(s.key, s);
  }
  for (const e of nodes) {
    const b = e.body;
    if (b.type !== 'service') continue;
    const entry = b.key !== undefined ? byKey.get(b.key) : set.services.find((s) => s.name === b.name && s.version === b.version);
    if (!entry) {
      const what = b.key !== undefined ? `key "${b.key}"` : `"${b.name}" version "${b.version}"`;
      const known = set.services.map((s) => `${s.name} ${s.version}`).join(', ') || 'none';
      diag.error('AXON_CFG_UNRESOLVED_KEY', `no service catalog entry for ${what} (known: ${known})`, b.pos);
      continue;
    }
    const { type: _t, name: _n, version: _v, key: _k, pos: _p, ...qos } = b;
    e.body = { ...qos, type: 'address', uri: entry.serviceUrl, service: entry.key };
  }
}

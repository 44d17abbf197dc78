// Config stage: the top-level artifacts of a file: <api>, <sequence>, <endpoint>, <localEntry>,
// <template>, or <definitions> holding several (synapse-semantics §1, §2.1). Readers report
// every problem with its position and keep going.

import type { ApiNode, ArtifactSet, HttpMethod, ResourceNode, SequenceNode, SequenceRef, SequenceTemplateNode, EndpointTemplateNode } from '../ast.js';
import type { ReadContext } from '../read-context.js';
import { UNSUPPORTED_SYNAPSE_ELEMENTS } from '../read-context.js';
import { readEndpointElement } from './endpoint.js';
import { childElements, directText, localName, type XmlElement } from '../../xml/parse.js';
import { compileUriTemplate } from '../../runtime/dispatch/uri-template.js';

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'];
const LIFECYCLES = ['CREATED', 'PRE-RELEASED', 'PROTOTYPED', 'PUBLISHED', 'BLOCKED', 'DEPRECATED', 'RETIRED'] as const;

export type ReadArtifacts = Omit<ArtifactSet, 'files'>;

export function emptyArtifacts(): ReadArtifacts {
  return { apis: [], sequences: [], endpoints: [], localEntries: [], templates: [], endpointTemplates: [], services: [] };
}

/** Read one file's root element into `out`. */
export function readRoot(root: XmlElement, r: ReadContext, out: ReadArtifacts): void {
  if (!r.isSynapse(root)) {
    r.error('AXON_CFG_UNKNOWN_ROOT', `<${root.nodeName}> in namespace ${root.namespaceURI} is not a Synapse artifact`, root);
    return;
  }
  const name = localName(root);
  if (name === 'definitions') {
    r.checkAttributes(root, []);
    for (const c of childElements(root)) readArtifact(c, r, out, true);
    return;
  }
  readArtifact(root, r, out, false);
}

function readArtifact(el: XmlElement, r: ReadContext, out: ReadArtifacts, inDefinitions: boolean): void {
  if (!r.isSynapse(el)) {
    r.error('AXON_CFG_UNKNOWN_ELEMENT', `<${el.nodeName}> is not a Synapse artifact`, el);
    return;
  }
  const name = localName(el);
  switch (name) {
    case 'api': {
      const a = readApi(el, r);
      if (a) out.apis.push(a);
      return;
    }
    case 'sequence': {
      if (inDefinitions && r.attr(el, 'key') !== undefined) {
        r.error('AXON_CFG_BAD_VALUE', 'referred sequences (key=) are not allowed at the top level', el);
        return;
      }
      const s = readSequence(el, r, true);
      if (s) out.sequences.push(s);
      return;
    }
    case 'endpoint': {
      const e = readEndpointElement(el, r, true);
      if (e) out.endpoints.push(e);
      return;
    }
    case 'localEntry': {
      readLocalEntry(el, r, out);
      return;
    }
    case 'template': {
      const endpoint = childElements(el).find((c) => localName(c) === 'endpoint' && r.isSynapse(c));
      if (endpoint) {
        const t = readEndpointTemplate(el, endpoint, r);
        if (t) out.endpointTemplates.push(t);
        return;
      }
      const t = readTemplate(el, r);
      if (t) out.templates.push(t);
      return;
    }
    case 'description':
      return;
    default:
      if (UNSUPPORTED_SYNAPSE_ELEMENTS.has(name)) {
        r.error('AXON_CFG_UNSUPPORTED_ELEMENT', `<${name}> artifacts are not supported by Axon`, el);
      } else {
        r.error('AXON_CFG_UNKNOWN_ROOT', `<${name}> is not an artifact Axon reads (api, sequence, endpoint, localEntry, template, definitions)`, el);
      }
  }
}

export function readSequence(el: XmlElement, r: ReadContext, named: boolean): SequenceNode | undefined {
  r.checkAttributes(el, ['name', 'onError', 'key']);
  const name = named ? r.requireAttr(el, 'name') : (r.attr(el, 'name') ?? '');
  const mediators = r.mediators(el);
  if (name === undefined) return undefined;
  const s: SequenceNode = { name, mediators, pos: r.pos(el), file: r.file };
  const onError = r.attr(el, 'onError');
  if (onError !== undefined) s.onError = onError;
  return s;
}

function readApi(el: XmlElement, r: ReadContext): ApiNode | undefined {
  r.checkAttributes(el, ['name', 'context', 'version', 'version-type', 'hostname', 'port', 'transports', 'publishSwagger', 'binds-to', 'validateSchema', 'lifecycle']);
  const name = r.requireAttr(el, 'name');
  const context = r.requireAttr(el, 'context');
  const version = r.attr(el, 'version');
  const versionType = r.enumAttr(el, 'version-type', ['url', 'context'] as const);
  // lifecycle (an Axon extension): PROTOTYPED is API Manager's older name for PRE-RELEASED
  const lifecycle = r.enumAttr(el, 'lifecycle', LIFECYCLES, undefined, true);
  if (context !== undefined && !context.startsWith('/')) {
    r.error('AXON_CFG_BAD_VALUE', `API context "${context}" must start with "/"`, r.attrNode(el, 'context'));
  }
  if (version !== undefined && versionType === undefined && r.attr(el, 'version-type') === undefined) {
    r.error('AXON_CFG_MISSING_ATTRIBUTE', 'an API with a "version" needs a "version-type" (url or context)', el);
  }
  const portRaw = r.attr(el, 'port');
  let port: number | undefined;
  if (portRaw !== undefined) {
    port = Number(portRaw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      r.error('AXON_CFG_BAD_VALUE', `port "${portRaw}" is not a port number`, r.attrNode(el, 'port'));
      port = undefined;
    }
  }
  const transportsRaw = r.attr(el, 'transports');
  let transports: ('http' | 'https')[] | undefined;
  if (transportsRaw !== undefined) {
    transports = [];
    for (const t of transportsRaw.split(/[\s,]+/).filter(Boolean)) {
      if (t === 'http' || t === 'https') transports.push(t);
      else r.error('AXON_CFG_BAD_VALUE', `transport "${t}" must be http or https`, r.attrNode(el, 'transports'));
    }
  }
  const resources: ResourceNode[] = [];
  for (const c of childElements(el)) {
    const n = localName(c);
    if (!r.isSynapse(c)) {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `<api> cannot contain <${c.nodeName}>`, c);
      continue;
    }
    if (n === 'resource') {
      const res = readResource(c, r);
      if (res) resources.push(res);
    } else if (n === 'handlers') {
      r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'API <handlers> (Java classes) are not supported by Axon', c);
    } else if (n !== 'description') {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `<api> cannot contain <${n}>`, c);
    }
  }
  if (resources.length === 0 && r.children(el, 'resource').length === 0) {
    r.error('AXON_CFG_MISSING_ELEMENT', `API "${name ?? ''}" has no <resource>`, el);
  }
  checkResources(resources, r, el);
  if (name === undefined || context === undefined) return undefined;
  const api: ApiNode = { name, context, resources, pos: r.pos(el), file: r.file };
  if (version !== undefined) api.version = version;
  if (versionType !== undefined) api.versionType = versionType;
  const hostname = r.attr(el, 'hostname');
  if (hostname !== undefined) api.hostname = hostname;
  if (port !== undefined) api.port = port;
  if (transports) api.transports = transports;
  if (lifecycle !== undefined) api.lifecycle = lifecycle === 'PROTOTYPED' ? 'PRE-RELEASED' : lifecycle;
  return api;
}

/** Synapse's structural checks across an API's resources (§1.4). */
function checkResources(resources: ResourceNode[], r: ReadContext, apiEl: XmlElement): void {
  const defaults = resources.filter((x) => x.uriTemplate === undefined && x.urlMapping === undefined);
  if (defaults.length > 1) {
    r.diag.error('AXON_CFG_RESOURCE_CLASH', 'an API may have only one resource without uri-template or url-mapping', defaults[1]!.pos);
  }
  const seen = new Map<string, ResourceNode>();
  for (const res of resources) {
    const mapping = res.urlMapping ?? res.uriTemplate;
    if (mapping === undefined) continue;
    for (const m of res.methods ?? METHODS) {
      const key = `${mapping} ${m}`;
      const prev = seen.get(key);
      if (prev && prev !== res) {
        r.diag.error('AXON_CFG_RESOURCE_CLASH', `two resources map "${mapping}" for ${m} (the first at line ${prev.pos.line})`, res.pos);
        break;
      }
      seen.set(key, res);
    }
  }
  void apiEl;
}

function readResource(el: XmlElement, r: ReadContext): ResourceNode | undefined {
  r.checkAttributes(el, ['methods', 'uri-template', 'url-mapping', 'protocol', 'content-type', 'user-agent', 'inSequence', 'outSequence', 'faultSequence']);
  const node: ResourceNode = { methods: null, pos: r.pos(el) };
  const methods = r.attr(el, 'methods');
  if (methods !== undefined) {
    const list: HttpMethod[] = [];
    for (const m of methods.split(/\s+/).filter(Boolean)) {
      if ((METHODS as string[]).includes(m)) list.push(m as HttpMethod);
      else r.error('AXON_CFG_BAD_VALUE', `"${m}" is not an HTTP method Synapse accepts (${METHODS.join(' ')})`, r.attrNode(el, 'methods'));
    }
    node.methods = list;
  }
  const mapping = r.attr(el, 'url-mapping');
  const template = r.attr(el, 'uri-template');
  if (mapping !== undefined) {
    // url-mapping wins when both are present (§2.1)
    node.urlMapping = mapping;
  } else if (template !== undefined) {
    const t = compileUriTemplate(template);
    if ('error' in t && typeof t.error === 'string') {
      r.error('AXON_CFG_BAD_URI_TEMPLATE', `uri-template "${template}": ${t.error}`, r.attrNode(el, 'uri-template'));
    } else {
      node.uriTemplate = template;
    }
  }
  const protocol = r.enumAttr(el, 'protocol', ['http', 'https'] as const);
  if (protocol) node.protocol = protocol;
  const ct = r.attr(el, 'content-type');
  if (ct !== undefined) node.contentType = ct;
  const ua = r.attr(el, 'user-agent');
  if (ua !== undefined) {
    const re = r.regex(ua, el, 'user-agent');
    if (re !== undefined) node.userAgent = re;
  }
  for (const role of ['inSequence', 'outSequence', 'faultSequence'] as const) {
    const key = r.attr(el, role);
    const inline = r.child(el, role);
    if (key !== undefined) {
      // a key attribute takes precedence over an inline sequence of the same role
      node[role] = { key, pos: r.pos(r.attrNode(el, role)) };
    } else if (inline) {
      r.checkAttributes(inline, ['onError']);
      const ref: SequenceRef = { inline: r.mediators(inline), pos: r.pos(inline) };
      node[role] = ref;
    }
  }
  r.checkChildren(el, ['inSequence', 'outSequence', 'faultSequence', 'description']);
  return node;
}

function readLocalEntry(el: XmlElement, r: ReadContext, out: ReadArtifacts): void {
  r.checkAttributes(el, ['key', 'src']);
  const key = r.requireAttr(el, 'key');
  if (r.attr(el, 'src') !== undefined) {
    r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'local entries loaded from a src URL are not supported by Axon; put the content inline', r.attrNode(el, 'src'));
    return;
  }
  if (key === undefined) return;
  const first = childElements(el)[0];
  out.localEntries.push({ key, value: first ?? directText(el).trim(), pos: r.pos(el), file: r.file });
}

/** An endpoint template: its parameter names and the endpoint element, expanded per use. */
function readEndpointTemplate(el: XmlElement, endpoint: XmlElement, r: ReadContext): EndpointTemplateNode | undefined {
  r.checkAttributes(el, ['name']);
  const name = r.requireAttr(el, 'name');
  const parameters: string[] = [];
  for (const c of childElements(el)) {
    const n = localName(c);
    if (n === 'parameter' && r.isSynapse(c)) {
      r.checkAttributes(c, ['name', 'isMandatory', 'defaultValue']);
      const pn = r.requireAttr(c, 'name');
      if (pn !== undefined) parameters.push(pn);
    } else if (c !== endpoint && n !== 'description') {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `an endpoint <template> holds <parameter>s and one <endpoint>, not <${c.nodeName}>`, c);
    }
  }
  if (name === undefined) return undefined;
  return { name, parameters, element: endpoint, pos: r.pos(el), file: r.file };
}

function readTemplate(el: XmlElement, r: ReadContext): SequenceTemplateNode | undefined {
  r.checkAttributes(el, ['name', 'onError']);
  const name = r.requireAttr(el, 'name');
  const params: SequenceTemplateNode['parameters'] = [];
  let seq: SequenceNode | undefined;
  for (const c of childElements(el)) {
    const n = localName(c);
    if (n === 'parameter' && r.isSynapse(c)) {
      r.checkAttributes(c, ['name', 'isMandatory', 'defaultValue']);
      const pn = r.requireAttr(c, 'name');
      if (pn !== undefined) {
        const p: SequenceTemplateNode['parameters'][number] = { name: pn, mandatory: r.boolAttr(c, 'isMandatory', false) };
        const dv = r.attr(c, 'defaultValue');
        if (dv !== undefined) p.defaultValue = dv;
        params.push(p);
      }
    } else if (n === 'sequence' && r.isSynapse(c)) {
      seq = readSequence(c, r, false);
    } else if (n !== 'description') {
      r.error('AXON_CFG_UNKNOWN_ELEMENT', `<template> cannot contain <${c.nodeName}>`, c);
    }
  }
  if (!seq) {
    r.error('AXON_CFG_MISSING_ELEMENT', '<template> needs a <sequence>', el);
    return undefined;
  }
  if (name === undefined) return undefined;
  seq.name = name;
  return { name, parameters: params, sequence: seq, pos: r.pos(el), file: r.file };
}

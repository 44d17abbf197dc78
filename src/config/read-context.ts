// Config stage: what every reader gets. It attaches positions to problems, checks attribute
// sets, parses expressions and regexes once to report their errors at load, and reads
// mediator lists through the registry (config never imports a mediator directly).

import type { ErrorCode } from '../errors/codes.js';
import type { Diagnostics, Position } from './diagnostics.js';
import type { MediatorNode } from './ast.js';
import { childElements, localName, namespacesInScope, type XmlElement, type XmlNode } from '../xml/parse.js';
import { compileExpression } from '../expr/compile.js';
import { ExpressionError } from '../expr/types.js';
import { compileJavaRegex } from '../regex/java-regex.js';

export const SYNAPSE_NS = 'http://ws.apache.org/ns/synapse';

/** An expression as written in config, with the namespaces in scope where it was written. */
export interface ExprNode {
  source: string;
  namespaces: Record<string, string>;
  pos: Position;
}

export interface MediatorReader {
  read(el: XmlElement, r: ReadContext): MediatorNode | undefined;
}

export interface ReaderRegistry {
  reader(element: string): MediatorReader | undefined;
}

/**
 * Synapse mediators and elements Axon knows by name but does not run (yet). They are rejected
 * with AXON_CFG_UNSUPPORTED_ELEMENT rather than "unknown", so users see what to change.
 */
export const UNSUPPORTED_SYNAPSE_ELEMENTS = new Set([
  'fault', 'xslt', 'xquery', 'clone', 'iterate', 'aggregate', 'foreach', 'throttle', 'cache', 'callout',
  'validate', 'class', 'pojoCommand', 'spring', 'bean', 'ejb', 'dblookup', 'dbreport', 'event', 'entitlementService',
  'oauthService', 'rewrite', 'smooks', 'store', 'transaction', 'router', 'conditionalRouter', 'fastXSLT', 'datamapper',
  'jsontransform', 'builder', 'publishEvent', 'bam', 'enqueue', 'ntlm', 'variable', 'call-template',
  'proxy', 'inboundEndpoint', 'task', 'messageStore', 'messageProcessor', 'eventSource', 'priorityExecutor',
  'import', 'registry', 'taskManager', 'executor', 'kerberos', 'cacheable', 'xmlToJson', 'jsonToXml',
  'dynamicLoadbalance', 'loadbalance', 'failover', 'recipientlist', 'wsdl', 'session', 'enableSec', 'enableRM',
  'enableAddressing', 'handlers', 'parameter', 'serviceDynamicLoadbalance', 'eventPublisher', 'sequenceTemplate',
]);

/** Misspellings seen in real configs, answered with the intended attribute. */
const TYPO_HINTS: Record<string, string> = { 'url-pattern': 'url-mapping', uriTemplate: 'uri-template', urlMapping: 'url-mapping' };

/** Attributes Synapse accepts everywhere for tooling and observability; Axon ignores them. */
const ALWAYS_ALLOWED = new Set(['description', 'trace', 'statistics']);

export class ReadContext {
  constructor(
    readonly file: string,
    readonly diag: Diagnostics,
    readonly registry: ReaderRegistry,
    /** Side files of the config folder (scripts, OpenAPI documents), by "/"-separated relative path. */
    readonly resources: ReadonlyMap<string, string> = new Map(),
  ) {}

  /**
   * The text of a side file named in config, relative to the config folder root (a leading
   * "./" or "/" is ignored). Undefined when absent; paths never leave the folder.
   */
  resource(relPath: string): string | undefined {
    const parts: string[] = [];
    for (const seg of relPath.replace(/\\/g, '/').split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') return undefined;
      parts.push(seg);
    }
    return this.resources.get(parts.join('/'));
  }

  pos(node: XmlNode): Position {
    const n = node as XmlNode & { lineNumber?: number; columnNumber?: number };
    return { file: this.file, line: n.lineNumber ?? 1, col: n.columnNumber ?? 1 };
  }

  error(code: ErrorCode, message: string, at: XmlNode): void {
    this.diag.error(code, message, this.pos(at));
  }

  warn(code: ErrorCode, message: string, at: XmlNode): void {
    this.diag.warn(code, message, this.pos(at));
  }

  /** Whether an element belongs to the Synapse vocabulary (Synapse namespace or none). */
  isSynapse(el: XmlElement): boolean {
    const ns = el.namespaceURI;
    return ns === null || ns === undefined || ns === '' || ns === SYNAPSE_NS;
  }

  attr(el: XmlElement, name: string): string | undefined {
    const a = el.getAttributeNode(name);
    return a ? a.value : undefined;
  }

  attrNode(el: XmlElement, name: string): XmlNode {
    return (el.getAttributeNode(name) as XmlNode | null) ?? el;
  }

  requireAttr(el: XmlElement, name: string): string | undefined {
    const v = this.attr(el, name);
    if (v === undefined) {
      this.error('AXON_CFG_MISSING_ATTRIBUTE', `<${localName(el)}> needs the attribute "${name}"`, el);
    }
    return v;
  }

  /** Report attributes outside `allowed` (namespace declarations are always fine). */
  checkAttributes(el: XmlElement, allowed: readonly string[]): void {
    const attrs = el.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs.item(i)!;
      const name = a.name;
      if (name === 'xmlns' || name.startsWith('xmlns:') || ALWAYS_ALLOWED.has(name) || allowed.includes(name)) continue;
      if (name.includes(':')) continue; // attributes in foreign namespaces are tooling metadata
      const hint = TYPO_HINTS[name];
      this.error(
        'AXON_CFG_UNKNOWN_ATTRIBUTE',
        hint
          ? `<${localName(el)}> has no attribute "${name}"; did you mean "${hint}"? (Synapse would silently ignore it)`
          : `<${localName(el)}> has no attribute "${name}"${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
        a as unknown as XmlNode,
      );
    }
  }

  /** One of `values`, or an error naming them. */
  enumAttr<T extends string>(el: XmlElement, name: string, values: readonly T[], fallback?: T, caseInsensitive = false): T | undefined {
    const v = this.attr(el, name);
    if (v === undefined) return fallback;
    const found = values.find((x) => (caseInsensitive ? x.toLowerCase() === v.trim().toLowerCase() : x === v.trim()));
    if (found === undefined) {
      this.error('AXON_CFG_BAD_VALUE', `"${name}" must be one of ${values.join(', ')}, not "${v}"`, this.attrNode(el, name));
      return fallback;
    }
    return found;
  }

  boolAttr(el: XmlElement, name: string, fallback: boolean): boolean {
    const v = this.attr(el, name);
    if (v === undefined) return fallback;
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    this.error('AXON_CFG_BAD_VALUE', `"${name}" must be true or false, not "${v}"`, this.attrNode(el, name));
    return fallback;
  }

  /** Check an expression compiles; report with the attribute's position. */
  expression(source: string, at: XmlElement, attrName?: string): ExprNode | undefined {
    const node = attrName ? this.attrNode(at, attrName) : at;
    const namespaces = namespacesInScope(at);
    try {
      compileExpression(source, namespaces);
    } catch (e) {
      if (e instanceof ExpressionError) {
        this.error(e.code, `bad expression ${JSON.stringify(source)}: ${e.message}`, node);
        return undefined;
      }
      throw e;
    }
    return { source, namespaces, pos: this.pos(node) };
  }

  /** An attribute holding an expression, when present. */
  exprAttr(el: XmlElement, name: string): ExprNode | undefined {
    const v = this.attr(el, name);
    return v === undefined ? undefined : this.expression(v, el, name);
  }

  /** Check a Java regex; returns the source when it compiles. */
  regex(source: string, at: XmlElement, attrName: string): string | undefined {
    const r = compileJavaRegex(source);
    if (!r.ok) {
      this.error('AXON_CFG_BAD_REGEX', `regex ${JSON.stringify(source)}: ${r.message}`, this.attrNode(at, attrName));
      return undefined;
    }
    return source;
  }

  /** Read every child element as a mediator. */
  mediators(parent: XmlElement, skip: readonly string[] = []): MediatorNode[] {
    const out: MediatorNode[] = [];
    for (const child of childElements(parent)) {
      const name = localName(child);
      // <description> documents a sequence; Synapse accepts it among the mediators
      if ((skip.includes(name) || name === 'description') && this.isSynapse(child)) continue;
      const m = this.mediator(child);
      if (m) out.push(m);
    }
    return out;
  }

  mediator(el: XmlElement): MediatorNode | undefined {
    const name = localName(el);
    if (!this.isSynapse(el)) {
      this.error('AXON_CFG_UNKNOWN_ELEMENT', `<${el.nodeName}> (namespace ${el.namespaceURI}) is not a Synapse mediator`, el);
      return undefined;
    }
    const reader = this.registry.reader(name);
    if (!reader) {
      if (UNSUPPORTED_SYNAPSE_ELEMENTS.has(name)) {
        this.error('AXON_CFG_UNSUPPORTED_ELEMENT', `the <${name}> mediator is not supported by Axon`, el);
      } else {
        this.error('AXON_CFG_UNKNOWN_ELEMENT', `<${name}> is not a known mediator`, el);
      }
      return undefined;
    }
    return reader.read(el, this);
  }

  /** Child elements by local name (Synapse vocabulary only). */
  children(el: XmlElement, name: string): XmlElement[] {
    return childElements(el).filter((c) => localName(c) === name && this.isSynapse(c));
  }

  child(el: XmlElement, name: string): XmlElement | undefined {
    return this.children(el, name)[0];
  }

  /** Report child elements outside `allowed`. */
  checkChildren(el: XmlElement, allowed: readonly string[]): void {
    for (const c of childElements(el)) {
      const n = localName(c);
      if (allowed.includes(n) && this.isSynapse(c)) continue;
      if (UNSUPPORTED_SYNAPSE_ELEMENTS.has(n)) {
        this.error('AXON_CFG_UNSUPPORTED_ELEMENT', `<${n}> inside <${localName(el)}> is not supported by Axon`, c);
      } else {
        this.error('AXON_CFG_UNKNOWN_ELEMENT', `<${localName(el)}> cannot contain <${c.nodeName}>`, c);
      }
    }
  }
}

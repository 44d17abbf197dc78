// Test helper: read, compile and run single mediators without a Generation. Reading goes
// through the real ReadContext (diagnostics included); the CompileContext is a small stand-in
// (expressions memoised, lists fused as the runtime does, templates/local entries/sequences from
// maps); messages get a fake client exchange that records what would be sent.

import type { MediatorNode } from '../../src/config/ast.js';
import { Diagnostics } from '../../src/config/diagnostics.js';
import { ReadContext, type ExprNode } from '../../src/config/read-context.js';
import { compileExpression } from '../../src/expr/compile.js';
import type { CompiledExpression } from '../../src/expr/types.js';
import { callTemplateMediator } from '../../src/mediators/call-template/index.js';
import { enrichMediator } from '../../src/mediators/enrich/index.js';
import { headerMediator } from '../../src/mediators/header/index.js';
import { logMediator } from '../../src/mediators/log/index.js';
import { payloadFactoryMediator } from '../../src/mediators/payload-factory/index.js';
import { propertyMediator } from '../../src/mediators/property/index.js';
import { MediatorRegistry } from '../../src/mediators/registry.js';
import { isPromise, type CompileContext, type CompiledSequence, type CompiledTemplate, type Mediate } from '../../src/mediators/types.js';
import { HeaderMap, type HeaderValue } from '../../src/runtime/headers.js';
import { createMemoryLogger, type Logger } from '../../src/runtime/logger.js';
import { MessageContext, type ClientExchange, type MessageEnvironment } from '../../src/runtime/message-context.js';
import { DEFAULT_LIMITS, Payload } from '../../src/runtime/payload.js';
import { fuseList } from '../../src/runtime/sequence.js';
import { parseXml } from '../../src/xml/parse.js';

export type MemoryLogger = Logger & { records: Record<string, unknown>[] };

/** 2017-09-26 10:00:00 UTC: the date CT-34/CT-35 use. */
export const FIXED_NOW = Date.UTC(2017, 8, 26, 10, 0, 0);

export interface TemplateSpec {
  parameters?: { name: string; mandatory?: boolean; defaultValue?: string }[];
  /** The template's mediators, e.g. `<sequence><log level="custom">...</log></sequence>`. */
  body: string;
}

export interface HarnessOptions {
  localEntries?: Record<string, unknown>;
  templates?: Record<string, TemplateSpec>;
  /** Named sequences, each `<sequence>...</sequence>`. */
  sequences?: Record<string, string>;
  /** Extra mediator definitions (e.g. a probe). */
  extra?: Parameters<MediatorRegistry['register']>[0][];
  /** Side files of the config folder (scripts), by relative path. */
  resources?: Record<string, string>;
  /** Limits of <script> mediators. */
  scriptLimits?: { timeoutMs: number; memoryMb: number };
}

export interface Response {
  status: number;
  headers: Record<string, HeaderValue>;
  body: unknown;
}

export interface MessageOptions {
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
}

export class Harness {
  readonly diag = new Diagnostics();
  readonly logger: MemoryLogger = createMemoryLogger('trace');
  readonly registry = new MediatorRegistry();
  readonly ctx: CompileContext;
  readonly #templates = new Map<string, CompiledTemplate>();
  readonly #sequences = new Map<string, CompiledSequence>();

  constructor(readonly options: HarnessOptions = {}) {
    this.registry
      .register(propertyMediator)
      .register(headerMediator)
      .register(logMediator)
      .register(payloadFactoryMediator)
      .register(enrichMediator)
      .register(callTemplateMediator);
    for (const d of options.extra ?? []) this.registry.register(d);
    this.ctx = this.#compileContext();
  }

  /** Read one mediator element; problems go to `diag`. */
  read(xml: string): MediatorNode | undefined {
    const el = parseXml(xml).documentElement!;
    return new ReadContext('test.xml', this.diag, this.registry, new Map(Object.entries(this.options.resources ?? {}))).mediator(el);
  }

  /** Read the children of a wrapper element as a list (e.g. a template body). */
  readList(xml: string): MediatorNode[] {
    const el = parseXml(xml).documentElement!;
    return new ReadContext('test.xml', this.diag, this.registry).mediators(el);
  }

  /** Read and compile one mediator (fused as in a list, so the body is loaded when needed). */
  compile(xml: string): Mediate {
    const node = this.read(xml);
    const errors = this.diag.errors;
    if (!node || errors.length) {
      throw new Error(`config errors: ${errors.map((d) => `${d.code} ${d.message}`).join('; ') || 'no node'}`);
    }
    return this.ctx.list([node]);
  }

  /** Error codes reported so far. */
  codes(): string[] {
    return this.diag.items.filter((d) => d.severity === 'error').map((d) => d.code);
  }

  message(opts: MessageOptions = {}): { mc: MessageContext; responses: Response[] } {
    const responses: Response[] = [];
    const exchange: ClientExchange = {
      method: opts.method ?? 'POST',
      rawPath: opts.path ?? '/test',
      scheme: 'http',
      remoteAddress: '127.0.0.1',
      responded: false,
      outboundStarted: false,
      respond(status, headers, body) {
        responses.push({ status, headers, body });
        (this as { responded: boolean }).responded = true;
      },
    };
    const env: MessageEnvironment = {
      localEntry: (key) => this.options.localEntries?.[key],
      limits: DEFAULT_LIMITS,
      logger: this.logger,
      now: () => FIXED_NOW,
    };
    const headers = new HeaderMap();
    const contentType = opts.contentType ?? (opts.body !== undefined ? guessType(opts.body) : undefined);
    if (contentType) headers.set('Content-Type', contentType);
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
    const payload = opts.body !== undefined ? Payload.fromBytes(Buffer.from(opts.body, 'utf8'), contentType) : Payload.empty();
    const mc = new MessageContext(exchange, env, { headers, payload });
    mc.addressing.To = opts.path ?? '/test';
    return { mc, responses };
  }

  /** Run a compiled mediator to completion. */
  async run(m: Mediate, mc: MessageContext): Promise<boolean> {
    const r = m(mc);
    return isPromise<boolean>(r) ? await r : r;
  }

  /** Log records written with a category (mediator.log, ...). */
  logs(category?: string): Record<string, unknown>[] {
    return this.logger.records.filter((r) => category === undefined || r['category'] === category);
  }

  #compileContext(): CompileContext {
    const exprs = new Map<string, CompiledExpression>();
    const registry = this.registry;
    const self = this;
    const unavailable = (what: string) => () => {
      throw new Error(`${what} is not available in unit tests`);
    };
    const ctx: CompileContext = {
      expr(node: ExprNode) {
        const key = `${node.source}\u0000${JSON.stringify(node.namespaces)}`;
        let e = exprs.get(key);
        if (!e) {
          e = compileExpression(node.source, node.namespaces);
          exprs.set(key, e);
        }
        return e;
      },
      list(nodes) {
        return fuseList(
          nodes.map((n) => {
            const def = registry.get(n.kind);
            if (!def) throw new Error(`no mediator definition for <${n.kind}>`);
            return { mediate: def.compile(n, ctx), readsBody: !!def.readsBody?.(n, ctx) };
          }),
        );
      },
      listReadsBody(nodes) {
        return nodes.some((n) => !!registry.get(n.kind)?.readsBody?.(n, ctx));
      },
      sequence(key) {
        const done = self.#sequences.get(key);
        if (done) return done;
        const xml = self.options.sequences?.[key];
        if (xml === undefined) throw new Error(`sequence "${key}" is not defined in this test`);
        const handle: { name: string; mediate: Mediate } = { name: key, mediate: () => true };
        self.#sequences.set(key, handle);
        handle.mediate = ctx.list(self.readList(xml));
        return handle;
      },
      hasSequence(key) {
        return self.options.sequences?.[key] !== undefined;
      },
      endpoint: unavailable('endpoint()'),
      implicitEndpoint: unavailable('implicitEndpoint()'),
      template(name) {
        const done = self.#templates.get(name);
        if (done) return done;
        const spec = self.options.templates?.[name];
        if (!spec) return undefined;
        const seq: { name: string; mediate: Mediate } = { name, mediate: () => true };
        const t: CompiledTemplate = {
          name,
          parameters: (spec.parameters ?? []).map((p) => ({ name: p.name, mandatory: p.mandatory ?? false, ...(p.defaultValue !== undefined ? { defaultValue: p.defaultValue } : {}) })),
          sequence: seq,
        };
        // registered before compiling the body, so a template may call itself
        self.#templates.set(name, t);
        seq.mediate = ctx.list(self.readList(spec.body));
        return t;
      },
      localEntry(key) {
        return self.options.localEntries?.[key];
      },
      get router(): never {
        throw new Error('router is not available in unit tests');
      },
      logger: this.logger,
      globalTimeoutMs: 0,
      ...(this.options.scriptLimits ? { scriptLimits: this.options.scriptLimits } : {}),
    };
    return ctx;
  }
}

function guessType(body: string): string {
  const t = body.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return 'application/json';
  if (t.startsWith('<')) return 'application/xml';
  return 'text/plain';
}

export function createHarness(options: HarnessOptions = {}): Harness {
  return new Harness(options);
}

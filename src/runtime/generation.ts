// Compile stage and runtime entry: a Generation is one immutable compiled config. It compiles
// sequences, APIs and endpoints into closures once, enters requests into the right flow and
// routes responses (resource outSequence, main, or straight back). Hot reload swaps whole
// generations; requests keep the one they started on.

import type { ApiNode, ArtifactSet, EndpointNode, LoadbalanceEndpointBody, MediatorNode, MemberNode, SequenceNode, SequenceRef } from '../config/ast.js';
import type { ExprNode } from '../config/read-context.js';
import { compileExpression } from '../expr/compile.js';
import type { CompiledExpression } from '../expr/types.js';
import type { MediatorRegistry } from '../mediators/registry.js';
import type { CompileContext, CompiledSequence, CompiledTemplate, Mediate } from '../mediators/types.js';
import type { Endpoint, Sender } from '../endpoints/types.js';
import { createImplicitEndpoint, createLeafEndpoint, createMemberEndpoint, type LeafOptions } from '../endpoints/leaf/leaf.js';
import { EndpointState } from '../endpoints/state/endpoint-state.js';
import { definitionHash, EndpointRuntimeStore } from '../endpoints/state/store.js';
import { FailoverEndpoint, LoadbalanceEndpoint, type GroupRuntime, type LoadbalanceSettings } from '../endpoints/group/group.js';
import { createSessionPolicy, SessionTable } from '../endpoints/group/session.js';
import { EnvironmentsEndpoint } from '../endpoints/group/environments.js';
import { RecipientListEndpoint } from '../endpoints/group/recipient-list.js';
import { createPicker } from '../endpoints/pickers/picker.js';
import type { EndpointView } from '../endpoints/types.js';
import { randomBytes } from 'node:crypto';
import { MediationError } from '../errors/codes.js';
import { createOpenApiMockEndpoint } from '../mocks/openapi/endpoint.js';
import { createApiDispatcher, type ApiDispatcher, type DispatchResult } from './dispatch/api-dispatcher.js';
import { fuseList, sequenceHandler, wrapOnError, type ListStep } from './sequence.js';
import { FAULT_HANDLER, PROTOTYPE_API, respondWithError, runFlow, writeErrorBody, type ResponseRouter } from './flow.js';
import type { FaultHandler, MessageContext, MessageEnvironment } from './message-context.js';
import type { Logger } from './logger.js';
import type { PayloadLimits } from './payload.js';

export interface GenerationOptions {
  sender: Sender;
  logger: Logger;
  limits: PayloadLimits;
  /** synapse.global_timeout_interval in ms. */
  globalTimeoutMs: number;
  now: () => number;
  /** Limits of <script> mediators. */
  scriptLimits?: { timeoutMs: number; memoryMb: number };
  /** Backend call outcomes per endpoint (metrics), optional. */
  metrics?: { upstream(endpoint: string, outcome: 'success' | 'timeout' | 'connect_error' | 'closed' | 'fault', ms: number): void };
  /**
   * Endpoint runtime state shared across generations (suspensions, counters, cursors,
   * sessions). Without one, the generation keeps its own.
   */
  store?: EndpointRuntimeStore;
  /** Key that signs Axon's affinity cookies; random per process when absent. */
  affinitySecret?: Buffer;
}

const PROCESS_AFFINITY_SECRET = randomBytes(32);

const groupRuntime = (): GroupRuntime => ({ off: false });

interface CompiledResource {
  inFlow: Mediate | undefined;
  outFlow: Mediate | undefined;
  fault: FaultHandler | undefined;
}

interface CompiledApi {
  node: ApiNode;
  resources: CompiledResource[];
}

let generationCounter = 0;

export class Generation implements ResponseRouter, MessageEnvironment {
  readonly id = ++generationCounter;
  readonly loadedAt = new Date();
  readonly sequences = new Map<string, CompiledSequence>();
  readonly endpoints = new Map<string, Endpoint>();
  /** Store keys of every endpoint this generation built (what a reload keeps). */
  readonly endpointKeys = new Set<string>();
  readonly store: EndpointRuntimeStore;
  readonly templates = new Map<string, CompiledTemplate>();
  readonly localEntries = new Map<string, unknown>();
  readonly apis = new Map<string, CompiledApi>();
  readonly dispatcher: ApiDispatcher;
  /** The user's `main` sequence, if any. */
  readonly main: CompiledSequence | undefined;
  /** The user's global `fault` sequence as a handler, if any. */
  readonly globalFault: FaultHandler | undefined;
  readonly limits: PayloadLimits;
  readonly logger: Logger;
  readonly #now: () => number;

  constructor(
    readonly set: ArtifactSet,
    registry: MediatorRegistry,
    readonly options: GenerationOptions,
  ) {
    this.limits = options.limits;
    this.logger = options.logger;
    this.#now = options.now;
    this.store = options.store ?? new EndpointRuntimeStore({ now: options.now });
    for (const le of set.localEntries) this.localEntries.set(le.key, le.value);
    const compiler = new Compiler(this, registry, options);
    for (const s of set.sequences) compiler.namedSequence(s.name);
    for (const t of set.templates) compiler.template(t.name);
    for (const e of set.endpoints) if (e.name !== undefined) compiler.namedEndpoint(e.name);
    this.main = this.sequences.get('main');
    const fault = this.sequences.get('fault');
    this.globalFault = fault ? sequenceHandler(fault) : undefined;
    for (const a of set.apis) {
      this.apis.set(a.name, {
        node: a,
        resources: a.resources.map((r) => ({
          inFlow: compiler.sequenceRef(r.inSequence),
          outFlow: compiler.sequenceRef(r.outSequence),
          fault: r.faultSequence ? sequenceHandler({ name: 'faultSequence', mediate: compiler.sequenceRef(r.faultSequence)! }) : this.globalFault,
        })),
      });
    }
    this.dispatcher = createApiDispatcher(set.apis);
  }

  // --- MessageEnvironment ---------------------------------------------------------------------

  localEntry(key: string): unknown {
    return this.localEntries.get(key);
  }

  now(): number {
    return this.#now();
  }

  /** Admin view of every named endpoint. */
  endpointViews(): EndpointView[] {
    return [...this.endpoints.values()].map((e) => e.view());
  }

  // --- request entry ------------------------------------------------------------------------------

  /** Run a request through its flow; resolves when the request flow (not the response) is done. */
  async mediateRequest(mc: MessageContext, d: DispatchResult): Promise<void> {
    switch (d.kind) {
      case 'match': {
        for (const [k, v] of Object.entries(d.properties)) mc.props.set(k, v);
        mc.axis2.set('REST_URL_POSTFIX', d.restUrlPostfix);
        const api = this.apis.get(d.api.name)!;
        const res = api.resources[d.resourceIndex]!;
        mc.route = { apiName: d.api.name, resourceIndex: d.resourceIndex };
        // a prototype API (CREATED or PRE-RELEASED) that answers without a backend is a mock
        if (api.node.lifecycle === 'CREATED' || api.node.lifecycle === 'PRE-RELEASED') mc.axis2.set(PROTOTYPE_API, true);
        if (res.fault) mc.faultStack.push(res.fault);
        // a resource without an inSequence drops the request (Synapse), so the client gets 202
        if (res.inFlow) await runFlow(mc, res.inFlow);
        break;
      }
      case 'none': {
        if (!this.main) {
          // Synapse would run its default main (log + drop: an empty 202). A gateway answers 404.
          writeErrorBody(mc, 404, 404, `no API matches ${mc.exchange.method} ${mc.exchange.rawPath.split('?')[0]}`);
          return;
        }
        if (this.globalFault) mc.faultStack.push(this.globalFault);
        await runFlow(mc, this.main.mediate);
        break;
      }
      default:
        throw new Error(`unexpected dispatch result ${d.kind}`);
    }
    this.finishRequest(mc);
  }

  /** A request flow that sent nothing and answered nothing: 202, or the error if one was recorded. */
  finishRequest(mc: MessageContext): void {
    if (mc.exchange.responded || mc.exchange.outboundStarted) return;
    if (mc.props.has('ERROR_CODE') && !mc.dropped) {
      respondWithError(mc);
      return;
    }
    mc.exchange.respond(202, {}, null);
  }

  // --- ResponseRouter ---------------------------------------------------------------------------

  responseFlow(mc: MessageContext): { flow: Mediate; fault: FaultHandler | undefined } | null {
    if (mc.route) {
      const res = this.apis.get(mc.route.apiName)?.resources[mc.route.resourceIndex];
      if (!res || !res.outFlow) return null;
      return { flow: res.outFlow, fault: res.fault };
    }
    if (this.main) return { flow: this.main.mediate, fault: this.globalFault };
    return null;
  }
}

/** The compile context of one generation. */
class Compiler implements CompileContext {
  readonly #gen: Generation;
  readonly #reg: MediatorRegistry;
  readonly #exprs = new Map<string, CompiledExpression>();
  readonly #seqNodes: Map<string, SequenceNode>;
  readonly #epNodes: Map<string, EndpointNode>;
  readonly #leafOpts: LeafOptions;
  readonly #secret: Buffer;
  /** Anonymous endpoints seen so far per file and definition (their store keys must differ). */
  readonly #anonymousSeen = new Map<string, number>();
  #implicit: Endpoint | undefined;
  readonly logger: Logger;
  readonly globalTimeoutMs: number;
  readonly scriptLimits: { timeoutMs: number; memoryMb: number } | undefined;

  constructor(gen: Generation, reg: MediatorRegistry, opts: GenerationOptions) {
    this.#gen = gen;
    this.#reg = reg;
    this.#seqNodes = new Map(gen.set.sequences.map((s) => [s.name, s]));
    this.#epNodes = new Map(gen.set.endpoints.filter((e) => e.name !== undefined).map((e) => [e.name!, e]));
    this.#leafOpts = { sender: opts.sender, globalTimeoutMs: opts.globalTimeoutMs, ...(opts.metrics ? { metrics: opts.metrics } : {}) };
    this.logger = opts.logger;
    this.globalTimeoutMs = opts.globalTimeoutMs;
    this.scriptLimits = opts.scriptLimits;
    this.#secret = opts.affinitySecret ?? PROCESS_AFFINITY_SECRET;
  }

  get router(): ResponseRouter {
    return this.#gen;
  }

  expr(node: ExprNode): CompiledExpression {
    const key = `${node.source}\u0000${JSON.stringify(node.namespaces)}`;
    const found = this.#exprs.get(key);
    if (found) return found;
    const e: CompiledExpression = compileExpression(node.source, node.namespaces);
    this.#exprs.set(key, e);
    return e;
  }

  #readsBody(m: MediatorNode): boolean {
    const def = this.#reg.get(m.kind);
    return !!def?.readsBody?.(m, this);
  }

  listReadsBody(nodes: readonly MediatorNode[]): boolean {
    for (const m of nodes) {
      if (this.#readsBody(m)) return true;
      const def = this.#reg.get(m.kind);
      if (def?.children) for (const c of def.children(m)) if (this.listReadsBody(c)) return true;
    }
    return false;
  }

  list(nodes: readonly MediatorNode[]): Mediate {
    const steps: ListStep[] = [];
    for (const m of nodes) {
      const def = this.#reg.get(m.kind);
      if (!def) throw new Error(`no mediator definition for <${m.kind}>`);
      steps.push({ mediate: def.compile(m, this), readsBody: this.#readsBody(m) });
    }
    return fuseList(steps);
  }

  hasSequence(key: string): boolean {
    return this.#gen.sequences.has(key) || this.#seqNodes.has(key);
  }

  sequence(key: string): CompiledSequence {
    return this.namedSequence(key);
  }

  /** Compile a named sequence once; references to it share the compiled closure. */
  namedSequence(key: string): CompiledSequence {
    const done = this.#gen.sequences.get(key);
    if (done) return done;
    const node = this.#seqNodes.get(key);
    if (!node) {
      if (key === 'fault' || key === 'main') {
        // the implicit Synapse sequences: refer to whatever the generation falls back to
        const gen = this.#gen;
        return {
          name: key,
          mediate: (mc) => {
            if (key === 'fault') {
              respondWithError(mc);
              return false;
            }
            return gen.main ? gen.main.mediate(mc) : false;
          },
        };
      }
      throw new Error(`sequence "${key}" was not linked`);
    }
    // a handle first, so a reference met while compiling this body resolves to the same object
    const handle: { name: string; mediate: Mediate } = { name: key, mediate: () => true };
    this.#gen.sequences.set(key, handle);
    const body = this.list(node.mediators);
    const onError = node.onError !== undefined ? sequenceHandler(this.namedSequence(node.onError)) : undefined;
    handle.mediate = wrapOnError(body, onError);
    return handle;
  }

  /** A resource's in/out/fault sequence: inline list or named key. */
  sequenceRef(ref: SequenceRef | undefined): Mediate | undefined {
    if (!ref) return undefined;
    if (ref.key !== undefined) {
      const s = this.namedSequence(ref.key);
      return (mc) => s.mediate(mc);
    }
    return this.list(ref.inline ?? []);
  }

  template(name: string): CompiledTemplate | undefined {
    const done = this.#gen.templates.get(name);
    if (done) return done;
    const node = this.#gen.set.templates.find((t) => t.name === name);
    if (!node) return undefined;
    const seq: { name: string; mediate: Mediate } = { name, mediate: () => true };
    const t: CompiledTemplate = { name, parameters: node.parameters, sequence: seq };
    this.#gen.templates.set(name, t);
    seq.mediate = this.list(node.sequence.mediators);
    return t;
  }

  localEntry(key: string): unknown {
    return this.#gen.localEntries.get(key);
  }

  namedEndpoint(name: string): Endpoint {
    const done = this.#gen.endpoints.get(name);
    if (done) return done;
    const node = this.#epNodes.get(name);
    if (!node) throw new Error(`endpoint "${name}" was not linked`);
    const ep = this.#build(node, `ep:${name}:${definitionHash(node)}`);
    this.#gen.endpoints.set(name, ep);
    return ep;
  }

  endpoint(node: EndpointNode): Endpoint {
    if (node.body.type === 'key') return this.#build(node, '');
    const hash = definitionHash(node);
    const base = `anon:${node.file}:${hash}`;
    const n = (this.#anonymousSeen.get(base) ?? 0) + 1;
    this.#anonymousSeen.set(base, n);
    return this.#build(node, `${base}#${n}`);
  }

  /** Build an endpoint whose runtime state lives under `storeKey`. */
  #build(node: EndpointNode, storeKey: string): Endpoint {
    const b = node.body;
    let ep: Endpoint;
    switch (b.type) {
      case 'key':
        // every key= reference shares the one named instance and its state
        if (!this.#epNodes.has(b.key)) {
          return failingEndpoint(new MediationError('AXON_EP_KEY_NOT_FOUND', `Couldn't find the endpoint with the key : ${b.key}`));
        }
        ep = this.namedEndpoint(b.key);
        break;
      case 'template':
        throw new Error(`template endpoint "${b.template}" was not expanded by the linker`);
      case 'mock':
        // answers from an OpenAPI document's examples; no backend, no state machine
        ep = createOpenApiMockEndpoint(node.name, b.document, b.openapi);
        break;
      case 'failover':
        ep = new FailoverEndpoint(node.name, this.#children(b.children, storeKey), this.#runtime(storeKey, groupRuntime), b.dynamic, b.maxAttempts);
        break;
      case 'loadbalance':
        ep = this.#loadbalance(node, b, storeKey);
        break;
      case 'recipientlist': {
        const dyn = b.dynamic;
        ep = new RecipientListEndpoint(
          node.name,
          [...this.#children(b.children, storeKey), ...this.#members(b.members, storeKey)],
          this.#runtime(storeKey, groupRuntime),
          dyn
            ? {
                expression: this.expr({ source: dyn.expression, namespaces: dyn.namespaces, pos: node.pos }),
                maxCache: dyn.maxCache,
                create: (url) => createLeafEndpoint({ body: { type: 'address', uri: url }, properties: [], pos: node.pos, file: node.file }, this.#leafOpts),
              }
            : undefined,
        );
        break;
      }
      case 'environments': {
        const env = (which: 'production' | 'sandbox') => {
          const c = b[which];
          return c ? this.#build(c, `${storeKey}/${which}:${definitionHash(c)}`) : undefined;
        };
        ep = new EnvironmentsEndpoint(node.name, b, env('production'), env('sandbox'), this.#runtime(storeKey, groupRuntime));
        break;
      }
      default: {
        const state = this.#runtime(storeKey, () => new EndpointState(b, this.#gen.store.clock));
        ep = createLeafEndpoint(node, { ...this.#leafOpts, state });
      }
    }
    if (node.onError !== undefined) ep = withOnError(ep, sequenceHandler(this.namedSequence(node.onError)));
    return ep;
  }

  /** Runtime state kept in the store under `key` (and kept by the next reload while `key` is used). */
  #runtime<T>(key: string, create: () => T): T {
    this.#gen.endpointKeys.add(key);
    return this.#gen.store.get(key, create);
  }

  /** Child endpoints of a group; each child's state key joins its position and definition. */
  #children(children: readonly EndpointNode[], groupKey: string): Endpoint[] {
    return children.map((c, i) => this.#build(c, `${groupKey}/${i}:${definitionHash(c)}`));
  }

  /** `<member>` children: leaves with a state machine of their own. */
  #members(members: readonly MemberNode[], groupKey: string): Endpoint[] {
    return members.map((m, i) => {
      const state = this.#runtime(`${groupKey}/m${i}:${definitionHash(m)}`, () => new EndpointState({}, this.#gen.store.clock));
      return createMemberEndpoint(m, { ...this.#leafOpts, state });
    });
  }

  #loadbalance(node: EndpointNode, b: LoadbalanceEndpointBody, storeKey: string): Endpoint {
    const num = (list: EndpointNode['properties'], name: string): number | undefined => {
      const p = list.find((x) => x.name === name && x.value !== undefined);
      return p ? Number(p.value) : undefined;
    };
    const rounds = num(node.properties, 'loadbalance.weightedRRLC.roundsPerRecal');
    const rt = this.#runtime<GroupRuntime>(storeKey, () => {
      const r: GroupRuntime = {
        off: false,
        picker: createPicker(b.algorithm, { respectReadiness: true, ...(rounds !== undefined ? { roundsPerRecalculation: rounds } : {}) })!,
      };
      if (b.session) r.sessions = new SessionTable(b.session.timeoutMs, this.#gen.store.clock);
      return r;
    });
    const weights = b.children.map((c) => {
      const w: LoadbalanceSettings['weights'][number] = { weight: num(c.properties, 'loadbalance.weight') ?? 1 };
      const min = num(c.properties, 'loadbalance.weight.min');
      const max = num(c.properties, 'loadbalance.weight.max');
      if (min !== undefined) w.minWeight = min;
      if (max !== undefined) w.maxWeight = max;
      return w;
    });
    weights.push(...b.members.map(() => ({ weight: 1 })));
    // signed affinity cookies name a child by position and definition, the same on every instance
    const childIds = [...b.children.map((c, i) => `${i}${definitionHash(c).slice(0, 8)}`), ...b.members.map((m, i) => `m${i}${definitionHash(m).slice(0, 8)}`)];
    return new LoadbalanceEndpoint(node.name, [...this.#children(b.children, storeKey), ...this.#members(b.members, storeKey)], rt, {
      failover: b.failover,
      ...(b.maxAttempts !== undefined ? { maxAttempts: b.maxAttempts } : {}),
      weights,
      childIds,
      ...(b.session ? { session: createSessionPolicy(b.session, this.#secret, this.#gen.store.clock) } : {}),
    });
  }

  implicitEndpoint(): Endpoint {
    this.#implicit ??= createImplicitEndpoint(this.#leafOpts);
    return this.#implicit;
  }
}

function withOnError(inner: Endpoint, handler: FaultHandler): Endpoint {
  return {
    name: inner.name,
    type: inner.type,
    ready: () => inner.ready(),
    shouldRetry: (c) => inner.shouldRetry(c),
    view: () => inner.view(),
    setActive: (on) => inner.setActive(on),
    async send(mc) {
      try {
        return await inner.send(mc);
      } catch (e) {
        if (typeof e === 'object' && e !== null) (e as { [FAULT_HANDLER]?: FaultHandler })[FAULT_HANDLER] = handler;
        throw e;
      }
    },
  };
}

function failingEndpoint(err: MediationError): Endpoint {
  return {
    name: undefined,
    type: 'missing',
    ready: () => false,
    shouldRetry: () => true,
    view: () => ({ name: null, type: 'missing', state: 'off' }),
    setActive: () => undefined,
    send() {
      return Promise.reject(err);
    },
  };
}

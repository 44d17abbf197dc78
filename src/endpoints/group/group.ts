// Endpoints, runtime stage: failover and load-balance groups (synapse-semantics §6.6, §6.7).
// A group picks a child, sends, and on a child's failure decides whether another child gets
// the message. Each message tries each child at most once, so a group never loops; the body
// is buffered only when a second attempt is possible, and every attempt sends the same bytes.

import { MediationError } from '../../errors/codes.js';
import { Readable } from 'node:stream';
import { parseXml } from '../../xml/parse.js';
import { DISCARDED, FAULT_HANDLER, isTransportFailure, type BackendResponse, type Endpoint, type EndpointView } from '../types.js';
import type { MessageContext } from '../../runtime/message-context.js';
import { chooseFailoverChild, type FailoverChild } from '../state/failover-order.js';
import type { Picker, PickerChild } from '../pickers/picker.js';
import { serviceGroupIdOf, SessionTable, type SessionPolicy } from './session.js';

/** Runtime state of a group that outlives a reload when the definition is unchanged. */
export interface GroupRuntime {
  off: boolean;
  /** Static failover: the child the group sticks to. */
  current?: number;
  picker?: Picker;
  sessions?: SessionTable;
}

/** Whether a parent may hand the message to another child after this failure. */
function retryable(e: unknown, child: Endpoint): boolean {
  if (!(e instanceof MediationError)) return false;
  const flagged = e as MediationError & { [DISCARDED]?: boolean; [FAULT_HANDLER]?: unknown };
  // discard ends propagation; a child with its own onError handles its own failure (§7.2)
  if (flagged[DISCARDED] || flagged[FAULT_HANDLER] !== undefined) return false;
  const c = e.synapseCode;
  if (!(isTransportFailure(c) || (c >= 303000 && c < 310000) || c === 305100)) return false;
  return child.shouldRetry(c);
}

abstract class GroupEndpoint implements Endpoint {
  protected readonly active: number[];

  constructor(
    readonly name: string | undefined,
    readonly type: 'failover' | 'loadbalance',
    protected readonly children: readonly Endpoint[],
    protected readonly rt: GroupRuntime,
    /** Most children one message may try (each at most once in any case). */
    protected readonly maxAttempts = children.length,
  ) {
    this.active = children.map(() => 0);
  }

  ready(): boolean {
    return !this.rt.off && this.children.some((c) => c.ready());
  }

  shouldRetry(): boolean {
    return true;
  }

  setActive(on: boolean): void {
    this.rt.off = !on;
  }

  view(): EndpointView {
    const v: EndpointView = {
      name: this.name ?? null,
      type: this.type,
      state: this.rt.off ? 'off' : this.children.some((c) => c.ready()) ? 'active' : 'suspended',
      children: this.children.map((c) => c.view()),
    };
    if (this.rt.sessions) v.sessions = this.rt.sessions.size;
    return v;
  }

  protected noReadyChild(): MediationError {
    const kind = this.type === 'failover' ? 'Failover' : 'Loadbalance';
    return new MediationError('AXON_EP_NO_READY_CHILD', `${kind} endpoint : ${this.name ?? 'AnonymousEndpoint'} - no ready child endpoints`);
  }

  /** May this message go to a second child? Then its body must be replayable. */
  protected abstract mayResend(): boolean;

  /** The next child for this message, or undefined to stop. */
  protected abstract choose(mc: MessageContext, tried: ReadonlySet<number>, attempts: number, preferred: number | undefined): number | undefined;

  async send(mc: MessageContext): Promise<BackendResponse> {
    return (await this.attempt(mc, undefined)).res;
  }

  protected async attempt(mc: MessageContext, preferred: number | undefined): Promise<{ index: number; res: BackendResponse }> {
    if (this.rt.off) throw this.noReadyChild();
    let resend = this.mayResend();
    // a body announced as larger than may be held in memory streams to one child, without failover
    if (resend && mc.payload.isStream && Number(mc.headers.get('content-length') ?? 0) > mc.env.limits.maxBodyBytes) resend = false;
    if (resend) {
      const p = mc.loadBody();
      if (p) await p;
    }
    // a child may rewrite the To address or drop the REST postfix (http endpoints); each attempt starts from the same message
    const to = mc.addressing.To;
    const postfix = mc.axis2.get('REST_URL_POSTFIX');
    const tried = new Set<number>();
    let attempts = 0;
    let last: unknown;
    for (;;) {
      if (attempts >= this.maxAttempts) break;
      const index = this.choose(mc, tried, attempts, preferred);
      if (index === undefined) break;
      if (attempts > 0) {
        mc.addressing.To = to;
        if (postfix === undefined) mc.axis2.delete('REST_URL_POSTFIX');
        else mc.axis2.set('REST_URL_POSTFIX', postfix);
        mc.clearError();
      }
      tried.add(index);
      attempts++;
      const child = this.children[index]!;
      this.active[index]!++;
      try {
        return { index, res: await child.send(mc) };
      } catch (e) {
        last = e;
        if (!resend || !retryable(e, child)) throw e;
      } finally {
        this.active[index]!--;
      }
    }
    // after real attempts the last child's error stands; 303000 only when nothing was tried
    if (last !== undefined) throw last;
    throw this.noReadyChild();
  }
}

export class FailoverEndpoint extends GroupEndpoint {
  readonly #view: FailoverChild[];

  constructor(name: string | undefined, children: readonly Endpoint[], rt: GroupRuntime, private readonly dynamic: boolean, maxAttempts?: number) {
    super(name, 'failover', children, rt, maxAttempts);
    this.#view = children.map((c, index) => ({ index, ready: () => c.ready() }));
  }

  protected mayResend(): boolean {
    return this.children.length > 1;
  }

  protected choose(_mc: MessageContext, tried: ReadonlySet<number>, attempts: number): number | undefined {
    const input: Parameters<typeof chooseFailoverChild>[0] = { children: this.#view, dynamic: this.dynamic, tried, attempts };
    if (this.rt.current !== undefined) input.current = this.rt.current;
    const c = chooseFailoverChild(input);
    if (c.kind !== 'send') return undefined;
    if (!this.dynamic) this.rt.current = c.index;
    return c.index;
  }
}

export interface LoadbalanceSettings {
  failover: boolean;
  maxAttempts?: number;
  weights: { weight: number; minWeight?: number; maxWeight?: number }[];
  session?: SessionPolicy;
  /** Stable identities of the children (signed affinity cookies name them). */
  childIds: string[];
}

export class LoadbalanceEndpoint extends GroupEndpoint {
  readonly #pickerView: PickerChild[];
  readonly #settings: LoadbalanceSettings;

  constructor(name: string | undefined, children: readonly Endpoint[], rt: GroupRuntime, settings: LoadbalanceSettings) {
    super(name, 'loadbalance', children, rt, settings.maxAttempts);
    this.#settings = settings;
    const active = this.active;
    this.#pickerView = children.map((c, index) => {
      const w = settings.weights[index] ?? { weight: 1 };
      const v: PickerChild = {
        index,
        ready: () => c.ready(),
        weight: w.weight,
        get activeConnections() {
          return active[index]!;
        },
      };
      if (w.minWeight !== undefined) v.minWeight = w.minWeight;
      if (w.maxWeight !== undefined) v.maxWeight = w.maxWeight;
      return v;
    });
  }

  protected mayResend(): boolean {
    // with session affinity a bound child that fails hands its session to another child
    return this.children.length > 1 && (this.#settings.failover || this.#settings.session !== undefined);
  }

  protected choose(_mc: MessageContext, tried: ReadonlySet<number>, attempts: number, preferred: number | undefined): number | undefined {
    if (attempts === 0 && preferred !== undefined && this.children[preferred]!.ready()) return preferred;
    // every picker skips children already tried and (respectReadiness) children not ready
    return this.rt.picker!.pick(this.#pickerView, tried);
  }

  override async send(mc: MessageContext): Promise<BackendResponse> {
    const policy = this.#settings.session;
    if (!policy) return (await this.attempt(mc, undefined)).res;
    const sessions = this.rt.sessions!;
    let preferred: number | undefined;
    let ids: string[] = [];
    const token = policy.tokenChild?.(mc);
    if (token !== undefined) {
      const i = this.#settings.childIds.indexOf(token);
      if (i >= 0) preferred = i;
    } else {
      ids = await policy.requestIds(mc);
      for (const id of ids) {
        const bound = sessions.get(id);
        if (bound !== undefined) {
          preferred = bound;
          break;
        }
      }
    }
    const { index, res } = await this.attempt(mc, preferred);
    // the session (new, or moved after its child failed) is bound to the child that answered
    for (const id of ids) sessions.bind(id, index);
    for (const id of policy.responseIds(res)) sessions.bind(id, index);
    if (policy.issue) {
      const cookie = policy.issue(mc, this.#settings.childIds[index]!);
      if (cookie) res.headers.append('Set-Cookie', cookie);
    }
    if (policy.node.type === 'soap') return this.#learnServiceGroup(res, index);
    return res;
  }

  /**
   * soap sessions: the backend hands out a ServiceGroupId in the response's ReplyTo reference
   * parameters; read it from the (buffered) body and bind later requests presenting it.
   */
  async #learnServiceGroup(res: BackendResponse, index: number): Promise<BackendResponse> {
    const ct = res.headers.get('content-type') ?? '';
    if (!res.body || !/xml/i.test(ct)) return res;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res.body) {
      size += (c as Buffer).length;
      if (size > MAX_SOAP_SESSION_BODY) throw new MediationError('AXON_EP_PROTOCOL', 'the SOAP response is too large to read its session id');
      chunks.push(c as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    try {
      const id = serviceGroupIdOf(parseXml(bytes.toString('utf8')));
      if (id) this.rt.sessions!.bind(`sg:${id}`, index);
    } catch {
      // a body that is not XML binds nothing and is relayed as it came
    }
    return { ...res, body: Readable.from([bytes]) };
  }
}

/** Largest SOAP response read for its session id. */
const MAX_SOAP_SESSION_BODY = 16 * 1024 * 1024;

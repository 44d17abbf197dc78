// Endpoints, runtime stage: recipient lists (synapse-semantics §6.8). Every ready child gets a
// copy of the message at once; the first answer goes on through the flow and later answers are
// read and dropped. The list fails only when every child failed (the last error stands) or
// none was ready (303000).

import { MediationError } from '../../errors/codes.js';
import type { MessageContext } from '../../runtime/message-context.js';
import type { CompiledExpression } from '../../expr/types.js';
import type { BackendResponse, Endpoint, EndpointView } from '../types.js';
import type { GroupRuntime } from './group.js';

export interface DynamicRecipients {
  expression: CompiledExpression;
  maxCache: number;
  /** An address endpoint for a URL (the caller keeps no state for it). */
  create(url: string): Endpoint;
}

export class RecipientListEndpoint implements Endpoint {
  readonly type = 'recipientlist';
  readonly #cache = new Map<string, Endpoint>();

  constructor(
    readonly name: string | undefined,
    private readonly children: readonly Endpoint[],
    private readonly rt: GroupRuntime,
    private readonly dynamic?: DynamicRecipients,
  ) {}

  #dynamicChildren(mc: MessageContext): Endpoint[] {
    const d = this.dynamic!;
    const urls = (d.expression.stringValue(mc) ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    return urls.map((url) => {
      let ep = this.#cache.get(url);
      if (ep) {
        this.#cache.delete(url);
      } else {
        ep = d.create(url);
        if (this.#cache.size >= d.maxCache) this.#cache.delete(this.#cache.keys().next().value!);
      }
      this.#cache.set(url, ep);
      return ep;
    });
  }

  async send(mc: MessageContext): Promise<BackendResponse> {
    const all = this.dynamic ? this.#dynamicChildren(mc) : this.children;
    const ready = this.rt.off ? [] : all.filter((c) => c.ready());
    if (ready.length === 0) {
      throw new MediationError('AXON_EP_NO_READY_CHILD', `Recipient list endpoint : ${this.name ?? 'AnonymousEndpoint'} - no ready child endpoints`);
    }
    // every copy must carry the same bytes
    const p = mc.loadBody();
    if (p) await p;
    const to = mc.addressing.To;
    const attempts = ready.map((c) => {
      mc.addressing.To = to;
      return c.send(mc);
    });
    return new Promise<BackendResponse>((resolve, reject) => {
      let pending = attempts.length;
      let won = false;
      let last: unknown;
      for (const a of attempts) {
        a.then(
          (res) => {
            pending--;
            if (won) {
              res.body?.resume();
              return;
            }
            won = true;
            resolve(res);
          },
          (e: unknown) => {
            pending--;
            last = e;
            if (!won && pending === 0) reject(last);
          },
        );
      }
    });
  }

  ready(): boolean {
    if (this.rt.off) return false;
    return this.dynamic ? true : this.children.some((c) => c.ready());
  }

  shouldRetry(): boolean {
    return true;
  }

  setActive(on: boolean): void {
    this.rt.off = !on;
  }

  view(): EndpointView {
    return {
      name: this.name ?? null,
      type: this.type,
      state: this.rt.off ? 'off' : this.ready() ? 'active' : 'suspended',
      children: this.children.map((c) => c.view()),
    };
  }
}

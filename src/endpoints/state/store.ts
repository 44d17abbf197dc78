// Endpoints, runtime stage: where endpoint runtime state lives across config generations.
// State (suspensions, counters, round-robin cursors, session bindings) is kept under a key made
// of the endpoint's identity and a hash of its definition, so a reload that leaves a definition
// unchanged keeps its state and a changed definition starts fresh (never "stuck suspended
// after a redeploy").

import { createHash } from 'node:crypto';
import type { Clock } from './endpoint-state.js';

export class EndpointRuntimeStore {
  readonly #entries = new Map<string, unknown>();

  constructor(readonly clock: Clock = { now: () => Date.now() }) {}

  /** The object stored under `key`, created by `create` the first time. */
  get<T>(key: string, create: () => T): T {
    let v = this.#entries.get(key) as T | undefined;
    if (v === undefined) {
      v = create();
      this.#entries.set(key, v);
    }
    return v;
  }

  /** Forget every entry the serving generation no longer uses. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.#entries.keys()) if (!keys.has(k)) this.#entries.delete(k);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * A stable hash of a definition node: positions and file names are left out, so moving an
 * endpoint within its file (or re-saving it unchanged) keeps its state.
 */
export function definitionHash(node: unknown): string {
  const json = JSON.stringify(node, (k, v: unknown) => (k === 'pos' || k === 'file' ? undefined : v));
  return createHash('sha256').update(json ?? '').digest('hex').slice(0, 24);
}

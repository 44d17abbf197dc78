// Endpoints, runtime stage: which child a failover group sends to next (synapse-semantics §6.7),
// as a pure function, plus the per-message attempt cap that ends endless retry loops.

export interface FailoverChild {
  /** Identity of the child (its position in the group); what `tried` holds. */
  index: number;
  ready(): boolean;
}

export interface FailoverAttemptCap {
  /**
   * Never send one message to the same child twice (default true). Synapse has no such rule and
   * relies on the failed child being suspended, which loops when it is not (e.g. an ignored code).
   */
  eachChildOnce?: boolean;
  /** Most attempts (sends to a child) per message; default = number of children. */
  maxAttempts?: number;
}

export interface FailoverChoiceInput {
  children: readonly FailoverChild[];
  /** `<failover dynamic>`, default true in Synapse. */
  dynamic: boolean;
  /** Static mode: the child the group currently sticks to (undefined before the first send). */
  current?: number;
  /** Children already attempted for this message. */
  tried: ReadonlySet<number>;
  /** Attempts already made for this message (may exceed tried.size when children repeat). */
  attempts: number;
  cap?: FailoverAttemptCap;
}

export type FailoverChoice =
  /** Send to `index`; in static mode store it as the new `current`. */
  | { kind: 'send'; index: number }
  /**
   * Stop. 'no-ready-child' maps to 303000 when nothing has been attempted yet, otherwise the last
   * child's error stands (trap 19); 'attempt-cap' means the cap ended the retries.
   */
  | { kind: 'stop'; reason: 'no-ready-child' | 'attempt-cap' };

export function chooseFailoverChild(input: FailoverChoiceInput): FailoverChoice {
  const { children, tried } = input;
  const eachChildOnce = input.cap?.eachChildOnce ?? true;
  const maxAttempts = input.cap?.maxAttempts ?? children.length;
  // The cap only ends retries: a first attempt that finds nothing is "no ready child" (303000).
  if (input.attempts > 0 && input.attempts >= maxAttempts) return { kind: 'stop', reason: 'attempt-cap' };

  const usable = (c: FailoverChild): boolean => (!eachChildOnce || !tried.has(c.index)) && c.ready();

  if (!input.dynamic && input.current !== undefined) {
    const current = children.find((c) => c.index === input.current);
    if (current && usable(current)) return { kind: 'send', index: current.index };
  }
  // Dynamic: always the first ready child in document order, so the primary takes traffic back
  // as soon as its suspension expires. Static falls back to the same scan when its child is out.
  const first = children.find(usable);
  if (first) return { kind: 'send', index: first.index };
  // Distinguish "the cap (each child once) stopped us" from "nothing is ready": the former only
  // when some child would be ready were it not already tried.
  if (eachChildOnce && children.some((c) => tried.has(c.index) && c.ready())) {
    return { kind: 'stop', reason: 'attempt-cap' };
  }
  return { kind: 'stop', reason: 'no-ready-child' };
}

/** A failover group's own readiness (§6.7): some child is ready. */
export function isFailoverReady(children: readonly FailoverChild[]): boolean {
  return children.some((c) => c.ready());
}

// Endpoints, runtime stage: the per-endpoint state machine (active / timeout / suspended / off)
// of synapse-semantics §7.1, with the error classification and retry decision of §7.3.
// Pure: time comes from an injected Clock, nothing is scheduled.

import type { MarkForSuspensionNode, RetryConfigNode, SuspendOnFailureNode } from '../../config/ast.js';

/** Source of "now" in epoch milliseconds; injected so tests can move time by hand. */
export interface Clock {
  now(): number;
}

export type EndpointStateName = 'active' | 'timeout' | 'suspended' | 'off';

/** What a failure did to the state: marked (retries left), suspended, or nothing. */
export type FailureOutcome = 'timeout' | 'suspended' | 'ignored';

/** How §7.3 classifies an error code for this endpoint, independent of the current state. */
export type FailureClass = 'timeout' | 'suspend' | 'ignore';

/** Codes treated as timeouts when markForSuspension lists none (§7.3 step 2). */
export const DEFAULT_TIMEOUT_ERROR_CODES: ReadonlySet<number> = new Set([101504, 101505]);

/**
 * suspendOnFailure with no error codes suspends on every code (§7.3 step 3); a set cannot
 * express "every", so the default is this marker.
 */
export const DEFAULT_SUSPEND_ERROR_CODES = 'every-code' as const;

/** retryConfig defaults: nothing disabled, and an empty enabled list means "every code". */
export const DEFAULT_RETRY_DISABLED_ERROR_CODES: ReadonlySet<number> = new Set();
export const DEFAULT_RETRY_ENABLED_ERROR_CODES: ReadonlySet<number> = new Set();

/** Suspension used when the computed duration is negative, i.e. initialDuration unset (trap 13). */
export const DEFAULT_SUSPEND_DURATION_MS = 30000;

export interface EndpointStateSettings {
  markForSuspension?: MarkForSuspensionNode;
  suspendOnFailure?: SuspendOnFailureNode;
  retryConfig?: RetryConfigNode;
}

export interface EndpointStateSnapshot {
  state: EndpointStateName;
  /** null while unset (fresh endpoint, or back to ACTIVE before the first timeout). */
  remainingRetries: number | null;
  /** Epoch ms from which a TIMEOUT/SUSPENDED endpoint accepts a probe; null if never set. */
  nextRetryTime: number | null;
  /** null when not suspended since the endpoint was last ACTIVE. */
  lastSuspendDurationMs: number | null;
  counters: { successes: number; failures: number; timeouts: number; suspensions: number };
}

export class EndpointState {
  // Resolved definition values (§7.1 "definition defaults").
  private readonly retriesBeforeSuspension: number;
  private readonly retryDelayMs: number;
  private readonly timeoutCodes: ReadonlySet<number>;
  /** undefined = every code suspends. */
  private readonly suspendCodes: ReadonlySet<number> | undefined;
  private readonly initialDurationMs: number;
  private readonly progressionFactor: number;
  private readonly maximumDurationMs: number;
  private readonly retryDisabled: ReadonlySet<number>;
  private readonly retryEnabled: ReadonlySet<number>;

  private current: EndpointStateName = 'active';
  /** Synapse keeps -1 for "unset"; undefined plays that role here. */
  private remainingRetries: number | undefined;
  private nextRetryTime: number | undefined;
  private lastSuspendDurationMs: number | undefined;
  private readonly counters = { successes: 0, failures: 0, timeouts: 0, suspensions: 0 };

  constructor(settings: EndpointStateSettings, private readonly clock: Clock) {
    const mfs = settings.markForSuspension;
    this.retriesBeforeSuspension = mfs?.retriesBeforeSuspension ?? 0;
    this.retryDelayMs = mfs?.retryDelayMs ?? 0;
    this.timeoutCodes =
      mfs && mfs.errorCodes.length > 0 ? new Set(mfs.errorCodes) : DEFAULT_TIMEOUT_ERROR_CODES;

    const sof = settings.suspendOnFailure;
    this.suspendCodes = sof && sof.errorCodes.length > 0 ? new Set(sof.errorCodes) : undefined;
    this.initialDurationMs = sof?.initialDurationMs ?? -1;
    this.progressionFactor = sof?.progressionFactor ?? 1;
    this.maximumDurationMs = sof?.maximumDurationMs ?? Number.MAX_SAFE_INTEGER;

    const rc = settings.retryConfig;
    this.retryDisabled = rc ? new Set(rc.disabledErrorCodes) : DEFAULT_RETRY_DISABLED_ERROR_CODES;
    this.retryEnabled = rc ? new Set(rc.enabledErrorCodes) : DEFAULT_RETRY_ENABLED_ERROR_CODES;
  }

  get state(): EndpointStateName {
    return this.current;
  }

  /** §7.1 readiness; a pure query, so probing it never consumes retries (trap 15). */
  readyToSend(): boolean {
    switch (this.current) {
      case 'active':
        return true;
      case 'off':
        return false;
      default:
        return this.clock.now() >= (this.nextRetryTime ?? 0);
    }
  }

  /** A response came back through this endpoint (HTTP 4xx/5xx included, trap 18). */
  onSuccess(): void {
    this.counters.successes++;
    if (this.current === 'timeout' || this.current === 'suspended') this.becomeActive();
  }

  /** §7.3 steps 2-4 without touching the state. */
  classify(errorCode: number): FailureClass {
    if (this.timeoutCodes.has(errorCode)) return 'timeout';
    if (this.suspendCodes === undefined || this.suspendCodes.has(errorCode)) return 'suspend';
    return 'ignore';
  }

  /**
   * Classifies the failure and applies onTimeout / enter-SUSPENDED. The result is what happened
   * to the state: 'timeout' = marked with retries left, 'suspended' = now suspended (also for
   * a timeout-class failure with no retries left), 'ignored' = unchanged. An endpoint switched
   * off stays off (only an operator brings it back), so its failures are counted but ignored.
   */
  onFailure(errorCode: number): FailureOutcome {
    this.counters.failures++;
    const kind = this.classify(errorCode);
    if (kind === 'timeout') this.counters.timeouts++;
    if (this.current === 'off' || kind === 'ignore') return 'ignored';
    if (kind === 'suspend') {
      this.suspend();
      return 'suspended';
    }
    // onTimeout: remainingRetries falls back to the configured count when unset, so N retries
    // means the (N+1)-th consecutive timeout-class failure suspends.
    this.current = 'timeout';
    const retries = this.remainingRetries ?? this.retriesBeforeSuspension;
    if (retries <= 0) {
      this.suspend();
      return 'suspended';
    }
    this.remainingRetries = retries - 1;
    this.nextRetryTime = this.clock.now() + this.retryDelayMs;
    return 'timeout';
  }

  /** Admin deactivate (JMX switchOff): never ready until switched on again. */
  switchOff(): void {
    this.current = 'off';
  }

  /** Admin activate: back to ACTIVE with retries and suspension progression reset. */
  switchOn(): void {
    this.becomeActive();
  }

  /**
   * §7.3 retry decision (W): may a parent group try another child after this failure?
   * disabled codes never retry; a non-empty enabled list retries only its codes.
   */
  shouldRetry(errorCode: number): boolean {
    if (this.retryDisabled.has(errorCode)) return false;
    if (this.retryEnabled.size > 0) return this.retryEnabled.has(errorCode);
    return true;
  }

  snapshot(): EndpointStateSnapshot {
    return {
      state: this.current,
      remainingRetries: this.remainingRetries ?? null,
      nextRetryTime: this.nextRetryTime ?? null,
      lastSuspendDurationMs: this.lastSuspendDurationMs ?? null,
      counters: { ...this.counters },
    };
  }

  private becomeActive(): void {
    this.current = 'active';
    this.remainingRetries = this.retriesBeforeSuspension;
    this.lastSuspendDurationMs = undefined;
  }

  private suspend(): void {
    this.current = 'suspended';
    this.counters.suspensions++;
    // Progression is from the previous suspension, not initial x factor^n (trap 16); the
    // multiplication is truncated like Java's (long) cast.
    let duration =
      this.lastSuspendDurationMs === undefined
        ? this.initialDurationMs
        : Math.trunc(this.lastSuspendDurationMs * this.progressionFactor);
    duration = Math.min(duration, this.maximumDurationMs);
    if (!(duration >= 0)) duration = DEFAULT_SUSPEND_DURATION_MS;
    this.lastSuspendDurationMs = duration;
    this.nextRetryTime = this.clock.now() + duration;
  }
}

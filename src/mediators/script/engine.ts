// Runtime for <script>: one isolate per script mediator, created on the first message and kept
// for the config generation. The script is installed once per isolate; each message is one async
// call into it (the event loop stays free while a script runs), bounded by the time limit, the
// memory limit and a host timer for promises that never settle. A context the script changed is
// replaced, an isolate killed by its memory limit is rebuilt, and only the failing message fails.
// Measure before changing (bench/script-cost.mjs).

import ivm from 'isolated-vm';
import type { MessageContext } from '../../runtime/message-context.js';
import { BOOTSTRAP } from './bootstrap.js';
import { checkScript, normaliseScript, type ScriptMode } from './check.js';
import { applyOps, hostRead, prefetchJson } from './host-api.js';

export interface ScriptLimits {
  /** Longest a script may run for one message (ms). */
  timeoutMs: number;
  /** Heap limit of a script's isolate (MB, at least 8). */
  memoryMb: number;
}

export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = Object.freeze({ timeoutMs: 1000, memoryMb: 32 });

/** Shown in stack traces of the script and used to find its line numbers. */
const SOURCE_NAME = 'axon-script.js';

/** Bodies up to this many characters travel with the call when the script reads JSON. */
const PREFETCH_CHARS = 64 * 1024;

/** Why a message's script run failed; the mediator turns it into ERROR_MESSAGE. */
export class ScriptFailure extends Error {
  constructor(
    message: string,
    /** Line inside the script, when known. */
    readonly line: number | undefined,
  ) {
    super(message);
    this.name = 'ScriptFailure';
  }
}

export interface ScriptOutcome {
  /** The script returned false: stop the flow. */
  stop: boolean;
}

interface Loaded {
  isolate: ivm.Isolate;
  context: ivm.Context;
  run: ivm.Reference<(json: string | null) => string | Promise<string>>;
}

interface RunResult {
  stop: boolean;
  dirty: boolean;
  ops: unknown[];
  error: { name: string; message: string; line: number | null } | null;
}

export class ScriptEngine {
  readonly #source: string;
  readonly #mode: ScriptMode;
  readonly #fn: string;
  readonly #limits: ScriptLimits;
  #loaded: Loaded | undefined;
  /** A script that cannot be installed fails every message the same way (no retry per message). */
  #broken: ScriptFailure | undefined;
  /** The message being mediated: host reads answer for it. */
  #current: MessageContext | undefined;
  #busy = false;
  readonly #waiting: (() => void)[] = [];
  readonly #read: ivm.Callback;
  readonly #readsJson: boolean;

  constructor(source: string, mode: ScriptMode, fn: string, limits: ScriptLimits) {
    this.#source = normaliseScript(source);
    this.#readsJson = this.#source.includes('getPayloadJSON');
    this.#mode = mode;
    this.#fn = fn;
    this.#limits = { timeoutMs: Math.max(1, limits.timeoutMs), memoryMb: Math.max(8, limits.memoryMb) };
    this.#read = new ivm.Callback((op: string, a: unknown, b: unknown, pending: string) => {
      const mc = this.#current;
      if (!mc) throw new Error('mc is not available outside the mediation of a message');
      return hostRead(mc, op, a, b, pending);
    });
  }

  /** Run the script for one message. Messages of one script take turns on its isolate. */
  async run(mc: MessageContext): Promise<ScriptOutcome> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#busy = true;
    try {
      return await this.#runOne(mc);
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#busy = false;
    }
  }

  /** Drop the isolate (the next message builds a new one). */
  dispose(): void {
    const l = this.#loaded;
    this.#loaded = undefined;
    if (l && !l.isolate.isDisposed) l.isolate.dispose();
  }

  async #load(): Promise<Loaded> {
    if (this.#loaded && !this.#loaded.isolate.isDisposed) return this.#loaded;
    this.#loaded = undefined;
    const isolate = new ivm.Isolate({ memoryLimit: this.#limits.memoryMb });
    try {
      return (this.#loaded = await this.#install(isolate));
    } catch (e) {
      if (!isolate.isDisposed) isolate.dispose();
      throw e;
    }
  }

  async #install(isolate: ivm.Isolate, reuse?: ivm.Context): Promise<Loaded> {
    const context = reuse ?? (await isolate.createContext());
    const bootstrap = await context.eval(BOOTSTRAP, { reference: true, filename: 'axon-bootstrap.js' });
    try {
      const run = (await (bootstrap as ivm.Reference<(...a: unknown[]) => unknown>).apply(
        undefined,
        [this.#read, this.#source, this.#mode, this.#fn, SOURCE_NAME],
        { timeout: this.#limits.timeoutMs, result: { reference: true } },
      )) as ivm.Reference<(json: string | null) => string>;
      return { isolate, context, run };
    } catch (e) {
      const err = e as Error;
      // a script that does not parse (local entries are only checked here) fails every message alike
      if (err.name === 'SyntaxError') {
        const p = checkScript(this.#source, this.#mode, this.#fn);
        this.#broken = p
          ? new ScriptFailure(p.kind === 'e4x' ? p.message : `SyntaxError: ${p.message}`, p.line)
          : new ScriptFailure(`SyntaxError: ${err.message}`, undefined);
      }
      throw e;
    } finally {
      (bootstrap as ivm.Reference<unknown>).release();
    }
  }

  async #runOne(mc: MessageContext): Promise<ScriptOutcome> {
    if (this.#broken) throw this.#broken;
    let loaded: Loaded;
    try {
      loaded = await this.#load();
    } catch (e) {
      if (this.#broken) throw this.#broken;
      throw this.#failure(e);
    }
    const { timeoutMs } = this.#limits;
    this.#current = mc;
    let timer: NodeJS.Timeout | undefined;
    let raw: string;
    try {
      const json = this.#readsJson ? prefetchJson(mc, PREFETCH_CHARS) : null;
      const call = loaded.run.apply(undefined, [json], { timeout: timeoutMs, result: { promise: true, copy: true } }) as Promise<string>;
      // the isolate's own limit stops running code; this one stops waiting on a promise that never settles
      const guard = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ScriptFailure(`the script did not finish within ${timeoutMs} ms`, undefined)), timeoutMs + Math.max(100, timeoutMs >> 1));
      });
      raw = await Promise.race([call, guard]);
    } catch (e) {
      if (e instanceof ScriptFailure) {
        // whatever is still pending in the isolate must not reach a later message
        this.dispose();
        throw e;
      }
      throw this.#failure(e);
    } finally {
      clearTimeout(timer);
      this.#current = undefined;
    }
    const result = parseResult(raw);
    if (result.dirty) await this.#renewContext(loaded);
    // writes made before a failure stay, as they do in Synapse
    this.#current = mc;
    try {
      if (result.ops.length) applyOps(mc, JSON.stringify(result.ops));
    } catch (e) {
      if (!result.error) throw new ScriptFailure((e as Error).message, undefined);
    } finally {
      this.#current = undefined;
    }
    if (result.error) {
      throw new ScriptFailure(`${result.error.name}: ${result.error.message}`, result.error.line ?? undefined);
    }
    return { stop: result.stop };
  }

  /** Translate what isolated-vm threw (time limit, memory limit, a disposed isolate). */
  #failure(e: unknown): ScriptFailure {
    const msg = e instanceof Error ? e.message : String(e);
    const isolate = this.#loaded?.isolate;
    if (isolate?.isDisposed || /disposed/i.test(msg)) {
      this.#loaded = undefined;
      if (/memory limit/i.test(msg)) return new ScriptFailure(`the script exceeded the memory limit of ${this.#limits.memoryMb} MB`, undefined);
      return new ScriptFailure(`the script's isolate stopped: ${msg}`, undefined);
    }
    if (/timed out/i.test(msg)) {
      // a script stopped mid-way may have left state behind: start the next message afresh
      this.dispose();
      return new ScriptFailure(`the script ran longer than ${this.#limits.timeoutMs} ms`, undefined);
    }
    return new ScriptFailure(msg, undefined);
  }

  /** A fresh context in the same isolate, for a script that changed built-ins or globals. */
  async #renewContext(loaded: Loaded): Promise<void> {
    loaded.run.release();
    loaded.context.release();
    try {
      this.#loaded = await this.#install(loaded.isolate);
    } catch {
      this.dispose();
    }
  }
}

function parseResult(raw: unknown): RunResult {
  if (typeof raw !== 'string') throw new ScriptFailure('the script run returned no result', undefined);
  let r: RunResult;
  try {
    r = JSON.parse(raw) as RunResult;
  } catch {
    throw new ScriptFailure('the script run returned a malformed result', undefined);
  }
  if (typeof r !== 'object' || r === null || !Array.isArray(r.ops)) throw new ScriptFailure('the script run returned a malformed result', undefined);
  return { stop: r.stop === true, dirty: r.dirty !== false, ops: r.ops, error: r.error ?? null };
}

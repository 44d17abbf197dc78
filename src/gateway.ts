// Engine assembly: load a config folder into a Generation, serve it on the HTTP listener and
// the admin port, and swap generations on reload (a broken config never replaces a working one).

import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectXmlFiles, readFiles } from './config/load.js';
import { Diagnostics, sortDiagnostics, type Diagnostic } from './config/diagnostics.js';
import { link } from './config/link.js';
import { validateMockDocuments } from './mocks/openapi/prepare.js';
import { builtinRegistry } from './mediators/builtin.js';
import type { MediatorRegistry } from './mediators/registry.js';
import { Generation, type GenerationOptions } from './runtime/generation.js';
import { createLogger, type Logger } from './runtime/logger.js';
import { DEFAULT_LIMITS, type PayloadLimits } from './runtime/payload.js';
import { createHttpListener } from './transport/http/listener.js';
import { createHttpSender } from './transport/http/sender.js';
import type { Sender } from './endpoints/types.js';
import type { OutboundTls } from './transport/http/sender.js';
import { createAdminServer } from './admin/server.js';
import { Metrics, type RequestInfo } from './admin/metrics.js';
import { ConfigWatcher } from './config/watch.js';
import { EndpointRuntimeStore } from './endpoints/state/store.js';

export interface GatewayOptions {
  /** The config folder. */
  configDir: string;
  httpPort?: number;
  /** The HTTPS listener's port; served only when `tls` is given. */
  httpsPort?: number;
  /** Certificate and key (PEM) of the HTTPS listener. */
  tls?: { cert: Buffer; key: Buffer };
  /** TLS towards backends (trusted CAs, hostname verification, client certificate). */
  outboundTls?: OutboundTls;
  adminPort?: number;
  host?: string;
  /** Host for the admin port (default: same as host). */
  adminHost?: string;
  logger?: Logger;
  limits?: Partial<PayloadLimits>;
  /** synapse.global_timeout_interval (ms); WSO2 ships 120000. */
  globalTimeoutMs?: number;
  /** Time (ms) and memory (MB) limits of <script> mediators. */
  scriptLimits?: { timeoutMs: number; memoryMb: number };
  /** TCP connect timeout towards backends (ms). */
  connectTimeoutMs?: number;
  /** Longest silence on a backend socket (ms). */
  socketTimeoutMs?: number;
  maxHeaderSize?: number;
  now?: () => number;
  sender?: Sender;
  /** Watch the config folder and reload on changes (default true). */
  watch?: boolean;
  /** Quiet time after the last file event before reloading (ms). */
  watchDebounceMs?: number;
  /** Key that signs affinity cookies (signedCookie sessions); every instance of a cluster needs the same. */
  affinitySecret?: Buffer;
}

export interface LoadResult {
  generation?: Generation;
  diagnostics: Diagnostic[];
}

/** Load, read, link and compile a config folder. Never throws for config problems. */
export async function loadGeneration(
  dir: string,
  opts: GenerationOptions,
  registry: MediatorRegistry = builtinRegistry(),
): Promise<LoadResult> {
  const diag = new Diagnostics();
  const files = await collectXmlFiles(dir, diag);
  const set = readFiles(files.files, registry, diag, '', files.resources);
  if (!diag.hasErrors) link(set, registry, diag);
  // OpenAPI documents of mock endpoints: schema validation is asynchronous, so it runs here
  await validateMockDocuments(set, registry, files.resources, diag);
  const diagnostics = sortDiagnostics(diag.items);
  if (diag.hasErrors) return { diagnostics };
  const generation = new Generation(set, registry, opts);
  return { generation, diagnostics };
}

export class Gateway {
  readonly options: Required<Pick<GatewayOptions, 'configDir' | 'host' | 'globalTimeoutMs'>> & GatewayOptions;
  readonly logger: Logger;
  readonly limits: PayloadLimits;
  readonly sender: Sender;
  readonly metrics: Metrics;
  /** Endpoint state that outlives reloads (for definitions that did not change). */
  readonly endpointStore: EndpointRuntimeStore;
  #current: Generation | undefined;
  #lastErrors: Diagnostic[] = [];
  #http: http.Server | undefined;
  #admin: http.Server | undefined;
  #now: () => number;
  #watcher: ConfigWatcher | undefined;
  #https: http.Server | undefined;
  #inFlight = 0;
  #draining = false;
  #reloading: Promise<void> | undefined;
  #reloadAgain = false;

  constructor(options: GatewayOptions) {
    this.options = { host: '0.0.0.0', globalTimeoutMs: 120_000, ...options };
    this.logger = options.logger ?? createLogger('info');
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.sender = options.sender ?? createHttpSender({
        connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
        ...(options.socketTimeoutMs ? { socketTimeoutMs: options.socketTimeoutMs } : {}),
        ...(options.outboundTls ? { tls: options.outboundTls } : {}),
      });
    this.#now = options.now ?? Date.now;
    const now = this.#now;
    this.endpointStore = new EndpointRuntimeStore({ now: () => now() });
    this.metrics = new Metrics({ inFlight: () => this.#inFlight, endpoints: () => this.#current?.endpointViews() ?? [] });
  }

  get current(): Generation | undefined {
    return this.#current;
  }

  /** Requests being answered right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  get draining(): boolean {
    return this.#draining;
  }

  get lastErrors(): Diagnostic[] {
    return this.#lastErrors;
  }

  /** Build a new generation from the folder; swap it in only when it loads cleanly. */
  async reload(): Promise<LoadResult> {
    const result = await loadGeneration(this.options.configDir, {
      sender: this.sender,
      logger: this.logger,
      limits: this.limits,
      globalTimeoutMs: this.options.globalTimeoutMs,
      now: this.#now,
      ...(this.options.scriptLimits ? { scriptLimits: this.options.scriptLimits } : {}),
      metrics: this.metrics,
      store: this.endpointStore,
      ...(this.options.affinitySecret ? { affinitySecret: this.options.affinitySecret } : {}),
    });
    if (result.generation) {
      this.#current = result.generation;
      this.endpointStore.retain(result.generation.endpointKeys);
      this.#lastErrors = [];
      this.metrics.reload(true, result.generation.id);
      this.logger.log('info', 'configuration loaded', {
        generation: result.generation.id,
        apis: result.generation.apis.size,
        sequences: result.generation.sequences.size,
        endpoints: result.generation.endpoints.size,
      });
    } else {
      this.#lastErrors = result.diagnostics.filter((d) => d.severity === 'error');
      this.metrics.reload(false, this.#current?.id);
      this.logger.log('error', 'configuration has errors; keeping the current one', { errors: this.#lastErrors.length });
    }
    return result;
  }

  /**
   * Reload after a file change. Reloads never overlap: a change during a reload runs one more
   * reload afterwards, so the last change always wins.
   */
  queueReload(): Promise<void> {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false;
        try {
          await this.reload();
        } catch (e) {
          this.logger.log('error', 'reload failed unexpectedly', { err: e instanceof Error ? e.stack : String(e) });
        }
      } while (this.#reloadAgain);
    })().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  /** Load the config and open the listeners. Resolves with the bound ports. */
  async start(): Promise<{ http: AddressInfo; https?: AddressInfo; admin: AddressInfo } | { diagnostics: Diagnostic[] }> {
    const r = await this.reload();
    if (!r.generation) return { diagnostics: r.diagnostics };
    const listenerOptions = (scheme: 'http' | 'https') => ({
      current: () => this.#current,
      logger: this.logger,
      scheme,
      maxHeaderSize: this.options.maxHeaderSize ?? 16384,
      onDone: (i: RequestInfo & { path: string }) => {
        this.metrics.request(i);
        // one access line per request; the path is the request path without its query
        if (this.logger.enabled('info')) {
          this.logger.log('info', 'request', { method: i.method, path: i.path, status: i.status, ms: Math.round(i.ms * 1000) / 1000, api: i.api, resource: i.resource, generation: this.#current?.id });
        }
      },
      onStart: () => void this.#inFlight++,
      onClose: () => void this.#inFlight--,
      draining: () => this.#draining,
    });
    this.#http = createHttpListener(listenerOptions('http'));
    if (this.options.tls) this.#https = createHttpListener({ ...listenerOptions('https'), tls: { cert: this.options.tls.cert, key: this.options.tls.key, minVersion: 'TLSv1.2' } });
    this.#admin = createAdminServer(this);
    const host = this.options.host;
    const httpAddr = await listen(this.#http, this.options.httpPort ?? 8280, host);
    const httpsAddr = this.#https ? await listen(this.#https, this.options.httpsPort ?? 8243, host) : undefined;
    const adminAddr = await listen(this.#admin, this.options.adminPort ?? 9164, this.options.adminHost ?? host);
    if (this.options.watch !== false) {
      const debounceMs = this.options.watchDebounceMs ?? 150;
      this.#watcher = new ConfigWatcher(this.options.configDir, () => void this.queueReload(), { debounceMs });
      await this.#watcher.start();
    }
    return httpsAddr ? { http: httpAddr, https: httpsAddr, admin: adminAddr } : { http: httpAddr, admin: adminAddr };
  }

  /**
   * Graceful stop (SIGTERM): readiness turns 503, the listeners stop accepting, requests in
   * flight finish (up to `graceMs`), then everything closes. Resolves true when none was cut.
   */
  async drain(graceMs: number): Promise<boolean> {
    this.#draining = true;
    this.#watcher?.close();
    for (const s of [this.#http, this.#https]) {
      if (!s) continue;
      s.close();
      s.closeIdleConnections();
    }
    const deadline = Date.now() + graceMs;
    while (this.#inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const clean = this.#inFlight === 0;
    await this.stop();
    return clean;
  }

  async stop(): Promise<void> {
    this.#watcher?.close();
    const close = (s: http.Server | undefined) =>
      new Promise<void>((resolve) => {
        if (!s) return resolve();
        s.close(() => resolve());
        s.closeIdleConnections();
        setTimeout(() => s.closeAllConnections(), 2000).unref();
      });
    await Promise.all([close(this.#http), close(this.#https), close(this.#admin)]);
    await this.sender.close();
  }
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

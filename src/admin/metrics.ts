// Admin: Prometheus metrics through prom-client, one registry per gateway. Labels come from
// config (API names, resource templates, endpoint names) and status codes, never from raw
// client paths, so their number is bounded by the config.

import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { EndpointView } from '../endpoints/types.js';
import { FastCounter, FastHistogram } from './fast-metrics.js';

const ENDPOINT_STATES = ['active', 'timeout', 'suspended', 'off'] as const;

export interface RequestInfo {
  status: number;
  method: string;
  api: string | undefined;
  resource?: string | undefined;
  ms: number;
}

export type UpstreamOutcome = 'success' | 'timeout' | 'connect_error' | 'closed' | 'fault';

export class Metrics {
  readonly registry = new Registry();
  readonly #requests: FastCounter;
  readonly #duration: FastHistogram;
  readonly #upstream: FastCounter;
  readonly #upstreamDuration: FastHistogram;
  readonly #reloads: Counter<'result'>;
  readonly #generation: Gauge;
  readonly #lastReload: Gauge;
  /** Success and failure counts, kept for the admin JSON too. */
  readonly reloads = { success: 0, failure: 0 };

  constructor(opts: { processMetrics?: boolean; inFlight?: () => number; endpoints?: () => EndpointView[] } = {}) {
    const r = this.registry;
    // the per-request metrics: registered with the registry, updated without prom-client's per-call label hashing
    this.#requests = new FastCounter('axon_http_requests_total', 'Requests answered, by API, resource template, method and status code.', ['api', 'resource', 'method', 'code']);
    this.#duration = new FastHistogram('axon_http_request_duration_seconds', 'Time from request to response, by API and method.', ['api', 'method'], [
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]);
    this.#upstream = new FastCounter('axon_upstream_requests_total', 'Backend calls by endpoint and outcome.', ['endpoint', 'outcome']);
    this.#upstreamDuration = new FastHistogram('axon_upstream_request_duration_seconds', 'Time to the backend response headers, by endpoint.', ['endpoint'], [
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]);
    for (const m of [this.#requests, this.#duration, this.#upstream, this.#upstreamDuration]) r.registerMetric(m as unknown as Parameters<Registry['registerMetric']>[0]);
    this.#reloads = new Counter({ name: 'axon_config_reloads_total', help: 'Config loads, by result.', labelNames: ['result'], registers: [r] });
    this.#generation = new Gauge({ name: 'axon_config_generation', help: 'The config generation being served.', registers: [r] });
    this.#lastReload = new Gauge({ name: 'axon_config_last_reload_success_timestamp_seconds', help: 'When the last good config was loaded.', registers: [r] });
    const inFlight = opts.inFlight;
    new Gauge({
      name: 'axon_http_requests_in_flight',
      help: 'Requests being answered.',
      registers: [r],
      collect() {
        if (inFlight) this.set(inFlight());
      },
    });
    const endpoints = opts.endpoints;
    new Gauge({
      name: 'axon_endpoint_state',
      help: 'Named endpoints by state: 1 for the state each endpoint is in, 0 for the others.',
      labelNames: ['endpoint', 'state'],
      registers: [r],
      collect() {
        this.reset();
        for (const v of endpoints?.() ?? []) {
          if (v.name === null) continue;
          for (const s of ENDPOINT_STATES) this.set({ endpoint: v.name, state: s }, v.state === s ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'axon_endpoint_suspensions',
      help: 'Times each named leaf endpoint was suspended since its definition was loaded.',
      labelNames: ['endpoint'],
      registers: [r],
      collect() {
        this.reset();
        for (const v of endpoints?.() ?? []) if (v.name !== null && v.counters) this.set({ endpoint: v.name }, v.counters.suspensions);
      },
    });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: r, prefix: 'axon_' });
  }

  request(i: RequestInfo): void {
    const api = i.api ?? '';
    this.#requests.inc([api, i.resource ?? '', i.method, String(i.status)]);
    this.#duration.observe([api, i.method], i.ms / 1000);
  }

  upstream(endpoint: string, outcome: UpstreamOutcome, ms: number): void {
    this.#upstream.inc([endpoint, outcome]);
    if (outcome === 'success') this.#upstreamDuration.observe([endpoint], ms / 1000);
  }

  reload(ok: boolean, generation: number | undefined): void {
    if (ok) {
      this.reloads.success++;
      this.#reloads.inc({ result: 'success' });
      this.#lastReload.set(Date.now() / 1000);
    } else {
      this.reloads.failure++;
      this.#reloads.inc({ result: 'failure' });
    }
    if (generation !== undefined) this.#generation.set(generation);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

// Admin: request and reload counters, rendered in Prometheus text format on /metrics.
// Labels come from config (API names) and status codes, never from raw client paths.

export class Metrics {
  readonly reloads = { success: 0, failure: 0 };
  // api -> status -> count (no string building per request)
  readonly #requests = new Map<string, Map<number, number>>();
  readonly #durationSum = new Map<string, number>();

  request(i: { status: number; api: string | undefined; ms: number }): void {
    const api = i.api ?? '';
    let byStatus = this.#requests.get(api);
    if (!byStatus) this.#requests.set(api, (byStatus = new Map()));
    byStatus.set(i.status, (byStatus.get(i.status) ?? 0) + 1);
    this.#durationSum.set(api, (this.#durationSum.get(api) ?? 0) + i.ms / 1000);
  }

  render(generation: number | undefined): string {
    const lines: string[] = [];
    lines.push('# HELP axon_http_requests_total Requests answered, by API and status code.');
    lines.push('# TYPE axon_http_requests_total counter');
    for (const [api, byStatus] of this.#requests) {
      for (const [code, v] of byStatus) lines.push(`axon_http_requests_total{api="${esc(api)}",code="${code}"} ${v}`);
    }
    lines.push('# HELP axon_http_request_duration_seconds_sum Total time spent answering requests, by API.');
    lines.push('# TYPE axon_http_request_duration_seconds_sum counter');
    for (const [api, v] of this.#durationSum) lines.push(`axon_http_request_duration_seconds_sum{api="${esc(api)}"} ${v}`);
    lines.push('# HELP axon_config_reloads_total Config loads, by result.');
    lines.push('# TYPE axon_config_reloads_total counter');
    lines.push(`axon_config_reloads_total{result="success"} ${this.reloads.success}`);
    lines.push(`axon_config_reloads_total{result="failure"} ${this.reloads.failure}`);
    lines.push('# HELP axon_config_generation The generation number being served.');
    lines.push('# TYPE axon_config_generation gauge');
    lines.push(`axon_config_generation ${generation ?? 0}`);
    return lines.join('\n') + '\n';
  }
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

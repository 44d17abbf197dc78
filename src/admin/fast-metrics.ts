// Admin: counters and histograms for the per-request path. prom-client validates and hashes the
// label object on every observation (about 4% of a pass-through request's CPU); these keep one
// Map entry per label combination, found by joining the label values, and hand prom-client's
// registry the same `get()` shape at scrape time, so /metrics reads exactly as before.

type Values = readonly string[];

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

interface Snapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: MetricValue[];
  aggregator: 'sum';
}

const SEP = '\u0001';

function labelsOf(names: readonly string[], values: Values): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) out[names[i]!] = values[i] ?? '';
  return out;
}

export class FastCounter {
  readonly type = 'counter';
  readonly #entries = new Map<string, { values: Values; n: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  inc(values: Values, by = 1): void {
    const key = values.join(SEP);
    const e = this.#entries.get(key);
    if (e) e.n += by;
    else this.#entries.set(key, { values: [...values], n: by });
  }

  get(): Snapshot {
    const values: MetricValue[] = [];
    for (const e of this.#entries.values()) values.push({ labels: labelsOf(this.labelNames, e.values), value: e.n });
    return { name: this.name, help: this.help, type: 'counter', values, aggregator: 'sum' };
  }

  reset(): void {
    this.#entries.clear();
  }
}

export class FastHistogram {
  readonly type = 'histogram';
  readonly #entries = new Map<string, { values: Values; counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {}

  observe(values: Values, v: number): void {
    const key = values.join(SEP);
    let e = this.#entries.get(key);
    if (!e) {
      e = { values: [...values], counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.#entries.set(key, e);
    }
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    if (i < b.length) e.counts[i]!++;
    e.sum += v;
    e.count++;
  }

  get(): Snapshot {
    const values: MetricValue[] = [];
    for (const e of this.#entries.values()) {
      const labels = labelsOf(this.labelNames, e.values);
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += e.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: this.buckets[i]!, ...labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: e.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: e.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: e.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }

  reset(): void {
    this.#entries.clear();
  }
}

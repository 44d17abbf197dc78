// Admin: counters and histograms for the per-request path. prom-client validates and hashes the
// label object on every observation (about 4% of a pass-through request's CPU); these keep one
// entry per label combination, found through one Map per label, and hand prom-client's
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

/** Label values -> entry, one Map level per label, so finding an entry builds no string. */
class LabelTrie<E> {
  readonly #root = new Map<string, unknown>();
  readonly entries: E[] = [];

  constructor(private readonly depth: number) {}

  find(values: Values, create: (values: Values) => E): E {
    let m = this.#root;
    const last = this.depth - 1;
    for (let i = 0; i < last; i++) {
      const v = values[i] ?? '';
      let next = m.get(v) as Map<string, unknown> | undefined;
      if (!next) {
        next = new Map();
        m.set(v, next);
      }
      m = next;
    }
    const v = values[last] ?? '';
    let e = m.get(v) as E | undefined;
    if (!e) {
      e = create(values);
      m.set(v, e);
      this.entries.push(e);
    }
    return e;
  }

  clear(): void {
    this.#root.clear();
    this.entries.length = 0;
  }
}

function labelsOf(names: readonly string[], values: Values): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) out[names[i]!] = values[i] ?? '';
  return out;
}

const newCount = (values: Values) => ({ values: [...values], n: 0 });

export class FastCounter {
  readonly type = 'counter';
  readonly #entries: LabelTrie<{ values: Values; n: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    this.#entries = new LabelTrie(labelNames.length);
  }

  inc(values: Values, by = 1): void {
    this.#entries.find(values, newCount).n += by;
  }

  get(): Snapshot {
    const values: MetricValue[] = [];
    for (const e of this.#entries.entries) values.push({ labels: labelsOf(this.labelNames, e.values), value: e.n });
    return { name: this.name, help: this.help, type: 'counter', values, aggregator: 'sum' };
  }

  reset(): void {
    this.#entries.clear();
  }
}

export class FastHistogram {
  readonly type = 'histogram';
  readonly #entries: LabelTrie<{ values: Values; counts: number[]; sum: number; count: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    this.#entries = new LabelTrie(labelNames.length);
  }

  readonly #create = (values: Values) => ({ values: [...values], counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 });

  observe(values: Values, v: number): void {
    const e = this.#entries.find(values, this.#create);
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    if (i < b.length) e.counts[i]!++;
    e.sum += v;
    e.count++;
  }

  get(): Snapshot {
    const values: MetricValue[] = [];
    for (const e of this.#entries.entries) {
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

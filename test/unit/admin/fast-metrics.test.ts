// Unit: the per-request counters and histograms render as prom-client's would.

import { expect } from 'chai';
import { Registry } from 'prom-client';
import { FastCounter, FastHistogram } from '../../../src/admin/fast-metrics.js';

describe('admin/fast-metrics', () => {
  it('counts per label combination and renders through a prom-client registry', async () => {
    const r = new Registry();
    const c = new FastCounter('t_requests_total', 'Requests.', ['api', 'code']);
    r.registerMetric(c as unknown as Parameters<Registry['registerMetric']>[0]);
    c.inc(['A', '200']);
    c.inc(['A', '200']);
    c.inc(['B "quoted"', '500'], 3);
    const text = await r.metrics();
    expect(text).to.contain('# TYPE t_requests_total counter');
    expect(text).to.contain('t_requests_total{api="A",code="200"} 2');
    expect(text).to.contain('t_requests_total{api="B \\"quoted\\"",code="500"} 3');
  });

  it('puts an observation equal to a bound into that bucket (le is inclusive) and keeps buckets cumulative', async () => {
    const r = new Registry();
    const h = new FastHistogram('t_seconds', 'Time.', ['api'], [0.1, 1]);
    r.registerMetric(h as unknown as Parameters<Registry['registerMetric']>[0]);
    for (const v of [0.05, 0.1, 0.5, 2]) h.observe(['A'], v);
    const text = await r.metrics();
    expect(text).to.contain('t_seconds_bucket{le="0.1",api="A"} 2');
    expect(text).to.contain('t_seconds_bucket{le="1",api="A"} 3');
    expect(text).to.contain('t_seconds_bucket{le="+Inf",api="A"} 4');
    expect(text).to.contain('t_seconds_sum{api="A"} 2.65');
    expect(text).to.contain('t_seconds_count{api="A"} 4');
  });
});

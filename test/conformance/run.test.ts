// Conformance runner: every folder under fixtures/conformance/<area>/<case>/ holds a config
// (config/*.xml, with {{backend}} standing for the simulator's base URL) and case.json
// (requests, expected status/headers/body, and `source`: the Synapse behaviour it pins).
// fixtures/conformance/expectations.json lists cases known to fail, each with a reason; a case
// in the ledger that passes, or a ledger entry with no case, fails the run (no stale ledger).

import { expect } from 'chai';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend, type Backend } from '../helpers/backend.js';
import { startGateway } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const casesDir = path.join(root, 'fixtures/conformance');

interface Expectation {
  status?: number;
  headers?: Record<string, string | null>;
  json?: unknown;
  body?: string;
  bodyContains?: string[];
  bodyEmpty?: boolean;
}

interface CaseFile {
  source: string;
  description?: string;
  requests: { method?: string; path: string; headers?: Record<string, string>; body?: string; expect: Expectation }[];
}

function listCases(): { id: string; dir: string }[] {
  const out: { id: string; dir: string }[] = [];
  for (const area of readdirSync(casesDir).sort()) {
    const ad = path.join(casesDir, area);
    if (!statSync(ad).isDirectory()) continue;
    for (const c of readdirSync(ad).sort()) {
      const cd = path.join(ad, c);
      if (existsSync(path.join(cd, 'case.json'))) out.push({ id: `${area}/${c}`, dir: cd });
    }
  }
  return out;
}

function readConfig(dir: string, backend: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const f of readdirSync(d)) {
      const full = path.join(d, f);
      if (statSync(full).isDirectory()) walk(full, path.join(rel, f));
      else files[path.join(rel, f)] = readFileSync(full, 'utf8').replace(/\{\{backend\}\}/g, backend);
    }
  };
  walk(path.join(dir, 'config'), '');
  return files;
}

async function runCase(dir: string, backend: Backend): Promise<void> {
  const spec = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseFile;
  expect(spec.source, 'case.json needs a source').to.be.a('string').and.not.equal('');
  const g = await startGateway(readConfig(dir, backend.url));
  try {
    for (const [i, rq] of spec.requests.entries()) {
      const opts: Parameters<typeof request>[1] = { method: rq.method ?? 'GET' };
      if (rq.headers) opts.headers = rq.headers;
      if (rq.body !== undefined) opts.body = rq.body;
      const r = await request(g.url + rq.path, opts);
      const what = `request ${i} ${rq.method ?? 'GET'} ${rq.path}: ${r.status} ${r.text.slice(0, 300)}`;
      const e = rq.expect;
      if (e.status !== undefined) expect(r.status, what).to.equal(e.status);
      for (const [h, v] of Object.entries(e.headers ?? {})) expect(r.headers[h.toLowerCase()] ?? null, `${what} header ${h}`).to.equal(v);
      if (e.json !== undefined) expect(r.json(), what).to.deep.equal(e.json);
      if (e.body !== undefined) expect(r.text, what).to.equal(e.body);
      for (const s of e.bodyContains ?? []) expect(r.text, what).to.contain(s);
      if (e.bodyEmpty) expect(r.body.length, what).to.equal(0);
    }
  } finally {
    await g.stop();
  }
}

describe('conformance cases', function () {
  this.timeout(30_000);
  let backend: Backend;
  before(async () => {
    backend = await startBackend();
  });
  after(async () => {
    await backend?.close();
  });

  const cases = listCases();
  const ledger = JSON.parse(readFileSync(path.join(casesDir, 'expectations.json'), 'utf8')) as Record<string, string>;

  it('has cases, and a ledger naming only existing cases', () => {
    expect(cases.length).to.be.greaterThan(0);
    const ids = new Set(cases.map((c) => c.id));
    for (const id of Object.keys(ledger)) expect(ids.has(id), `ledger entry ${id} has no case`).to.equal(true);
  });

  for (const c of cases) {
    const known = ledger[c.id];
    it(`${c.id}${known ? ` (known to fail: ${known})` : ''}`, async () => {
      let failure: unknown;
      try {
        await runCase(c.dir, backend);
      } catch (e) {
        failure = e;
      }
      if (known) {
        expect(failure, `${c.id} passes now: remove it from expectations.json`).to.not.equal(undefined);
      } else if (failure) {
        throw failure;
      }
    });
  }
});

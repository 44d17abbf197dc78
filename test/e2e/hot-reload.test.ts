// End-to-end: edit, break, fix, add and delete config files under a steady stream of requests.
// The gateway swaps whole generations: no request fails, a broken file never replaces a working
// config (its errors show on /admin/config), and each good change is live within a second.

import { expect } from 'chai';
import http from 'node:http';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { Gateway } from '../../src/gateway.js';
import { createMemoryLogger } from '../../src/runtime/logger.js';
import { request } from '../helpers/client.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';
const versioned = (v: number) =>
  `<api ${NS} name="V" context="/v"><resource methods="GET" url-mapping="/*"><inSequence>` +
  `<payloadFactory media-type="json"><format>{"v":${v}}</format><args/></payloadFactory><respond/></inSequence></resource></api>`;
const other = `<api ${NS} name="Other" context="/other"><resource methods="GET" url-mapping="/*"><inSequence>` +
  `<payloadFactory media-type="json"><format>{"other":true}</format><args/></payloadFactory><respond/></inSequence></resource></api>`;

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<{ value: T; after: number }> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (ok(v)) return { value: v, after: Date.now() - t0 };
    if (Date.now() - t0 > ms) throw new Error(`${what}: not seen within ${ms} ms (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('e2e: hot reload', function () {
  this.timeout(30_000);
  let gw: Gateway;
  let dir: string;
  let base: string;
  let admin: string;
  let stop = false;
  const failures: string[] = [];
  let sent = 0;
  let load: Promise<void>;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'axon-reload-'));
    await writeFile(path.join(dir, 'v.xml'), versioned(1));
    gw = new Gateway({ configDir: dir, httpPort: 0, adminPort: 0, host: '127.0.0.1', logger: createMemoryLogger('warn'), watchDebounceMs: 50 });
    const r = await gw.start();
    if ('diagnostics' in r) throw new Error('did not start');
    base = `http://127.0.0.1:${r.http.port}`;
    admin = `http://127.0.0.1:${r.admin.port}`;
    // a steady stream (about 200 requests/s over keep-alive) for the whole test, bounded by `stop`
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    load = (async () => {
      while (!stop) {
        const batch = [0, 1, 2, 3].map(() =>
          request(`${base}/v/x`, { agent }).then(
            (res) => {
              sent++;
              if (res.status !== 200 || typeof res.json().v !== 'number') failures.push(`${res.status} ${res.text}`);
            },
            (e: Error) => failures.push(e.message),
          ),
        );
        await Promise.all(batch);
        await new Promise((r) => setTimeout(r, 20));
      }
      agent.destroy();
    })();
  });

  after(async () => {
    stop = true;
    await load;
    await gw?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const v = async () => (await request(`${base}/v/x`)).json().v as number;
  const config = async () => (await request(`${admin}/admin/config`)).json();

  it('makes an edited file live within a second', async () => {
    await writeFile(path.join(dir, 'v.xml'), versioned(2));
    const { after } = await until('v2', v, (x) => x === 2);
    expect(after).to.be.lessThan(1000);
  });

  it('keeps serving the last good config when a file breaks, and reports where', async () => {
    const gen = (await config()).generation;
    await writeFile(path.join(dir, 'v.xml'), versioned(3).slice(0, 60));
    const { value } = await until('errors', config, (c) => c.errors.length > 0);
    expect(value.generation).to.equal(gen);
    expect(value.errors[0]).to.include({ file: 'v.xml', code: 'AXON_CFG_XML_SYNTAX' });
    expect(value.errors[0].line).to.be.a('number');
    expect(await v()).to.equal(2);
    expect((await request(`${admin}/health/ready`)).status).to.equal(200);
  });

  it('clears the errors with the next good change', async () => {
    await writeFile(path.join(dir, 'v.xml'), versioned(4));
    await until('v4', v, (x) => x === 4);
    expect((await config()).errors).to.deep.equal([]);
  });

  it('picks up added, renamed (editor-style) and deleted files', async () => {
    await writeFile(path.join(dir, 'other.xml.tmp'), other);
    await rename(path.join(dir, 'other.xml.tmp'), path.join(dir, 'other.xml'));
    await until('other added', async () => (await request(`${base}/other/x`)).status, (s) => s === 200);
    await rm(path.join(dir, 'other.xml'));
    await until('other removed', async () => (await request(`${base}/other/x`)).status, (s) => s === 404);
  });

  it('took a burst of changes as one final state, and failed no request', async () => {
    for (let i = 10; i < 20; i++) await writeFile(path.join(dir, 'v.xml'), versioned(i));
    await until('v19', v, (x) => x === 19);
    stop = true;
    await load;
    expect(sent).to.be.greaterThan(50);
    expect(failures).to.deep.equal([]);
  });
});

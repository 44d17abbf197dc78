// End-to-end: `axon serve --workers 2` shares the listeners between two processes, both serve,
// both reload a changed file, and SIGTERM stops them cleanly.

import { expect } from 'chai';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeConfig } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';
import { serveCli } from '../helpers/cli.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';
const api = (v: number) =>
  `<api ${NS} name="V" context="/v"><resource methods="GET" url-mapping="/*"><inSequence>` +
  `<payloadFactory media-type="json"><format>{"v":${v}}</format><args/></payloadFactory><respond/></inSequence></resource></api>`;

describe('e2e: --workers 2', function () {
  this.timeout(30_000);

  it('serves from two processes, reloads in both, and stops on SIGTERM', async () => {
    const dir = await writeConfig({ 'v.xml': api(1) });
    const s = await serveCli(['--config', dir, '--workers', '2']);
    const ports = { http: s.ports.http!, admin: s.ports.admin! };
    try {
      // both workers answer (the cluster hands connections out in turn)
      const pids = new Set<number>();
      for (let i = 0; i < 40 && pids.size < 2; i++) {
        pids.add((await request(`http://127.0.0.1:${ports.admin}/health/live`)).json().pid);
        await new Promise((r) => setTimeout(r, 50)); // let the other worker be listening too
      }
      expect(pids.size).to.equal(2);
      expect((await request(`http://127.0.0.1:${ports.http}/v/x`)).json()).to.deep.equal({ v: 1 });
      writeFileSync(path.join(dir, 'v.xml'), api(2));
      // every worker picks the change up: 20 answers in a row show the new version
      const t0 = Date.now();
      let streak = 0;
      while (streak < 20) {
        if (Date.now() - t0 > 5000) throw new Error('not every worker reloaded');
        const v = (await request(`http://127.0.0.1:${ports.http}/v/x`)).json().v;
        streak = v === 2 ? streak + 1 : 0;
      }
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).to.equal(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

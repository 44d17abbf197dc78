// End-to-end: a Kubernetes ConfigMap volume update. kubelet writes the new files into a fresh
// "..<timestamp>" folder, points a temporary link at it, renames the link over "..data" and
// removes the old folder; the visible files are links through "..data". Axon must reload once.

import { expect } from 'chai';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Gateway } from '../../src/gateway.js';
import { createMemoryLogger } from '../../src/runtime/logger.js';
import { request } from '../helpers/client.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';
const api = (v: number) =>
  `<api ${NS} name="V" context="/v"><resource methods="GET" url-mapping="/*"><inSequence>` +
  `<payloadFactory media-type="json"><format>{"v":${v}}</format><args/></payloadFactory><respond/></inSequence></resource></api>`;

describe('e2e: ConfigMap-style reload', function () {
  this.timeout(20_000);

  it('reloads when the ..data link is swapped', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axon-cm-'));
    await mkdir(path.join(dir, '..2026_1'));
    await writeFile(path.join(dir, '..2026_1', 'v.xml'), api(1));
    await symlink('..2026_1', path.join(dir, '..data'));
    await symlink(path.join('..data', 'v.xml'), path.join(dir, 'v.xml'));
    const gw = new Gateway({ configDir: dir, httpPort: 0, adminPort: 0, host: '127.0.0.1', logger: createMemoryLogger('warn'), watchDebounceMs: 50 });
    const r = await gw.start();
    if ('diagnostics' in r) throw new Error(JSON.stringify(r.diagnostics));
    const base = `http://127.0.0.1:${r.http.port}`;
    try {
      expect((await request(`${base}/v/x`)).json()).to.deep.equal({ v: 1 });
      const gen = gw.current!.id;
      // kubelet's atomic update
      await mkdir(path.join(dir, '..2026_2'));
      await writeFile(path.join(dir, '..2026_2', 'v.xml'), api(2));
      await symlink('..2026_2', path.join(dir, '..data_tmp'));
      await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
      await rm(path.join(dir, '..2026_1'), { recursive: true });
      const t0 = Date.now();
      while ((await request(`${base}/v/x`)).json().v !== 2) {
        if (Date.now() - t0 > 3000) throw new Error('the ConfigMap update was not picked up');
        await new Promise((res) => setTimeout(res, 20));
      }
      await new Promise((res) => setTimeout(res, 400));
      expect(gw.current!.id).to.equal(gen + 1);
      expect(gw.lastErrors).to.deep.equal([]);
    } finally {
      await gw.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

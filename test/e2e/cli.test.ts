// End-to-end: the `axon` command line (CONTRACT.md): validate's output and exit codes, and
// `serve` on the bundled example config, answering real requests, stopping on SIGTERM.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeConfig } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';
import { serveCli } from '../helpers/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const cli = path.join(root, 'build/src/cli.js');
const NS = 'xmlns="http://ws.apache.org/ns/synapse"';

describe('e2e: axon command line', function () {
  this.timeout(30_000);

  it('validate exits 0 on the bundled example config', () => {
    const r = spawnSync(process.execPath, [cli, 'validate', '--config', path.join(root, 'sequences')], { encoding: 'utf8' });
    expect(r.stderr).to.equal('');
    expect(r.status, r.stdout).to.equal(0);
    expect(r.stdout).to.match(/^ok: \d+ APIs/m);
  });

  it('validate reports every problem as FILE:LINE:COL CODE message and exits 1', async () => {
    const dir = await writeConfig({
      'api/a.xml': `<api ${NS} name="A" context="/a">\n  <resource methods="GET" url-mapping="/x">\n    <inSequence>\n      <frobnicate/>\n      <sequence key="missing"/>\n    </inSequence>\n  </resource>\n</api>`,
      'api/b.xml': `<api ${NS} name="B" context="/b">\n  <resource methods="GETT">\n    <inSequence><property name="x" expression="get-property("/></inSequence>\n  </resource>\n</api>`,
      'api/c.xml': `<api ${NS} name="C" context="/c"><resource>\n<inSequence></api>`,
      'sequences/s.xml': `<sequence ${NS} name="s">\n  <switch source="$ctx:x"><case regex="(?&lt;!a)b"/></switch>\n</sequence>`,
    });
    const r = spawnSync(process.execPath, [cli, 'validate', '--config', dir], { encoding: 'utf8' });
    expect(r.status).to.equal(1);
    const lines = r.stdout.trim().split('\n');
    const rel = (f: string) => path.join(dir, f);
    expect(lines).to.include.members([`${rel('api/a.xml')}:4:7 AXON_CFG_UNKNOWN_ELEMENT <frobnicate> is not a known mediator`]);
    expect(r.stdout).to.match(new RegExp(`${rel('api/b.xml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+ AXON_CFG_BAD_VALUE "GETT"`));
    expect(r.stdout).to.match(/b\.xml:3:\d+ AXON_EXPR_PARSE/);
    expect(r.stdout).to.match(/c\.xml:\d+:\d+ AXON_CFG_XML_SYNTAX/);
    for (const l of lines) expect(l).to.match(/^\S+:\d+:\d+ AXON_[A-Z_]+ /);
  });

  it('serve starts on the bundled example, answers its APIs, and stops on SIGTERM', async () => {
    const s = await serveCli(['--config', path.join(root, 'sequences')]);
    const ports = { http: s.ports.http!, admin: s.ports.admin! };
    try {
      const live = await request(`http://127.0.0.1:${ports.admin}/health/live`);
      expect(live.status).to.equal(200);
      const ready = await request(`http://127.0.0.1:${ports.admin}/health/ready`);
      expect(ready.status).to.equal(200);
      const cfg = (await request(`http://127.0.0.1:${ports.admin}/admin/config`)).json();
      expect(cfg.generation).to.be.a('number');
      expect(cfg.artifacts.map((a: { name: string }) => a.name)).to.include.members(['RoomsAPI', 'DemoBackend', 'rooms-dynamic-endpoint', 'EchoBackend']);
      expect(cfg.errors).to.deep.equal([]);
      // the demo backend itself (served by Axon)
      const direct = await request(`http://127.0.0.1:${ports.http}/demo-backend/rooms?room=7`);
      expect(direct.status).to.equal(200);
      expect(direct.json()).to.deep.equal({ room: '7', status: 'available', servedBy: 'demo-backend' });
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).to.equal(0);
  });
});

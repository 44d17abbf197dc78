// End-to-end: HTTPS on the listener and towards backends with a test CA (deployment.toml), and
// SIGTERM draining requests in flight without losing any.

import { expect } from 'chai';
import https from 'node:https';
import http from 'node:http';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { writeConfig } from '../helpers/gateway.js';
import { startBackend, type Backend } from '../helpers/backend.js';
import { request } from '../helpers/client.js';
import { makeTestPki, type TestPki } from '../helpers/tls.js';
import { serveCli } from '../helpers/cli.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';

function serve(dir: string, extra: string[] = [], env: Record<string, string> = {}) {
  return serveCli(['--config', dir, '--https-port', '0', '--no-watch', ...extra], env);
}

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('e2e: TLS in and out, and SIGTERM drain', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let tlsBackend: https.Server;
  let tlsBackendPort: number;
  let backend: Backend;

  before(async () => {
    pki = makeTestPki();
    tlsBackend = https.createServer({ cert: pki.cert, key: pki.key }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ secure: true, url: req.url }));
    });
    await new Promise<void>((r) => tlsBackend.listen(0, '127.0.0.1', r));
    tlsBackendPort = (tlsBackend.address() as AddressInfo).port;
    backend = await startBackend();
  });

  after(async () => {
    tlsBackend?.close();
    await backend?.close();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate and calls an HTTPS backend trusted through the truststore', async () => {
    const dir = await writeConfig({
      'api.xml': `<api ${NS} name="S" context="/s"><resource url-mapping="/*"><inSequence><send><endpoint><address uri="https://127.0.0.1:${tlsBackendPort}/b"/></endpoint></send></inSequence></resource></api>`,
      'deployment.toml': `[transport.https]\nlistener.certificate = "${pki.certFile}"\nlistener.private_key = "${pki.keyFile}"\n[truststore]\nfile_name = "${pki.caFile}"\n`,
    });
    const s = await serve(dir);
    try {
      expect(s.ports.https).to.be.a('number');
      const r = await httpsGet(`https://127.0.0.1:${s.ports.https}/s/x`, pki.ca);
      expect(r.status).to.equal(200);
      expect(JSON.parse(r.body)).to.deep.equal({ secure: true, url: '/b/x' });
      const plain = await request(`http://127.0.0.1:${s.ports.http}/s/y`);
      expect(plain.json()).to.deep.equal({ secure: true, url: '/b/y' });
    } finally {
      s.child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the same TLS settings from flags and AXON_* variables', async () => {
    const dir = await writeConfig({
      'api.xml': `<api ${NS} name="S" context="/s"><resource url-mapping="/*"><inSequence><send><endpoint><address uri="https://localhost:${tlsBackendPort}/b"/></endpoint></send></inSequence></resource></api>`,
    });
    const s = await serve(dir, ['--tls-cert', pki.certFile, '--tls-key', pki.keyFile], { AXON_TRUST_CA: pki.caFile, AXON_HOSTNAME_VERIFIER: 'Strict' });
    try {
      const r = await httpsGet(`https://localhost:${s.ports.https}/s/x`, pki.ca);
      expect(JSON.parse(r.body)).to.deep.equal({ secure: true, url: '/b/x' });
    } finally {
      s.child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a backend certificate it does not trust (ERROR_CODE 101503)', async () => {
    const dir = await writeConfig({
      'api.xml': `<api ${NS} name="S" context="/s"><resource url-mapping="/*"><inSequence><send><endpoint><address uri="https://127.0.0.1:${tlsBackendPort}/b"/></endpoint></send></inSequence></resource></api>`,
    });
    const s = await serve(dir);
    try {
      const r = await request(`http://127.0.0.1:${s.ports.http}/s/x`);
      expect(r.status).to.equal(502);
      expect(r.json().code).to.equal(101503);
    } finally {
      s.child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drains on SIGTERM: readiness 503, requests in flight finish, exit 0', async () => {
    const dir = await writeConfig({
      'api.xml': `<api ${NS} name="Slow" context="/slow"><resource url-mapping="/*"><inSequence><send><endpoint><address uri="${backend.url}/sleep/700"/></endpoint></send></inSequence></resource></api>`,
    });
    const s = await serve(dir);
    const agent = new http.Agent({ keepAlive: false });
    const inFlight = [1, 2, 3, 4, 5].map(() => request(`http://127.0.0.1:${s.ports.http}/slow`, { agent }));
    await new Promise((r) => setTimeout(r, 200));
    s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const ready = await request(`http://127.0.0.1:${s.ports.admin}/health/ready`).catch(() => undefined);
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(ready?.status).to.equal(503);
    expect(await s.exited).to.equal(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

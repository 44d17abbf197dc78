// Test helper: a throw-away CA and a server certificate for 127.0.0.1/localhost, made with the
// openssl command line (present on this machine and in CI).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  certFile: string;
  keyFile: string;
  caFile: string;
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'axon-pki-'));
  const f = (n: string) => path.join(dir, n);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Axon Test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf')]);
  return {
    dir,
    ca: readFileSync(f('ca.pem')),
    cert: readFileSync(f('server.pem')),
    key: readFileSync(f('server.key')),
    certFile: f('server.pem'),
    keyFile: f('server.key'),
    caFile: f('ca.pem'),
  };
}

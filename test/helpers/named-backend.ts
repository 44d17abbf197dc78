// Test helper: a small loopback backend that says who it is, for endpoint-group tests. It
// answers JSON {backend, sha256, size, path}; optionally hands out a session cookie; /slow/MS
// answers late. kill() drops the listener and every open connection; revive() listens again
// on the same port.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface NamedBackend {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** Requests answered since start. */
  hits: number;
  kill(): Promise<void>;
  revive(): Promise<void>;
  close(): Promise<void>;
}

export async function startNamedBackend(name: string, opts: { cookie?: string } = {}): Promise<NamedBackend> {
  const sockets = new Set<Socket>();
  let issued = 0;
  const state = { hits: 0 };
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (c: Buffer) => {
      hash.update(c);
      size += c.length;
    });
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const answer = (): void => {
        state.hits++;
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-backend': name };
        if (opts.cookie && !(req.headers.cookie ?? '').includes(`${opts.cookie}=`)) {
          headers['set-cookie'] = `${opts.cookie}=${name}-${++issued}; Path=/`;
        }
        res.writeHead(200, headers);
        res.end(JSON.stringify({ backend: name, sha256: hash.digest('hex'), size, path, cookie: req.headers.cookie ?? null }));
      };
      const slow = /^\/slow\/(\d+)$/.exec(path);
      if (slow) setTimeout(answer, Number(slow[1]));
      else answer();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  const kill = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return state.hits;
    },
    set hits(v: number) {
      state.hits = v;
    },
    kill,
    async revive() {
      if (listening) return;
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      listening = true;
    },
    close: kill,
  };
}

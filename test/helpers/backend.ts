// Test helper: a loopback backend simulator. Behaviour by path:
//   /echo            echoes the body with the request's content-type
//   /inspect         answers JSON describing the request (method, url, headers, body length)
//   /sha256          answers the SHA-256 of the request body
//   /status/NNN      answers with that status and a small JSON body
//   /sleep/MS        answers after MS milliseconds
//   /close           destroys the connection without answering
//   /big/N           answers N bytes of a repeating pattern
//   /services/...    a SOAP 1.1 stock-quote service: answers getQuoteResponse for the symbol sent
// Every request is recorded in `requests`.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Backend {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startBackend(): Promise<Backend> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (path === '/sha256' || path === '/echo') {
      // stream-hash without holding big bodies twice
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        size += c.length;
        if (path === '/echo') chunks.push(c);
      });
      req.on('end', () => {
        requests.push({ method: req.method!, url, headers: req.headers, body: path === '/echo' ? Buffer.concat(chunks) : Buffer.alloc(0) });
        if (path === '/sha256') {
          const b = JSON.stringify({ sha256: hash.digest('hex'), size });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(b);
        } else {
          res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', 'x-backend': 'echo' });
          res.end(Buffer.concat(chunks));
        }
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method!, url, headers: req.headers, body });
      let m: RegExpMatchArray | null;
      if (path === '/inspect' || path.startsWith('/inspect/')) {
        const b = JSON.stringify({ method: req.method, url, headers: req.headers, bodyLength: body.length, body: body.toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json', 'x-backend': 'inspect' });
        res.end(b);
      } else if ((m = path.match(/^\/status\/(\d{3})$/))) {
        res.writeHead(Number(m[1]), { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: Number(m[1]) }));
      } else if ((m = path.match(/^\/sleep\/(\d+)$/))) {
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ slept: Number(m![1]) }));
        }, Number(m[1]));
      } else if (path === '/close') {
        req.socket.destroy();
      } else if (path.startsWith('/services/')) {
        const symbol = /<(?:\w+:)?symbol>([^<]*)</.exec(body.toString('utf8'))?.[1] ?? 'UNKNOWN';
        const env =
          '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
          '<ns:getQuoteResponse xmlns:ns="http://services.samples"><ns:return>' +
          `<ns:symbol>${symbol}</ns:symbol><ns:last>99.5</ns:last><ns:lastTradeTimestamp>Mon Nov 23 08:00:00 UTC 2026</ns:lastTradeTimestamp>` +
          '</ns:return></ns:getQuoteResponse></soapenv:Body></soapenv:Envelope>';
        res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' });
        res.end(env);
      } else if ((m = path.match(/^\/big\/(\d+)$/))) {
        const n = Number(m[1]);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(n) });
        const chunk = Buffer.alloc(64 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789');
        let left = n;
        const write = () => {
          while (left > 0) {
            const c = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= c.length;
            if (!res.write(c)) return res.once('drain', write);
          }
          res.end();
        };
        write();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path, method: req.method }));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port with nothing listening on it (bound, then closed). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

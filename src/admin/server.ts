// Admin port: health, readiness, the loaded configuration and its last errors, metrics
// (CONTRACT.md "Admin port").

import http from 'node:http';
import type { Gateway } from '../gateway.js';

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const b = Buffer.from(JSON.stringify(body, null, 2));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(b.length) });
  res.end(b);
}

export function createAdminServer(gw: Gateway): http.Server {
  return http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    req.resume();
    if (method === 'GET' && url === '/health/live') return json(res, 200, { status: 'live', pid: process.pid });
    if (method === 'GET' && url === '/health/ready') {
      const g = gw.current;
      if (gw.draining) return json(res, 503, { status: 'draining', inFlight: gw.inFlight });
      return g
        ? json(res, 200, { status: 'ready', generation: g.id, errors: gw.lastErrors.length })
        : json(res, 503, { status: 'not ready', errors: gw.lastErrors });
    }
    if (method === 'GET' && url === '/admin/config') {
      const g = gw.current;
      const artifacts: { kind: string; name: string; file: string }[] = [];
      if (g) {
        for (const a of g.set.apis) artifacts.push({ kind: 'api', name: a.name, file: a.file });
        for (const s of g.set.sequences) artifacts.push({ kind: 'sequence', name: s.name, file: s.file });
        for (const e of g.set.endpoints) if (e.name !== undefined) artifacts.push({ kind: 'endpoint', name: e.name, file: e.file });
        for (const l of g.set.localEntries) artifacts.push({ kind: 'localEntry', name: l.key, file: l.file });
        for (const t of g.set.templates) artifacts.push({ kind: 'template', name: t.name, file: t.file });
        for (const t of g.set.endpointTemplates) artifacts.push({ kind: 'template', name: t.name, file: t.file });
        for (const s of g.set.services) artifacts.push({ kind: 'service', name: s.key, file: s.file });
      }
      return json(res, 200, {
        generation: g?.id ?? null,
        loadedAt: g?.loadedAt.toISOString() ?? null,
        configDir: gw.options.configDir,
        artifacts,
        errors: gw.lastErrors.map((d) => ({ code: d.code, file: d.file, line: d.line, col: d.col, message: d.message })),
      });
    }
    if (method === 'GET' && url === '/admin/endpoints') {
      const g = gw.current;
      return json(res, 200, { generation: g?.id ?? null, now: Date.now(), endpoints: g?.endpointViews() ?? [] });
    }
    const sw = method === 'POST' && url ? /^\/admin\/endpoints\/([^/]+)\/(activate|deactivate)$/.exec(url) : null;
    if (sw) {
      let name: string;
      try {
        name = decodeURIComponent(sw[1]!);
      } catch {
        return json(res, 400, { error: 'the endpoint name is not valid percent-encoding' });
      }
      const ep = gw.current?.endpoints.get(name);
      if (!ep) return json(res, 404, { error: `no endpoint named "${name}"` });
      ep.setActive(sw[2] === 'activate');
      gw.logger.log('info', `endpoint ${sw[2]}d by the admin port`, { endpoint: name });
      return json(res, 200, ep.view());
    }
    if (method === 'GET' && url === '/metrics') {
      gw.metrics.render().then(
        (text) => {
          const b = Buffer.from(text);
          res.writeHead(200, { 'Content-Type': gw.metrics.contentType, 'Content-Length': String(b.length) });
          res.end(b);
        },
        (e: unknown) => json(res, 500, { error: String(e) }),
      );
      return;
    }
    if (method === 'POST' && url === '/admin/reload') {
      gw.reload().then(
        (r) => json(res, r.generation ? 200 : 422, { generation: gw.current?.id ?? null, errors: r.diagnostics.filter((d) => d.severity === 'error') }),
        (e: unknown) => json(res, 500, { error: String(e) }),
      );
      return;
    }
    json(res, 404, { error: `no admin resource ${method} ${url}` });
  });
}

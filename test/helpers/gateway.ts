// Test helper: write a config folder from strings and run a Gateway on port 0 in-process.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Gateway } from '../../src/gateway.js';
import { createMemoryLogger } from '../../src/runtime/logger.js';

export interface RunningGateway {
  gw: Gateway;
  url: string;
  adminUrl: string;
  dir: string;
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function writeConfig(files: Record<string, string>, dir?: string): Promise<string> {
  const d = dir ?? (await mkdtemp(path.join(os.tmpdir(), 'axon-test-')));
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(d, name);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, text);
  }
  return d;
}

export async function startGateway(
  files: Record<string, string>,
  opts: {
    globalTimeoutMs?: number;
    watch?: boolean;
    affinitySecret?: Buffer;
    dir?: string;
    scriptLimits?: { timeoutMs: number; memoryMb: number };
    maxBodyBytes?: number;
  } = {},
): Promise<RunningGateway> {
  const dir = await writeConfig(files, opts.dir);
  const logger = createMemoryLogger('debug');
  const gw = new Gateway({
    configDir: dir,
    httpPort: 0,
    adminPort: 0,
    host: '127.0.0.1',
    logger,
    globalTimeoutMs: opts.globalTimeoutMs ?? 10_000,
    watch: opts.watch ?? false,
    ...(opts.affinitySecret ? { affinitySecret: opts.affinitySecret } : {}),
    ...(opts.scriptLimits ? { scriptLimits: opts.scriptLimits } : {}),
    ...(opts.maxBodyBytes ? { limits: { maxBodyBytes: opts.maxBodyBytes } } : {}),
  });
  const r = await gw.start();
  if ('diagnostics' in r) {
    await gw.stop();
    throw new Error('config did not load:\n' + r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  }
  return {
    gw,
    url: `http://127.0.0.1:${r.http.port}`,
    adminUrl: `http://127.0.0.1:${r.admin.port}`,
    dir,
    logs: logger.records,
    async stop() {
      await gw.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Wrap mediators in a one-resource API at `context` (default: all methods, url-mapping /*). */
export function api(name: string, context: string, inSequence: string, extra = ''): string {
  return `<api xmlns="http://ws.apache.org/ns/synapse" name="${name}" context="${context}">
  <resource url-mapping="/*"${extra}>
    <inSequence>${inSequence}</inSequence>
  </resource>
</api>`;
}

// Test helper: run `axon serve` as a child process and wait for its "listening" lines.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(ROOT, 'build/src/cli.js');

export interface ServingCli {
  child: ChildProcess;
  /** Ports by listener name: http, https, admin. */
  ports: Record<string, number>;
  exited: Promise<number | null>;
  output(): string;
}

/** Start `axon serve ARGS` (ports 0 on 127.0.0.1 unless ARGS say otherwise). */
export function serveCli(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<ServingCli> {
  const child = spawn(process.execPath, ['--no-node-snapshot', CLI, 'serve', '--http-port', '0', '--admin-port', '0', '--host', '127.0.0.1', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not listening: ${out}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const ports: Record<string, number> = {};
      for (const m of out.matchAll(/^listening (\w+) 127\.0\.0\.1:(\d+)$/gm)) ports[m[1]!] = Number(m[2]);
      if (ports.http && ports.admin) {
        clearTimeout(t);
        resolve({ child, ports, exited, output: () => out });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

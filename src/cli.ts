#!/usr/bin/env node
// Command line (CONTRACT.md): `axon serve` and `axon validate`. Flags win over AXON_* environment
// variables, which win over defaults. Exit codes: 0 ok, 1 config problems, 2 usage error.

import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { readFile } from 'node:fs/promises';
import { DeploymentError, loadDeployment, type DeploymentSettings } from './config/deployment.js';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { formatDiagnostic } from './config/diagnostics.js';
import { Gateway, loadGeneration } from './gateway.js';
import { createLogger, isLogLevel, type Logger, type LogLevel } from './runtime/logger.js';
import { DEFAULT_LIMITS } from './runtime/payload.js';
import { createHttpSender } from './transport/http/sender.js';

const USAGE = `usage:
  axon serve    [--config DIR] [--http-port N] [--https-port N] [--admin-port N]
                [--host ADDR] [--deployment FILE] [--workers N] [--log-level L]
                [--max-body-bytes N] [--global-timeout MS] [--drain-timeout MS] [--no-watch]
                [--script-timeout-ms MS] [--script-memory-mb MB] [--affinity-secret-file FILE]
  axon validate [--config DIR]

Every flag can also be set as an environment variable AXON_<NAME> (for example AXON_HTTP_PORT).`;

const OPTIONS = {
  config: { type: 'string' },
  'http-port': { type: 'string' },
  'https-port': { type: 'string' },
  'admin-port': { type: 'string' },
  host: { type: 'string' },
  deployment: { type: 'string' },
  workers: { type: 'string' },
  'log-level': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'global-timeout': { type: 'string' },
  'script-timeout-ms': { type: 'string' },
  'script-memory-mb': { type: 'string' },
  'no-watch': { type: 'boolean' },
  'drain-timeout': { type: 'string' },
  'max-header-size': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'socket-timeout': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'trust-ca': { type: 'string' },
  'hostname-verifier': { type: 'string' },
  'client-cert': { type: 'string' },
  'client-key': { type: 'string' },
  'affinity-secret-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flag = keyof typeof OPTIONS;

function usage(msg?: string): never {
  if (msg) process.stderr.write(`axon: ${msg}\n`);
  process.stderr.write(USAGE + '\n');
  process.exit(2);
}

function setting(values: Partial<Record<Flag, string | boolean>>, name: Flag): string | undefined {
  const v = values[name];
  if (typeof v === 'string') return v;
  const env = process.env[`AXON_${name.toUpperCase().replace(/-/g, '_')}`];
  return env === '' ? undefined : env;
}

function positive(values: Partial<Record<Flag, string | boolean>>, name: Flag, fallback: number): number {
  const v = setting(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) usage(`--${name} must be a positive integer, not "${v}"`);
  return n;
}

function port(values: Partial<Record<Flag, string | boolean>>, name: Flag, fallback: number): number {
  const v = setting(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) usage(`--${name} must be a port number (0-65535), not "${v}"`);
  return n;
}

/** <script> limits: flags and AXON_SCRIPT_* win over [script] in deployment.toml (defaults 1000 ms, 32 MB). */
function scriptLimits(values: Partial<Record<Flag, string | boolean>>, dep: DeploymentSettings): { timeoutMs: number; memoryMb: number } {
  const timeoutMs = positive(values, 'script-timeout-ms', dep.scriptTimeoutMs ?? 1000);
  const memoryMb = positive(values, 'script-memory-mb', dep.scriptMemoryMb ?? 32);
  if (memoryMb < 8) usage('--script-memory-mb must be at least 8');
  return { timeoutMs, memoryMb };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') usage();
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (e) {
    usage((e as Error).message);
  }
  const values = parsed.values as Partial<Record<Flag, string | boolean>>;
  if (values.help) usage();
  const configDir = path.resolve(setting(values, 'config') ?? './sequences');
  const levelRaw = setting(values, 'log-level') ?? 'info';
  if (!isLogLevel(levelRaw)) usage(`--log-level must be one of trace, debug, info, warn, error, fatal, silent`);
  const logger = createLogger(levelRaw as LogLevel);

  if (command === 'validate') {
    const sender = createHttpSender();
    const r = await loadGeneration(configDir, { sender, logger, limits: DEFAULT_LIMITS, globalTimeoutMs: 120_000, now: Date.now });
    await sender.close();
    for (const d of r.diagnostics) process.stdout.write(formatDiagnostic({ ...d, file: path.join(configDir, d.file) }) + '\n');
    if (!r.generation) process.exit(1);
    const g = r.generation;
    process.stdout.write(
      `ok: ${g.apis.size} APIs, ${g.sequences.size} sequences, ${g.endpoints.size} endpoints, ${g.localEntries.size} local entries, ` +
        `${g.set.templates.length + g.set.endpointTemplates.length} templates, ${g.set.services.length} catalog services\n`,
    );
    return;
  }
  if (command !== 'serve') usage(`unknown command "${command}"`);

  const deploymentFile = setting(values, 'deployment') ?? (existsSync(path.join(configDir, 'deployment.toml')) ? path.join(configDir, 'deployment.toml') : undefined);
  let dep: DeploymentSettings = {};
  if (deploymentFile !== undefined) {
    try {
      dep = await loadDeployment(path.resolve(deploymentFile));
    } catch (e) {
      process.stderr.write(`axon: ${e instanceof DeploymentError ? e.message : `cannot read ${deploymentFile}: ${(e as Error).message}`}\n`);
      process.exit(1);
    }
  }
  // flags and AXON_* variables win over deployment.toml
  const fileSetting = (name: Flag, fromFile: string | undefined) => {
    const v = setting(values, name);
    return v !== undefined ? path.resolve(v) : fromFile;
  };
  dep.tlsCertFile = fileSetting('tls-cert', dep.tlsCertFile);
  dep.tlsKeyFile = fileSetting('tls-key', dep.tlsKeyFile);
  dep.clientCertFile = fileSetting('client-cert', dep.clientCertFile);
  dep.clientKeyFile = fileSetting('client-key', dep.clientKeyFile);
  const trust = setting(values, 'trust-ca');
  if (trust !== undefined) dep.trustedCaFiles = trust.split(',').filter(Boolean).map((f) => path.resolve(f));
  const hv = setting(values, 'hostname-verifier');
  if (hv !== undefined) {
    if (hv !== 'Strict' && hv !== 'AllowAll' && hv !== 'DefaultAndLocalhost') usage('--hostname-verifier must be Strict, AllowAll or DefaultAndLocalhost');
    dep.hostnameVerifier = hv;
  }
  if ((dep.tlsCertFile === undefined) !== (dep.tlsKeyFile === undefined)) usage('HTTPS needs both a certificate and a key (--tls-cert and --tls-key)');
  const workersRaw = setting(values, 'workers') ?? (dep.workers !== undefined ? String(dep.workers) : '1');
  const workers = workersRaw === 'auto' ? os.availableParallelism() : Number(workersRaw);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) usage(`--workers must be a number from 1 to 64 or "auto", not "${workersRaw}"`);
  dep.affinitySecretFile = fileSetting('affinity-secret-file', dep.affinitySecretFile);
  if (workers > 1 && cluster.isPrimary) {
    // workers must sign affinity cookies alike: without a configured secret they share one random key
    if (dep.affinitySecretFile === undefined && !process.env.AXON_AFFINITY_SECRET) process.env.AXON_AFFINITY_SECRET = randomBytes(32).toString('hex');
    runPrimary(workers, logger);
    return;
  }
  if (dep.logLevel && setting(values, 'log-level') === undefined) logger.level = dep.logLevel;
  const readPem = async (file: string | undefined): Promise<Buffer | undefined> => {
    if (file === undefined) return undefined;
    try {
      return await readFile(file);
    } catch (e) {
      process.stderr.write(`axon: cannot read ${file}: ${(e as Error).message}\n`);
      process.exit(1);
    }
  };
  const cert = await readPem(dep.tlsCertFile);
  const key = await readPem(dep.tlsKeyFile);
  const ca = dep.trustedCaFiles ? await Promise.all(dep.trustedCaFiles.map(async (f) => (await readPem(f))!)) : undefined;
  const clientCert = await readPem(dep.clientCertFile);
  const clientKey = await readPem(dep.clientKeyFile);
  const secretFile = await readPem(dep.affinitySecretFile);
  const affinitySecret = secretFile ?? (process.env.AXON_AFFINITY_SECRET ? Buffer.from(process.env.AXON_AFFINITY_SECRET, 'utf8') : undefined);

  const gw = new Gateway({
    configDir,
    httpPort: port(values, 'http-port', dep.httpPort ?? 8280),
    httpsPort: port(values, 'https-port', dep.httpsPort ?? 8243),
    adminPort: port(values, 'admin-port', dep.adminPort ?? 9164),
    host: setting(values, 'host') ?? dep.host ?? '0.0.0.0',
    logger,
    limits: { maxBodyBytes: positive(values, 'max-body-bytes', dep.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes) },
    globalTimeoutMs: positive(values, 'global-timeout', dep.globalTimeoutMs ?? 120_000),
    scriptLimits: scriptLimits(values, dep),
    watch: !(values['no-watch'] === true || /^(1|true|yes)$/i.test(process.env.AXON_NO_WATCH ?? '')),
    maxHeaderSize: positive(values, 'max-header-size', dep.maxHeaderSize ?? 16384),
    connectTimeoutMs: positive(values, 'connect-timeout', dep.connectTimeoutMs ?? 30_000),
    ...(setting(values, 'socket-timeout') !== undefined || dep.socketTimeoutMs ? { socketTimeoutMs: positive(values, 'socket-timeout', dep.socketTimeoutMs ?? 180_000) } : {}),
    ...(cert && key ? { tls: { cert, key } } : {}),
    ...(affinitySecret ? { affinitySecret } : {}),
    ...(ca || dep.hostnameVerifier || clientCert
      ? {
          outboundTls: {
            ...(ca ? { ca } : {}),
            ...(dep.hostnameVerifier ? { hostnameVerifier: dep.hostnameVerifier } : {}),
            ...(clientCert && clientKey ? { cert: clientCert, key: clientKey } : {}),
          },
        }
      : {}),
  });
  const drainMs = positive(values, 'drain-timeout', 30_000);
  const started = await gw.start();
  if ('diagnostics' in started) {
    for (const d of started.diagnostics) process.stderr.write(formatDiagnostic({ ...d, file: path.join(configDir, d.file) }) + '\n');
    process.stderr.write('axon: the configuration has errors; not starting\n');
    await gw.stop();
    process.exit(1);
  }
  const lines = [`listening http ${started.http.address}:${started.http.port}`];
  if (started.https) lines.push(`listening https ${started.https.address}:${started.https.port}`);
  lines.push(`listening admin ${started.admin.address}:${started.admin.port}`);
  // in a cluster the primary prints the (shared) ports once
  if (cluster.isWorker) process.send!({ type: 'axon:listening', lines });
  else process.stdout.write(lines.join('\n') + '\n');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.log('info', 'draining', { signal, inFlight: gw.inFlight, graceMs: drainMs });
    gw.drain(drainMs).then(
      (clean) => {
        logger.flush?.();
        process.exit(clean ? 0 : 1);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * --workers N: N processes share the listeners (node:cluster); each loads and reloads the config
 * on its own. The primary prints the listening lines once, replaces a worker that dies, and on
 * SIGTERM lets every worker drain, exiting 0 only when all of them did.
 */
function runPrimary(n: number, logger: Logger): void {
  cluster.setupPrimary({ execArgv: [...new Set(['--no-node-snapshot', ...process.execArgv])] });
  let printed = false;
  let stopping = false;
  let listening = 0;
  let worst = 0;
  for (let i = 0; i < n; i++) cluster.fork();
  cluster.on('message', (_w, msg: { type?: string; lines?: string[] }) => {
    if (msg?.type !== 'axon:listening') return;
    listening++;
    if (!printed && msg.lines) {
      printed = true;
      process.stdout.write(msg.lines.join('\n') + '\n');
    }
  });
  cluster.on('exit', (w, code) => {
    worst = Math.max(worst, code ?? 1);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(worst);
      return;
    }
    if (listening === 0) {
      // a worker failed before serving (config errors were printed by it): stop everything
      stopping = true;
      for (const x of Object.values(cluster.workers ?? {})) x?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(code || 1);
      return;
    }
    logger.log('error', 'a worker exited; starting another', { pid: w.process.pid, code });
    cluster.fork();
  });
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`axon: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

// Config stage: deployment.toml, the server-level settings (listeners, TLS, limits, timeouts,
// logging). WSO2's key names are used where WSO2 has one; Axon's own keys fill the gaps (PEM
// files instead of Java keystores). Every problem names the key; unknown keys are errors too.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { isLogLevel, type LogLevel } from '../runtime/logger.js';

export type HostnameVerifier = 'Strict' | 'AllowAll' | 'DefaultAndLocalhost';

export interface DeploymentSettings {
  host?: string;
  httpPort?: number;
  httpsPort?: number;
  adminPort?: number;
  /** PEM files of the HTTPS listener. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  maxHeaderSize?: number;
  maxBodyBytes?: number;
  globalTimeoutMs?: number;
  /** [script] timeout_ms: longest a <script> may run for one message. */
  scriptTimeoutMs?: number;
  /** [script] memory_limit_mb: heap limit of a script's isolate (at least 8). */
  scriptMemoryMb?: number;
  connectTimeoutMs?: number;
  /** Longest silence on a backend socket (ms), on top of endpoint timeouts (http.socket.timeout). */
  socketTimeoutMs?: number;
  workers?: number;
  logLevel?: LogLevel;
  /** Outbound TLS: extra trusted CA certificates (PEM). */
  trustedCaFiles?: string[];
  hostnameVerifier?: HostnameVerifier;
  /** Outbound TLS client certificate (PEM). */
  clientCertFile?: string;
  clientKeyFile?: string;
  /** Key file that signs Axon's session-affinity cookies (every instance of a cluster needs the same). */
  affinitySecretFile?: string;
}

export class DeploymentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'DeploymentError';
  }
}

type Table = Record<string, unknown>;

/** The keys Axon reads, as dotted paths, with how to read them. */
const KEYS: Record<string, (v: unknown, out: DeploymentSettings, p: Reader) => void> = {
  'server.bind_address': (v, o, p) => (o.host = p.str('server.bind_address', v)),
  'transport.http.listener.port': (v, o, p) => (o.httpPort = p.port('transport.http.listener.port', v)),
  'transport.http.listener.max_header_size': (v, o, p) => (o.maxHeaderSize = p.int('transport.http.listener.max_header_size', v)),
  'transport.http.listener.max_body_size': (v, o, p) => (o.maxBodyBytes = p.int('transport.http.listener.max_body_size', v)),
  'transport.http.sender.connect_timeout': (v, o, p) => (o.connectTimeoutMs = p.int('transport.http.sender.connect_timeout', v)),
  'transport.http.socket_timeout': (v, o, p) => (o.socketTimeoutMs = p.int('transport.http.socket_timeout', v)),
  'server.workers': (v, o, p) => (o.workers = p.int('server.workers', v)),
  'transport.https.listener.port': (v, o, p) => (o.httpsPort = p.port('transport.https.listener.port', v)),
  'transport.https.listener.certificate': (v, o, p) => (o.tlsCertFile = p.file('transport.https.listener.certificate', v)),
  'transport.https.listener.private_key': (v, o, p) => (o.tlsKeyFile = p.file('transport.https.listener.private_key', v)),
  'transport.passthru_https.sender.parameters.HostnameVerifier': (v, o, p) => {
    const s = p.str('transport.passthru_https.sender.parameters.HostnameVerifier', v);
    if (s === 'Strict' || s === 'AllowAll' || s === 'DefaultAndLocalhost') o.hostnameVerifier = s;
    else p.problem(`transport.passthru_https.sender.parameters.HostnameVerifier must be Strict, AllowAll or DefaultAndLocalhost, not "${s}"`);
  },
  'transport.passthru_https.sender.certificate': (v, o, p) => (o.clientCertFile = p.file('transport.passthru_https.sender.certificate', v)),
  'transport.passthru_https.sender.private_key': (v, o, p) => (o.clientKeyFile = p.file('transport.passthru_https.sender.private_key', v)),
  'truststore.file_name': (v, o, p) => {
    const list = Array.isArray(v) ? v : [v];
    o.trustedCaFiles = list.map((x) => p.file('truststore.file_name', x));
  },
  'session_affinity.secret_file': (v, o, p) => (o.affinitySecretFile = p.file('session_affinity.secret_file', v)),
  'admin.port': (v, o, p) => (o.adminPort = p.port('admin.port', v)),
  'log.level': (v, o, p) => {
    const s = p.str('log.level', v);
    if (isLogLevel(s)) o.logLevel = s;
    else p.problem(`log.level must be trace, debug, info, warn, error, fatal or silent, not "${s}"`);
  },
  'synapse_properties.synapse.global_timeout_interval': (v, o, p) => (o.globalTimeoutMs = p.int('synapse.global_timeout_interval', v)),
  'script.timeout_ms': (v, o, p) => (o.scriptTimeoutMs = p.int('script.timeout_ms', v)),
  'script.memory_limit_mb': (v, o, p) => {
    o.scriptMemoryMb = p.int('script.memory_limit_mb', v);
    if (o.scriptMemoryMb < 8) p.problem('script.memory_limit_mb must be at least 8');
  },
};

class Reader {
  readonly problems: string[] = [];
  constructor(readonly dir: string) {}
  problem(msg: string): void {
    this.problems.push(msg);
  }
  str(key: string, v: unknown): string {
    if (typeof v !== 'string') this.problem(`${key} must be a string`);
    return String(v);
  }
  int(key: string, v: unknown): number {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) this.problem(`${key} must be a positive integer`);
    return Number(n);
  }
  port(key: string, v: unknown): number {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) this.problem(`${key} must be a port number (0-65535)`);
    return Number(n);
  }
  file(key: string, v: unknown): string {
    return path.resolve(this.dir, this.str(key, v));
  }
}

/** Flatten TOML tables into dotted keys; quoted keys with dots ('synapse.x') stay as one segment. */
function flatten(t: Table, prefix: string, out: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) flatten(v as Table, key, out);
    else out.set(key, v);
  }
}

export function parseDeployment(text: string, file: string): DeploymentSettings {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (e) {
    const where = e instanceof TomlError ? `${e.line}:${e.column} ` : '';
    throw new DeploymentError(file, [`${where}${(e as Error).message.split('\n')[0]}`]);
  }
  const flat = new Map<string, unknown>();
  flatten(doc, '', flat);
  const reader = new Reader(path.dirname(file));
  const out: DeploymentSettings = {};
  for (const [k, v] of flat) {
    const apply = KEYS[k];
    if (apply) apply(v, out, reader);
    else reader.problem(`unknown setting "${k}" (known: ${Object.keys(KEYS).join(', ')})`);
  }
  if ((out.tlsCertFile === undefined) !== (out.tlsKeyFile === undefined)) {
    reader.problem('the HTTPS listener needs both transport.https.listener.certificate and transport.https.listener.private_key');
  }
  if ((out.clientCertFile === undefined) !== (out.clientKeyFile === undefined)) {
    reader.problem('a client certificate needs both transport.passthru_https.sender.certificate and .private_key');
  }
  if (reader.problems.length) throw new DeploymentError(file, reader.problems);
  return out;
}

export async function loadDeployment(file: string): Promise<DeploymentSettings> {
  return parseDeployment(await readFile(file, 'utf8'), file);
}

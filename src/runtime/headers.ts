// Runtime: the transport-scope header map. Names compare case-insensitively (as WSO2 Synapse's
// TreeMap does) while the spelling first seen is kept for the wire. Measure before changing:
// every request and response goes through it.

export type HeaderValue = string | string[];

/** Hop-by-hop headers (RFC 9110 §7.6.1) that a proxy never forwards. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

export class HeaderMap {
  // lower-case name -> [name as written, value]
  readonly #map = new Map<string, [string, HeaderValue]>();

  static fromRaw(raw: string[]): HeaderMap {
    const h = new HeaderMap();
    for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
    return h;
  }

  get(name: string): string | undefined {
    const e = this.#map.get(name.toLowerCase());
    if (!e) return undefined;
    return Array.isArray(e[1]) ? e[1].join(', ') : e[1];
  }

  getAll(name: string): string[] {
    const e = this.#map.get(name.toLowerCase());
    if (!e) return [];
    return Array.isArray(e[1]) ? e[1] : [e[1]];
  }

  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }

  set(name: string, value: HeaderValue): void {
    const k = name.toLowerCase();
    const e = this.#map.get(k);
    this.#map.set(k, [e ? e[0] : name, value]);
  }

  append(name: string, value: string): void {
    const k = name.toLowerCase();
    const e = this.#map.get(k);
    if (!e) this.#map.set(k, [name, value]);
    else e[1] = Array.isArray(e[1]) ? [...e[1], value] : [e[1], value];
  }

  delete(name: string): boolean {
    return this.#map.delete(name.toLowerCase());
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }

  *entries(): IterableIterator<[string, HeaderValue]> {
    for (const [name, value] of this.#map.values()) yield [name, value];
  }

  clone(): HeaderMap {
    const h = new HeaderMap();
    for (const [k, [n, v]] of this.#map) h.#map.set(k, [n, Array.isArray(v) ? [...v] : v]);
    return h;
  }

  /**
   * Headers to forward: hop-by-hop ones dropped, and any header the Connection header names
   * (RFC 9110 §7.6.1), so a client cannot smuggle a private header past the gateway.
   */
  forwardable(extraSkip?: ReadonlySet<string>): Record<string, HeaderValue> {
    const out: Record<string, HeaderValue> = {};
    const conn = this.#map.get('connection');
    // the usual values name only hop-by-hop headers, which are dropped anyway
    const plain = conn !== undefined && typeof conn[1] === 'string' && /^\s*(?:keep-alive|close)\s*$/i.test(conn[1]);
    const named = conn && !plain
      ? new Set(
          (Array.isArray(conn[1]) ? conn[1].join(',') : conn[1])
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean),
        )
      : undefined;
    for (const [k, [n, v]] of this.#map) {
      if (HOP_BY_HOP.has(k) || (named && named.has(k)) || (extraSkip && extraSkip.has(k))) continue;
      out[n] = v;
    }
    return out;
  }
}

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE_RE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** RFC 9110 token grammar for header names. */
export function isValidHeaderName(name: string): boolean {
  return TOKEN_RE.test(name);
}

/** Header values never carry CR, LF or other control characters (header injection). */
export function isValidHeaderValue(value: string): boolean {
  return VALUE_RE.test(value);
}

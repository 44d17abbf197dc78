// Dispatch stage: query parameters as Synapse extracts them on resource entry (synapse-semantics
// §2.7): the query of REST_FULL_REQUEST_PATH is split on "&"; for a piece with "=", the name is
// the text before the first "=" (not decoded) and the value is java.net.URLDecoder-decoded ("+"
// is a space); later duplicates overwrite; a piece without "=" is glued, with its "&", onto the
// previous parameter's value ("?a=1&b" gives a="1&b"). A value that cannot be decoded is reported,
// not thrown: the dispatcher answers 400 (W sets HTTP_SC/ERROR_CODE 400).

export type QueryResult =
  | { ok: true; params: Map<string, string> }
  | { ok: false; name: string; message: string };

/**
 * Parameters of a path+query, keyed by name (the caller prefixes `query.param.`).
 * Differences from W, on purpose: a piece without "=" before any named piece is ignored (W would
 * store it under the name "null"), and trailing empty pieces are dropped as Java's split does.
 */
export function parseQuery(fullPath: string): QueryResult {
  const q = fullPath.indexOf('?');
  if (q < 0) return { ok: true, params: new Map() };
  const params = new Map<string, string>();
  const pieces = fullPath.slice(q + 1).split('&');
  while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
  let last: string | undefined;
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    if (eq < 0) {
      if (last !== undefined) params.set(last, `${params.get(last) ?? ''}&${piece}`);
      continue;
    }
    const name = piece.slice(0, eq);
    const raw = piece.slice(eq + 1);
    const value = formDecode(raw);
    if (value === null) return { ok: false, name, message: `the value of query parameter "${name}" has malformed percent-encoding` };
    params.set(name, value);
    last = name;
  }
  return { ok: true, params };
}

const utf8 = new TextDecoder('utf-8');

/**
 * java.net.URLDecoder.decode(s, "UTF-8"): "+" is a space, runs of %XX are UTF-8 (invalid sequences
 * become U+FFFD rather than failing), a "%" not followed by two hex digits is an error (null).
 */
export function formDecode(s: string): string | null {
  if (s.indexOf('%') < 0) return s.indexOf('+') < 0 ? s : s.replace(/\+/g, ' ');
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) {
      out += ' ';
      i++;
    } else if (c === 0x25) {
      const bytes: number[] = [];
      while (i < s.length && s.charCodeAt(i) === 0x25) {
        const h = hex(s.charCodeAt(i + 1));
        const l = hex(s.charCodeAt(i + 2));
        if (h < 0 || l < 0) return null;
        bytes.push(h * 16 + l);
        i += 3;
      }
      out += utf8.decode(Uint8Array.from(bytes));
    } else {
      out += s[i];
      i++;
    }
  }
  return out;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

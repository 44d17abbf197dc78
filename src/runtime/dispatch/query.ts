// Dispatch stage: query parameters as Synapse's resource entry extracts them (§2.7): split on
// "&", name before the first "=", value URL-decoded ("+" is a space); a piece without "=" is
// glued to the previous value; later duplicates win; a value that cannot be decoded is a 400.

export type QueryResult = { ok: true; params: Map<string, string> } | { ok: false; name: string };

/** Java URLDecoder.decode semantics: "+" -> space, %XX as UTF-8; malformed -> null. */
export function formDecode(s: string): string | null {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

export function parseQuery(fullPath: string): QueryResult {
  const params = new Map<string, string>();
  const q = fullPath.indexOf('?');
  if (q < 0) return { ok: true, params };
  let last: string | undefined;
  for (const piece of fullPath.slice(q + 1).split('&')) {
    const eq = piece.indexOf('=');
    if (eq < 0) {
      if (last !== undefined) params.set(last, `${params.get(last)}&${piece}`);
      continue;
    }
    const name = piece.slice(0, eq);
    const value = formDecode(piece.slice(eq + 1));
    if (value === null) return { ok: false, name };
    params.set(name, value);
    last = name;
  }
  return { ok: true, params };
}

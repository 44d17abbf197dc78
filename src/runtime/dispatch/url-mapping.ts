// Dispatch stage: url-mapping resources (synapse-semantics §2.5 step 2.1): exact mappings, path
// prefixes "/a/b/*" (longest wins), and extensions "*.jsp". Exact beats prefix beats extension.

export type UrlMapping =
  | { kind: 'exact'; path: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'extension'; ext: string };

function stripSlashes(p: string): string {
  let e = p.length;
  while (e > 0 && p.charCodeAt(e - 1) === 47) e--;
  return p.slice(0, e);
}

export function classifyUrlMapping(mapping: string): UrlMapping {
  if (mapping.startsWith('*.')) return { kind: 'extension', ext: mapping.slice(1) };
  if (mapping === '/*' || mapping.endsWith('/*')) return { kind: 'prefix', prefix: mapping.slice(0, -2) };
  return { kind: 'exact', path: stripSlashes(mapping) };
}

/** The sub-path without its query string. */
export function pathOf(subPath: string): string {
  const q = subPath.indexOf('?');
  return q < 0 ? subPath : subPath.slice(0, q);
}

/** Does the mapping accept this sub-path? (The path part only; the query never matters.) */
export function matchUrlMapping(m: UrlMapping, path: string): boolean {
  switch (m.kind) {
    case 'exact':
      return stripSlashes(path) === m.path;
    case 'prefix':
      return m.prefix === '' || path === m.prefix || path.startsWith(m.prefix + '/');
    case 'extension':
      return path.endsWith(m.ext);
  }
}

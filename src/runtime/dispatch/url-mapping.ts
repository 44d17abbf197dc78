// Dispatch stage: <resource url-mapping> classification and matching (synapse-semantics §2.5
// step 2.1, W): exact > longest path prefix "/a/*" > extension "*.jsp", whatever the declaration
// order. Measure before changing: selectUrlMapping runs per request.

// The comparisons copy Synapse's string handling, quirks included (noted where they show).

export type UrlMapping =
  | { kind: 'exact'; mapping: string; path: string }
  | { kind: 'prefix'; mapping: string; prefix: string; segments: readonly string[]; joined: string; emptySegment: boolean }
  | { kind: 'extension'; mapping: string; ext: string };

/** How Synapse reads a url-mapping attribute. */
export function classifyUrlMapping(mapping: string): UrlMapping {
  if (mapping.startsWith('/') && mapping.endsWith('/*')) {
    const prefix = mapping.slice(0, -2);
    // "/*" has no segments and matches every path (with length 1, see prefixMatchLength)
    const segments = prefix === '' ? [] : prefix.slice(1).split('/');
    return { kind: 'prefix', mapping, prefix, segments, joined: segments.join('/'), emptySegment: segments.includes('') };
  }
  if (mapping.startsWith('*.')) return { kind: 'extension', mapping, ext: mapping.slice(1) };
  // one trailing "/" is dropped: "/foo/" is the exact mapping "/foo"
  if (mapping.length > 1 && mapping.endsWith('/')) return { kind: 'exact', mapping, path: mapping.slice(0, -1) };
  return { kind: 'exact', mapping, path: mapping };
}

/**
 * The string Synapse reports for the mapping (rest.url.pattern): exact mappings without their
 * trailing "/", prefix mappings as written. Extension mappings are reported as written ("*.jsp";
 * W prints "*..jsp" there, which is a bug nobody should rely on).
 */
export function urlMappingPattern(m: UrlMapping): string {
  return m.kind === 'exact' ? m.path : m.mapping;
}

/** The three views of a sub-path the comparisons need, computed once per request. */
export interface MappingInput {
  /** Exact comparison key: trailing "/" removed (unless the path is "/"), then the query cut. */
  exact: string;
  /** Path for prefix comparison: leading "/" and query removed (W's trimSlashes quirk applied). */
  prefixPath: string;
  /** Path without the query, for extension comparison. */
  path: string;
}

export function mappingInput(subPath: string): MappingInput {
  // exact: W trims trailing slashes of the whole sub-path (query included) before cutting the
  // query, so "/foo/bar/?a=5" keeps its slash and does not equal "/foo/bar"
  let exact = subPath === '/' ? subPath : trimTrailingSlashes(subPath);
  const q = exact.indexOf('?');
  if (q > 0) exact = exact.slice(0, q);
  else if (q === 0) exact = '/';
  // prefix: W drops one leading "/" and, if another "/" still leads, the LAST character (its
  // trimSlashes helper tests startsWith twice); then the query is cut and the rest split on "/"
  let s = subPath.startsWith('/') ? subPath.slice(1) : subPath;
  if (s.startsWith('/')) s = s.slice(0, -1);
  const sq = s.indexOf('?');
  if (sq >= 0) s = s.slice(0, sq);
  const pq = subPath.indexOf('?');
  return { exact, prefixPath: s, path: pq < 0 ? subPath : subPath.slice(0, pq) };
}

function trimTrailingSlashes(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0x2f) e--;
  return s.slice(0, e);
}

/** Java's String.split("/"): trailing empty strings dropped; no "/" at all gives [s]. */
function javaSplitSlash(s: string): string[] {
  if (!s.includes('/')) return [s];
  const parts = s.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function exactMatches(m: UrlMapping, input: MappingInput): boolean {
  return m.kind === 'exact' && m.path === input.exact;
}

/** Number of matching segments, 0 for no match; "/*" always answers 1. */
export function prefixMatchLength(m: UrlMapping, input: MappingInput): number {
  if (m.kind !== 'prefix') return 0;
  const want = m.segments;
  if (want.length === 0) return 1;
  const path = input.prefixPath;
  if (!m.emptySegment) {
    // segment-wise equality without splitting: the joined prefix, then "/" or the end
    const j = m.joined;
    return path.startsWith(j) && (path.length === j.length || path.charCodeAt(j.length) === 0x2f) ? want.length : 0;
  }
  // an empty segment ("/a//*") depends on Java's split dropping trailing empty strings
  const have = javaSplitSlash(path);
  if (have.length < want.length) return 0;
  for (let i = 0; i < want.length; i++) if (have[i] !== want[i]) return 0;
  return want.length;
}

export function extensionMatches(m: UrlMapping, input: MappingInput): boolean {
  return m.kind === 'extension' && input.path.endsWith(m.ext);
}

/** Does this one mapping accept the sub-path (any of the three rules)? */
export function matchUrlMapping(m: UrlMapping, subPath: string): boolean {
  const input = mappingInput(subPath);
  return exactMatches(m, input) || prefixMatchLength(m, input) > 0 || extensionMatches(m, input);
}

/**
 * Pick among candidates (in the order given): the first exact match, else the longest prefix
 * (strictly longer replaces, so among equal lengths the first wins: "/*" declared before "/foo/*"
 * takes "/foo/x", as in W), else the first extension match.
 */
// hot path (per request): measure before changing
export function selectUrlMapping<T>(candidates: readonly T[], mappingOf: (c: T) => UrlMapping | undefined, subPath: string): T | undefined {
  let input: MappingInput | undefined;
  let best: T | undefined;
  let bestLen = 0;
  let ext: T | undefined;
  for (const c of candidates) {
    const m = mappingOf(c);
    if (!m) continue;
    input ??= mappingInput(subPath);
    if (m.kind === 'exact') {
      if (exactMatches(m, input)) return c;
    } else if (m.kind === 'prefix') {
      const len = prefixMatchLength(m, input);
      if (len > bestLen) {
        bestLen = len;
        best = c;
      }
    } else if (ext === undefined && extensionMatches(m, input)) {
      ext = c;
    }
  }
  return best ?? ext;
}

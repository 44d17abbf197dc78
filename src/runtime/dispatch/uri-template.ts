// Dispatch stage: Synapse's URI-template MATCHER (synapse-semantics §2.6). A template is parsed
// once into literal and expression nodes; matching walks the raw (still percent-encoded) sub-path
// left to right without backtracking, as Synapse does. Measure before changing: runs per request.

export type UriTemplateOp = '' | '+' | '#' | '.' | '/';

export type UriTemplateNode =
  | { kind: 'literal'; text: string; wildcard: boolean }
  | { kind: 'expr'; op: UriTemplateOp; vars: { name: string; length?: number }[] };

export interface UriTemplate {
  readonly template: string;
  readonly nodes: readonly UriTemplateNode[];
  /** Variables captured (decoded) or null when the path does not match. */
  match(subPath: string): Record<string, string> | null;
  /** Names of reserved-expansion ({+x}, {#x}) variables, which may carry "/". */
  readonly reservedVars: ReadonlySet<string>;
}

/** Characters that end a simple capture (RFC 6570 reserved set). */
const RESERVED = new Set([...":/?#[]@!$&'()*+,;="]);
const VAR_RE = /^[A-Za-z0-9._-]+(?::(\d+))?$/;

export function compileUriTemplate(template: string): UriTemplate | { error: string } {
  let t = template;
  if (t.length > 1 && t.endsWith('/')) t = t.replace(/\/+$/, '') || '/';
  const nodes: UriTemplateNode[] = [];
  let i = 0;
  let lit = '';
  while (i < t.length) {
    const c = t[i]!;
    if (c === '{') {
      const end = t.indexOf('}', i);
      if (end < 0) return { error: `unclosed "{" at ${i + 1}` };
      if (lit) {
        nodes.push({ kind: 'literal', text: lit, wildcard: false });
        lit = '';
      }
      let body = t.slice(i + 1, end);
      let op: UriTemplateOp = '';
      const first = body[0];
      if (first === ';' || first === '?' || first === '&') return { error: `the "{${first}...}" form is not supported in resource templates` };
      if (first === '+' || first === '#' || first === '.' || first === '/') {
        op = first;
        body = body.slice(1);
      }
      if (body === '') return { error: `empty expression at ${i + 1}` };
      const vars: { name: string; length?: number }[] = [];
      for (const v of body.split(',')) {
        const m = VAR_RE.exec(v);
        if (!m) return { error: `"${v}" is not a valid variable name` };
        vars.push(m[1] ? { name: v.slice(0, v.indexOf(':')), length: Number(m[1]) } : { name: v });
      }
      nodes.push({ kind: 'expr', op, vars });
      i = end + 1;
      continue;
    }
    if (c === '}') return { error: `unmatched "}" at ${i + 1}` };
    lit += c;
    i++;
  }
  if (lit) nodes.push({ kind: 'literal', text: lit.endsWith('*') ? lit.slice(0, -1) : lit, wildcard: lit.endsWith('*') });
  const hasQuery = t.includes('?');
  const reservedVars = new Set<string>();
  for (const n of nodes) if (n.kind === 'expr' && (n.op === '+' || n.op === '#')) for (const v of n.vars) reservedVars.add(v.name);
  return {
    template,
    nodes,
    reservedVars,
    match: (input) => matchNodes(nodes, input, hasQuery),
  };
}

const PREFIX: Record<UriTemplateOp, string> = { '': '', '+': '', '#': '#', '.': '.', '/': '/' };
const SEPARATOR: Record<UriTemplateOp, string> = { '': ',', '+': ',', '#': ',', '.': '.', '/': '/' };

/** The character the node after `k` must begin with, if it is fixed. */
function nextStart(nodes: readonly UriTemplateNode[], k: number): string | undefined {
  const n = nodes[k + 1];
  if (!n) return undefined;
  if (n.kind === 'literal') return n.text[0];
  return PREFIX[n.op] || undefined;
}

function decodeCapture(raw: string): string | null {
  if (!raw.includes('%')) return raw;
  try {
    // "+" stays "+" in uri.var values: protect it before decoding
    return decodeURIComponent(raw.replace(/\+/g, '%2B'));
  } catch {
    return null;
  }
}

function matchNodes(nodes: readonly UriTemplateNode[], input: string, templateHasQuery: boolean): Record<string, string> | null {
  const vars: Record<string, string> = {};
  let pos = 0;
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k]!;
    if (n.kind === 'literal') {
      if (!input.startsWith(n.text, pos)) return null;
      pos += n.text.length;
      if (n.wildcard) return vars; // a trailing "*" swallows the rest
      continue;
    }
    const stopAt = nextStart(nodes, k);
    const prefix = PREFIX[n.op];
    if (prefix) {
      if (input[pos] !== prefix) return null;
      pos++;
    }
    for (let v = 0; v < n.vars.length; v++) {
      if (v > 0) {
        const sep = SEPARATOR[n.op];
        if (input[pos] !== sep) return null;
        pos++;
      }
      const reserved = n.op === '+' || n.op === '#';
      const start = pos;
      while (pos < input.length) {
        const c = input[pos]!;
        if (c === stopAt) break;
        if (!reserved && RESERVED.has(c)) break;
        if (n.op === '.' && c === '.') break;
        if (reserved && c === '?' && !templateHasQuery) break;
        pos++;
      }
      const raw = input.slice(start, pos);
      const spec = n.vars[v]!;
      if (spec.length !== undefined && raw.length !== spec.length) return null;
      // an expression that captures nothing at the end of the input is not a match
      if (raw === '' && (pos >= input.length || input[pos] === '?') && k === nodes.length - 1) return null;
      const value = decodeCapture(raw);
      if (value === null) return null;
      if (spec.name in vars && vars[spec.name] !== value) return null;
      vars[spec.name] = value;
    }
  }
  if (pos === input.length) return vars;
  const rest = input.slice(pos);
  if (rest === '/') return vars; // one trailing slash is tolerated
  if (rest.startsWith('/?') && !templateHasQuery) return vars;
  if (rest[0] === '?' && !templateHasQuery) return vars; // W: an extra query string is ignored
  return null;
}

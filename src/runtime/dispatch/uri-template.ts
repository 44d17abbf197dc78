// Dispatch stage: Synapse's URI-template MATCHER for <resource uri-template> (synapse-semantics
// §2.6, W), parsed once per generation. Measure before changing: match() runs per request for
// every candidate template.

// A template becomes a chain of literal and expression nodes; a request sub-path (raw,
// percent-encoded, query included) is matched left to right, greedily and without backtracking,
// exactly as Synapse's node chain does, including its tolerances:
//   * one trailing "/" on the input is accepted (the last node stops short of a final "/");
//   * when the template has no "?" and matching stops right at a "?" of the input, the query is
//     ignored (ESBJAVA-4260, W only);
//   * a literal ending in "*" swallows the rest of the input.

export type UriTemplateOp = '' | '+' | '#' | '.' | '/';

export interface UriTemplateVar {
  name: string;
  /** `{x:3}`: the captured value must be exactly this long. */
  length?: number;
}

export type UriTemplateNode =
  | { kind: 'literal'; text: string; wildcard: boolean }
  | { kind: 'expr'; op: UriTemplateOp; vars: UriTemplateVar[] };

export interface UriTemplate {
  readonly ok: true;
  /** The template as written. */
  readonly template: string;
  readonly nodes: readonly UriTemplateNode[];
  /** Every variable name, in order of first appearance. */
  readonly variables: readonly string[];
  /** Variables of reserved-style expressions ({+x}, {#x}), which may legitimately contain "/". */
  readonly reservedVars: ReadonlySet<string>;
  /** Whether a literal contains "?" (then the optional-query tolerance is off). */
  readonly hasQueryTemplate: boolean;
  /**
   * The decoded variables or null when the sub-path does not match.
   * Throws UriTemplateDecodeError when a captured value has broken percent-encoding (Synapse fails
   * the request there too); callers answer 400.
   */
  match(subPath: string): Record<string, string> | null;
  /**
   * The same match as an array aligned with `variables` (undefined: not captured), without building
   * a record: the dispatcher's per-request form. Same exception as match().
   */
  matchValues(subPath: string): readonly (string | undefined)[] | null;
}

export interface UriTemplateError {
  readonly ok: false;
  readonly error: string;
}

/** A captured value whose percent-encoding cannot be decoded (e.g. "%zz"). */
export class UriTemplateDecodeError extends Error {
  constructor(readonly value: string) {
    super(`cannot decode "${value}"`);
  }
}

// RFC 6570 reserved characters: a simple capture stops at any of them, so "/view/a+b" does not
// match "/view/{symbol}" (trap 10). W's synapse.allow.subdelims=true would shrink this to the
// gen-delims; that switch is not supported.
const RESERVED = new Uint8Array(128);
for (const c of ":/?#[]@!$&'()*+,;=") RESERVED[c.charCodeAt(0)] = 1;

function isReserved(c: number): boolean {
  return c < 128 && RESERVED[c] === 1;
}

// `first` of a node = the character that stops a preceding simple capture. Synapse gives
// expressions without a prefix the control character U+0001, which never occurs in a path.
const NO_FIRST = 1;

interface CNode {
  kind: 'literal' | 'expr';
  /** literal: its text (without the trailing "*" of a wildcard). */
  text: string;
  wildcard: boolean;
  op: UriTemplateOp;
  vars: UriTemplateVar[];
  /** Index of each variable in UriTemplate.variables. */
  slots: number[];
  /** Separator between several variables of one expression. */
  sep: number;
  sepChar: string;
  /** Prefix character the input must start with ('.', '/', '#'), or 0. */
  prefix: number;
  /** Reserved-style: does not stop at reserved characters. */
  reserved: boolean;
  first: number;
  /** What Synapse compares when deciding whether a fully consumed input may continue. */
  token: string;
}

const VAR_NAME = /^[A-Za-z0-9._-]+$/;

/** Parse and check a template; the error messages end up in config diagnostics. */
export function compileUriTemplate(template: string): UriTemplate | UriTemplateError {
  const fail = (error: string): UriTemplateError => ({ ok: false, error });
  // W strips one trailing "/" when constructing the template and once more in the parser
  let t = template;
  for (let k = 0; k < 2; k++) if (t !== '/' && t.endsWith('/')) t = t.slice(0, -1);
  if (t === '') return fail('the template is empty');
  if (t.startsWith('{')) return fail('a uri-template cannot start with an expression (Synapse fails to parse it); start it with "/"');
  const nodes: UriTemplateNode[] = [];
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf('{', i);
    const close = t.indexOf('}', i);
    if (close >= 0 && (open < 0 || close < open)) return fail(`unmatched "}" at position ${close + 1}`);
    if (open < 0) {
      pushLiteral(nodes, t.slice(i));
      break;
    }
    if (open > i) pushLiteral(nodes, t.slice(i, open));
    const end = t.indexOf('}', open);
    if (end < 0) return fail(`unclosed "{" at position ${open + 1}`);
    const nested = t.indexOf('{', open + 1);
    if (nested >= 0 && nested < end) return fail(`"{" inside an expression at position ${nested + 1}`);
    let body = t.slice(open + 1, end);
    if (body === '') return fail(`empty expression at position ${open + 1}`);
    const first = body[0]!;
    if (first === ';' || first === '?' || first === '&') {
      return fail(`the {${first}...} expression form is not supported by Synapse resource templates (write the query literally, e.g. "?a={a}")`);
    }
    let op: UriTemplateOp = '';
    if (first === '+' || first === '#' || first === '.' || first === '/') {
      op = first;
      body = body.slice(1);
    }
    // Synapse ignores one trailing comma ("{a,}") but rejects empty names elsewhere
    const names = body.endsWith(',') ? body.slice(0, -1).split(',') : body.split(',');
    const vars: UriTemplateVar[] = [];
    for (const spec of names) {
      if (spec === '') return fail(`a variable name in "{${t.slice(open + 1, end)}}" is empty`);
      const colon = spec.indexOf(':');
      const name = colon < 0 ? spec : spec.slice(0, colon);
      if (!VAR_NAME.test(name)) return fail(`"${name}" is not a valid variable name (letters, digits, ".", "_", "-")`);
      if (name === '__proto__') return fail('"__proto__" cannot be a variable name');
      if (colon < 0) vars.push({ name });
      else {
        const len = spec.slice(colon + 1);
        if (!/^[0-9]{1,9}$/.test(len) || Number(len) <= 0) return fail(`invalid variable prefix length "${len}" in "${spec}"`);
        vars.push({ name, length: Number(len) });
      }
    }
    nodes.push({ kind: 'expr', op, vars });
    i = end + 1;
  }
  return build(template, nodes);
}

function pushLiteral(nodes: UriTemplateNode[], text: string): void {
  const wildcard = text.endsWith('*');
  nodes.push({ kind: 'literal', text: wildcard ? text.slice(0, -1) : text, wildcard });
}

function build(template: string, nodes: UriTemplateNode[]): UriTemplate {
  const chain: CNode[] = nodes.map((n) => {
    if (n.kind === 'literal') {
      const full = n.wildcard ? n.text + '*' : n.text;
      return { kind: 'literal', text: n.text, wildcard: n.wildcard, op: '', vars: [], slots: [], sep: 0, sepChar: '', prefix: 0, reserved: false, first: full.charCodeAt(0), token: full };
    }
    const prefix = n.op === '.' || n.op === '/' || n.op === '#' ? n.op.charCodeAt(0) : 0;
    const sep = n.op === '.' || n.op === '/' ? prefix : 0x2c;
    return {
      kind: 'expr',
      text: '',
      wildcard: false,
      op: n.op,
      vars: n.vars,
      slots: [],
      sep,
      sepChar: String.fromCharCode(sep),
      prefix,
      reserved: n.op === '+' || n.op === '#',
      first: prefix || NO_FIRST,
      token: '{' + n.vars.map((v) => v.name).join(',') + '}',
    };
  });
  const variables: string[] = [];
  const reservedVars = new Set<string>();
  let hasQueryTemplate = false;
  for (const n of chain) {
    if (n.kind === 'literal' && n.token.includes('?')) hasQueryTemplate = true;
    for (const v of n.vars) {
      let slot = variables.indexOf(v.name);
      if (slot < 0) slot = variables.push(v.name) - 1;
      n.slots.push(slot);
      if (n.reserved) reservedVars.add(v.name);
    }
  }
  const matcher = new Matcher(chain, !hasQueryTemplate, variables.length);
  return {
    ok: true,
    template,
    nodes,
    variables,
    reservedVars,
    hasQueryTemplate,
    matchValues: (subPath) => matcher.match(subPath),
    match(subPath) {
      const values = matcher.match(subPath);
      if (!values) return null;
      const out: Record<string, string> = {};
      for (let i = 0; i < values.length; i++) if (values[i] !== undefined) out[variables[i]!] = values[i]!;
      return out;
    },
  };
}

const FAIL = -1;

/** Captured values by variable slot. */
type Slots = (string | undefined)[];

/** The matching engine for one template; stateless between calls. Hot path: measure before changing. */
class Matcher {
  constructor(
    private readonly chain: readonly CNode[],
    private readonly optionalQuery: boolean,
    private readonly slotCount: number,
  ) {}

  match(input: string): (string | undefined)[] | null {
    const vars: Slots = new Array<string | undefined>(this.slotCount);
    const n = this.matchFrom(0, input, 0, vars);
    if (n === input.length) return vars;
    // ESBJAVA-4260: a template without "?" ignores a query string that starts where it stopped
    if (this.optionalQuery && n > 0 && input.charCodeAt(n) === 0x3f) return vars;
    return null;
  }

  /** Length consumed from `pos` by nodes k.., or FAIL. Synapse's rules for a fully/partly consumed input. */
  private matchFrom(k: number, input: string, pos: number, vars: Slots): number {
    const node = this.chain[k]!;
    const rest = input.length - pos;
    const m = this.matchNode(k, node, input, pos, vars);
    if (m < 0) return FAIL;
    const hasNext = k + 1 < this.chain.length;
    if (m < rest) {
      if (hasNext) {
        // Synapse adds a failed tail's -1 to the consumed length (so a failure can look like a
        // partial match); here a failed tail fails the whole match, which is what it means.
        const tail = this.matchFrom(k + 1, input, pos + m, vars);
        return tail < 0 ? FAIL : m + tail;
      }
      // input left over, no node left: accept one trailing "/"
      return input.charCodeAt(input.length - 1) === 0x2f ? m + 1 : m;
    }
    if (m === rest && hasNext) {
      const next = this.chain[k + 1]!;
      // "/a/*" style remainders match an input that is already used up
      if (next.token === '*' || next.token === '/*') return m;
      // an empty query value ("?a=1&b=") may still be captured by a following expression
      if (next.kind === 'expr' && input.indexOf('=', pos) >= 0) {
        const tail = this.matchFrom(k + 1, input, pos + m, vars);
        return tail < 0 ? FAIL : m + tail;
      }
      return FAIL;
    }
    return m;
  }

  private matchNode(k: number, node: CNode, input: string, pos: number, vars: Slots): number {
    if (node.kind === 'literal') {
      const text = node.text;
      if (!node.wildcard) return input.startsWith(text, pos) ? text.length : FAIL;
      return input.startsWith(text, pos) ? input.length - pos : FAIL;
    }
    if (node.prefix !== 0) {
      // {.x} {/x} {#x}: only when the input continues with the prefix; otherwise the node is empty.
      // (Synapse adds 1 to the inner result, so an inner failure also becomes an empty match.)
      if (input.charCodeAt(pos) !== node.prefix) return 0;
      return this.capture(k, node, input, pos + 1, vars) + 1;
    }
    return this.capture(k, node, input, pos, vars);
  }

  /** Capture up to the first stop character: reserved (simple only) or the next node's first. */
  private capture(k: number, node: CNode, input: string, start: number, vars: Slots): number {
    const next = this.chain[k + 1];
    const stop = next ? next.first : -1;
    const multi = node.vars.length > 1;
    const len = input.length;
    for (let i = start; i < len; i++) {
      const c = input.charCodeAt(i);
      if ((!node.reserved && isReserved(c)) || c === stop) {
        if (multi && c === node.sep) continue;
        return this.bind(node, input.slice(start, i), vars) ? i - start : FAIL;
      }
      if (i === len - 1) return this.bind(node, input.slice(start), vars) ? len - start : FAIL;
    }
    // nothing to capture (also: a multi-variable value ending in its separator), variables unset
    return 0;
  }

  private bind(node: CNode, raw: string, vars: Slots): boolean {
    const list = node.vars;
    let values: string[];
    if (node.reserved && list.length === 1) values = [raw];
    else {
      values = javaSplit(raw, node.sepChar);
      if (values.length > list.length) return false;
    }
    for (let j = 0; j < list.length; j++) {
      const v = list[j]!;
      const slot = node.slots[j]!;
      const value = j < values.length ? decodeKeepPlus(values[j]!) : '';
      const prev = vars[slot];
      // a variable used twice must capture the same value
      if (prev !== undefined && prev !== value) return false;
      if (v.length !== undefined && value.length !== v.length) return false;
      vars[slot] = value;
    }
    return true;
  }
}

/** Java String.split on one character: trailing empty strings are dropped ("" gives [""]). */
function javaSplit(s: string, sep: string): string[] {
  if (s.indexOf(sep) < 0) return [s];
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Percent-decode a captured value, keeping "+" as "+" (W turns it into %2B before URL-decoding).
 * Invalid UTF-8 becomes U+FFFD as with Java's URLDecoder; a broken "%" escape throws.
 */
export function decodeKeepPlus(s: string): string {
  const pct = s.indexOf('%');
  if (pct < 0) return s;
  let out = s.slice(0, pct);
  let i = pct;
  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x25) {
      const nextPct = s.indexOf('%', i);
      const end = nextPct < 0 ? s.length : nextPct;
      out += s.slice(i, end);
      i = end;
      continue;
    }
    const bytes: number[] = [];
    while (i < s.length && s.charCodeAt(i) === 0x25) {
      const h = hexValue(s.charCodeAt(i + 1));
      const l = hexValue(s.charCodeAt(i + 2));
      if (h < 0 || l < 0) throw new UriTemplateDecodeError(s);
      bytes.push(h * 16 + l);
      i += 3;
    }
    out += utf8.decode(Uint8Array.from(bytes));
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

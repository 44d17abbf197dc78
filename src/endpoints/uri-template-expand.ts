// Endpoints: RFC 6570 expansion for the http endpoint's uri-template with Synapse's tweaks
// (§6.4): a template starting with "{" expands its first expression as reserved, undefined
// variables expand to nothing, a template with no defined variable at all is used as written,
// and the legacy-encoding: mode decodes values and the URL before re-encoding what URIs forbid.
// Compiled once per generation. Measure before changing: runs per request.

type Op = '' | '+' | '#' | '.' | '/' | ';' | '?' | '&';

interface Expr {
  op: Op;
  vars: { name: string; prefix?: number; explode: boolean }[];
}

type Part = string | Expr;

const OPS: Record<Op, { first: string; sep: string; named: boolean; ifEmpty: string; allowReserved: boolean }> = {
  '': { first: '', sep: ',', named: false, ifEmpty: '', allowReserved: false },
  '+': { first: '', sep: ',', named: false, ifEmpty: '', allowReserved: true },
  '#': { first: '#', sep: ',', named: false, ifEmpty: '', allowReserved: true },
  '.': { first: '.', sep: '.', named: false, ifEmpty: '', allowReserved: false },
  '/': { first: '/', sep: '/', named: false, ifEmpty: '', allowReserved: false },
  ';': { first: ';', sep: ';', named: true, ifEmpty: '', allowReserved: false },
  '?': { first: '?', sep: '&', named: true, ifEmpty: '=', allowReserved: false },
  '&': { first: '&', sep: '&', named: true, ifEmpty: '=', allowReserved: false },
};

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;

function encode(s: string, allowReserved: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (UNRESERVED.test(c)) out += c;
    else if (allowReserved && RESERVED.test(c)) out += c;
    else if (allowReserved && c === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) out += c;
    else {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

function parse(template: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      parts.push(template.slice(i));
      break;
    }
    const close = template.indexOf('}', open);
    if (close < 0) {
      parts.push(template.slice(i));
      break;
    }
    if (open > i) parts.push(template.slice(i, open));
    let body = template.slice(open + 1, close);
    let op: Op = '';
    if (body && '+#./;?&'.includes(body[0]!)) {
      op = body[0] as Op;
      body = body.slice(1);
    }
    const vars = body.split(',').map((v) => {
      const explode = v.endsWith('*');
      const name = explode ? v.slice(0, -1) : v;
      const c = name.indexOf(':');
      return c < 0 ? { name, explode } : { name: name.slice(0, c), prefix: Number(name.slice(c + 1)), explode };
    });
    parts.push({ op, vars });
    i = close + 1;
  }
  return parts;
}

function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What java.net.URI quotes when building from parts: spaces, controls and a few ASCII symbols. */
function quoteIllegal(s: string): string {
  return s.replace(/[\x00-\x20"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export interface HttpUriTemplate {
  readonly variables: string[];
  expand(lookup: (name: string) => string | undefined): string;
}

export function compileHttpUriTemplate(template: string, legacyEncoding: boolean): HttpUriTemplate {
  const parts = parse(template);
  // Synapse quirk: a template that starts with an expression expands it as reserved ({+...})
  if (template.startsWith('{') && typeof parts[0] === 'object' && parts[0].op === '') parts[0] = { ...parts[0], op: '+' };
  const variables = parts.flatMap((p) => (typeof p === 'string' ? [] : p.vars.map((v) => v.name)));
  return {
    variables,
    expand(lookup) {
      let anyDefined = false;
      let out = '';
      for (const p of parts) {
        if (typeof p === 'string') {
          out += p;
          continue;
        }
        const spec = OPS[p.op];
        const pieces: string[] = [];
        for (const v of p.vars) {
          let value = lookup(v.name);
          if (value === undefined) continue;
          anyDefined = true;
          if (legacyEncoding) value = decodeLoose(value);
          if (v.prefix !== undefined) value = [...value].slice(0, v.prefix).join('');
          const enc = legacyEncoding ? value : encode(value, spec.allowReserved);
          if (spec.named) pieces.push(value === '' ? v.name + spec.ifEmpty : `${v.name}=${enc}`);
          else pieces.push(enc);
        }
        if (pieces.length) out += spec.first + pieces.join(spec.sep);
      }
      if (!anyDefined) return template;
      return legacyEncoding ? quoteIllegal(decodeLoose(out)) : out;
    },
  };
}

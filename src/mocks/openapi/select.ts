// OpenAPI mocks, runtime: which response, media type and example answer one request, from the
// request's Prefer and Accept headers. A pure function of the operation table and two header
// values, so every rule is unit-tested without sockets.
//
// Rules (docs/openapi-mocks.md): `Prefer: code=NNN, example=NAME` picks a response by status
// (NNN, then NNx, then Nxx) and a named example (compared as written); without a code the
// order is: lowest exact 2xx, 2xx ranges (NNx before Nxx), `default` (as 200), then the other
// classes from 3xx up, exact codes before ranges within a class.
// Accept is negotiated with q-values and wildcards (best q, then the most specific range, then
// the document's order); without Accept, application/json if offered, else the first type.

import { STATUS_CODES } from 'node:http';
import type { MockOperationDef, MockResponseDef } from './document.js';

/** Error answers use the JSON of API Manager's enforcer: code, message, description. */
export interface MockError {
  kind: 'error';
  status: number;
  code: number;
  message: string;
  description: string;
}

export interface MockPick {
  kind: 'ok';
  status: number;
  /** undefined for a response that declares no body. */
  mediaType: string | undefined;
  body: string;
  headers: [string, string][];
  /** The response key that answered ("200", "5XX", "default"). */
  key: string;
  /** The example that answered (undefined for an unnamed one). */
  example: string | undefined;
}

export type MockSelection = MockPick | MockError;

export const NOT_IMPLEMENTED = 900871;
export const BAD_REQUEST = 900870;
/** API Manager's "no matching resource" code, for a path or method the document does not define. */
export const NO_OPERATION = 900906;

export function notImplemented(description: string): MockError {
  return { kind: 'error', status: 501, code: NOT_IMPLEMENTED, message: STATUS_CODES[501]!, description };
}

export interface Preferences {
  code?: string;
  example?: string;
}

/**
 * Parse Prefer (RFC 7240): comma-separated `token=value` preferences, each optionally with
 * `;`-parameters (ignored). Only `code` and `example` matter. Names are case-insensitive;
 * values are trimmed and unquoted but keep their case. A preference given twice: the first counts.
 */
export function parsePrefer(header: string | undefined): Preferences {
  const out: Preferences = {};
  if (!header) return out;
  for (const part of header.split(',')) {
    const pref = part.split(';')[0]!;
    const eq = pref.indexOf('=');
    if (eq < 0 || pref.indexOf('=', eq + 1) >= 0) continue;
    const key = pref.slice(0, eq).trim().toLowerCase();
    let value = pref.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if ((key === 'code' || key === 'example') && out[key] === undefined) out[key] = value;
  }
  return out;
}

export interface AcceptRange {
  type: string;
  subtype: string;
  params: [string, string][];
  q: number;
}

/**
 * Parse Accept (RFC 9110 §12.5.1). A bare `*` counts as `*\/*`; entries that are not media
 * ranges, or whose q is not a valid qvalue, are ignored.
 */
export function parseAccept(header: string): AcceptRange[] {
  const out: AcceptRange[] = [];
  for (const entry of header.split(',')) {
    const [range, ...rawParams] = entry.split(';');
    let r = range!.trim().toLowerCase();
    if (r === '') continue;
    if (r === '*') r = '*/*';
    const slash = r.indexOf('/');
    if (slash <= 0 || slash === r.length - 1) continue;
    const type = r.slice(0, slash);
    const subtype = r.slice(slash + 1);
    if (type === '*' && subtype !== '*') continue;
    let q = 1;
    let bad = false;
    const params: [string, string][] = [];
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      let v = p.slice(eq + 1).trim();
      if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      if (k === 'q') {
        if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(v)) bad = true;
        else q = Number(v);
        break; // parameters after q are accept-extensions, not media type parameters
      }
      params.push([k, v.toLowerCase()]);
    }
    if (!bad) out.push({ type, subtype, params, q });
  }
  return out;
}

function parseMediaType(mt: string): { type: string; subtype: string; params: Map<string, string> } {
  const [essence, ...rawParams] = mt.split(';');
  const [type = '', subtype = ''] = essence!.trim().toLowerCase().split('/');
  const params = new Map<string, string>();
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    params.set(p.slice(0, eq).trim().toLowerCase(), v.toLowerCase());
  }
  return { type, subtype, params };
}

/** How specific a matching range is (-1: no match): *\/* 0, type/* 1, type/sub 2, plus parameters. */
function specificity(range: AcceptRange, mt: ReturnType<typeof parseMediaType>): number {
  if (range.type === '*') return 0;
  if (range.type !== mt.type) return -1;
  if (range.subtype === '*') return 1;
  if (range.subtype !== mt.subtype) return -1;
  for (const [k, v] of range.params) if (mt.params.get(k) !== v) return -1;
  return 2 + range.params.length;
}

/**
 * The media type to answer with, by Accept: each offered type takes the q of the most specific
 * range that matches it (q=0 refuses it); the highest q wins, then the more specific match,
 * then the document's order. undefined when nothing acceptable is offered.
 */
export function negotiate(offered: readonly string[], accept: string | undefined): string | undefined {
  if (offered.length === 0) return undefined;
  if (accept === undefined || accept.trim() === '') {
    return offered.find((t) => parseMediaType(t).type === 'application' && parseMediaType(t).subtype === 'json') ?? offered[0];
  }
  const ranges = parseAccept(accept);
  let best: { t: string; q: number; s: number } | undefined;
  for (const t of offered) {
    const mt = parseMediaType(t);
    let s = -1;
    let q = 0;
    for (const r of ranges) {
      const rs = specificity(r, mt);
      if (rs > s) {
        s = rs;
        q = r.q;
      }
    }
    if (s < 0 || q <= 0) continue;
    if (!best || q > best.q || (q === best.q && s > best.s)) best = { t, q, s };
  }
  return best?.t;
}

function isExact(key: string): boolean {
  return /^\d{3}$/.test(key);
}

/** The status a response key stands for when no code was asked: x -> 0 ("2XX" -> 200). */
function derivedStatus(key: string): number {
  return key === 'default' ? 200 : Number(key.replace(/x/gi, '0'));
}

/** Response order when no code is preferred (see the module comment); stable for equal ranks. */
export function defaultOrder(responses: readonly MockResponseDef[]): MockResponseDef[] {
  // [group, status class, 0 exact / 1 NNx / 2 Nxx, status]: 2xx exact, 2xx ranges, default,
  // then the other classes in order, each with exact codes before its ranges
  const rank = (r: MockResponseDef): number[] => {
    const k = r.key;
    if (k === 'default') return [2, 2, 0, 200];
    const st = derivedStatus(k);
    const xs = (k.match(/x/gi) ?? []).length;
    if (k[0] === '2') return [isExact(k) ? 0 : 1, 2, xs, st];
    return [3, Number(k[0]), xs, st];
  };
  return responses
    .map((r, i) => ({ r, i, k: rank(r) }))
    .sort((a, b) => a.k[0]! - b.k[0]! || a.k[1]! - b.k[1]! || a.k[2]! - b.k[2]! || a.k[3]! - b.k[3]! || a.i - b.i)
    .map((x) => x.r);
}

/** Look a preferred code up: NNN, then NNx, then Nxx (x in either case). */
function byCode(responses: readonly MockResponseDef[], code: string): MockResponseDef | undefined {
  const lower = (k: string) => k.toLowerCase();
  return (
    responses.find((r) => r.key === code) ??
    responses.find((r) => lower(r.key) === `${code.slice(0, 2)}x`) ??
    responses.find((r) => lower(r.key) === `${code[0]}xx`)
  );
}

/** Answer one request to an operation: the chosen example, or the error to send. */
export function selectMockResponse(op: MockOperationDef, prefer: string | undefined, accept: string | undefined): MockSelection {
  if (op.responses.length === 0) return notImplemented('');
  const p = parsePrefer(prefer);
  let response: MockResponseDef | undefined;
  let status: number;
  if (p.code !== undefined) {
    if (!/^\d{3}$/.test(p.code)) {
      return { kind: 'error', status: 400, code: BAD_REQUEST, message: 'Bad Request', description: 'Invalid format for code preference' };
    }
    response = byCode(op.responses, p.code);
    if (!response) return notImplemented(`Preferred code ${p.code} is not supported for this resource`);
    status = Number(p.code);
  } else {
    response = defaultOrder(op.responses)[0]!;
    status = derivedStatus(response.key);
  }
  if (status < 200 || status > 999) return notImplemented(`Preferred code ${status} is not supported for this resource`);
  if (response.content.length === 0) {
    if (p.example !== undefined) return notImplemented(`Example preference ${p.example} is not supported for this resource`);
    return { kind: 'ok', status, mediaType: undefined, body: '', headers: response.headers, key: response.key, example: undefined };
  }
  const mediaType = negotiate(
    response.content.map((c) => c.mediaType),
    accept,
  );
  if (mediaType === undefined) return notImplemented(`Accept type [${accept ?? ''}] is not supported for this resource`);
  const content = response.content.find((c) => c.mediaType === mediaType)!;
  let example = content.examples[0]!;
  if (p.example !== undefined) {
    const named = content.examples.find((e) => e.name === p.example);
    if (!named) return notImplemented(`Example preference ${p.example} is not supported for this resource`);
    example = named;
  }
  return { kind: 'ok', status, mediaType, body: example.body, headers: response.headers, key: response.key, example: example.name };
}

/** The JSON body of an error answer. */
export function errorBody(e: MockError): string {
  return JSON.stringify({ code: e.code, message: e.message, description: e.description });
}

// Runtime: how flows run. A flow is a compiled list run against a message; an exception (or an
// endpoint failure) sets Synapse's ERROR_* properties and runs the top fault handler. This
// module also writes responses to the client and carries a send through to its response flow.

import type { Readable } from 'node:stream';
import { MediationError, statusForSynapseCode } from '../errors/codes.js';
import { isPromise, type Mediate } from '../mediators/types.js';
import { DISCARDED, FAULT_HANDLER, type Endpoint, type BackendResponse } from '../endpoints/types.js';
import type { FaultHandler, MessageContext } from './message-context.js';
import { HeaderMap, type HeaderValue } from './headers.js';
import { mediaType, Payload, kindOfMediaType } from './payload.js';
import type { Logger } from './logger.js';

/** How the generation routes responses; implemented by Generation. */
export interface ResponseRouter {
  /**
   * The flow a backend response runs through: the `receive` sequence, the resource's
   * outSequence, or main (for messages main sent). `null` means relay to the client as is.
   */
  responseFlow(mc: MessageContext): { flow: Mediate; fault: FaultHandler | undefined } | null;
  readonly logger: Logger;
}

/** Run a flow; any exception goes to the fault handlers. Never rejects. */
export async function runFlow(mc: MessageContext, flow: Mediate): Promise<boolean> {
  try {
    const r = flow(mc);
    return isPromise<boolean>(r) ? await r : r;
  } catch (e) {
    await handleFault(mc, e);
    return false;
  }
}

export { FAULT_HANDLER };

/** Synapse's fault path: set ERROR_* (when the failure carries them), pop a handler and run it. */
export async function handleFault(mc: MessageContext, err: unknown): Promise<void> {
  const own = typeof err === 'object' && err !== null ? (err as { [FAULT_HANDLER]?: FaultHandler })[FAULT_HANDLER] : undefined;
  if (own) {
    delete (err as { [FAULT_HANDLER]?: FaultHandler })[FAULT_HANDLER];
    mc.faultStack.push(own);
  }
  if (err instanceof MediationError) {
    mc.setError(err.synapseCode, err.message, err.detail ?? err.message, err);
    if ((err as MediationError & { [DISCARDED]?: boolean })[DISCARDED]) {
      // <responseAction>discard</responseAction>: no fault sequence. Synapse leaves the client
      // waiting; Axon answers with the timeout instead.
      mc.env.logger.log('warn', 'endpoint timeout with responseAction discard: no fault sequence runs', { messageId: mc.id });
      respondWithError(mc);
      return;
    }
  } else {
    if (!mc.props.has('ERROR_CODE')) {
      const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      mc.setError(0, msg, err instanceof Error ? (err.stack ?? msg) : msg, err);
    }
    if (!(err instanceof Error && err.name === 'MediationError')) {
      mc.env.logger.log('error', 'mediation failed', { err: err instanceof Error ? err.stack : String(err), messageId: mc.id });
    }
  }
  for (;;) {
    const handler = mc.faultStack.pop();
    if (!handler) {
      respondWithError(mc);
      return;
    }
    try {
      await handler.handle(mc);
      return;
    } catch (e) {
      if (e instanceof MediationError) mc.setError(e.synapseCode, e.message, e.detail ?? e.message, e);
      // a failing fault sequence hands over to the next handler down the stack
    }
  }
}

/**
 * The built-in answer when no fault sequence handles a failure: a 5xx (or the error's own 4xx)
 * whose body names the Synapse code, in the shape API Manager's default fault uses.
 */
export function respondWithError(mc: MessageContext): void {
  if (mc.exchange.responded) return;
  const code = Number(mc.props.get('ERROR_CODE') ?? 0);
  const message = String(mc.props.get('ERROR_MESSAGE') ?? 'Runtime Error');
  const err = mc.props.get('ERROR_EXCEPTION');
  const status =
    err instanceof MediationError && err.status >= 400 && err.status < 500 ? err.status : statusForSynapseCode(code);
  writeErrorBody(mc, status, code, message);
}

export function writeErrorBody(mc: MessageContext, status: number, code: number, description: string): void {
  const wantsXml = kindOfMediaType(mc.messageType()) === 'xml' && !/json/i.test(mc.headers.get('accept') ?? '');
  let body: string;
  let type: string;
  if (wantsXml) {
    type = 'application/xml';
    body =
      `<am:fault xmlns:am="http://wso2.org/apimanager"><am:code>${code}</am:code><am:type>Status report</am:type>` +
      `<am:message>Runtime Error</am:message><am:description>${escapeXml(description)}</am:description></am:fault>`;
  } else {
    type = 'application/json';
    body = JSON.stringify({ code, type: 'Status report', message: 'Runtime Error', description });
  }
  mc.exchange.respond(status, { 'Content-Type': type }, Buffer.from(body, 'utf8'));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const RESPONSE_SKIP = new Set(['content-length']);

/** axis2 flag on requests of a CREATED or PRE-RELEASED API (see respondToClient). */
export const PROTOTYPE_API = 'AXON_PROTOTYPE_API';

/** Send the current message to the client (respond mediator, send on a response, auto-relay). */
export function respondToClient(mc: MessageContext): void {
  if (mc.exchange.responded) return;
  const scRaw = mc.axis2.get('HTTP_SC');
  let status = scRaw === undefined || scRaw === null || scRaw === '' ? (mc.lastBackendStatus ?? 200) : Number(scRaw);
  if (!Number.isInteger(status) || status < 100 || status > 999) status = 500;
  const statusText = mc.axis2.get('HTTP_SC_DESC') as string | undefined;
  const p = mc.payload;
  let body: Buffer | Readable | null;
  let headers: Record<string, HeaderValue>;
  if (p.isStream) {
    headers = mc.headers.forwardable();
    body = p.takeStream() ?? null;
  } else {
    headers = mc.headers.forwardable(RESPONSE_SKIP);
    body = p.serialize(mc.messageType());
    if (p.modified) setContentType(headers, mc);
  }
  // an API still in prototype that answers a request itself, without a backend, is serving a
  // mock implementation (a script or a payloadFactory): say so, as OpenAPI mocks do
  if (!mc.exchange.outboundStarted && mc.axis2.get(PROTOTYPE_API) === true) headers['x-axon-mock'] = 'inline';
  if (mc.axis2.get('NO_ENTITY_BODY') === true && body && !(body instanceof Buffer)) {
    (body as Readable).resume();
    body = null;
  }
  mc.exchange.respond(status, headers, body, statusText ?? (status === mc.lastBackendStatus ? mc.lastBackendStatusText : undefined));
}

function setContentType(headers: Record<string, HeaderValue>, mc: MessageContext): void {
  const mt = mc.messageType();
  const ct = (mc.axis2.get('ContentType') as string | undefined) ?? mt;
  for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
  if (ct) headers['Content-Type'] = ct;
}

/**
 * Carry out a send: call the endpoint, then run the response through its flow (or relay it).
 * Failures run the fault handlers that were on the stack when the send started.
 */
export async function sendAndContinue(mc: MessageContext, endpoint: Endpoint | null, router: ResponseRouter, receive?: Mediate): Promise<void> {
  mc.exchange.outboundStarted = true;
  const faultSnapshot = mc.faultStack.slice();
  let res: BackendResponse;
  try {
    if (!endpoint) throw new MediationError('AXON_EP_BAD_ADDRESS', 'no endpoint and no To address to send to');
    res = await endpoint.send(mc);
  } catch (e) {
    mc.faultStack = faultSnapshot;
    await handleFault(mc, e);
    finishUnanswered(mc, router);
    return;
  }
  const route = receive ? undefined : router.responseFlow(mc);
  if (route === null) {
    // nothing mediates the response: relay it as it came, without building a response context
    // (measure before changing: this is the pass-through fast path)
    mc.exchange.respond(res.status, res.headers.forwardable(), res.body, res.statusText);
    return;
  }
  const rmc = responseContext(mc, res);
  if (receive) {
    rmc.faultStack = mc.faultStack.slice(0, 1);
    await runFlow(rmc, receive);
  } else {
    rmc.faultStack = route!.fault ? [route!.fault] : [];
    await runFlow(rmc, route!.flow);
  }
  finishUnanswered(rmc, router);
}

/** The response MC of a backend answer (headers, status, body still streaming). */
export function responseContext(mc: MessageContext, res: BackendResponse): MessageContext {
  const payload = res.body ? Payload.fromStream(res.body, res.headers.get('content-type')) : Payload.empty();
  return mc.forResponse(res.headers, payload, res.status, res.statusText);
}

/**
 * A flow that ended after a failed send without answering the client: Synapse would leave the
 * client waiting for its socket timeout. Axon answers with the error instead, and says so.
 */
export function finishUnanswered(mc: MessageContext, router: ResponseRouter): void {
  if (mc.exchange.responded) return;
  if (mc.props.has('ERROR_CODE')) {
    router.logger.log('warn', 'the fault flow ended without a response; answering with the error', {
      messageId: mc.id,
      errorCode: mc.props.get('ERROR_CODE'),
    });
    respondWithError(mc);
    return;
  }
  if (mc.isResponse) {
    // A response flow that neither sent nor dropped explicitly: the client still needs an answer.
    router.logger.log('warn', 'the response flow ended without sending the response; relaying it', { messageId: mc.id });
    respondToClient(mc);
  }
}

/** The non-blocking call: the response replaces the message and the flow goes on. */
export async function callEndpoint(mc: MessageContext, endpoint: Endpoint): Promise<void> {
  mc.exchange.outboundStarted = true;
  const res = await endpoint.send(mc);
  // Synapse copies the response into the same flow: headers, payload, status; To becomes anonymous.
  mc.headers = res.headers;
  mc.payload = res.body ? Payload.fromStream(res.body, res.headers.get('content-type')) : Payload.empty();
  mc.axis2.set('HTTP_SC', res.status);
  mc.lastBackendStatus = res.status;
  mc.lastBackendStatusText = res.statusText;
  const ct = res.headers.get('content-type');
  if (ct) {
    mc.axis2.set('messageType', mediaType(ct));
    mc.axis2.set('ContentType', ct);
  } else {
    mc.axis2.delete('messageType');
    mc.axis2.delete('ContentType');
  }
  if (res.status >= 400) mc.axis2.set('FAULT_MESSAGE', 'TRUE');
  else mc.axis2.delete('FAULT_MESSAGE');
  mc.axis2.delete('NO_ENTITY_BODY');
  mc.addressing.To = 'http://www.w3.org/2005/08/addressing/anonymous';
  mc.isResponse = false;
}

export { HeaderMap };

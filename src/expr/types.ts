// Expression stage: the interface between compiled Synapse expressions and the message they
// read. The runtime's MessageContext implements EvalContext; expr never imports the runtime.

import type { Document as XmlDocument, Element as XmlElement } from '@xmldom/xmldom';

/** Scopes that get-property(scope, name) and $scope:name can read. */
export type ReadScope =
  | 'default'
  | 'axis2'
  | 'transport'
  | 'operation'
  | 'func'
  | 'system'
  | 'env'
  | 'registry'
  | 'file'
  | 'axis2-client';

/** The WS-Addressing pseudo-properties readable via get-property('To') etc. */
export type AddressField = 'To' | 'From' | 'Action' | 'FaultTo' | 'ReplyTo' | 'RelatesTo' | 'MessageID';

/**
 * A property value typed JSON (property type="JSON", or a json-eval result kept as JSON).
 * Kept apart from plain strings so that string conversion and payloadFactory know its kind.
 */
export class JsonValue {
  constructor(readonly value: unknown) {}
  toString(): string {
    return JSON.stringify(this.value);
  }
}

/** What a compiled expression may ask of the message it runs against. */
export interface EvalContext {
  /** Default-scope property, raw (no pseudo-properties, no local-entry fallback). */
  getProperty(name: string): unknown;
  /** A property in another scope; transport names are case-insensitive. Undefined when absent. */
  getScoped(scope: ReadScope, name: string): unknown;
  /** WS-Addressing fields; null when unset. */
  getAddress(field: AddressField): string | null;
  /** A local entry's value (string, XmlElement) or undefined. */
  getLocalEntry(key: string): unknown;
  /**
   * The SOAP envelope document holding the payload (JSON payloads appear as the jsonObject view).
   * Building it may parse the body; a malformed body throws a MediationError.
   */
  envelope(): XmlDocument;
  /** The payload as a JSON value (XML payloads converted per Synapse rules); undefined when there is no body. */
  json(): unknown;
  /** Whether the payload is JSON (messageType application/json...). */
  isJson(): boolean;
  /** MESSAGE_FORMAT pseudo-property: pox, get, soap11 or soap12. */
  messageFormat(): string;
  /** FAULT pseudo-property. */
  isFault(): boolean;
  /** The clock (SYSTEM_DATE / SYSTEM_TIME). */
  now(): number;
}

/** A Synapse expression compiled once per config generation. */
export interface CompiledExpression {
  readonly source: string;
  /** Whether evaluating may need the message body (XPath paths, $body, json-eval on the payload). */
  readonly readsBody: boolean;
  /** The raw result: node array, string, number, boolean, XmlElement, JsonValue, null. */
  evaluate(ctx: EvalContext): unknown;
  /** Synapse's stringValueOf (not XPath string()); null when the result is null. */
  stringValue(ctx: EvalContext): string | null;
  /** XPath boolean value; for json-eval, true only when the string result is "true". */
  booleanValue(ctx: EvalContext): boolean;
}

/** Thrown by compileExpression; offset is the 0-based index in the source, when known. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly code: 'AXON_EXPR_PARSE' | 'AXON_EXPR_UNKNOWN_PREFIX' = 'AXON_EXPR_PARSE',
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export type { XmlDocument, XmlElement };

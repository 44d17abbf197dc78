// The one table of Axon error codes (all stages). Config problems use the AXON_CFG_* /
// AXON_EXPR_* codes with a file position; runtime failures map to Synapse's numeric ERROR_CODE.
// test/unit/errors/codes.test.ts keeps this table free of duplicates and in step with docs/errors.md.

export interface ErrorCodeDef {
  /** Stable string code, equal to its key in ERRORS. */
  readonly code: string;
  /** One-line description used in docs and as a default message. */
  readonly message: string;
  /** HTTP status when the problem reaches a client unhandled. */
  readonly status?: number;
  /** Synapse's numeric ERROR_CODE, where Synapse defines one. */
  readonly synapse?: number;
}

function def(code: string, message: string, status?: number, synapse?: number): ErrorCodeDef {
  return Object.freeze({ code, message, status, synapse });
}

export const ERRORS = Object.freeze({
  // --- configuration: reading, linking, compiling -------------------------------------------
  AXON_CFG_XML_SYNTAX: def('AXON_CFG_XML_SYNTAX', 'the file is not well-formed XML'),
  AXON_CFG_DOCTYPE_FORBIDDEN: def('AXON_CFG_DOCTYPE_FORBIDDEN', 'DOCTYPE declarations are not allowed'),
  AXON_CFG_UNKNOWN_ROOT: def('AXON_CFG_UNKNOWN_ROOT', 'the root element is not an artifact Axon reads'),
  AXON_CFG_UNKNOWN_ELEMENT: def('AXON_CFG_UNKNOWN_ELEMENT', 'unknown element'),
  AXON_CFG_UNSUPPORTED_ELEMENT: def('AXON_CFG_UNSUPPORTED_ELEMENT', 'a Synapse element that Axon does not support'),
  AXON_CFG_UNKNOWN_ATTRIBUTE: def('AXON_CFG_UNKNOWN_ATTRIBUTE', 'unknown attribute'),
  AXON_CFG_MISSING_ATTRIBUTE: def('AXON_CFG_MISSING_ATTRIBUTE', 'a required attribute is missing'),
  AXON_CFG_MISSING_ELEMENT: def('AXON_CFG_MISSING_ELEMENT', 'a required child element is missing'),
  AXON_CFG_BAD_VALUE: def('AXON_CFG_BAD_VALUE', 'an attribute or element has a value that is not allowed'),
  AXON_CFG_CONFLICT: def('AXON_CFG_CONFLICT', 'attributes or elements that exclude each other'),
  AXON_CFG_BAD_REGEX: def('AXON_CFG_BAD_REGEX', 'a regular expression that cannot be compiled'),
  AXON_CFG_DUPLICATE_NAME: def('AXON_CFG_DUPLICATE_NAME', 'two artifacts of one kind share a name'),
  AXON_CFG_UNRESOLVED_KEY: def('AXON_CFG_UNRESOLVED_KEY', 'a key= reference names no artifact'),
  AXON_CFG_REFERENCE_CYCLE: def('AXON_CFG_REFERENCE_CYCLE', 'sequences or endpoints refer to each other in a cycle'),
  AXON_CFG_API_CLASH: def('AXON_CFG_API_CLASH', 'two APIs share a context and version'),
  AXON_CFG_RESOURCE_CLASH: def('AXON_CFG_RESOURCE_CLASH', 'two resources of an API share a mapping and a method'),
  AXON_CFG_BAD_URI_TEMPLATE: def('AXON_CFG_BAD_URI_TEMPLATE', 'a URI template Axon cannot read'),
  AXON_CFG_READ_FAILED: def('AXON_CFG_READ_FAILED', 'a configuration file could not be read'),
  AXON_EXPR_PARSE: def('AXON_EXPR_PARSE', 'an expression that cannot be parsed'),
  AXON_EXPR_UNKNOWN_PREFIX: def('AXON_EXPR_UNKNOWN_PREFIX', 'an expression uses a namespace prefix that is not declared'),
  AXON_CFG_OPENAPI_MISSING: def('AXON_CFG_OPENAPI_MISSING', 'an OpenAPI document named in config is not in the config folder'),
  AXON_CFG_OPENAPI_SYNTAX: def('AXON_CFG_OPENAPI_SYNTAX', 'an OpenAPI document is not valid YAML or JSON'),
  AXON_CFG_OPENAPI_INVALID: def('AXON_CFG_OPENAPI_INVALID', 'an OpenAPI document does not follow the OpenAPI 3 or Swagger 2 specification'),
  AXON_CFG_OPENAPI_UNSUPPORTED: def('AXON_CFG_OPENAPI_UNSUPPORTED', 'an OpenAPI document uses something a mock cannot serve (external $ref, externalValue)'),
  AXON_CFG_MOCK_NOT_ALLOWED: def('AXON_CFG_MOCK_NOT_ALLOWED', 'an API whose lifecycle state forbids mocks uses a mock endpoint'),

  // --- runtime: mediation ---------------------------------------------------------------------
  AXON_MED_FAILED: def('AXON_MED_FAILED', 'a mediator failed', 500, 0),
  AXON_MED_BAD_PAYLOAD: def('AXON_MED_BAD_PAYLOAD', 'the message body could not be parsed', 400, 601000),
  AXON_MED_BAD_HEADER_VALUE: def('AXON_MED_BAD_HEADER_VALUE', 'a header value contains characters not allowed in HTTP', 500, 0),
  AXON_MED_BAD_QUERY: def('AXON_MED_BAD_QUERY', 'a query parameter could not be decoded', 400, 400),
  AXON_MED_SEQUENCE_NOT_FOUND: def('AXON_MED_SEQUENCE_NOT_FOUND', 'a dynamic sequence key names no sequence', 500, 0),
  // <script>: load-time problems of the code, and a script that fails for one message
  AXON_CFG_SCRIPT_SYNTAX: def('AXON_CFG_SCRIPT_SYNTAX', 'a script that does not parse as JavaScript'),
  AXON_CFG_SCRIPT_E4X: def('AXON_CFG_SCRIPT_E4X', 'a script with E4X XML literals, which Axon does not run'),
  AXON_MED_SCRIPT_FAILED: def('AXON_MED_SCRIPT_FAILED', 'a script threw, or exceeded its time or memory limit', 500, 0),

  // --- runtime: endpoints -----------------------------------------------------------------------
  AXON_EP_CONNECT_FAILED: def('AXON_EP_CONNECT_FAILED', 'Error connecting to the back end', 502, 101503),
  AXON_EP_TIMEOUT: def('AXON_EP_TIMEOUT', 'the backend did not answer in time', 504, 101504),
  AXON_EP_CONNECTION_CLOSED: def('AXON_EP_CONNECTION_CLOSED', 'the backend closed the connection', 502, 101505),
  AXON_EP_CONNECT_TIMEOUT: def('AXON_EP_CONNECT_TIMEOUT', 'Error connecting to the back end (connect timeout)', 504, 101508),
  AXON_EP_SEND_FAILED: def('AXON_EP_SEND_FAILED', 'Error in Sender', 502, 101500),
  AXON_EP_PROTOCOL: def('AXON_EP_PROTOCOL', 'the backend broke the HTTP protocol', 502, 101506),
  AXON_EP_NOT_READY: def('AXON_EP_NOT_READY', 'the endpoint is not ready to send', 503, 303001),
  AXON_EP_BAD_ADDRESS: def('AXON_EP_BAD_ADDRESS', 'the endpoint address is not a usable URL', 500, 303001),
  AXON_EP_KEY_NOT_FOUND: def('AXON_EP_KEY_NOT_FOUND', "Couldn't find the endpoint with the key", 500, 305100),
  AXON_EP_NO_READY_CHILD: def('AXON_EP_NO_READY_CHILD', 'no child of a failover or load-balance group is ready', 503, 303000),
  AXON_EP_WRONG_GATEWAY: def('AXON_EP_WRONG_GATEWAY', 'a key of the other environment reached a production-only or sandbox-only gateway', 401),
  AXON_EP_WRONG_KEY_TYPE: def('AXON_EP_WRONG_KEY_TYPE', 'the key type has no endpoint in this environment', 403, 900901),

  // --- transport / client side ------------------------------------------------------------------
  AXON_TRN_BODY_TOO_LARGE: def('AXON_TRN_BODY_TOO_LARGE', 'the request body is larger than the configured limit', 413),
  AXON_TRN_BAD_URL: def('AXON_TRN_BAD_URL', 'the request URL is not valid', 400),
  AXON_TRN_BAD_PAYLOAD: def('AXON_TRN_BAD_PAYLOAD', 'the request body could not be parsed', 400),
  AXON_TRN_NO_API: def('AXON_TRN_NO_API', 'no API or resource matches the request', 404),
  AXON_TRN_METHOD_NOT_ALLOWED: def('AXON_TRN_METHOD_NOT_ALLOWED', 'the resource does not allow this method', 405),

  // --- engine -----------------------------------------------------------------------------------
  AXON_ENG_OPTIONS_INVALID: def('AXON_ENG_OPTIONS_INVALID', 'invalid engine options'),
} as const);

export type ErrorCode = keyof typeof ERRORS;

/** Numeric Synapse ERROR_CODE values that have no AXON_* twin of their own. */
export const SYNAPSE_CODES = Object.freeze({
  GENERIC: 0,
  CONNECTION_FAILED: 101503,
  CONNECTION_TIMEOUT: 101504,
  CONNECTION_CLOSED: 101505,
  CONNECT_TIMEOUT: 101508,
  NO_READY_CHILD: 303000,
  ENDPOINT_NOT_READY: 303001,
  PAYLOAD_PARSE: 601000,
});

/**
 * A runtime failure that turns into Synapse fault properties (ERROR_CODE, ERROR_MESSAGE,
 * ERROR_DETAIL, ERROR_EXCEPTION) and runs the fault sequence.
 */
export class MediationError extends Error {
  readonly code: ErrorCode;
  readonly synapseCode: number;
  readonly status: number;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message?: string, options?: { synapseCode?: number; detail?: string; cause?: unknown }) {
    const d = ERRORS[code];
    super(message ?? d.message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'MediationError';
    this.code = code;
    this.synapseCode = options?.synapseCode ?? d.synapse ?? 0;
    this.status = d.status ?? 500;
    this.detail = options?.detail;
  }
}

/** The HTTP status Axon answers with when a Synapse error code reaches the client unhandled. */
export function statusForSynapseCode(code: number): number {
  for (const d of Object.values(ERRORS) as ErrorCodeDef[]) {
    if (d.synapse === code && d.status !== undefined) return d.status;
  }
  if (code >= 101000 && code < 102000) return 502;
  if (code >= 303000 && code < 310000) return 503;
  return 500;
}

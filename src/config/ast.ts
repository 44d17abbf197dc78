// Config stage: the typed tree that readers build from XML. It holds no runtime objects;
// the compile stage turns it into closures. Every node carries the position it came from.

import type { Position } from './diagnostics.js';
import type { XmlElement } from '../expr/types.js';
import type { MockDocument } from '../mocks/openapi/document.js';

export type { Position };

/** Base of every mediator node: the XML element name (`kind`) and where it was written. */
export interface MediatorNode {
  kind: string;
  pos: Position;
}

/** An inline list of mediators or a reference to a named sequence. */
export interface SequenceRef {
  /** Inline mediators (anonymous sequence). */
  inline?: MediatorNode[];
  /** key= of a named sequence. */
  key?: string;
  pos: Position;
}

export interface SequenceNode {
  name: string;
  onError?: string;
  mediators: MediatorNode[];
  pos: Position;
  file: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH';

export interface ResourceNode {
  /** null = every method. */
  methods: HttpMethod[] | null;
  uriTemplate?: string;
  urlMapping?: string;
  protocol?: 'http' | 'https';
  contentType?: string;
  /** Java regex (already translated and checked) matched fully against User-Agent. */
  userAgent?: string;
  inSequence?: SequenceRef;
  outSequence?: SequenceRef;
  faultSequence?: SequenceRef;
  pos: Position;
}

export type ApiLifecycle = 'CREATED' | 'PRE-RELEASED' | 'PUBLISHED' | 'BLOCKED' | 'DEPRECATED' | 'RETIRED';

export interface ApiNode {
  name: string;
  /** As written (starts with '/'). */
  context: string;
  version?: string;
  versionType?: 'url' | 'context';
  hostname?: string;
  port?: number;
  transports?: ('http' | 'https')[];
  /**
   * lifecycle="..." (an Axon extension), PROTOTYPED read as PRE-RELEASED. Undefined when not
   * declared. Mock endpoints are allowed only while CREATED or PRE-RELEASED (or undeclared).
   */
  lifecycle?: ApiLifecycle;
  resources: ResourceNode[];
  pos: Position;
  file: string;
}

/** A key/value pair of an endpoint <property> child. */
export interface EndpointPropertyNode {
  name: string;
  value?: string;
  expression?: string;
  namespaces: Record<string, string>;
  scope: 'default' | 'transport' | 'axis2' | 'axis2-client';
  pos: Position;
}

export interface TimeoutNode {
  /** Milliseconds, or undefined when only an expression / nothing was given. */
  durationMs?: number;
  /** `{xpath}` duration, evaluated per message. */
  durationExpression?: string;
  responseAction?: 'fault' | 'discard' | 'never';
  pos: Position;
}

export interface MarkForSuspensionNode {
  errorCodes: number[];
  retriesBeforeSuspension: number;
  retryDelayMs: number;
}

export interface SuspendOnFailureNode {
  errorCodes: number[];
  initialDurationMs: number;
  progressionFactor: number;
  maximumDurationMs: number;
}

export interface RetryConfigNode {
  disabledErrorCodes: number[];
  enabledErrorCodes: number[];
}

/** QoS settings common to leaf endpoints (address, default, http, wsdl). */
export interface LeafQosNode {
  format?: 'soap11' | 'soap12' | 'pox' | 'get' | 'rest';
  /** `<enableAddressing [version]>`: WS-Addressing headers on outgoing SOAP messages. */
  addressing?: 'final' | 'submission';
  timeout?: TimeoutNode;
  markForSuspension?: MarkForSuspensionNode;
  suspendOnFailure?: SuspendOnFailureNode;
  retryConfig?: RetryConfigNode;
}

export interface AddressEndpointBody extends LeafQosNode {
  type: 'address';
  uri: string;
  /** Set when the address came from a service catalog entry (its key). */
  service?: string;
}

export interface DefaultEndpointBody extends LeafQosNode {
  type: 'default';
}

export interface HttpEndpointBody extends LeafQosNode {
  type: 'http';
  /** Without the legacy-encoding: prefix. */
  uriTemplate: string;
  legacyEncoding: boolean;
  method?: HttpMethod;
}

/** `<wsdl uri service port>` (or an inline WSDL): the address comes from the WSDL at load. */
export interface WsdlEndpointBody extends LeafQosNode {
  type: 'wsdl';
  /** As written (a file of the config folder, or a local entry key). */
  uri?: string;
  service: string;
  port: string;
  /** Filled at load: the service/port address and its SOAP version. */
  address?: string;
  soap?: 'soap11' | 'soap12';
  pos: Position;
}

/**
 * `<endpoint template="T" [name] [uri]>` with `<parameter name value/>` children: expanded at
 * load (by the linker) into the template's endpoint with every `$param` replaced.
 */
export interface TemplateEndpointBody {
  type: 'template';
  template: string;
  /** Parameter values, `name` and `uri` attributes included. */
  params: Record<string, string>;
  pos: Position;
}

/** `<template name="T"><parameter name="p"/>* <endpoint>...</endpoint></template>` */
export interface EndpointTemplateNode {
  name: string;
  parameters: string[];
  /** The endpoint element as written; expanded per use. */
  element: XmlElement;
  pos: Position;
  file: string;
}

/** `<recipientlist>`: every ready child gets the message; the first answer wins (§6.8). */
export interface RecipientListEndpointBody {
  type: 'recipientlist';
  children: EndpointNode[];
  members: MemberNode[];
  /** `<endpoints value="{expr}" max-cache="n"/>`: comma-separated URLs worked out per message. */
  dynamic?: { expression: string; namespaces: Record<string, string>; maxCache: number };
}

/** A service catalog entry (a file under service-catalog/). */
export interface ServiceEntryNode {
  /** `key`, or name-version. */
  key: string;
  name: string;
  version: string;
  serviceUrl: string;
  definitionType?: string;
  pos: Position;
  file: string;
}

/**
 * `<service name="N" version="V"/>` or `<service key="K"/>` (an Axon extension): an address
 * endpoint whose URL is the catalog entry's serviceUrl, filled in at load.
 */
export interface ServiceEndpointBody extends LeafQosNode {
  type: 'service';
  name?: string;
  version?: string;
  key?: string;
  pos: Position;
}

/** A reference to a named endpoint (`<endpoint key="E"/>`). */
export interface KeyEndpointBody {
  type: 'key';
  key: string;
}

/** `<failover>`: children tried in document order, the first ready one first (§6.7). */
export interface FailoverEndpointBody {
  type: 'failover';
  /** dynamic="true" (default): every message starts at the first ready child. */
  dynamic: boolean;
  buildMessage: boolean;
  children: EndpointNode[];
  /** Axon's `maxAttempts`: most children one message may try (default: every child once). */
  maxAttempts?: number;
}

/** `<session>` beside a `<loadbalance>`: session affinity (§6.6). */
export interface SessionNode {
  /** Synapse's http, soap and simpleClientSession, and Axon's signedCookie. */
  type: 'http' | 'soap' | 'simpleClientSession' | 'signedCookie';
  timeoutMs: number;
  /** http: the cookie names that carry a session (Synapse's four by default). */
  cookieNames: string[];
  /** signedCookie: the cookie Axon issues. */
  cookieName: string;
  /** simpleClientSession: where a client id may come from besides the syn:ClientID SOAP header. */
  clientIdHeader: string;
  clientIdQuery: string;
  pos: Position;
}

/** `<member hostName httpPort httpsPort>`: a load-balance child given as a host. */
export interface MemberNode {
  hostName: string;
  httpPort?: number;
  httpsPort?: number;
  pos: Position;
}

/** `<loadbalance>` (§6.6). */
export interface LoadbalanceEndpointBody {
  type: 'loadbalance';
  /** Synapse algorithm class name; absent = RoundRobin. */
  algorithm?: string;
  /** failover="true" (default): a failed child hands the message to the next one. */
  failover: boolean;
  buildMessage: boolean;
  children: EndpointNode[];
  members: MemberNode[];
  session?: SessionNode;
  /** loadbalance.weightedRRLC.roundsPerRecal */
  roundsPerRecalculation?: number;
  /** Axon's `maxAttempts`: most children one message may try (default: every child once). */
  maxAttempts?: number;
}

/**
 * `<environments>` (an Axon extension): API Manager's production and sandbox endpoints, chosen
 * by the AM_KEY_TYPE property (or a configured request header) as the gateway does (§1.5 of the
 * API Manager note).
 */
export interface EnvironmentsEndpointBody {
  type: 'environments';
  gatewayType: 'hybrid' | 'production' | 'sandbox';
  /** Request header that carries the key type when no mediator set AM_KEY_TYPE. */
  keyTypeHeader?: string;
  production?: EndpointNode;
  sandbox?: EndpointNode;
}

export type EndpointBody =
  | ServiceEndpointBody
  | TemplateEndpointBody
  | RecipientListEndpointBody
  | EnvironmentsEndpointBody
  | AddressEndpointBody
  | WsdlEndpointBody
  | DefaultEndpointBody
  | HttpEndpointBody
  | KeyEndpointBody
  | FailoverEndpointBody
  | LoadbalanceEndpointBody
  | MockEndpointBody;

/**
 * `<mock openapi="path"/>` (an Axon extension): answers from the examples of an OpenAPI
 * document in the config folder, never calling a backend (docs/openapi-mocks.md).
 */
export interface MockEndpointBody {
  type: 'mock';
  /** The document's path relative to the config folder, "/"-separated. */
  openapi: string;
  /** Where the openapi attribute was written: document problems are reported there. */
  openapiPos: Position;
  /** The document's operations and examples, extracted once at load. */
  document: MockDocument;
}

export interface EndpointNode {
  /** Undefined for anonymous inline endpoints. */
  name?: string;
  onError?: string;
  body: EndpointBody;
  properties: EndpointPropertyNode[];
  pos: Position;
  file: string;
}

export interface LocalEntryNode {
  key: string;
  /** Trimmed text, or the first child element. */
  value: string | XmlElement;
  pos: Position;
  file: string;
}

export interface TemplateParameterNode {
  name: string;
  mandatory: boolean;
  defaultValue?: string;
}

export interface SequenceTemplateNode {
  name: string;
  parameters: TemplateParameterNode[];
  sequence: SequenceNode;
  pos: Position;
  file: string;
}

/** Everything read from a config folder, before linking. */
export interface ArtifactSet {
  apis: ApiNode[];
  sequences: SequenceNode[];
  endpoints: EndpointNode[];
  localEntries: LocalEntryNode[];
  templates: SequenceTemplateNode[];
  endpointTemplates: EndpointTemplateNode[];
  services: ServiceEntryNode[];
  /** Files read, with a content hash each (for reload diffs). */
  files: { file: string; hash: string }[];
}

// Mediator contract: a mediator is a definition keyed by its XML element. `read` validates
// XML into an AST node (reporting every problem), `compile` turns the node into a closure once
// per config generation. Nothing here runs per message except the returned closure.

import type { XmlElement } from '../xml/parse.js';
import type { MediatorNode, EndpointNode } from '../config/ast.js';
import type { ExprNode, ReadContext } from '../config/read-context.js';
import type { CompiledExpression } from '../expr/types.js';
import type { MessageContext } from '../runtime/message-context.js';
import type { Endpoint } from '../endpoints/types.js';
import type { Logger } from '../runtime/logger.js';
import type { ResponseRouter } from '../runtime/flow.js';

/** Run one mediator; false stops the flow (and propagates to every enclosing list). */
export type Mediate = (mc: MessageContext) => boolean | Promise<boolean>;

/** A named or anonymous sequence after compilation. */
export interface CompiledSequence {
  readonly name: string;
  mediate: Mediate;
}

/** A compiled sequence template: its parameters and body. */
export interface CompiledTemplate {
  readonly name: string;
  readonly parameters: readonly { name: string; mandatory: boolean; defaultValue?: string }[];
  readonly sequence: CompiledSequence;
}

/** A reference from one artifact to another, checked by the linker. */
export interface ArtifactRef {
  kind: 'sequence' | 'endpoint' | 'template' | 'localEntry';
  key: string;
  pos: { file: string; line: number; col: number };
}

export interface CompileContext {
  /** Compile (memoised) an expression checked at read time. */
  expr(node: ExprNode): CompiledExpression;
  /** Compile a mediator list into one closure. */
  list(nodes: readonly MediatorNode[]): Mediate;
  /** Whether a list (or one of its nested lists) must see the body. */
  listReadsBody(nodes: readonly MediatorNode[]): boolean;
  /** A named sequence (resolved lazily, so sequences may refer to each other in any order). */
  sequence(key: string): CompiledSequence;
  /** Whether a named sequence exists. */
  hasSequence(key: string): boolean;
  /** Build an endpoint (inline or key reference). */
  endpoint(node: EndpointNode): Endpoint;
  /** The endpoint of a bare <send/> or <call/>: the To address, global timeout, no QoS. */
  implicitEndpoint(): Endpoint;
  /** A sequence template by name (call-template). */
  template(name: string): CompiledTemplate | undefined;
  /** A local entry's value (string or XML element), for key= lookups at compile time. */
  localEntry(key: string): unknown;
  /** Where responses go (resource outSequence, main...). */
  readonly router: ResponseRouter;
  readonly logger: Logger;
  readonly globalTimeoutMs: number;
  /** Time and memory limits of <script> mediators (defaults apply when absent). */
  readonly scriptLimits?: { timeoutMs: number; memoryMb: number };
}

export interface MediatorDef<N extends MediatorNode = MediatorNode> {
  /** XML local name, e.g. "payloadFactory". */
  readonly element: string;
  read(el: XmlElement, r: ReadContext): N | undefined;
  compile(node: N, c: CompileContext): Mediate;
  /** Must the body be loaded before this mediator runs? (nested lists are handled by `list`.) */
  readsBody?(node: N, c: CompileContext): boolean;
  /** Mediator lists nested inside this one (filter branches, switch cases, in/out). */
  children?(node: N): readonly (readonly MediatorNode[])[];
  /** References to other artifacts, for the linker. */
  refs?(node: N): ArtifactRef[];
  /** Inline endpoints, for the linker. */
  endpoints?(node: N): EndpointNode[];
}

export function isPromise<T>(v: unknown): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as Promise<T>).then === 'function';
}

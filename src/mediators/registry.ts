// Mediator registry: element name -> definition. Definitions are checked when registered
// (a duplicate element or a missing read/compile is our bug and fails at start-up).

import type { MediatorNode } from '../config/ast.js';
import type { MediatorReader, ReaderRegistry } from '../config/read-context.js';
import type { MediatorDef } from './types.js';

export class MediatorRegistry implements ReaderRegistry {
  readonly #defs = new Map<string, MediatorDef<MediatorNode>>();

  register<N extends MediatorNode>(def: MediatorDef<N>): this {
    if (!def.element) throw new Error('a mediator definition needs an element name');
    if (typeof def.read !== 'function' || typeof def.compile !== 'function') {
      throw new Error(`mediator <${def.element}> needs read and compile`);
    }
    if (this.#defs.has(def.element)) throw new Error(`mediator <${def.element}> is registered twice`);
    this.#defs.set(def.element, def as unknown as MediatorDef<MediatorNode>);
    return this;
  }

  get(element: string): MediatorDef<MediatorNode> | undefined {
    return this.#defs.get(element);
  }

  reader(element: string): MediatorReader | undefined {
    return this.#defs.get(element);
  }

  elements(): string[] {
    return [...this.#defs.keys()];
  }
}

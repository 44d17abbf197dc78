// Endpoints, runtime stage: Synapse's WeightedRoundRobin loadbalance algorithm (synapse-semantics
// §6.6): the cursor stays on a child for `weight` consecutive picks, in document order.

import type { Picker, PickerChild, PickerOptions } from './picker.js';

/** Weight as the weighted pickers use it: a positive integer (the parser rejects others). */
export function effectiveWeight(weight: number): number {
  return Number.isFinite(weight) && weight >= 1 ? Math.floor(weight) : 1;
}

export class WeightedRoundRobinPicker implements Picker {
  private readonly respectReadiness: boolean;
  private cursor = 0;
  /** Picks already given to the child under the cursor in its current turn. */
  private usedInTurn = 0;

  constructor(options: Pick<PickerOptions, 'respectReadiness'> = {}) {
    this.respectReadiness = options.respectReadiness ?? false;
  }

  pick(children: readonly PickerChild[], tried: ReadonlySet<number>): number | undefined {
    const n = children.length;
    if (n === 0) return undefined;
    if (this.cursor >= n) this.moveTo(0);
    for (let examined = 0; examined < n; examined++) {
      const child = children[this.cursor]!;
      // A child skipped for this message loses the rest of its turn, as if its share were used.
      if (tried.has(child.index) || (this.respectReadiness && !child.ready())) {
        this.moveTo((this.cursor + 1) % n);
        continue;
      }
      if (++this.usedInTurn >= effectiveWeight(child.weight)) this.moveTo((this.cursor + 1) % n);
      return child.index;
    }
    return undefined;
  }

  private moveTo(position: number): void {
    this.cursor = position;
    this.usedInTurn = 0;
  }
}

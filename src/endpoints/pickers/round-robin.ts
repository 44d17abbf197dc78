// Endpoints, runtime stage: Synapse's RoundRobin loadbalance algorithm (synapse-semantics §6.6).
// One cursor per group, shared by every message that goes through it.

import type { Picker, PickerChild } from './picker.js';

export class RoundRobinPicker implements Picker {
  private cursor = 0;

  pick(children: readonly PickerChild[], tried: ReadonlySet<number>): number | undefined {
    const n = children.length;
    // Every child is examined at most once per pick and the cursor moves past each one
    // examined, so a skipped (suspended or already tried) child does not hold up the rotation.
    for (let examined = 0; examined < n; examined++) {
      const child = children[this.cursor % n]!;
      this.cursor = (this.cursor + 1) % n;
      if (!tried.has(child.index) && child.ready()) return child.index;
    }
    return undefined;
  }
}

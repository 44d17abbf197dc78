// Endpoints, runtime stage: Synapse's WeightedRRLCAlgorithm ("weighted round robin, least
// connections", synapse-semantics §6.6): weighted round robin whose per-round weights are
// corrected towards each child's share of the active connections.
//
// Reading of §6.6 (matches W's WeightedRRLCAlgorithmTest vectors):
// * Children are visited heaviest fixed weight first (stable for equal weights). In a round a
//   child gets `current` consecutive picks; `current` starts as `loadbalance.weight`.
// * Every `roundsPerRecalculation` full rounds (default 1), when the cursor wraps, each child's
//   current weight becomes fixed + round(total connections x (weight share - connection share)),
//   rounding a fraction of exactly .5 down, then bounded: a child with more than its share is
//   not lowered below `minWeight` (default max(fixed - 2, 0)), one with less is not raised above
//   `maxWeight` (default fixed + 2).
// * Deliberate differences from W: totals are recomputed at every recalculation (W keeps adding
//   to a running connection total that never resets, so its corrections drift), and with no
//   active connections at all the fixed weights are restored rather than left as they were.

import type { Picker, PickerChild, PickerOptions } from './picker.js';
import { effectiveWeight } from './weighted-round-robin.js';

/** Default distance of the weight bounds from the fixed weight (W's skew of 2). */
export const RRLC_WEIGHT_SKEW = 2;

interface Slot {
  /** Position of the child in the children array. */
  position: number;
  fixed: number;
  current: number;
  /** Picks left for this child in the current round. */
  remaining: number;
  min: number;
  max: number;
}

export class WeightedRRLCPicker implements Picker {
  private readonly respectReadiness: boolean;
  private readonly roundsPerRecalculation: number;
  private slots: Slot[] = [];
  /** Identity of the children the slots were built for; a change rebuilds them. */
  private shape = '';
  private cursor = 0;
  private round = 0;

  constructor(options: PickerOptions = {}) {
    this.respectReadiness = options.respectReadiness ?? false;
    const rounds = options.roundsPerRecalculation ?? 1;
    this.roundsPerRecalculation = Number.isFinite(rounds) && rounds >= 1 ? Math.floor(rounds) : 1;
  }

  pick(children: readonly PickerChild[], tried: ReadonlySet<number>): number | undefined {
    this.sync(children);
    const n = this.slots.length;
    if (n === 0) return undefined;
    // The child under the cursor keeps its turn while it has picks left; after n moves the
    // cursor is back where it started with every child's turn refilled, so n + 1 looks suffice.
    for (let step = 0; step <= n; step++) {
      if (step > 0) this.advance(children);
      const slot = this.slots[this.cursor]!;
      const child = children[slot.position]!;
      if (slot.remaining > 0 && this.eligible(child, tried)) {
        slot.remaining--;
        return child.index;
      }
    }
    // Only children corrected down to weight 0 are eligible: a low weight means "fewer
    // messages", not "none", so one of them is used rather than failing the message.
    for (const slot of this.slots) {
      const child = children[slot.position]!;
      if (this.eligible(child, tried)) return child.index;
    }
    return undefined;
  }

  private eligible(child: PickerChild, tried: ReadonlySet<number>): boolean {
    return !tried.has(child.index) && (!this.respectReadiness || child.ready());
  }

  private advance(children: readonly PickerChild[]): void {
    const left = this.slots[this.cursor]!;
    left.remaining = left.current;
    if (++this.cursor < this.slots.length) return;
    this.cursor = 0;
    if (++this.round >= this.roundsPerRecalculation) {
      this.round = 0;
      this.recalculate(children);
    }
  }

  private recalculate(children: readonly PickerChild[]): void {
    let totalWeight = 0;
    let totalConnections = 0;
    for (const slot of this.slots) {
      totalWeight += slot.fixed;
      totalConnections += connectionsOf(children[slot.position]!);
    }
    for (const slot of this.slots) {
      if (totalConnections === 0) {
        slot.current = slot.fixed;
      } else {
        const diff = slot.fixed / totalWeight - connectionsOf(children[slot.position]!) / totalConnections;
        const exact = diff * totalConnections;
        const whole = Math.floor(exact);
        const corrected = slot.fixed + (exact - whole <= 0.5 ? whole : whole + 1);
        slot.current = diff < 0 ? Math.max(slot.min, corrected) : Math.min(slot.max, corrected);
      }
      slot.remaining = slot.current;
    }
  }

  private sync(children: readonly PickerChild[]): void {
    const shape = children
      .map((c) => `${c.index}:${effectiveWeight(c.weight)}:${c.minWeight ?? ''}:${c.maxWeight ?? ''}`)
      .join(',');
    if (shape === this.shape) return;
    this.shape = shape;
    this.cursor = 0;
    this.round = 0;
    this.slots = children
      .map((c, position): Slot => {
        const fixed = effectiveWeight(c.weight);
        return {
          position,
          fixed,
          current: fixed,
          remaining: fixed,
          min: c.minWeight ?? Math.max(fixed - RRLC_WEIGHT_SKEW, 0),
          max: c.maxWeight ?? fixed + RRLC_WEIGHT_SKEW,
        };
      })
      // Array.prototype.sort is stable, so equal weights keep document order.
      .sort((a, b) => b.fixed - a.fixed);
  }
}

function connectionsOf(child: PickerChild): number {
  const c = child.activeConnections ?? 0;
  return Number.isFinite(c) && c > 0 ? c : 0;
}

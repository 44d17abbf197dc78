// Endpoints, runtime stage: the shared shape of load-balance child pickers (synapse-semantics
// §6.6) and the factory that maps Synapse algorithm class names onto them.

import { RoundRobinPicker } from './round-robin.js';
import { WeightedRoundRobinPicker } from './weighted-round-robin.js';
import { WeightedRRLCPicker } from './weighted-rrlc.js';

/** One child of a loadbalance group as a picker sees it. */
export interface PickerChild {
  /** Identity of the child (its position in the group); what pick() returns and `tried` holds. */
  index: number;
  ready(): boolean;
  /** `loadbalance.weight`; weighted pickers floor it and count values below 1 as 1. */
  weight: number;
  /** Requests in flight to this child; only WeightedRRLC reads it (absent = 0). */
  activeConnections?: number;
  /** `loadbalance.weight.min` / `.max`: bounds of WeightedRRLC's corrected weight. */
  minWeight?: number;
  maxWeight?: number;
}

export interface Picker {
  /**
   * The index of the child to send to, or undefined when no child is eligible. Children in
   * `tried` (already attempted for this message) are never returned.
   */
  pick(children: readonly PickerChild[], tried: ReadonlySet<number>): number | undefined;
}

export interface PickerOptions {
  /**
   * Weighted pickers only: also skip children that are not ready. Synapse does not (trap 20),
   * so the default false keeps its behaviour; RoundRobin always checks readiness.
   */
  respectReadiness?: boolean;
  /** WeightedRRLC: `loadbalance.weightedRRLC.roundsPerRecal` (default 1). */
  roundsPerRecalculation?: number;
}

export const ROUND_ROBIN_CLASS = 'org.apache.synapse.endpoints.algorithms.RoundRobin';
export const WEIGHTED_ROUND_ROBIN_CLASS = 'org.apache.synapse.endpoints.algorithms.WeightedRoundRobin';
export const WEIGHTED_RRLC_CLASS = 'org.apache.synapse.endpoints.algorithms.WeightedRRLCAlgorithm';

/**
 * A fresh picker (with its own cursor) for a loadbalance `algorithm` attribute; absent means
 * RoundRobin, an unknown class name gives undefined so the caller can report a config error.
 */
export function createPicker(
  algorithmClassName: string | undefined,
  options: PickerOptions = {},
): Picker | undefined {
  const name = algorithmClassName?.trim();
  if (name === undefined || name === '' || name === ROUND_ROBIN_CLASS) return new RoundRobinPicker();
  if (name === WEIGHTED_ROUND_ROBIN_CLASS) return new WeightedRoundRobinPicker(options);
  if (name === WEIGHTED_RRLC_CLASS) return new WeightedRRLCPicker(options);
  return undefined;
}

// Loadbalance child pickers (synapse-semantics §6.6, trap 20, CT-45): a shared contract suite run
// against every algorithm, then each algorithm's own sequence.

import { expect } from 'chai';
import {
  createPicker,
  ROUND_ROBIN_CLASS,
  WEIGHTED_ROUND_ROBIN_CLASS,
  WEIGHTED_RRLC_CLASS,
  type Picker,
  type PickerChild,
} from '../../../src/endpoints/pickers/picker.js';
import { RoundRobinPicker } from '../../../src/endpoints/pickers/round-robin.js';
import { WeightedRoundRobinPicker } from '../../../src/endpoints/pickers/weighted-round-robin.js';
import { WeightedRRLCPicker } from '../../../src/endpoints/pickers/weighted-rrlc.js';

interface TestChild extends PickerChild {
  up: boolean;
}

function kids(n: number, weights: number[] = [], connections: number[] = []): TestChild[] {
  return Array.from({ length: n }, (_, index) => {
    const child: TestChild = {
      index,
      up: true,
      ready: () => child.up,
      weight: weights[index] ?? 1,
      activeConnections: connections[index] ?? 0,
    };
    return child;
  });
}

const NONE: ReadonlySet<number> = new Set();

function picks(picker: Picker, children: readonly PickerChild[], count: number, tried = NONE): (number | undefined)[] {
  return Array.from({ length: count }, () => picker.pick(children, tried));
}

const factories: [string, (respectReadiness: boolean) => Picker][] = [
  ['RoundRobin', () => new RoundRobinPicker()],
  ['WeightedRoundRobin', (respectReadiness) => new WeightedRoundRobinPicker({ respectReadiness })],
  ['WeightedRRLC', (respectReadiness) => new WeightedRRLCPicker({ respectReadiness })],
];

describe('endpoints: loadbalance pickers', () => {
  for (const [name, make] of factories) {
    describe(`${name}: shared contract`, () => {
      it('returns undefined for an empty group', () => {
        expect(make(false).pick([], NONE)).to.equal(undefined);
      });

      it('never returns a tried child, whatever the weights and cursor', () => {
        for (const weights of [[1, 1, 1, 1], [3, 1, 2, 5], [6, 5, 3, 2]]) {
          const children = kids(4, weights, [4, 0, 7, 1]);
          const picker = make(false);
          for (let i = 0; i < 60; i++) {
            const tried = new Set([i % 4, (i * 3 + 1) % 4]);
            const got = picker.pick(children, tried);
            expect(got).to.be.a('number');
            expect(tried.has(got!), `pick ${i} returned tried child ${got}`).to.equal(false);
          }
        }
      });

      it('returns undefined when every child was tried', () => {
        const picker = make(false);
        const children = kids(3, [2, 1, 1]);
        expect(picker.pick(children, new Set([0, 1, 2]))).to.equal(undefined);
        // and the picker still works afterwards
        expect(picker.pick(children, NONE)).to.be.a('number');
      });

      it('with readiness respected: skips non-ready children, undefined when none is ready', () => {
        const picker = make(true);
        const children = kids(3, [2, 3, 1]);
        children[1]!.up = false;
        const got = picks(picker, children, 30);
        expect(got).to.not.include(1);
        expect(got).to.include(0).and.to.include(2);
        for (const c of children) c.up = false;
        expect(picker.pick(children, NONE)).to.equal(undefined);
        expect(picker.pick(children, new Set([0]))).to.equal(undefined);
      });

      it('uses every child eventually', () => {
        const picker = make(false);
        expect(new Set(picks(picker, kids(5, [3, 1, 2, 1, 4]), 40))).to.deep.equal(new Set([0, 1, 2, 3, 4]));
      });
    });
  }

  describe('createPicker', () => {
    it('recognises the three Synapse class names, RoundRobin by default', () => {
      expect(createPicker(undefined)).to.be.instanceOf(RoundRobinPicker);
      expect(createPicker(ROUND_ROBIN_CLASS)).to.be.instanceOf(RoundRobinPicker);
      expect(createPicker('org.apache.synapse.endpoints.algorithms.RoundRobin')).to.be.instanceOf(RoundRobinPicker);
      expect(createPicker(WEIGHTED_ROUND_ROBIN_CLASS)).to.be.instanceOf(WeightedRoundRobinPicker);
      expect(createPicker(WEIGHTED_RRLC_CLASS)).to.be.instanceOf(WeightedRRLCPicker);
    });

    it('returns undefined for an unknown class name', () => {
      expect(createPicker('com.example.MyAlgorithm')).to.equal(undefined);
      expect(createPicker('RoundRobin')).to.equal(undefined);
    });

    it('gives each group its own cursor', () => {
      const a = createPicker(undefined)!;
      const b = createPicker(undefined)!;
      const children = kids(3);
      a.pick(children, NONE);
      expect(b.pick(children, NONE)).to.equal(0);
    });

    it('passes options on (weighted pickers follow readiness only when asked)', () => {
      const children = kids(2);
      children[0]!.up = false;
      expect(createPicker(WEIGHTED_ROUND_ROBIN_CLASS)!.pick(children, NONE)).to.equal(0);
      expect(createPicker(WEIGHTED_ROUND_ROBIN_CLASS, { respectReadiness: true })!.pick(children, NONE)).to.equal(1);
    });
  });

  describe('RoundRobin', () => {
    it('CT-45: ep1, ep2, ep3, ep1, ep2, ep3', () => {
      expect(picks(new RoundRobinPicker(), kids(3), 6)).to.deep.equal([0, 1, 2, 0, 1, 2]);
    });

    it('CT-45: ten selections over ten children are all distinct', () => {
      const got = picks(new RoundRobinPicker(), kids(10), 10);
      expect(new Set(got).size).to.equal(10);
    });

    it('skips a suspended child and moves the cursor past it', () => {
      const children = kids(3);
      children[1]!.up = false;
      expect(picks(new RoundRobinPicker(), children, 4)).to.deep.equal([0, 2, 0, 2]);
    });

    it('the cursor moves past every child examined', () => {
      const picker = new RoundRobinPicker();
      const children = kids(4);
      expect(picker.pick(children, NONE)).to.equal(0);
      // 1 is tried for this message, so 2 is chosen and the next message starts at 3
      expect(picker.pick(children, new Set([1]))).to.equal(2);
      expect(picker.pick(children, NONE)).to.equal(3);
    });

    it('ignores the respectReadiness question: non-ready children are always skipped', () => {
      const children = kids(2);
      for (const c of children) c.up = false;
      expect(new RoundRobinPicker().pick(children, NONE)).to.equal(undefined);
    });

    it('copes with a group that shrinks', () => {
      const picker = new RoundRobinPicker();
      picks(picker, kids(5), 4);
      expect(picker.pick(kids(2), NONE)).to.be.oneOf([0, 1]);
    });
  });

  describe('WeightedRoundRobin', () => {
    it('weights 3,1 => A,A,A,B,A,A,A,B', () => {
      expect(picks(new WeightedRoundRobinPicker(), kids(2, [3, 1]), 8)).to.deep.equal([0, 0, 0, 1, 0, 0, 0, 1]);
    });

    it('keeps document order (no sort by weight)', () => {
      expect(picks(new WeightedRoundRobinPicker(), kids(3, [1, 2, 3]), 12)).to.deep.equal([0, 1, 1, 2, 2, 2, 0, 1, 1, 2, 2, 2]);
    });

    it('default weight 1 is plain round robin', () => {
      expect(picks(new WeightedRoundRobinPicker(), kids(3), 6)).to.deep.equal([0, 1, 2, 0, 1, 2]);
    });

    it('does not consult readiness by default (trap 20)', () => {
      const children = kids(2, [3, 1]);
      children[0]!.up = false;
      expect(picks(new WeightedRoundRobinPicker(), children, 4)).to.deep.equal([0, 0, 0, 1]);
    });

    it('a tried child loses the rest of its turn', () => {
      const picker = new WeightedRoundRobinPicker();
      const children = kids(2, [3, 2]);
      expect(picker.pick(children, NONE)).to.equal(0);
      expect(picker.pick(children, new Set([0]))).to.equal(1);
      expect(picks(picker, children, 4)).to.deep.equal([1, 0, 0, 0]);
    });

    it('treats a weight below 1 as 1', () => {
      expect(picks(new WeightedRoundRobinPicker(), kids(2, [0, -4]), 4)).to.deep.equal([0, 1, 0, 1]);
    });
  });

  describe('WeightedRRLC', () => {
    const weights = [6, 5, 3, 2, 1];
    const connections = [18, 5, 4, 2, 1];
    const expand = (pattern: [number, number][]): number[] => pattern.flatMap(([child, times]) => Array(times).fill(child));

    it('without connections behaves as weighted round robin, heaviest first', () => {
      const got = picks(new WeightedRRLCPicker(), kids(3, [1, 3, 2]), 12);
      expect(got).to.deep.equal(expand([[1, 3], [2, 2], [0, 1], [1, 3], [2, 2], [0, 1]]));
    });

    it('W test vector: weights 6,5,3,2,1, connections 18,5,4,2,1, recalculation every 2 rounds', () => {
      const picker = new WeightedRRLCPicker({ roundsPerRecalculation: 2 });
      const children = kids(5, weights, connections);
      const round = expand([[0, 6], [1, 5], [2, 3], [3, 2], [4, 1]]);
      expect(picks(picker, children, 34)).to.deep.equal([...round, ...round]);
      // corrected weights: 6 -> 4 (bounded by min 4), 5 -> 7 (max), 3 -> 4, 2 -> 4 (max), 1 -> 2
      expect(picks(picker, children, 34)).to.deep.equal(
        expand([[0, 4], [1, 7], [2, 4], [3, 4], [4, 2], [0, 4], [1, 7], [2, 2]]),
      );
    });

    it('honours explicit weight bounds', () => {
      const picker = new WeightedRRLCPicker();
      const children = kids(2, [2, 2], [10, 0]);
      children[0]!.minWeight = 1;
      children[1]!.maxWeight = 10;
      picks(picker, children, 4); // first round at fixed weights
      // shares 0.5/0.5 against 1.0/0.0 of 10 connections: -5 and +5, bounded to 1 and 7
      expect(picks(picker, children, 8)).to.deep.equal(expand([[0, 1], [1, 7]]));
    });

    it('restores the fixed weights once no connection is active', () => {
      const picker = new WeightedRRLCPicker();
      const children = kids(2, [2, 2], [10, 0]);
      picks(picker, children, 4);
      expect(picks(picker, children, 4)).to.deep.equal(expand([[0, 0], [1, 4]]));
      for (const c of children) c.activeConnections = 0;
      expect(picks(picker, children, 4)).to.deep.equal(expand([[0, 2], [1, 2]]));
    });

    it('a child corrected down to weight 0 is still used when it is the only eligible one', () => {
      const picker = new WeightedRRLCPicker();
      const children = kids(2, [2, 2], [10, 0]);
      picks(picker, children, 4);
      expect(picker.pick(children, new Set([1]))).to.equal(0);
    });
  });
});

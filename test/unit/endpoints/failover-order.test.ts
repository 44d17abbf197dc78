// Failover child choice (synapse-semantics §6.7, trap 19, CT-50 ordering) and the attempt cap.

import { expect } from 'chai';
import {
  chooseFailoverChild,
  isFailoverReady,
  type FailoverChild,
  type FailoverChoiceInput,
} from '../../../src/endpoints/state/failover-order.js';

interface TestChild extends FailoverChild {
  up: boolean;
}

function kids(...up: boolean[]): TestChild[] {
  return up.map((u, index) => {
    const child: TestChild = { index, up: u, ready: () => child.up };
    return child;
  });
}

function choose(children: TestChild[], over: Partial<FailoverChoiceInput> = {}) {
  return chooseFailoverChild({ children, dynamic: true, tried: new Set(), attempts: 0, ...over });
}

describe('endpoints: failover order', () => {
  describe('dynamic (default)', () => {
    it('sends to the first ready child in document order', () => {
      expect(choose(kids(true, true, true))).to.deep.equal({ kind: 'send', index: 0 });
      expect(choose(kids(false, true, true))).to.deep.equal({ kind: 'send', index: 1 });
      expect(choose(kids(false, false, true))).to.deep.equal({ kind: 'send', index: 2 });
    });

    it('fails back to the primary as soon as it is ready again', () => {
      const children = kids(false, true);
      expect(choose(children, { current: 1 })).to.deep.equal({ kind: 'send', index: 1 });
      children[0]!.up = true;
      expect(choose(children, { current: 1 })).to.deep.equal({ kind: 'send', index: 0 });
    });

    it('skips children already tried for this message', () => {
      // e.g. the primary failed with a code that did not suspend it: still ready, but tried
      expect(choose(kids(true, true), { tried: new Set([0]), attempts: 1 })).to.deep.equal({ kind: 'send', index: 1 });
    });

    it('nothing ready from the start: no-ready-child (303000)', () => {
      expect(choose(kids(false, false))).to.deep.equal({ kind: 'stop', reason: 'no-ready-child' });
      expect(choose([])).to.deep.equal({ kind: 'stop', reason: 'no-ready-child' });
    });

    it('after real attempts with the rest suspended: no-ready-child', () => {
      const children = kids(false, false);
      expect(choose(children, { tried: new Set([0, 1]), attempts: 2 }).kind).to.equal('stop');
    });
  });

  describe('static (dynamic="false")', () => {
    it('sticks to the current child while it is ready', () => {
      expect(choose(kids(true, true, true), { dynamic: false, current: 2 })).to.deep.equal({ kind: 'send', index: 2 });
    });

    it('without a current child starts at the first ready one', () => {
      expect(choose(kids(false, true, true), { dynamic: false })).to.deep.equal({ kind: 'send', index: 1 });
    });

    it('moves to the first ready child when the current one is out, and does not fail back', () => {
      const children = kids(true, true, true);
      children[2]!.up = false;
      children[0]!.up = false;
      const moved = choose(children, { dynamic: false, current: 2 });
      expect(moved).to.deep.equal({ kind: 'send', index: 1 });
      children[0]!.up = true;
      children[2]!.up = true;
      expect(choose(children, { dynamic: false, current: 1 })).to.deep.equal({ kind: 'send', index: 1 });
    });

    it('leaves the current child once it was tried for this message', () => {
      expect(choose(kids(true, true), { dynamic: false, current: 1, tried: new Set([1]), attempts: 1 })).to.deep.equal({
        kind: 'send',
        index: 0,
      });
    });

    it('an unknown current index falls back to the scan', () => {
      expect(choose(kids(true), { dynamic: false, current: 7 })).to.deep.equal({ kind: 'send', index: 0 });
    });
  });

  describe('attempt cap', () => {
    it('each child at most once per message by default', () => {
      const children = kids(true, true, true);
      const tried = new Set<number>();
      const order: number[] = [];
      for (;;) {
        const choice = choose(children, { tried, attempts: tried.size });
        if (choice.kind === 'stop') {
          expect(choice.reason).to.equal('attempt-cap');
          break;
        }
        order.push(choice.index);
        tried.add(choice.index);
      }
      expect(order).to.deep.equal([0, 1, 2]);
    });

    it('attempt-cap when only tried children remain ready', () => {
      expect(choose(kids(true, false), { tried: new Set([0]), attempts: 1 })).to.deep.equal({
        kind: 'stop',
        reason: 'attempt-cap',
      });
    });

    it('maxAttempts stops early', () => {
      const input = { tried: new Set([0]), attempts: 1, cap: { maxAttempts: 1 } };
      expect(choose(kids(true, true, true), input)).to.deep.equal({ kind: 'stop', reason: 'attempt-cap' });
    });

    it('eachChildOnce=false allows repeats up to maxAttempts (Synapse-like)', () => {
      const children = kids(true, false);
      const cap = { eachChildOnce: false, maxAttempts: 3 };
      expect(choose(children, { tried: new Set([0]), attempts: 1, cap })).to.deep.equal({ kind: 'send', index: 0 });
      expect(choose(children, { tried: new Set([0]), attempts: 2, cap })).to.deep.equal({ kind: 'send', index: 0 });
      expect(choose(children, { tried: new Set([0]), attempts: 3, cap })).to.deep.equal({ kind: 'stop', reason: 'attempt-cap' });
    });
  });

  it('a failover group is ready when some child is', () => {
    expect(isFailoverReady(kids(false, true))).to.equal(true);
    expect(isFailoverReady(kids(false, false))).to.equal(false);
    expect(isFailoverReady([])).to.equal(false);
  });
});

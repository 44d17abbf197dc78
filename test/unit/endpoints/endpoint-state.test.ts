// Endpoint state machine (synapse-semantics §7.1, §7.3; conformance CT-40 to CT-42, CT-47, CT-48).

import { expect } from 'chai';
import type { MarkForSuspensionNode, SuspendOnFailureNode } from '../../../src/config/ast.js';
import {
  DEFAULT_SUSPEND_DURATION_MS,
  DEFAULT_SUSPEND_ERROR_CODES,
  DEFAULT_TIMEOUT_ERROR_CODES,
  EndpointState,
  type Clock,
  type EndpointStateSettings,
} from '../../../src/endpoints/state/endpoint-state.js';

class FakeClock implements Clock {
  constructor(public t = 1_000_000) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

const mfs = (errorCodes: number[], retriesBeforeSuspension = 0, retryDelayMs = 0): MarkForSuspensionNode => ({
  errorCodes,
  retriesBeforeSuspension,
  retryDelayMs,
});

const sof = (over: Partial<SuspendOnFailureNode>): SuspendOnFailureNode => ({
  errorCodes: [],
  initialDurationMs: -1,
  progressionFactor: 1,
  maximumDurationMs: Number.MAX_SAFE_INTEGER,
  ...over,
});

function make(settings: EndpointStateSettings = {}): { ep: EndpointState; clock: FakeClock } {
  const clock = new FakeClock();
  return { ep: new EndpointState(settings, clock), clock };
}

describe('endpoints: endpoint state machine', () => {
  it('exports the Synapse default code sets', () => {
    expect([...DEFAULT_TIMEOUT_ERROR_CODES]).to.deep.equal([101504, 101505]);
    expect(DEFAULT_SUSPEND_ERROR_CODES).to.equal('every-code');
    expect(DEFAULT_SUSPEND_DURATION_MS).to.equal(30000);
  });

  it('never suspends when both code lists name only a code that never occurs (-1), as WSO2 users configure it', () => {
    const { ep } = make({ markForSuspension: mfs([-1]), suspendOnFailure: sof({ errorCodes: [-1] }) });
    for (const code of [101503, 101504, 101505, 101508]) expect(ep.onFailure(code)).to.equal('ignored');
    expect(ep.state).to.equal('active');
    expect(ep.readyToSend()).to.equal(true);
  });

  it('starts active and ready, with unset retries and suspension', () => {
    const { ep } = make();
    expect(ep.readyToSend()).to.equal(true);
    expect(ep.snapshot()).to.deep.equal({
      state: 'active',
      remainingRetries: null,
      nextRetryTime: null,
      lastSuspendDurationMs: null,
      counters: { successes: 0, failures: 0, timeouts: 0, suspensions: 0 },
    });
  });

  describe('CT-40 timeout classification', () => {
    it('no QoS: 101504 and 101505 are timeouts, anything else is not', () => {
      const { ep } = make();
      expect(ep.classify(101504)).to.equal('timeout');
      expect(ep.classify(101505)).to.equal('timeout');
      expect(ep.classify(101503)).to.equal('suspend');
      expect(ep.classify(101507)).to.equal('suspend'); // trap 14: protocol state changes the code
    });

    it('markForSuspension codes replace the defaults', () => {
      const { ep } = make({ markForSuspension: mfs([101504, 911911]) });
      expect(ep.classify(101504)).to.equal('timeout');
      expect(ep.classify(911911)).to.equal('timeout');
      expect(ep.classify(101505)).to.not.equal('timeout');
    });

    it('counts timeout-class failures separately', () => {
      const { ep } = make({ markForSuspension: mfs([101504, 911911], 5) });
      ep.onFailure(911911);
      ep.onFailure(101505);
      expect(ep.snapshot().counters).to.include({ failures: 2, timeouts: 1 });
    });
  });

  describe('CT-41 suspend classification', () => {
    it('no suspend codes: every non-timeout code suspends', () => {
      const { ep } = make({ markForSuspension: mfs([1]) });
      expect(ep.classify(101504)).to.equal('suspend');
      expect(ep.classify(911911)).to.equal('suspend');
      expect(ep.onFailure(911911)).to.equal('suspended');
      expect(ep.state).to.equal('suspended');
    });

    it('suspend codes {911911}: 101504 (not a timeout here) is ignored', () => {
      const { ep } = make({ markForSuspension: mfs([1]), suspendOnFailure: sof({ errorCodes: [911911] }) });
      expect(ep.classify(911911)).to.equal('suspend');
      expect(ep.classify(101504)).to.equal('ignore');
      expect(ep.onFailure(101504)).to.equal('ignored');
      expect(ep.state).to.equal('active');
      expect(ep.readyToSend()).to.equal(true);
      expect(ep.snapshot().counters).to.include({ failures: 1, suspensions: 0 });
    });

    it('timeout classification wins over the suspend list', () => {
      const { ep } = make({ suspendOnFailure: sof({ errorCodes: [101504] }) });
      expect(ep.classify(101504)).to.equal('timeout');
    });
  });

  describe('CT-42 retry decision', () => {
    it('disabled codes never retry', () => {
      const { ep } = make({ retryConfig: { disabledErrorCodes: [911911], enabledErrorCodes: [] } });
      expect(ep.shouldRetry(911911)).to.equal(false);
      expect(ep.shouldRetry(101504)).to.equal(true);
    });

    it('no list: always retry', () => {
      const { ep } = make();
      expect(ep.shouldRetry(911911)).to.equal(true);
      expect(ep.shouldRetry(101504)).to.equal(true);
    });

    it('W enabled codes: retry only those, disabled still wins', () => {
      const { ep } = make({ retryConfig: { disabledErrorCodes: [3], enabledErrorCodes: [1, 3] } });
      expect(ep.shouldRetry(1)).to.equal(true);
      expect(ep.shouldRetry(2)).to.equal(false);
      expect(ep.shouldRetry(3)).to.equal(false);
    });
  });

  describe('CT-47 suspension progression', () => {
    const settings = { suspendOnFailure: sof({ initialDurationMs: 1000, progressionFactor: 2, maximumDurationMs: 60000 }) };

    it('1000, 2000, 4000 ... capped at 60000; one success resets to 1000', () => {
      const { ep, clock } = make(settings);
      const seen: number[] = [];
      for (let i = 0; i < 8; i++) {
        expect(ep.readyToSend(), `probe ${i} allowed`).to.equal(true);
        expect(ep.onFailure(101503)).to.equal('suspended');
        const snap = ep.snapshot();
        seen.push(snap.lastSuspendDurationMs!);
        expect(snap.nextRetryTime).to.equal(clock.t + snap.lastSuspendDurationMs!);
        clock.advance(snap.lastSuspendDurationMs!);
      }
      expect(seen).to.deep.equal([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
      expect(ep.snapshot().counters.suspensions).to.equal(8);

      ep.onSuccess();
      expect(ep.state).to.equal('active');
      expect(ep.snapshot().lastSuspendDurationMs).to.equal(null);
      ep.onFailure(101503);
      expect(ep.snapshot().lastSuspendDurationMs).to.equal(1000);
    });

    it('truncates a fractional progression like a Java long cast', () => {
      const { ep, clock } = make({ suspendOnFailure: sof({ initialDurationMs: 1001, progressionFactor: 1.5 }) });
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        ep.onFailure(1);
        seen.push(ep.snapshot().lastSuspendDurationMs!);
        clock.advance(100000);
      }
      expect(seen).to.deep.equal([1001, 1501, 2251]);
    });

    it('all defaults: 30000 on every suspension (trap 13)', () => {
      const { ep, clock } = make();
      for (let i = 0; i < 4; i++) {
        expect(ep.onFailure(101503)).to.equal('suspended');
        expect(ep.snapshot().lastSuspendDurationMs).to.equal(30000);
        expect(ep.snapshot().nextRetryTime).to.equal(clock.t + 30000);
        clock.advance(30000);
      }
    });

    it('a default-classified timeout with no retries suspends at once', () => {
      const { ep } = make();
      expect(ep.onFailure(101504)).to.equal('suspended');
      expect(ep.snapshot().counters).to.include({ timeouts: 1, suspensions: 1 });
    });

    it('unset initial duration with a factor starts from 30000', () => {
      const { ep, clock } = make({ suspendOnFailure: sof({ progressionFactor: 2 }) });
      ep.onFailure(1);
      clock.advance(30000);
      ep.onFailure(1);
      expect(ep.snapshot().lastSuspendDurationMs).to.equal(60000);
    });
  });

  describe('readiness', () => {
    it('a suspended endpoint is ready only from nextRetryTime on, and probing changes nothing', () => {
      const { ep, clock } = make({ suspendOnFailure: sof({ initialDurationMs: 5000 }) });
      ep.onFailure(101503);
      const before = ep.snapshot();
      expect(ep.readyToSend()).to.equal(false);
      clock.advance(4999);
      expect(ep.readyToSend()).to.equal(false);
      clock.advance(1);
      expect(ep.readyToSend()).to.equal(true);
      expect(ep.readyToSend()).to.equal(true);
      expect(ep.state).to.equal('suspended');
      expect(ep.snapshot()).to.deep.equal(before);
    });

    it('a probe success makes it active again', () => {
      const { ep, clock } = make();
      ep.onFailure(101503);
      clock.advance(30000);
      ep.onSuccess();
      expect(ep.state).to.equal('active');
      expect(ep.readyToSend()).to.equal(true);
      expect(ep.snapshot().counters.successes).to.equal(1);
    });

    it('off is never ready and survives successes, failures and time', () => {
      const { ep, clock } = make();
      ep.switchOff();
      expect(ep.readyToSend()).to.equal(false);
      expect(ep.onFailure(101503)).to.equal('ignored');
      ep.onSuccess();
      clock.advance(10_000_000);
      expect(ep.state).to.equal('off');
      expect(ep.readyToSend()).to.equal(false);
      ep.switchOn();
      expect(ep.state).to.equal('active');
      expect(ep.readyToSend()).to.equal(true);
    });

    it('switchOn resets the suspension progression', () => {
      const { ep } = make({ suspendOnFailure: sof({ initialDurationMs: 1000, progressionFactor: 2 }) });
      ep.onFailure(1);
      ep.onFailure(1);
      expect(ep.snapshot().lastSuspendDurationMs).to.equal(2000);
      ep.switchOff();
      ep.switchOn();
      ep.onFailure(1);
      expect(ep.snapshot().lastSuspendDurationMs).to.equal(1000);
    });
  });

  describe('CT-48 markForSuspension retries', () => {
    const settings = { markForSuspension: mfs([101504], 3, 0) };

    it('TIMEOUT with 2, 1, 0 remaining, then the 4th suspends for 30 s', () => {
      const { ep, clock } = make(settings);
      for (const remaining of [2, 1, 0]) {
        expect(ep.onFailure(101504)).to.equal('timeout');
        expect(ep.state).to.equal('timeout');
        expect(ep.snapshot().remainingRetries).to.equal(remaining);
        // retryDelay 0: immediately eligible again (trap 15)
        expect(ep.readyToSend()).to.equal(true);
      }
      expect(ep.onFailure(101504)).to.equal('suspended');
      expect(ep.state).to.equal('suspended');
      expect(ep.snapshot().nextRetryTime).to.equal(clock.t + 30000);
      expect(ep.readyToSend()).to.equal(false);
    });

    it('a success in between returns to ACTIVE and resets the counter', () => {
      const { ep } = make(settings);
      ep.onFailure(101504);
      ep.onFailure(101504);
      expect(ep.snapshot().remainingRetries).to.equal(1);
      ep.onSuccess();
      expect(ep.state).to.equal('active');
      expect(ep.snapshot().remainingRetries).to.equal(3);
      for (const remaining of [2, 1, 0]) {
        expect(ep.onFailure(101504)).to.equal('timeout');
        expect(ep.snapshot().remainingRetries).to.equal(remaining);
      }
      expect(ep.onFailure(101504)).to.equal('suspended');
    });

    it('retryDelay holds a TIMEOUT endpoint back until it passes', () => {
      const { ep, clock } = make({ markForSuspension: mfs([101504], 2, 500) });
      ep.onFailure(101504);
      expect(ep.snapshot().nextRetryTime).to.equal(clock.t + 500);
      expect(ep.readyToSend()).to.equal(false);
      clock.advance(500);
      expect(ep.readyToSend()).to.equal(true);
    });

    it('a failed probe after the suspension suspends again, longer', () => {
      const { ep, clock } = make({
        markForSuspension: mfs([101504], 1),
        suspendOnFailure: sof({ initialDurationMs: 1000, progressionFactor: 3 }),
      });
      ep.onFailure(101504);
      expect(ep.onFailure(101504)).to.equal('suspended');
      clock.advance(1000);
      expect(ep.onFailure(101504)).to.equal('suspended');
      expect(ep.snapshot().lastSuspendDurationMs).to.equal(3000);
    });
  });
});

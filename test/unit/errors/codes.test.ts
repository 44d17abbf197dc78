// The error table stays free of duplicates and in step with docs/errors.md.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS, statusForSynapseCode, type ErrorCodeDef } from '../../../src/errors/codes.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('errors/codes', () => {
  const entries = Object.entries(ERRORS) as [string, ErrorCodeDef][];

  it('keys equal their codes and follow AXON_<AREA>_<WHAT>', () => {
    for (const [k, d] of entries) {
      expect(d.code).to.equal(k);
      expect(k).to.match(/^AXON_(CFG|EXPR|MED|EP|TRN|ADM|ENG)_[A-Z0-9_]+$/);
    }
  });

  it('has no duplicate Synapse number for two transport or endpoint codes', () => {
    const seen = new Map<number, string>();
    for (const [k, d] of entries) {
      if (d.synapse === undefined || d.synapse === 0 || d.synapse === 303001) continue;
      expect(seen.has(d.synapse), `${k} repeats ${d.synapse} of ${seen.get(d.synapse)}`).to.equal(false);
      seen.set(d.synapse, k);
    }
  });

  it('keeps the Synapse transport numbers exactly', () => {
    expect(ERRORS.AXON_EP_CONNECT_FAILED.synapse).to.equal(101503);
    expect(ERRORS.AXON_EP_TIMEOUT.synapse).to.equal(101504);
    expect(ERRORS.AXON_EP_CONNECTION_CLOSED.synapse).to.equal(101505);
    expect(ERRORS.AXON_EP_CONNECT_TIMEOUT.synapse).to.equal(101508);
    expect(ERRORS.AXON_EP_NOT_READY.synapse).to.equal(303001);
  });

  it('maps Synapse codes to client statuses', () => {
    expect(statusForSynapseCode(101503)).to.equal(502);
    expect(statusForSynapseCode(101504)).to.equal(504);
    expect(statusForSynapseCode(303001)).to.equal(503);
    expect(statusForSynapseCode(0)).to.equal(500);
  });

  it('documents every code in docs/errors.md, and nothing else', () => {
    const doc = readFileSync(path.join(root, 'docs/errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `(AXON_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).to.deep.equal(entries.map(([k]) => k).sort());
  });
});

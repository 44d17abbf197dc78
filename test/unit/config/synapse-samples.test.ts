// Apache Synapse's own sample configs (fixtures/synapse-samples): each must load, or be rejected
// only because it uses something Axon does not support, named with its position and code.
// expected.json pins which samples load, so a regression (or a newly supported feature) shows.

import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { readFiles } from '../../../src/config/load.js';
import { link } from '../../../src/config/link.js';
import { builtinRegistry } from '../../../src/mediators/builtin.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/synapse-samples');

export function loadSample(file: string): Diagnostics {
  const reg = builtinRegistry();
  const diag = new Diagnostics();
  const set = readFiles(new Map([[file, readFileSync(path.join(dir, file), 'utf8')]]), reg, diag);
  if (!diag.hasErrors) link(set, reg, diag);
  return diag;
}

describe('config: Apache Synapse sample configurations', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as {
    loads: string[];
    /** Samples Axon rejects on purpose for something other than an unsupported element. */
    rejectedOnPurpose: Record<string, { code: string; why: string }>;
  };
  const loaded: string[] = [];

  for (const f of files) {
    it(`${f} loads or names what is unsupported`, () => {
      const diag = loadSample(f);
      const errors = diag.errors;
      if (errors.length === 0) {
        loaded.push(f);
        expect(expected.loads, `${f} loads now: add it to expected.json`).to.include(f);
        return;
      }
      expect(expected.loads, `${f} no longer loads: ${errors.map((e) => `${e.line}:${e.col} ${e.code} ${e.message}`).join('; ')}`).to.not.include(f);
      const allowed = ['AXON_CFG_UNSUPPORTED_ELEMENT', expected.rejectedOnPurpose[f]?.code];
      for (const e of errors) {
        expect(allowed, `${f}:${e.line}:${e.col} ${e.code} ${e.message}`).to.include(e.code);
        expect(e.line).to.be.greaterThan(1);
        expect(e.col).to.be.greaterThan(0);
      }
    });
  }

  it('loads the expected number of samples', () => {
    expect(loaded.length).to.equal(expected.loads.length);
  });
});

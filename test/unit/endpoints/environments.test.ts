// Unit: the production/sandbox decision table (API Manager features note §1.5).

import { expect } from 'chai';
import { chooseEnvironment } from '../../../src/endpoints/group/environments.js';

describe('endpoints/environments: production or sandbox', () => {
  it('hybrid gateway with both endpoints sends each key type to its own endpoint', () => {
    expect(chooseEnvironment('hybrid', true, true, 'PRODUCTION')).to.deep.equal({ kind: 'send', to: 'PRODUCTION' });
    expect(chooseEnvironment('hybrid', true, true, 'SANDBOX')).to.deep.equal({ kind: 'send', to: 'SANDBOX' });
  });

  it('hybrid gateway missing the environment answers 403', () => {
    expect(chooseEnvironment('hybrid', true, false, 'SANDBOX')).to.deep.equal({ kind: 'refuse', status: 403, message: 'Sandbox key offered to the API with no sandbox endpoint' });
    expect(chooseEnvironment('hybrid', false, true, 'PRODUCTION')).to.deep.equal({ kind: 'refuse', status: 403, message: 'Production key offered to the API with no production endpoint' });
    expect(chooseEnvironment('hybrid', false, true, 'SANDBOX')).to.deep.equal({ kind: 'send', to: 'SANDBOX' });
  });

  it('single-environment gateways answer 401 to the other key type', () => {
    expect(chooseEnvironment('production', true, true, 'SANDBOX')).to.deep.equal({ kind: 'refuse', status: 401, message: 'Sandbox Key Provided for Production Gateway' });
    expect(chooseEnvironment('sandbox', true, true, 'PRODUCTION')).to.deep.equal({ kind: 'refuse', status: 401, message: 'Production Key Provided for Sandbox Gateway' });
    expect(chooseEnvironment('sandbox', false, true, 'SANDBOX')).to.deep.equal({ kind: 'send', to: 'SANDBOX' });
  });
});

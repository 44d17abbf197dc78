// REST_URL_POSTFIX appending for address/default endpoints (synapse-semantics §5.3, trap 7).

import { expect } from 'chai';
import { appendRestPostfix } from '../../../src/endpoints/rest-url.js';
import { createApiDispatcher } from '../../../src/runtime/dispatch/api-dispatcher.js';

describe('endpoints: REST postfix appending', () => {
  const table: [string, string, string][] = [
    // §5.3 example
    ['http://b/svc', '/bar?x=1', 'http://b/svc/bar?x=1'],
    // a "/" is inserted when neither side has one
    ['http://b/svc', 'bar', 'http://b/svc/bar'],
    // a double "/" is collapsed
    ['http://b/svc/', '/bar', 'http://b/svc/bar'],
    // "address/" + "?q" drops the slash
    ['http://b/svc/', '?q=1', 'http://b/svc?q=1'],
    ['http://b/svc', '?q=1', 'http://b/svc?q=1'],
    ['http://b/svc/', 'bar', 'http://b/svc/bar'],
    ['http://b/svc', '/', 'http://b/svc/'],
    ['http://b/', '/x', 'http://b/x'],
    ['http://b/svc', '', 'http://b/svc'],
  ];
  for (const [address, postfix, want] of table) {
    it(`${address} + ${JSON.stringify(postfix)} -> ${want}`, () => {
      expect(appendRestPostfix(address, postfix)).to.equal(want);
    });
  }

  it('trap 7: API /api, request /api/orders/7?x=1, address http://b/svc', () => {
    const pos = { file: 't.xml', line: 1, col: 1 };
    const d = createApiDispatcher([{ name: 'A', context: '/api', resources: [{ methods: null, urlMapping: '/*', pos }], pos, file: 't.xml' }]);
    const r = d.dispatch({ rawPath: '/api/orders/7?x=1', method: 'GET', scheme: 'http', hasBody: false });
    if (r.kind !== 'match') throw new Error(r.kind);
    expect(appendRestPostfix('http://b/svc', r.restUrlPostfix)).to.equal('http://b/svc/orders/7?x=1');
  });
});

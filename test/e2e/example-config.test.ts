// End-to-end: the bundled sequences/ example, as the README describes it. Its local entry points
// the demo calls at port 8280, so this test rewrites that one value to the port it got.

import { expect } from 'chai';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Gateway } from '../../src/gateway.js';
import { createMemoryLogger } from '../../src/runtime/logger.js';
import { request } from '../helpers/client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('e2e: the bundled example config', function () {
  this.timeout(30_000);
  let gw: Gateway;
  let base: string;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'axon-example-'));
    await cp(path.join(root, 'sequences'), dir, { recursive: true });
    // find a free port, then point the demo's addresses at it
    const net = await import('node:net');
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as import('node:net').AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    for (const f of ['local-entries/backendBase.xml', 'endpoints/EchoBackend.xml', 'endpoints/HotelsFailover.xml']) {
      const p = path.join(dir, f);
      await writeFile(p, (await readFile(p, 'utf8')).replace(/127\.0\.0\.1:8280/g, `127.0.0.1:${port}`));
    }
    gw = new Gateway({ configDir: dir, httpPort: port, adminPort: 0, host: '127.0.0.1', logger: createMemoryLogger('warn') });
    const r = await gw.start();
    if ('diagnostics' in r) throw new Error(JSON.stringify(r.diagnostics));
    base = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await gw?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('maps /rooms/{roomID} to the backend /rooms?room={roomID} through the To header', async () => {
    const r = await request(`${base}/rooms-api/1.0.0/rooms/12`);
    expect(r.status).to.equal(200);
    expect(r.json()).to.deep.equal({ room: '12', status: 'available', servedBy: 'demo-backend' });
  });

  it('sends other paths to the same path below the backend (switch default)', async () => {
    const r = await request(`${base}/rooms-api/1.0.0/hotels/grand`);
    expect(r.status).to.equal(200);
    expect(r.json()).to.deep.equal({ hotel: 'grand', rating: 4, servedBy: 'demo-backend' });
  });

  it('passes a body through the echo API unchanged', async () => {
    const body = JSON.stringify({ hello: 'axon', n: [1, 2, 3] });
    const r = await request(`${base}/echo-api/echo`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(r.status).to.equal(200);
    expect(r.text).to.equal(body);
  });

  it('answers the unreachable API from its fault sequence with ERROR_CODE 101503', async () => {
    const r = await request(`${base}/unreachable/anything`);
    expect(r.status).to.equal(502);
    expect(r.json()).to.deep.equal({ error: { code: 101503, message: 'Error connecting to the back end', api: 'UnreachableAPI' } });
  });

  it('answers the mocked Petstore API from its OpenAPI examples, offline', async () => {
    const list = await request(`${base}/petstore-mock/v1/pets`);
    expect(list.status).to.equal(200);
    expect(list.headers['x-axon-mock']).to.equal('openapi');
    expect(list.json()).to.deep.equal([
      { id: 1, name: 'Rex', tag: 'dog' },
      { id: 2, name: 'Tom', tag: 'cat' },
    ]);
    const busy = await request(`${base}/petstore-mock/pets/1`, { headers: { prefer: 'code=503, example=overloaded' } });
    expect([busy.status, busy.headers['retry-after'], busy.json()]).to.deep.equal([503, '30', { message: 'too many requests, try again later' }]);
    const xml = await request(`${base}/petstore-mock/pets`, { headers: { accept: 'application/xml' } });
    expect(xml.text).to.equal('<pets><pet><id>1</id><name>Rex</name></pet><pet><id>2</id><name>Tom</name></pet></pets>');
  });

  it('answers the script-mocked Petstore API from JavaScript, offline', async () => {
    const list = await request(`${base}/petstore-script/pets?tag=dog`);
    expect([list.status, list.headers['content-type'], list.headers['x-mocked-by']]).to.deep.equal([200, 'application/json', 'script']);
    // a PRE-RELEASED API answering without a backend is marked as a mock
    expect(list.headers['x-axon-mock']).to.equal('inline');
    expect(list.json()).to.deep.equal([
      { id: 1, name: 'Rex', tag: 'dog' },
      { id: 3, name: 'Fido', tag: 'dog' },
    ]);
    const one = await request(`${base}/petstore-script/pets/2`);
    expect([one.status, one.json()]).to.deep.equal([200, { id: 2, name: 'Tom', tag: 'cat' }]);
    const missing = await request(`${base}/petstore-script/pets/9`);
    expect([missing.status, missing.json()]).to.deep.equal([404, { code: 404, message: 'no pet with id 9' }]);
  });

  it('fails over from a refusing primary to the secondary, which then takes the traffic', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await request(`${base}/hotels-api/hotels/grand`);
      expect(r.json()).to.deep.equal({ hotel: 'grand', rating: 4, servedBy: 'demo-backend' });
      expect(r.headers['x-axon-mock']).to.equal(undefined);
    }
    const views = gw.current!.endpointViews();
    const fo = views.find((v) => v.name === 'HotelsFailover')!;
    expect(fo.children!.map((c) => [c.name, c.state])).to.deep.equal([
      ['hotels-primary', 'suspended'],
      ['hotels-secondary', 'active'],
    ]);
    expect(fo.children![0]!.counters!.failures).to.equal(1);
  });

  it('answers 404 for a path no API serves', async () => {
    const r = await request(`${base}/nope`);
    expect(r.status).to.equal(404);
  });
});

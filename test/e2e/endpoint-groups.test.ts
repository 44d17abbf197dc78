// End-to-end: endpoint suspension, failover and load-balance groups, session affinity and
// endpoint timeouts, over real sockets with loopback backends (synapse-semantics §6.6-§7).

import { expect } from 'chai';
import { closedPort } from '../helpers/backend.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { request, type Reply } from '../helpers/client.js';
import { startNamedBackend, type NamedBackend } from '../helpers/named-backend.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';

/** A fault sequence that answers with the Synapse error properties as JSON. */
const FAULT_JSON = `<sequence ${NS} name="showError">
  <payloadFactory media-type="json">
    <format>{"code":"$1","message":"$2"}</format>
    <args><arg evaluator="xml" expression="get-property('ERROR_CODE')"/><arg evaluator="xml" expression="get-property('ERROR_MESSAGE')"/></args>
  </payloadFactory>
  <property name="HTTP_SC" value="500" scope="axis2"/>
  <respond/>
</sequence>`;

function proxyApi(name: string, context: string, endpointKey: string): string {
  return `<api ${NS} name="${name}" context="${context}">
  <resource url-mapping="/*"><inSequence><send><endpoint key="${endpointKey}"/></send></inSequence><faultSequence><sequence key="showError"/></faultSequence></resource>
</api>`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function endpointView(g: RunningGateway, name: string): Promise<any> {
  const list = (await request(`${g.adminUrl}/admin/endpoints`)).json().endpoints as any[];
  return list.find((e) => e.name === name);
}

/** Run `total` requests with `concurrency` workers; returns every reply. */
async function load(total: number, concurrency: number, make: (i: number) => Promise<Reply>, onProgress?: (done: number) => void): Promise<Reply[]> {
  const out: Reply[] = new Array(total);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      out[i] = await make(i);
      onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** Two named backends and a gateway over a config made from them, for one suite. */
interface Rig {
  a: NamedBackend;
  b: NamedBackend;
  g: RunningGateway;
}

function rig(names: [string, string], files: (a: NamedBackend, b: NamedBackend) => Record<string, string>, opts: { maxBodyBytes?: number } = {}): Rig {
  const r = {} as Rig;
  before(async () => {
    r.a = await startNamedBackend(names[0]);
    r.b = await startNamedBackend(names[1]);
    r.g = await startGateway(files(r.a, r.b), opts);
  });
  after(async () => {
    await r.g?.stop();
    await r.a?.close();
    await r.b?.close();
  });
  return r;
}

describe('e2e: endpoint suspension (CT-49)', function () {
  this.timeout(20_000);
  let g: RunningGateway;
  let deadPort: number;

  before(async () => {
    deadPort = await closedPort();
    g = await startGateway({
      'fault.xml': FAULT_JSON,
      'api.xml': proxyApi('P', '/p', 'Dead') + '\n',
      'api2.xml': proxyApi('Q', '/q', 'Quick'),
      'dead.xml': `<endpoint ${NS} name="Dead"><address uri="http://127.0.0.1:${deadPort}/x"/></endpoint>`,
      'quick.xml': `<endpoint ${NS} name="Quick"><address uri="http://127.0.0.1:${deadPort}/x">
        <suspendOnFailure><initialDuration>300</initialDuration><progressionFactor>2</progressionFactor><maximumDuration>1000</maximumDuration></suspendOnFailure>
      </address></endpoint>`,
    });
  });
  after(() => g?.stop());

  it('suspends on the first refusal (30 s by default) and then fails fast with 303001', async () => {
    const first = await request(`${g.url}/p/a`);
    expect(first.json()).to.deep.equal({ code: '101503', message: 'Error connecting to the back end' });
    const v = await endpointView(g, 'Dead');
    expect(v.state).to.equal('suspended');
    expect(v.suspendedForMs).to.equal(30_000);
    const t0 = Date.now();
    const second = await request(`${g.url}/p/a`);
    expect(second.json()).to.deep.equal({ code: '303001', message: 'Currently , Address endpoint : [ Name : Dead ] [ State : SUSPENDED ]' });
    expect(Date.now() - t0).to.be.below(1000);
    expect((await endpointView(g, 'Dead')).counters.failures).to.equal(1);
  });

  it('probes again once the suspension expires, and the next suspension is longer', async () => {
    expect((await request(`${g.url}/q/a`)).json().code).to.equal('101503');
    expect((await request(`${g.url}/q/a`)).json().code).to.equal('303001');
    await sleep(350);
    // the probe goes to the network again and fails: 600 ms now
    expect((await request(`${g.url}/q/a`)).json().code).to.equal('101503');
    const v = await endpointView(g, 'Quick');
    expect(v.suspendedForMs).to.equal(600);
    expect(v.counters.suspensions).to.equal(2);
  });

  it('an operator can switch an endpoint off and on again', async () => {
    const off = await request(`${g.adminUrl}/admin/endpoints/Quick/deactivate`, { method: 'POST' });
    expect(off.json().state).to.equal('off');
    expect((await request(`${g.url}/q/a`)).json().message).to.contain('[ State : MAINTNENCE ]');
    const on = await request(`${g.adminUrl}/admin/endpoints/Quick/activate`, { method: 'POST' });
    expect(on.json().state).to.equal('active');
    expect((await request(`${g.adminUrl}/admin/endpoints/Nope/activate`, { method: 'POST' })).status).to.equal(404);
  });
});

describe('e2e: failover groups (CT-50)', function () {
  this.timeout(60_000);
  let a: NamedBackend;
  let b: NamedBackend;
  let g: RunningGateway;

  before(async () => {
    a = await startNamedBackend('A');
    b = await startNamedBackend('B');
    const suspend = '<suspendOnFailure><initialDuration>400</initialDuration></suspendOnFailure>';
    g = await startGateway({
      'fault.xml': FAULT_JSON,
      'api.xml': proxyApi('F', '/f', 'FO'),
      'fo.xml': `<endpoint ${NS} name="FO"><failover>
        <endpoint name="primary"><address uri="${a.url}">${suspend}</address></endpoint>
        <endpoint name="secondary"><address uri="${b.url}">${suspend}</address></endpoint>
      </failover></endpoint>`,
    });
  });
  after(async () => {
    await g?.stop();
    await a?.close();
    await b?.close();
  });

  it('sends to the primary while it is up', async () => {
    for (let i = 0; i < 3; i++) expect((await request(`${g.url}/f/x`)).json().backend).to.equal('A');
  });

  it('fails over when the primary refuses, keeps away while it is suspended, and fails back', async () => {
    await a.kill();
    const r1 = await request(`${g.url}/f/x`, { method: 'POST', body: 'payload-1', headers: { 'content-type': 'text/plain' } });
    expect(r1.status).to.equal(200);
    expect(r1.json()).to.include({ backend: 'B', size: 9 });
    const v = await endpointView(g, 'FO');
    expect(v.children.map((c: any) => c.state)).to.deep.equal(['suspended', 'active']);
    expect((await request(`${g.url}/f/x`)).json().backend).to.equal('B');
    await a.revive();
    await sleep(450);
    expect((await request(`${g.url}/f/x`)).json().backend).to.equal('A');
  });

  it('reports the last child error when every child fails, and 303000 when none is ready', async () => {
    await a.kill();
    await b.kill();
    expect((await request(`${g.url}/f/x`)).json().code).to.equal('101503');
    const none = (await request(`${g.url}/f/x`)).json();
    expect(none).to.deep.equal({ code: '303000', message: 'Failover endpoint : FO - no ready child endpoints' });
    await a.revive();
    await b.revive();
    await sleep(450);
  });

  it('loses no request when the primary dies in the middle of a load', async () => {
    const body = Buffer.alloc(3000, 'x');
    let killed = false;
    const replies = await load(
      2000,
      16,
      () => request(`${g.url}/f/x`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } }),
      (done) => {
        if (done === 600 && !killed) {
          killed = true;
          void a.kill();
        }
      },
    );
    const bad = replies.filter((r) => r.status !== 200);
    expect(bad.map((r) => r.text).slice(0, 3)).to.deep.equal([]);
    const backends = new Set(replies.map((r) => r.json().backend));
    expect([...backends].sort()).to.deep.equal(['A', 'B']);
    // every attempt carried the same bytes
    expect(new Set(replies.map((r) => r.json().size))).to.deep.equal(new Set([3000]));
    await a.revive();
  });
});

describe('e2e: load-balance groups', function () {
  this.timeout(30_000);
  const backends: NamedBackend[] = [];
  let g: RunningGateway;

  before(async () => {
    for (const n of ['A', 'B', 'C']) backends.push(await startNamedBackend(n));
    const [a, b, c] = backends as [NamedBackend, NamedBackend, NamedBackend];
    g = await startGateway({
      'fault.xml': FAULT_JSON,
      'api.xml': proxyApi('L', '/rr', 'RR') + '\n',
      'api2.xml': proxyApi('W', '/w', 'WRR'),
      'api3.xml': proxyApi('N', '/nofo', 'NoFailover'),
      'api4.xml': proxyApi('M', '/members', 'Members'),
      'rr.xml': `<endpoint ${NS} name="RR"><loadbalance>
        <endpoint><address uri="${a.url}"/></endpoint><endpoint><address uri="${b.url}"/></endpoint><endpoint><address uri="${c.url}"/></endpoint>
      </loadbalance></endpoint>`,
      'wrr.xml': `<endpoint ${NS} name="WRR"><loadbalance algorithm="org.apache.synapse.endpoints.algorithms.WeightedRoundRobin">
        <endpoint><address uri="${a.url}"/><property name="loadbalance.weight" value="3"/></endpoint>
        <endpoint><address uri="${b.url}"/><property name="loadbalance.weight" value="1"/></endpoint>
      </loadbalance></endpoint>`,
      'nofo.xml': `<endpoint ${NS} name="NoFailover"><loadbalance failover="false">
        <endpoint><address uri="http://127.0.0.1:1/"/></endpoint><endpoint><address uri="${b.url}"/></endpoint>
      </loadbalance></endpoint>`,
      'members.xml': `<endpoint ${NS} name="Members"><loadbalance>
        <member hostName="127.0.0.1" httpPort="${a.port}"/><member hostName="127.0.0.1" httpPort="${c.port}"/>
      </loadbalance></endpoint>`,
    });
  });
  after(async () => {
    await g?.stop();
    for (const b of backends) await b.close();
  });

  it('round robin spreads requests evenly', async () => {
    const replies = await load(300, 6, () => request(`${g.url}/rr/x`));
    const count: Record<string, number> = {};
    for (const r of replies) count[r.json().backend] = (count[r.json().backend] ?? 0) + 1;
    expect(count).to.deep.equal({ A: 100, B: 100, C: 100 });
  });

  it('weighted round robin follows loadbalance.weight (3:1)', async () => {
    const seq: string[] = [];
    for (let i = 0; i < 8; i++) seq.push((await request(`${g.url}/w/x`)).json().backend);
    expect(seq).to.deep.equal(['A', 'A', 'A', 'B', 'A', 'A', 'A', 'B']);
  });

  it('failover="false" hands a child failure straight to the fault sequence', async () => {
    const first = (await request(`${g.url}/nofo/x`)).json();
    expect(first.code).to.equal('101503');
    // the failed child is suspended now, so round robin moves on to the live one
    expect((await request(`${g.url}/nofo/x`)).json().backend).to.equal('B');
  });

  it('members take the request path of the message', async () => {
    const r1 = (await request(`${g.url}/members/a/b?q=1`)).json();
    const r2 = (await request(`${g.url}/members/a/b?q=1`)).json();
    expect([r1.backend, r2.backend].sort()).to.deep.equal(['A', 'C']);
    expect(r1.path).to.equal('/members/a/b');
  });
});

describe('e2e: session affinity', function () {
  this.timeout(30_000);
  const backends: NamedBackend[] = [];
  let g: RunningGateway;
  let g2: RunningGateway;
  const secret = Buffer.from('test-affinity-secret-0123456789ab');

  const files = (): Record<string, string> => {
    const [a, b, c] = backends as [NamedBackend, NamedBackend, NamedBackend];
    const children = `<endpoint><address uri="${a.url}"/></endpoint><endpoint><address uri="${b.url}"/></endpoint><endpoint><address uri="${c.url}"/></endpoint>`;
    return {
      'fault.xml': FAULT_JSON,
      'api.xml': proxyApi('H', '/http', 'Sticky') + '\n',
      'api2.xml': proxyApi('S', '/signed', 'Signed'),
      'api3.xml': proxyApi('C', '/client', 'ByClient'),
      'sticky.xml': `<endpoint ${NS} name="Sticky"><session type="http"><cookieNames>SID</cookieNames></session><loadbalance>${children}</loadbalance></endpoint>`,
      'signed.xml': `<endpoint ${NS} name="Signed"><session type="signedCookie"><sessionTimeout>60000</sessionTimeout></session><loadbalance>${children}</loadbalance></endpoint>`,
      'client.xml': `<endpoint ${NS} name="ByClient"><session type="simpleClientSession"/><loadbalance>${children}</loadbalance></endpoint>`,
      'soap.xml': `<endpoint ${NS} name="BySoap"><session type="soap"/><loadbalance>${children}</loadbalance></endpoint>`,
      'api4.xml': proxyApi('SO', '/soap', 'BySoap'),
    };
  };

  before(async () => {
    backends.push(await startNamedBackend('A', { cookie: 'SID' }));
    backends.push(await startNamedBackend('B', { cookie: 'SID' }));
    backends.push(await startNamedBackend('C', { cookie: 'SID' }));
    g = await startGateway(files(), { affinitySecret: secret });
    g2 = await startGateway(files(), { affinitySecret: secret });
  });
  after(async () => {
    await g?.stop();
    await g2?.stop();
    for (const b of backends) await b.close();
  });

  it('binds each client to the backend that set its cookie (any cookie name)', async () => {
    const clients = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const first = await request(`${g.url}/http/x`);
        const cookie = String(first.headers['set-cookie']![0]).split(';')[0]!;
        const seen = new Set<string>([first.json().backend]);
        for (let i = 0; i < 5; i++) seen.add((await request(`${g.url}/http/x`, { headers: { cookie } })).json().backend);
        return seen;
      }),
    );
    for (const seen of clients) expect(seen.size).to.equal(1);
    // round robin placed the 30 first requests on all three backends
    expect(new Set(clients.map((s) => [...s][0])).size).to.equal(3);
  });

  it('issues a signed affinity cookie that another instance with the same secret honours', async () => {
    const affinity = (r: Reply) => (r.headers['set-cookie'] ?? []).find((c) => c.startsWith('AXON_AFFINITY='))?.split(';')[0];
    const first = await request(`${g.url}/signed/x`);
    const cookie = affinity(first)!;
    expect(cookie).to.match(/^AXON_AFFINITY=v1\./);
    const owner = first.json().backend;
    for (let i = 0; i < 4; i++) {
      expect((await request(`${g.url}/signed/x`, { headers: { cookie } })).json().backend).to.equal(owner);
      expect((await request(`${g2.url}/signed/x`, { headers: { cookie } })).json().backend).to.equal(owner);
    }
    // a tampered cookie is ignored (plain round robin, and a fresh cookie)
    const tampered = cookie.slice(0, -2) + (cookie.endsWith('AA') ? 'BB' : 'AA');
    const r = await request(`${g.url}/signed/x`, { headers: { cookie: tampered } });
    expect(affinity(r)).to.match(/^AXON_AFFINITY=v1\./).and.not.equal(tampered);
  });

  it('reads the client id from the syn:ClientID SOAP header, and soap sessions from axis2:ServiceGroupId', async () => {
    const envelope = (header: string) =>
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${header}</soapenv:Header><soapenv:Body><m:q xmlns:m="urn:q"/></soapenv:Body></soapenv:Envelope>`;
    const post = (path: string, header: string) =>
      request(`${g.url}${path}`, { method: 'POST', body: envelope(header), headers: { 'content-type': 'text/xml', soapaction: 'urn:q' } });
    for (const [path, header] of [
      ['/client/x', (id: string) => `<syn:ClientID xmlns:syn="http://ws.apache.org/ns/synapse">${id}</syn:ClientID>`],
      ['/soap/x', (id: string) => `<axis2:ServiceGroupId xmlns:axis2="http://ws.apache.org/namespaces/axis2">${id}</axis2:ServiceGroupId>`],
    ] as const) {
      const owners = new Set<string>();
      for (const id of ['c1', 'c2', 'c3', 'c4']) {
        const first = (await post(path, header(id))).json().backend;
        owners.add(first);
        for (let i = 0; i < 3; i++) expect((await post(path, header(id))).json().backend).to.equal(first);
      }
      expect(owners.size).to.be.greaterThan(1);
    }
  });

  it('moves the session when its backend fails', async () => {
    const first = await request(`${g.url}/client/x`, { headers: { 'x-client-id': 'alice' } });
    const owner = backends.find((b) => b.name === first.json().backend)!;
    expect((await request(`${g.url}/client/x?ignored=1`, { headers: { 'x-client-id': 'alice' } })).json().backend).to.equal(owner.name);
    await owner.kill();
    const moved = (await request(`${g.url}/client/x`, { headers: { 'x-client-id': 'alice' } })).json().backend;
    expect(moved).to.not.equal(owner.name);
    await owner.revive();
    // the binding moved with it: alice stays on the new backend
    for (let i = 0; i < 3; i++) expect((await request(`${g.url}/client/x`, { headers: { 'x-client-id': 'alice' } })).json().backend).to.equal(moved);
    // and a query parameter works as a client id too
    const q1 = (await request(`${g.url}/client/x?clientId=bob`)).json().backend;
    for (let i = 0; i < 3; i++) expect((await request(`${g.url}/client/x?clientId=bob`)).json().backend).to.equal(q1);
  });
});

describe('e2e: endpoint timeouts and responseAction', function () {
  this.timeout(20_000);
  let a: NamedBackend;
  let g: RunningGateway;

  before(async () => {
    a = await startNamedBackend('A');
    const ep = (name: string, action: string) =>
      `<endpoint ${NS} name="${name}"><address uri="${a.url}"><timeout><duration>200</duration>${action ? `<responseAction>${action}</responseAction>` : ''}</timeout>
        <markForSuspension><errorCodes>101504</errorCodes><retriesBeforeSuspension>100</retriesBeforeSuspension></markForSuspension></address></endpoint>`;
    g = await startGateway(
      {
        'fault.xml': FAULT_JSON,
        'a1.xml': proxyApi('TF', '/fault', 'TFault'),
        'a2.xml': proxyApi('TD', '/discard', 'TDiscard'),
        'a3.xml': proxyApi('TN', '/never', 'TNever'),
        'e1.xml': ep('TFault', 'fault'),
        'e2.xml': ep('TDiscard', 'discard'),
        'e3.xml': ep('TNever', 'never'),
      },
      { globalTimeoutMs: 1500 },
    );
  });
  after(async () => {
    await g?.stop();
    await a?.close();
  });

  it('fault: the fault sequence runs with 101504 when the duration passes', async () => {
    const t0 = Date.now();
    const r = await request(`${g.url}/fault/slow/800`);
    expect(r.json()).to.deep.equal({ code: '101504', message: 'Send timeout' });
    expect(Date.now() - t0).to.be.within(150, 700);
    expect((await endpointView(g, 'TFault')).state).to.equal('timeout');
  });

  it('discard: the endpoint records the timeout but no fault sequence runs', async () => {
    const r = await request(`${g.url}/discard/slow/800`);
    expect(r.status).to.equal(504);
    expect(r.json()).to.include({ code: 101504 });
    expect(g.logs.some((l) => String(l.msg).includes('responseAction discard'))).to.equal(true);
  });

  it('never: only the global timeout applies', async () => {
    const r = await request(`${g.url}/never/slow/600`);
    expect(r.status).to.equal(200);
    expect(r.json().backend).to.equal('A');
  });
});

describe('e2e: endpoint state across reloads', function () {
  this.timeout(20_000);
  let g: RunningGateway;

  it('keeps the state of unchanged endpoints and resets changed ones', async () => {
    const dead = await closedPort();
    g = await startGateway({
      'fault.xml': FAULT_JSON,
      'api.xml': proxyApi('P', '/p', 'E1') + '\n',
      'api2.xml': proxyApi('Q', '/q', 'E2'),
      'e1.xml': `<endpoint ${NS} name="E1"><address uri="http://127.0.0.1:${dead}/one"/></endpoint>`,
      'e2.xml': `<endpoint ${NS} name="E2"><address uri="http://127.0.0.1:${dead}/two"/></endpoint>`,
    });
    try {
      await request(`${g.url}/p/x`);
      await request(`${g.url}/q/x`);
      expect((await endpointView(g, 'E1')).state).to.equal('suspended');
      const { writeFile } = await import('node:fs/promises');
      // E2 changes, E1 does not (only whitespace around it moves)
      await writeFile(`${g.dir}/e2.xml`, `<endpoint ${NS} name="E2"><address uri="http://127.0.0.1:${dead}/two-changed"/></endpoint>`);
      await writeFile(`${g.dir}/e1.xml`, `\n\n<endpoint ${NS} name="E1"><address uri="http://127.0.0.1:${dead}/one"/></endpoint>`);
      const r = await request(`${g.adminUrl}/admin/reload`, { method: 'POST' });
      expect(r.status).to.equal(200);
      expect((await endpointView(g, 'E1')).state).to.equal('suspended');
      expect((await endpointView(g, 'E2')).state).to.equal('active');
      expect((await request(`${g.url}/p/x`)).json().code).to.equal('303001');
    } finally {
      await g.stop();
    }
  });
});

describe('e2e: production and sandbox endpoints', function () {
  this.timeout(20_000);
  let prod: NamedBackend;
  let sand: NamedBackend;
  let g: RunningGateway;

  before(async () => {
    prod = await startNamedBackend('prod');
    sand = await startNamedBackend('sandbox');
    const envApi = (name: string, context: string, key: string) => `<api ${NS} name="${name}" context="${context}">
      <resource url-mapping="/*"><inSequence>
        <filter source="$trp:X-Key" regex=".+"><then><property name="AM_KEY_TYPE" expression="$trp:X-Key"/></then></filter>
        <send><endpoint key="${key}"/></send>
      </inSequence></resource></api>`;
    g = await startGateway({
      'a1.xml': envApi('Both', '/both', 'BothEnv'),
      'a2.xml': envApi('ProdOnly', '/prod-only', 'ProdOnlyEnv'),
      'a3.xml': envApi('ProdGw', '/prod-gw', 'ProdGateway'),
      'a4.xml': `<api ${NS} name="Hdr" context="/hdr"><resource url-mapping="/*"><inSequence><send><endpoint key="ByHeader"/></send></inSequence></resource></api>`,
      'e1.xml': `<endpoint ${NS} name="BothEnv"><environments><production><endpoint><address uri="${prod.url}"/></endpoint></production><sandbox><endpoint><address uri="${sand.url}"/></endpoint></sandbox></environments></endpoint>`,
      'e2.xml': `<endpoint ${NS} name="ProdOnlyEnv"><environments><production><endpoint><address uri="${prod.url}"/></endpoint></production></environments></endpoint>`,
      'e3.xml': `<endpoint ${NS} name="ProdGateway"><environments gatewayType="production"><production><endpoint><address uri="${prod.url}"/></endpoint></production><sandbox><endpoint><address uri="${sand.url}"/></endpoint></sandbox></environments></endpoint>`,
      'e4.xml': `<endpoint ${NS} name="ByHeader"><environments keyTypeHeader="X-Env"><production><endpoint><address uri="${prod.url}"/></endpoint></production><sandbox><endpoint><address uri="${sand.url}"/></endpoint></sandbox></environments></endpoint>`,
    });
  });
  after(async () => {
    await g?.stop();
    await prod?.close();
    await sand?.close();
  });

  it('follows AM_KEY_TYPE set by a sequence', async () => {
    expect((await request(`${g.url}/both/x`)).json().backend).to.equal('prod');
    expect((await request(`${g.url}/both/x`, { headers: { 'x-key': 'PRODUCTION' } })).json().backend).to.equal('prod');
    expect((await request(`${g.url}/both/x`, { headers: { 'x-key': 'SANDBOX' } })).json().backend).to.equal('sandbox');
  });

  it('follows a configured request header', async () => {
    expect((await request(`${g.url}/hdr/x`, { headers: { 'x-env': 'sandbox' } })).json().backend).to.equal('sandbox');
    expect((await request(`${g.url}/hdr/x`)).json().backend).to.equal('prod');
  });

  it("answers as API Manager when the key's environment has no endpoint", async () => {
    const r = await request(`${g.url}/prod-only/x`, { headers: { 'x-key': 'SANDBOX', accept: 'application/json' } });
    expect(r.status).to.equal(403);
    expect(r.json()).to.deep.include({ code: 900901, description: 'Sandbox key offered to the API with no sandbox endpoint' });
    const r2 = await request(`${g.url}/prod-gw/x`, { headers: { 'x-key': 'SANDBOX' } });
    expect(r2.status).to.equal(401);
    expect(r2.json().description).to.equal('Sandbox Key Provided for Production Gateway');
  });
});

describe('e2e: endpoint templates and recipient lists', function () {
  this.timeout(20_000);
  const suite = rig(['A', 'B'], (a, b) => ({
    'fault.xml': FAULT_JSON,
    'tpl.xml': `<template ${NS} name="suspendingAddress">
      <parameter name="name"/><parameter name="uri"/><parameter name="wait"/>
      <endpoint name="$name"><address uri="$uri"><suspendOnFailure><initialDuration>$wait</initialDuration></suspendOnFailure></address>
        <property name="X-From-Template" value="$name" scope="transport"/></endpoint>
    </template>`,
    'uses.xml': `<definitions ${NS}>
      <endpoint name="TA" template="suspendingAddress" uri="${a.url}/t"><parameter name="wait" value="1234"/></endpoint>
      <endpoint name="ToB" template="suspendingAddress" uri="${b.url}/t"><parameter name="wait" value="10"/></endpoint>
      <endpoint name="Both"><recipientlist><endpoint key="TA"/><endpoint key="ToB"/></recipientlist></endpoint>
      <endpoint name="Dyn"><recipientlist><endpoints value="{get-property('targets')}" max-cache="4"/></recipientlist></endpoint>
    </definitions>`,
    'api.xml': `<api ${NS} name="T" context="/t">
      <resource url-mapping="/tpl"><inSequence><send><endpoint key="TA"/></send></inSequence></resource>
      <resource url-mapping="/all"><inSequence><send><endpoint key="Both"/></send></inSequence><faultSequence><sequence key="showError"/></faultSequence></resource>
      <resource url-mapping="/dyn"><inSequence><property name="targets" expression="$trp:X-Targets"/><send><endpoint key="Dyn"/></send></inSequence><faultSequence><sequence key="showError"/></faultSequence></resource>
    </api>`,
  }));

  it('expands a template endpoint with its parameters', async () => {
    const r = (await request(`${suite.g.url}/t/tpl`)).json();
    expect(r.backend).to.equal('A');
    // the address gets the REST postfix (/tpl), as any address endpoint does
    expect(r.path).to.equal('/t/tpl');
    const v = await endpointView(suite.g, 'TA');
    expect(v).to.include({ type: 'address', address: `${suite.a.url}/t` });
    await suite.a.kill();
    await request(`${suite.g.url}/t/tpl`);
    expect((await endpointView(suite.g, 'TA')).suspendedForMs).to.equal(1234);
    await suite.a.revive();
    await suite.g.gw.current!.endpoints.get('TA')!.setActive(true);
  });

  it('a recipient list sends to every child and answers with the first reply', async () => {
    const before = [suite.a.hits, suite.b.hits];
    const r = await request(`${suite.g.url}/t/all`, { method: 'POST', body: 'same bytes', headers: { 'content-type': 'text/plain' } });
    expect(r.status).to.equal(200);
    expect(['A', 'B']).to.include(r.json().backend);
    await sleep(100);
    expect([suite.a.hits - before[0]!, suite.b.hits - before[1]!]).to.deep.equal([1, 1]);
  });

  it('a dynamic recipient list takes its URLs from an expression', async () => {
    const before = [suite.a.hits, suite.b.hits];
    const r = await request(`${suite.g.url}/t/dyn`, { headers: { 'x-targets': `${suite.a.url}/d, ${suite.b.url}/d` } });
    expect(r.status).to.equal(200);
    await sleep(100);
    expect([suite.a.hits - before[0]!, suite.b.hits - before[1]!]).to.deep.equal([1, 1]);
    const none = await request(`${suite.g.url}/t/dyn`, { headers: { 'x-targets': '' } });
    expect(none.json().code).to.equal('303000');
  });
});

describe('e2e: service catalog endpoints', function () {
  this.timeout(20_000);
  const suite = rig(['A', 'B'], (a, b) => ({
    'service-catalog/orders.yaml': `name: Orders\nversion: 1.0.0\nserviceUrl: ${a.url}/orders\ndefinitionType: OAS3\n`,
    'service-catalog/billing.json': JSON.stringify({ key: 'billing-v2', name: 'Billing', version: '2', serviceUrl: `${b.url}/billing` }),
    'eps.xml': `<definitions ${NS}>
      <endpoint name="OrdersEp"><service name="Orders" version="1.0.0"><timeout><duration>5000</duration></timeout></service></endpoint>
      <endpoint name="BillingEp"><service key="billing-v2"/></endpoint>
    </definitions>`,
    'api.xml': `<api ${NS} name="S" context="/s">
      <resource url-mapping="/orders"><inSequence><property name="REST_URL_POSTFIX" scope="axis2" action="remove"/><send><endpoint key="OrdersEp"/></send></inSequence></resource>
      <resource url-mapping="/billing"><inSequence><property name="REST_URL_POSTFIX" scope="axis2" action="remove"/><send><endpoint key="BillingEp"/></send></inSequence></resource>
    </api>`,
  }));

  it('sends to the serviceUrl of the entry named by name and version, or by key', async () => {
    expect((await request(`${suite.g.url}/s/orders`)).json()).to.include({ backend: 'A', path: '/orders' });
    expect((await request(`${suite.g.url}/s/billing`)).json()).to.include({ backend: 'B', path: '/billing' });
    expect(await endpointView(suite.g, 'OrdersEp')).to.include({ service: 'Orders-1.0.0', address: `${suite.a.url}/orders` });
    const cfg = (await request(`${suite.g.adminUrl}/admin/config`)).json();
    expect(cfg.artifacts).to.deep.include({ kind: 'service', name: 'billing-v2', file: 'service-catalog/billing.json' });
  });

  it('a changed entry changes the endpoint on reload', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${suite.g.dir}/service-catalog/orders.yaml`, `name: Orders\nversion: 1.0.0\nserviceUrl: ${suite.b.url}/orders-moved\n`);
    expect((await request(`${suite.g.adminUrl}/admin/reload`, { method: 'POST' })).status).to.equal(200);
    expect((await request(`${suite.g.url}/s/orders`)).json()).to.include({ backend: 'B', path: '/orders-moved' });
  });
});

describe('e2e: soap sessions learned from the backend', function () {
  this.timeout(20_000);
  const servers: import('node:http').Server[] = [];
  let g: RunningGateway;
  const envelope = (header: string, body: string) =>
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${header}</soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

  before(async () => {
    const http = await import('node:http');
    const urls: string[] = [];
    for (const name of ['S1', 'S2']) {
      let issued = 0;
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          // each answer hands out a new service group id in its ReplyTo reference parameters
          const id = `${name}-${++issued}`;
          const header = `<wsa:ReplyTo xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address><wsa:ReferenceParameters><axis2:ServiceGroupId xmlns:axis2="http://ws.apache.org/namespaces/axis2">${id}</axis2:ServiceGroupId></wsa:ReferenceParameters></wsa:ReplyTo>`;
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(envelope(header, `<r server="${name}" id="${id}"/>`));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/svc`);
    }
    g = await startGateway({
      'api.xml': proxyApi('SG', '/sg', 'SoapLB'),
      'fault.xml': FAULT_JSON,
      'ep.xml': `<endpoint ${NS} name="SoapLB"><session type="soap"/><loadbalance>${urls.map((u) => `<endpoint><address uri="${u}"/></endpoint>`).join('')}</loadbalance></endpoint>`,
    });
  });
  after(async () => {
    await g?.stop();
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  });

  it('binds the ServiceGroupId a response hands out to the backend that sent it', async () => {
    const post = (header: string) =>
      request(`${g.url}/sg/x`, { method: 'POST', body: envelope(header, '<q/>'), headers: { 'content-type': 'text/xml', soapaction: 'urn:q' } });
    const first = await post('');
    const m = /<r server="(S\d)" id="([^"]+)"\/>/.exec(first.text)!;
    expect(first.text).to.contain('ServiceGroupId');
    const sg = `<axis2:ServiceGroupId xmlns:axis2="http://ws.apache.org/namespaces/axis2">${m[2]}</axis2:ServiceGroupId>`;
    for (let i = 0; i < 4; i++) expect(/server="(S\d)"/.exec((await post(sg)).text)![1]).to.equal(m[1]);
    // without the id, round robin goes on alternating
    const a = /server="(S\d)"/.exec((await post('')).text)![1];
    const b = /server="(S\d)"/.exec((await post('')).text)![1];
    expect(a).to.not.equal(b);
  });
});

describe('e2e: bodies larger than the buffer limit through a group', function () {
  this.timeout(20_000);
  const suite = rig(
    ['A', 'B'],
    (a, b) => ({
      'api.xml': proxyApi('Big', '/big', 'FO2'),
      'fault.xml': FAULT_JSON,
      'fo.xml': `<endpoint ${NS} name="FO2"><failover><endpoint><address uri="${a.url}/x"/></endpoint><endpoint><address uri="${b.url}/x"/></endpoint></failover></endpoint>`,
    }),
    { maxBodyBytes: 1000 },
  );

  it('streams a body announced larger than the limit to one child instead of refusing it', async () => {
    const body = Buffer.alloc(50_000, 'y');
    const r = await request(`${suite.g.url}/big/x`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    expect(r.status).to.equal(200);
    expect(r.json()).to.include({ backend: 'A', size: 50_000 });
  });
});

describe('e2e: maxAttempts caps the children one message tries', function () {
  this.timeout(20_000);
  let g: RunningGateway;
  let up: NamedBackend;
  before(async () => {
    up = await startNamedBackend('UP');
    const dead1 = await closedPort();
    const dead2 = await closedPort();
    const children = `<endpoint><address uri="http://127.0.0.1:${dead1}/"/></endpoint><endpoint><address uri="http://127.0.0.1:${dead2}/"/></endpoint><endpoint><address uri="${up.url}/"/></endpoint>`;
    g = await startGateway({
      'fault.xml': FAULT_JSON,
      'a1.xml': proxyApi('Two', '/two', 'TwoTries'),
      'a2.xml': proxyApi('All', '/all', 'AllTries'),
      'e.xml': `<definitions ${NS}>
        <endpoint name="TwoTries"><failover maxAttempts="2">${children}</failover></endpoint>
        <endpoint name="AllTries"><failover>${children}</failover></endpoint>
      </definitions>`,
    });
  });
  after(async () => {
    await g?.stop();
    await up?.close();
  });

  it('stops after maxAttempts children; without it every child gets one try', async () => {
    expect((await request(`${g.url}/two/x`)).json().code).to.equal('101503');
    expect((await request(`${g.url}/all/x`)).json().backend).to.equal('UP');
  });
});

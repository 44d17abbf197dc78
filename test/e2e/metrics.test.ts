// End-to-end: /metrics counts exactly what was served (by API, resource template, method and
// status), backend calls by endpoint and outcome, reloads, and process metrics.

import { expect } from 'chai';
import { startBackend, closedPort, type Backend } from '../helpers/backend.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';

describe('e2e: Prometheus metrics', function () {
  this.timeout(20_000);
  let backend: Backend;
  let g: RunningGateway;

  before(async () => {
    backend = await startBackend();
    const dead = await closedPort();
    g = await startGateway({
      'api.xml': `<api ${NS} name="M" context="/m">
        <resource methods="GET" uri-template="/items/{id}"><inSequence><send><endpoint key="Items"/></send></inSequence></resource>
        <resource methods="GET" url-mapping="/dead"><inSequence><send><endpoint key="Dead"/></send></inSequence></resource>
      </api>`,
      'items.xml': `<endpoint ${NS} name="Items"><address uri="${backend.url}/inspect"/></endpoint>`,
      'dead.xml': `<endpoint ${NS} name="Dead"><address uri="http://127.0.0.1:${dead}/x"/></endpoint>`,
    });
  });
  after(async () => {
    await g?.stop();
    await backend?.close();
  });

  it('counts requests, backend outcomes and reloads exactly', async () => {
    for (let i = 0; i < 7; i++) expect((await request(`${g.url}/m/items/${i}`)).status).to.equal(200);
    // the first refusal suspends Dead (Synapse's default); the next two fail fast with 303001
    expect((await request(`${g.url}/m/dead`)).status).to.equal(502);
    for (let i = 0; i < 2; i++) expect((await request(`${g.url}/m/dead`)).status).to.equal(503);
    expect((await request(`${g.url}/m/nothing`)).status).to.equal(404);
    const text = (await request(`${g.adminUrl}/metrics`)).text;
    expect(text).to.contain('axon_http_requests_total{api="M",resource="/items/{id}",method="GET",code="200"} 7');
    expect(text).to.contain('axon_http_requests_total{api="M",resource="/dead",method="GET",code="502"} 1');
    expect(text).to.contain('axon_http_requests_total{api="M",resource="/dead",method="GET",code="503"} 2');
    expect(text).to.contain('axon_http_requests_total{api="M",resource="",method="GET",code="404"} 1');
    expect(text).to.contain('axon_upstream_requests_total{endpoint="Items",outcome="success"} 7');
    expect(text).to.contain('axon_upstream_requests_total{endpoint="Dead",outcome="connect_error"} 1');
    expect(text).to.contain('axon_endpoint_state{endpoint="Dead",state="suspended"} 1');
    expect(text).to.contain('axon_endpoint_state{endpoint="Items",state="active"} 1');
    expect(text).to.contain('axon_endpoint_suspensions{endpoint="Dead"} 1');
    expect(text).to.contain('axon_config_reloads_total{result="success"} 1');
    expect(text).to.match(/axon_http_request_duration_seconds_count\{api="M",method="GET"\} 11/);
    expect(text).to.contain('axon_process_resident_memory_bytes');
    expect(text).to.match(/axon_config_generation \d+/);
  });
});

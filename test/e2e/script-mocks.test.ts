// End-to-end over real sockets: API Manager's generated mock scripts in its prototype flow
// (wso2-apim-features §2.1), and hostile scripts contained while other requests keep working.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGeneration } from '../../src/gateway.js';
import { createMemoryLogger } from '../../src/runtime/logger.js';
import { DEFAULT_LIMITS } from '../../src/runtime/payload.js';
import { startGateway, writeConfig, type RunningGateway } from '../helpers/gateway.js';
import { request } from '../helpers/client.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/apim-mocks');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const LIMITS = { timeoutMs: 300, memoryMb: 16 };

/** One resource of API Manager's prototype flow around a generated script. */
function prototypeResource(template: string, script: string): string {
  return `<resource methods="GET" uri-template="${template}">
    <inSequence>
      <property name="AcceptHeader" expression="get-property('transport','Accept')"/>
      <script language="js"><![CDATA[${script}]]></script>
      <property name="messageType" expression="get-property('CONTENT_TYPE')" scope="axis2"/>
      <property name="HTTP_SC" expression="get-property('HTTP_SC')" scope="axis2"/>
      <property name="NO_ENTITY_BODY" scope="axis2" action="remove"/>
      <respond/>
    </inSequence>
  </resource>`;
}

function scripted(template: string, code: string): string {
  return `<resource methods="GET" uri-template="${template}"><inSequence>
    <script language="js"><![CDATA[${code}]]></script>
    <property name="messageType" value="application/json" scope="axis2"/>
    <respond/>
  </inSequence></resource>`;
}

describe('e2e: script mediator, API Manager mock scripts', function () {
  this.timeout(30_000);
  let g: RunningGateway;

  before(async () => {
    g = await startGateway(
      {
        'api/petstore-proto.xml': `<api ${NS} name="PetstorePrototype" context="/petstore-proto">
          ${prototypeResource('/pets', fixture('list-pets.js'))}
          ${prototypeResource('/pets/{petId}', fixture('show-pet-by-id.js'))}
        </api>`,
        'api/hostile.xml': `<api ${NS} name="Hostile" context="/hostile">
          ${scripted('/loop', 'while (true) {}')}
          ${scripted('/bomb', 'var hoard = []; while (true) hoard.push(new Array(100000).fill(Math.random()));')}
          ${scripted('/escape', `
            function probe(f) { try { var v = f(); return v === undefined ? 'undefined' : typeof v; } catch (e) { return 'blocked: ' + e.name; } }
            Object.prototype.polluted = 'yes';
            mc.setPayloadJSON({
              process: typeof process,
              require: typeof require,
              viaMethod: probe(function () { return mc.getPayloadJSON.constructor('return process')(); }),
              viaProto: probe(function () { return Object.getPrototypeOf(mc.getProperty).constructor('return globalThis.process')(); }),
              polluted: ({}).polluted === 'yes'
            });`)}
          ${scripted('/ok/{n}', `mc.setPayloadJSON({ n: Number(mc.getProperty('uri.var.n')), ok: true });`)}
        </api>`,
      },
      { scriptLimits: LIMITS },
    );
  });

  after(async () => {
    await g?.stop();
  });

  describe('a generated script in the prototype flow', () => {
    it('answers 200 with the JSON example by default', async () => {
      const r = await request(`${g.url}/petstore-proto/pets`, { headers: { accept: 'application/json' } });
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('application/json');
      expect(r.json()).to.deep.equal([
        { id: 1, name: 'doggie', tag: 'dog' },
        { id: 2, name: 'kitty', tag: 'cat' },
      ]);
    });

    it('answers with the XML example for Accept: application/xml', async () => {
      const r = await request(`${g.url}/petstore-proto/pets`, { headers: { accept: 'application/xml' } });
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('application/xml');
      expect(r.text).to.equal('<Pets><Pet><id>1</id><name>doggie</name><tag>dog</tag></Pet><Pet><id>2</id><name>kitty</name><tag>cat</tag></Pet></Pets>');
    });

    it('falls back to JSON for an Accept the operation has no example for', async () => {
      const r = await request(`${g.url}/petstore-proto/pets/7`, { headers: { accept: 'application/xml' } });
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('application/json');
      expect(r.json()).to.deep.equal({ id: 0, name: 'string', tag: 'string' });
    });

    it('?responseCode=404 picks the 404 example and status', async () => {
      const r = await request(`${g.url}/petstore-proto/pets/7?responseCode=404`);
      expect(r.status).to.equal(404);
      expect(r.json()).to.deep.equal({ code: 404, message: 'Pet not found' });
    });

    it('an unknown code uses the default response, with the asked status', async () => {
      const r = await request(`${g.url}/petstore-proto/pets?responseCode=418`);
      expect(r.status).to.equal(418);
      expect(r.json()).to.deep.equal({ code: 0, message: 'string' });
    });

    it('an unknown code without a default response answers the generated 501, in JSON or XML', async () => {
      const json = await request(`${g.url}/petstore-proto/pets/7?responseCode=503`);
      expect(json.status).to.equal(501);
      expect(json.json()).to.deep.equal({ code: 501, description: 'Not Implemented' });
      const xml = await request(`${g.url}/petstore-proto/pets/7?responseCode=503`, { headers: { accept: 'application/xml' } });
      expect(xml.status).to.equal(501);
      expect(xml.headers['content-type']).to.equal('application/xml');
      expect(xml.text).to.equal('<response><code>501</code><description>Not Implemented</description></response>');
    });

    it('a generated script with an E4X XML example is rejected at load, at the literal', async () => {
      const dir = await writeConfig({
        'api/e4x.xml': `<api ${NS} name="E4x" context="/e4x">\n${prototypeResource('/pets/{petId}', fixture('show-pet-by-id-e4x.js'))}\n</api>`,
      });
      try {
        const sender = { send: () => Promise.reject(new Error('no sends')), close: async () => {} };
        const r = await loadGeneration(dir, { sender, logger: createMemoryLogger('warn'), limits: DEFAULT_LIMITS, globalTimeoutMs: 1000, now: Date.now });
        expect(r.generation).to.equal(undefined);
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        expect(errors.map((d) => d.code)).to.deep.equal(['AXON_CFG_SCRIPT_E4X']);
        // the literal is on line 19 of the script, which starts on line 5 of the file
        expect([errors[0]!.file, errors[0]!.line]).to.deep.equal([path.join('api', 'e4x.xml'), 5 + 19 - 1]);
        expect(errors[0]!.message).to.contain('the XML literal <Pet>');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('hostile scripts', () => {
    it('an infinite loop fails its request with the script error while other requests keep being served', async () => {
      const loop = request(`${g.url}/hostile/loop`);
      let done = false;
      void loop.then(() => (done = true));
      // the loop runs on the isolate's thread: the event loop keeps answering meanwhile
      let servedDuringLoop = 0;
      for (let i = 0; i < 10; i++) {
        const r = await request(`${g.url}/hostile/ok/${i}`);
        expect(r.status).to.equal(200);
        expect(r.json()).to.deep.equal({ n: i, ok: true });
        if (!done) servedDuringLoop++;
      }
      expect(servedDuringLoop).to.be.greaterThan(0);
      const r = await loop;
      expect(r.status).to.equal(500);
      expect(r.json()).to.include({ code: 0, message: 'Runtime Error' });
      expect(r.json().description).to.match(/inline js script at api\/hostile\.xml:\d+: the script ran longer than 300 ms/);
    });

    it('a memory bomb fails its request and the next ones still work', async () => {
      const [bomb, ok] = await Promise.all([request(`${g.url}/hostile/bomb`), request(`${g.url}/hostile/ok/1`)]);
      expect(bomb.status).to.equal(500);
      expect(bomb.json().description).to.match(/memory limit of 16 MB|ran longer than 300 ms/);
      expect(ok.json()).to.deep.equal({ n: 1, ok: true });
      const again = await request(`${g.url}/hostile/bomb`);
      expect(again.status).to.equal(500);
      const after = await request(`${g.url}/hostile/ok/2`);
      expect(after.json()).to.deep.equal({ n: 2, ok: true });
    });

    it('cannot reach the host, and its prototype pollution reaches nothing', async () => {
      const r = await request(`${g.url}/hostile/escape`);
      expect(r.status).to.equal(200);
      expect(r.json()).to.deep.equal({ process: 'undefined', require: 'undefined', viaMethod: 'blocked: ReferenceError', viaProto: 'undefined', polluted: false });
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });
  });
});

// OpenAPI mocks in config: the <mock openapi> endpoint kind, document problems reported at the
// openapi attribute (including the asynchronous schema validation), and the lifecycle rule
// (a PUBLISHED API must not reach a mock).

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../../src/config/diagnostics.js';
import type { Sender } from '../../../src/endpoints/types.js';
import { loadGeneration } from '../../../src/gateway.js';
import { createMemoryLogger } from '../../../src/runtime/logger.js';
import { DEFAULT_LIMITS } from '../../../src/runtime/payload.js';
import { writeConfig } from '../../helpers/gateway.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const petstore = readFileSync(path.join(root, 'fixtures/openapi/petstore-oas3.yaml'), 'utf8');
const NS = 'xmlns="http://ws.apache.org/ns/synapse"';

const sender: Sender = {
  send: () => Promise.reject(new Error('a mock config must not send')),
  close: () => Promise.resolve(),
};

async function load(files: Record<string, string>): Promise<{ ok: boolean; diags: Diagnostic[] }> {
  const dir = await writeConfig(files);
  try {
    const r = await loadGeneration(dir, { sender, logger: createMemoryLogger('error'), limits: DEFAULT_LIMITS, globalTimeoutMs: 1000, now: Date.now });
    return { ok: r.generation !== undefined, diags: r.diagnostics };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const errors = (diags: Diagnostic[]) => diags.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`);

function api(lifecycle: string | undefined, inSequence: string, name = 'Pets'): string {
  return `<api ${NS} name="${name}" context="/${name.toLowerCase()}"${lifecycle !== undefined ? ` lifecycle="${lifecycle}"` : ''}>
  <resource url-mapping="/*"><inSequence>${inSequence}</inSequence></resource>
</api>`;
}

const mockEp = `<endpoint ${NS} name="PetMock">\n  <mock openapi="mocks/pets.yaml"/>\n</endpoint>`;

describe('mocks/openapi: config', function () {
  this.timeout(20_000);

  it('loads a named mock endpoint and an inline one', async () => {
    const r = await load({
      'mocks/pets.yaml': petstore,
      'endpoints/mock.xml': mockEp,
      'api/a.xml': api(undefined, '<send><endpoint key="PetMock"/></send>'),
      'api/b.xml': api(undefined, '<send><endpoint><mock openapi="./mocks/pets.yaml"/></endpoint></send>', 'Inline'),
    });
    expect(errors(r.diags)).to.deep.equal([]);
    expect(r.ok).to.equal(true);
  });

  it('reports a missing document at the openapi attribute', async () => {
    const r = await load({ 'endpoints/mock.xml': mockEp });
    expect(errors(r.diags)).to.deep.equal(['endpoints/mock.xml:2:17 AXON_CFG_OPENAPI_MISSING']);
    expect(r.diags[0]!.message).to.equal('the OpenAPI document "mocks/pets.yaml" is not in the config folder');
  });

  it('refuses paths that leave the config folder, with a hint for other file types', async () => {
    const r = await load({ 'endpoints/mock.xml': `<endpoint ${NS} name="M"><mock openapi="../pets.txt"/></endpoint>` });
    expect(r.diags.map((d) => d.message)).to.deep.equal(['the OpenAPI document "../pets.txt" is not in the config folder (OpenAPI documents must be .yaml, .yml or .json files)']);
  });

  it('reports a document that is not YAML or JSON', async () => {
    const r = await load({ 'mocks/pets.yaml': 'openapi: 3.0.0\npaths: [\n', 'endpoints/mock.xml': mockEp });
    expect(errors(r.diags)).to.deep.equal(['endpoints/mock.xml:2:17 AXON_CFG_OPENAPI_SYNTAX']);
    expect(r.diags[0]!.message).to.match(/^mocks\/pets\.yaml: not valid YAML or JSON: /);
  });

  it('reports what the OpenAPI library finds invalid, at the attribute, and builds no generation', async () => {
    const doc = petstore.replace('  version: 1.0.0\n', '');
    const r = await load({ 'mocks/pets.yaml': doc, 'endpoints/mock.xml': mockEp });
    expect(r.ok).to.equal(false);
    expect(errors(r.diags)).to.deep.equal(['endpoints/mock.xml:2:17 AXON_CFG_OPENAPI_INVALID']);
    expect(r.diags[0]!.message).to.equal("mocks/pets.yaml: REQUIRED must have required property 'version' (version is missing here!)");
  });

  it('validates the documents of inline mocks in sequences and inside groups', async () => {
    const doc = petstore.replace('  version: 1.0.0\n', '');
    const r = await load({
      'mocks/pets.yaml': doc,
      'sequences/s.xml': `<sequence ${NS} name="s">\n<call><endpoint><mock openapi="mocks/pets.yaml"/></endpoint></call></sequence>`,
      'endpoints/g.xml': `<endpoint ${NS} name="G"><failover>\n<endpoint><mock openapi="mocks/pets.yaml"/></endpoint></failover></endpoint>`,
    });
    expect(errors(r.diags)).to.deep.equal(['endpoints/g.xml:2:25 AXON_CFG_OPENAPI_INVALID', 'sequences/s.xml:2:31 AXON_CFG_OPENAPI_INVALID']);
  });

  it('reports external $refs as unsupported', async () => {
    const doc = petstore.replace("$ref: '#/components/responses/Error'", "$ref: 'errors.yaml#/Error'");
    const r = await load({ 'mocks/pets.yaml': doc, 'endpoints/mock.xml': mockEp });
    expect(errors(r.diags)).to.deep.equal(['endpoints/mock.xml:2:17 AXON_CFG_OPENAPI_UNSUPPORTED']);
  });

  it('checks the attributes and children of <mock>', async () => {
    const r = await load({
      'mocks/pets.yaml': petstore,
      'endpoints/mock.xml': `<endpoint ${NS} name="M"><mock openapi="mocks/pets.yaml" delay="5"><timeout/></mock></endpoint>`,
    });
    expect(r.diags.map((d) => d.code).sort()).to.deep.equal(['AXON_CFG_UNKNOWN_ATTRIBUTE', 'AXON_CFG_UNKNOWN_ELEMENT']);
    const missing = await load({ 'endpoints/mock.xml': `<endpoint ${NS} name="M"><mock/></endpoint>` });
    expect(missing.diags.map((d) => d.code)).to.deep.equal(['AXON_CFG_MISSING_ATTRIBUTE']);
  });

  describe('lifecycle', () => {
    for (const state of ['CREATED', 'pre-released', 'PROTOTYPED']) {
      it(`lets a ${state} API use a mock`, async () => {
        const r = await load({ 'mocks/pets.yaml': petstore, 'endpoints/mock.xml': mockEp, 'api/a.xml': api(state, '<send><endpoint key="PetMock"/></send>') });
        expect(errors(r.diags)).to.deep.equal([]);
      });
    }

    for (const state of ['PUBLISHED', 'blocked', 'DEPRECATED', 'RETIRED']) {
      it(`refuses a ${state} API that reaches a mock by key, naming the API and the state`, async () => {
        const r = await load({ 'mocks/pets.yaml': petstore, 'endpoints/mock.xml': mockEp, 'api/a.xml': api(state, '<send><endpoint key="PetMock"/></send>') });
        expect(errors(r.diags)).to.deep.equal(['api/a.xml:1:1 AXON_CFG_MOCK_NOT_ALLOWED']);
        expect(r.diags[0]!.message).to.equal(
          `API "Pets" is ${state.toUpperCase()} but reaches the mock endpoint "PetMock" (mocks/pets.yaml); mocks are served only while an API is CREATED or PRE-RELEASED`,
        );
      });
    }

    it('follows inline endpoints, named sequences (and their onError), templates and groups', async () => {
      const cases: Record<string, Record<string, string>> = {
        inline: { 'api/a.xml': api('PUBLISHED', '<send><endpoint><mock openapi="mocks/pets.yaml"/></endpoint></send>') },
        sequence: {
          'api/a.xml': api('PUBLISHED', '<filter xpath="true()"><then><sequence key="outer"/></then></filter>'),
          'sequences/outer.xml': `<sequence ${NS} name="outer"><sequence key="inner"/></sequence>`,
          'sequences/inner.xml': `<sequence ${NS} name="inner"><send><endpoint key="PetMock"/></send></sequence>`,
          'endpoints/mock.xml': mockEp,
        },
        onError: {
          'api/a.xml': api('PUBLISHED', '<sequence key="outer"/>'),
          'sequences/outer.xml': `<sequence ${NS} name="outer" onError="recover"><log/></sequence>`,
          'sequences/recover.xml': `<sequence ${NS} name="recover"><call><endpoint key="PetMock"/></call><respond/></sequence>`,
          'endpoints/mock.xml': mockEp,
        },
        template: {
          'api/a.xml': api('PUBLISHED', '<call-template target="T"/>'),
          'templates/t.xml': `<template ${NS} name="T"><sequence><send><endpoint key="Alias"/></send></sequence></template>`,
          'endpoints/alias.xml': `<endpoint ${NS} name="Alias" key="PetMock"/>`,
          'endpoints/mock.xml': mockEp,
        },
        group: {
          'api/a.xml': api('PUBLISHED', '<send><endpoint><failover><endpoint><address uri="http://127.0.0.1:9/"/></endpoint><endpoint key="PetMock"/></failover></endpoint></send>'),
          'endpoints/mock.xml': mockEp,
        },
      };
      for (const [name, files] of Object.entries(cases)) {
        const r = await load({ 'mocks/pets.yaml': petstore, ...files });
        expect(errors(r.diags), name).to.deep.equal(['api/a.xml:1:1 AXON_CFG_MOCK_NOT_ALLOWED']);
      }
    });

    it('leaves PUBLISHED APIs without mocks, and mocks used by other APIs, alone', async () => {
      const r = await load({
        'mocks/pets.yaml': petstore,
        'endpoints/mock.xml': mockEp,
        'api/live.xml': api('PUBLISHED', '<send><endpoint><address uri="http://127.0.0.1:9/"/></endpoint></send>', 'Live'),
        'api/draft.xml': api('CREATED', '<send><endpoint key="PetMock"/></send>', 'Draft'),
      });
      expect(errors(r.diags)).to.deep.equal([]);
    });

    it('reports an unknown lifecycle state', async () => {
      const r = await load({ 'api/a.xml': api('LIVE', '<respond/>') });
      expect(errors(r.diags)).to.deep.equal(['api/a.xml:1:84 AXON_CFG_BAD_VALUE']);
    });
  });
});

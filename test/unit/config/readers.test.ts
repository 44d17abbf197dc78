// Config reading and linking: every problem reported with file, line, column and a stable code.

import { expect } from 'chai';
import { Diagnostics, type Diagnostic } from '../../../src/config/diagnostics.js';
import { readFiles } from '../../../src/config/load.js';
import { link } from '../../../src/config/link.js';
import { builtinRegistry } from '../../../src/mediators/builtin.js';

const NS = 'xmlns="http://ws.apache.org/ns/synapse"';

function load(files: Record<string, string>): { diag: Diagnostic[]; set: ReturnType<typeof readFiles> } {
  const reg = builtinRegistry();
  const d = new Diagnostics();
  const set = readFiles(new Map(Object.entries(files)), reg, d);
  if (!d.hasErrors) link(set, reg, d);
  return { diag: d.errors, set };
}

function codes(files: Record<string, string>): string[] {
  return load(files).diag.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`);
}

describe('config: readers and linker', () => {
  it('reads APIs, sequences, endpoints, local entries and templates, namespace optional', () => {
    const { diag, set } = load({
      'a.xml': `<api name="A" context="/a"><resource methods="GET" uri-template="/x/{id}"><inSequence><respond/></inSequence></resource></api>`,
      's.xml': `<sequence ${NS} name="s"><log/></sequence>`,
      'e.xml': `<endpoint name="E"><address uri="http://localhost:1/x"/></endpoint>`,
      'l.xml': `<localEntry key="k">value</localEntry>`,
      't.xml': `<template name="T"><parameter name="p"/><sequence><log/></sequence></template>`,
      'd.xml': `<definitions ${NS}><sequence name="s2"><drop/></sequence><localEntry key="k2"><x>1</x></localEntry></definitions>`,
    });
    expect(diag).to.deep.equal([]);
    expect(set.apis.map((a) => a.name)).to.deep.equal(['A']);
    expect(set.sequences.map((s) => s.name).sort()).to.deep.equal(['s', 's2']);
    expect(set.localEntries.map((l) => l.key).sort()).to.deep.equal(['k', 'k2']);
    expect(set.templates.map((t) => t.name)).to.deep.equal(['T']);
    expect(set.endpoints.map((e) => e.name)).to.deep.equal(['E']);
  });

  it('reports syntax errors with their position', () => {
    expect(codes({ 'bad.xml': `<sequence name="s">\n  <log>\n</sequence>` })).to.deep.equal(['bad.xml:3:1 AXON_CFG_XML_SYNTAX']);
  });

  it('refuses DOCTYPE in config files', () => {
    const c = codes({ 'x.xml': `<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e "x">]>\n<sequence name="s"/>` });
    expect(c).to.deep.equal(['x.xml:2:1 AXON_CFG_DOCTYPE_FORBIDDEN']);
  });

  it('reports unknown elements, unknown attributes and missing attributes where they are', () => {
    const c = codes({
      's.xml': `<sequence name="s">\n  <property nmae="x" value="1"/>\n  <bogus/>\n  <xslt key="k"/>\n</sequence>`,
    });
    expect(c).to.include.members([
      's.xml:2:3 AXON_CFG_MISSING_ATTRIBUTE',
      's.xml:3:3 AXON_CFG_UNKNOWN_ELEMENT',
      's.xml:4:3 AXON_CFG_UNSUPPORTED_ELEMENT',
    ]);
    expect(c.some((x) => /s\.xml:2:\d+ AXON_CFG_UNKNOWN_ATTRIBUTE/.test(x))).to.equal(true);
  });

  it('reports bad expressions and bad regexes at the attribute', () => {
    const c = codes({
      's.xml': `<sequence name="s">\n  <property name="x" expression="concat('a'"/>\n  <filter source="$ctx:x" regex="a(b"><log/></filter>\n</sequence>`,
    });
    expect(c.some((x) => /^s\.xml:2:\d+ AXON_EXPR_PARSE$/.test(x)), c.join()).to.equal(true);
    expect(c.some((x) => /^s\.xml:3:\d+ AXON_CFG_BAD_REGEX$/.test(x)), c.join()).to.equal(true);
  });

  it('reports dangling references, duplicates, cycles and clashing API contexts', () => {
    const c = codes({
      'a.xml': `<api name="A" context="/a"><resource><inSequence><sequence key="nope"/><send><endpoint key="NoEp"/></send></inSequence></resource></api>`,
      'b.xml': `<api name="B" context="/a/"><resource><inSequence><drop/></inSequence></resource></api>`,
      's1.xml': `<sequence name="one"><sequence key="two"/></sequence>`,
      's2.xml': `<sequence name="two"><filter xpath="true()"><sequence key="one"/></filter></sequence>`,
      's3.xml': `<sequence name="one"><drop/></sequence>`,
    });
    expect(c.filter((x) => x.endsWith('AXON_CFG_UNRESOLVED_KEY'))).to.have.length(2);
    expect(c.some((x) => x.startsWith('s3.xml:1:1 AXON_CFG_DUPLICATE_NAME'))).to.equal(true);
    expect(c.some((x) => x.endsWith('AXON_CFG_REFERENCE_CYCLE'))).to.equal(true);
    expect(c.some((x) => x.startsWith('b.xml:1:1 AXON_CFG_API_CLASH'))).to.equal(true);
  });

  it('applies Synapse structural checks on APIs and headers', () => {
    const c = codes({
      'a.xml': `<api name="A" context="noslash"><resource methods="GET FETCH"><inSequence/></resource><resource><inSequence/></resource></api>`,
      'h.xml': `<sequence name="h"><header name="MyHeader" value="x"/><header name="m:x" value="1"/></sequence>`,
      'v.xml': `<api name="V" context="/v" version="1"><resource/></api>`,
    });
    expect(c.filter((x) => x.startsWith('a.xml')).map((x) => x.split(' ')[1])).to.include.members([
      'AXON_CFG_BAD_VALUE',
      'AXON_CFG_RESOURCE_CLASH',
    ]);
    expect(c.filter((x) => x.startsWith('h.xml'))).to.have.length(2);
    expect(c.some((x) => x.startsWith('v.xml:1:1 AXON_CFG_MISSING_ATTRIBUTE'))).to.equal(true);
  });

  it('reads endpoint QoS settings and rejects bad numbers', () => {
    const { diag, set } = load({
      'e.xml': `<endpoint name="E"><address uri="http://h/x" format="rest">
        <timeout><duration>2000</duration><responseAction>fault</responseAction></timeout>
        <markForSuspension><errorCodes>101504, 101505</errorCodes><retriesBeforeSuspension>3</retriesBeforeSuspension><retryDelay>10</retryDelay></markForSuspension>
        <suspendOnFailure><errorCodes>101503</errorCodes><initialDuration>1000</initialDuration><progressionFactor>2</progressionFactor><maximumDuration>60000</maximumDuration></suspendOnFailure>
      </address></endpoint>`,
    });
    expect(diag).to.deep.equal([]);
    const b = set.endpoints[0]!.body;
    expect(b).to.deep.include({ type: 'address', uri: 'http://h/x', format: 'rest' });
    if (b.type !== 'address') throw new Error('not address');
    expect(b.timeout).to.deep.include({ durationMs: 2000, responseAction: 'fault' });
    expect(b.markForSuspension).to.deep.equal({ errorCodes: [101504, 101505], retriesBeforeSuspension: 3, retryDelayMs: 10 });
    expect(b.suspendOnFailure).to.deep.equal({ errorCodes: [101503], initialDurationMs: 1000, progressionFactor: 2, maximumDurationMs: 60000 });
    const bad = codes({ 'e.xml': `<endpoint name="E"><address uri="http://h/x"><timeout><duration>soon</duration></timeout><suspendOnFailure><errorCodes>10x</errorCodes></suspendOnFailure></address></endpoint>` });
    expect(bad.filter((x) => x.endsWith('AXON_CFG_BAD_VALUE'))).to.have.length(2);
  });

  it('names unsupported endpoint kinds', () => {
    const c = codes({ 'e.xml': `<endpoint name="E">\n  <dynamicLoadbalance><endpoint><address uri="http://a"/></endpoint></dynamicLoadbalance>\n</endpoint>` });
    expect(c).to.deep.equal(['e.xml:2:3 AXON_CFG_UNSUPPORTED_ELEMENT']);
  });

  it('reports groups that can never work, with positions', () => {
    const c = codes({
      'e.xml': [
        '<definitions>',
        '<endpoint name="Empty"><failover/></endpoint>',
        '<endpoint name="W"><loadbalance algorithm="org.apache.synapse.endpoints.algorithms.WeightedRoundRobin">',
        '  <endpoint><address uri="http://a"/><property name="loadbalance.weight" value="0"/></endpoint>',
        '  <endpoint><address uri="http://b"/><property name="loadbalance.weight" value="x"/></endpoint>',
        '</loadbalance></endpoint>',
        '<endpoint name="S"><session type="sticky"/><loadbalance><endpoint><address uri="http://a"/></endpoint></loadbalance></endpoint>',
        '<endpoint name="A"><loadbalance algorithm="com.example.Mine"><endpoint><address uri="http://a"/></endpoint></loadbalance></endpoint>',
        '<endpoint name="P"><session type="http"/><address uri="http://a"/></endpoint>',
        '<endpoint name="T"><session type="http"><sessionTimeout>-5</sessionTimeout></session><loadbalance><endpoint><address uri="http://a"/></endpoint></loadbalance></endpoint>',
        '</definitions>',
      ].join('\n'),
    });
    expect(c).to.deep.equal([
      'e.xml:2:24 AXON_CFG_MISSING_ELEMENT',
      'e.xml:4:38 AXON_CFG_BAD_VALUE',
      'e.xml:5:38 AXON_CFG_BAD_VALUE',
      'e.xml:7:34 AXON_CFG_BAD_VALUE',
      'e.xml:8:43 AXON_CFG_BAD_VALUE',
      'e.xml:9:20 AXON_CFG_BAD_VALUE',
      'e.xml:10:41 AXON_CFG_BAD_VALUE',
    ]);
  });

  it('reads failover and loadbalance groups, members and sessions', () => {
    const { diag, set } = load({
      'e.xml': `<definitions>
        <endpoint name="FO"><failover dynamic="false"><endpoint key="A"/><endpoint><address uri="http://b"/></endpoint></failover></endpoint>
        <endpoint name="LB"><session type="http"><sessionTimeout>300.0</sessionTimeout><cookieNames>SID, JSESSIONID</cookieNames></session>
          <loadbalance failover="false"><endpoint key="A"/><endpoint key="FO"/></loadbalance></endpoint>
        <endpoint name="M"><loadbalance><member hostName="127.0.0.1" httpPort="9001"/><member hostName="h" httpsPort="9443"/></loadbalance></endpoint>
        <endpoint name="A"><address uri="http://a"/></endpoint>
      </definitions>`,
    });
    expect(diag).to.deep.equal([]);
    const fo = set.endpoints.find((e) => e.name === 'FO')!.body;
    expect(fo).to.include({ type: 'failover', dynamic: false });
    const lb = set.endpoints.find((e) => e.name === 'LB')!.body;
    if (lb.type !== 'loadbalance') throw new Error('not a loadbalance');
    expect(lb.failover).to.equal(false);
    expect(lb.session).to.include({ type: 'http', timeoutMs: 300 });
    expect(lb.session!.cookieNames).to.deep.equal(['SID', 'JSESSIONID']);
    const m = set.endpoints.find((e) => e.name === 'M')!.body;
    if (m.type !== 'loadbalance') throw new Error('not a loadbalance');
    expect(m.members.map((x) => [x.hostName, x.httpPort, x.httpsPort])).to.deep.equal([['127.0.0.1', 9001, undefined], ['h', undefined, 9443]]);
  });

  it('reports template endpoint problems where they are', () => {
    const c = codes({
      't.xml': `<template name="T"><parameter name="uri"/><parameter name="x"/>\n<endpoint><address uri="$uri"><timeout><duration>$x</duration></timeout></address></endpoint></template>`,
      'e.xml': `<definitions>\n<endpoint name="A" template="Nope"/>\n<endpoint name="B" template="T" uri="http://a"/>\n<endpoint name="C" template="T" uri="http://a"><parameter name="x" value="soon"/></endpoint>\n</definitions>`,
    });
    expect(c).to.deep.equal(['e.xml:2:1 AXON_CFG_UNRESOLVED_KEY', 'e.xml:3:1 AXON_CFG_MISSING_ATTRIBUTE', 't.xml:2:40 AXON_CFG_BAD_VALUE']);
  });

  it('reports service catalog problems with their positions', () => {
    const reg = builtinRegistry();
    const d = new Diagnostics();
    const resources = new Map([
      ['service-catalog/a.yaml', 'name: A\nversion: 1\nserviceUrl: ftp://x\ncolour: blue\n'],
      ['service-catalog/b.yaml', 'name: B\nversion: 1\nserviceUrl: http://b\n'],
    ]);
    const set = readFiles(new Map([['e.xml', '<definitions>\n<endpoint name="E"><service name="B" version="2"/></endpoint>\n</definitions>']]), reg, d, '', resources);
    link(set, reg, d);
    expect(d.items.map((x) => `${x.file}:${x.line}:${x.col} ${x.code}`)).to.deep.equal([
      'service-catalog/a.yaml:4:1 AXON_CFG_UNKNOWN_ATTRIBUTE',
      'service-catalog/a.yaml:3:13 AXON_CFG_BAD_VALUE',
      'e.xml:2:20 AXON_CFG_UNRESOLVED_KEY',
    ]);
  });

  it('reads maxAttempts as a positive integer', () => {
    const c = codes({ 'e.xml': `<endpoint name="E"><failover maxAttempts="0"><endpoint><address uri="http://a"/></endpoint></failover></endpoint>` });
    expect(c).to.deep.equal(['e.xml:1:42 AXON_CFG_BAD_VALUE']);
  });

  it('finds cycles through group children', () => {
    const c = codes({
      'e.xml': `<definitions><endpoint name="X"><failover><endpoint key="Y"/></failover></endpoint><endpoint name="Y"><loadbalance><endpoint key="X"/></loadbalance></endpoint></definitions>`,
    });
    expect(c.some((x) => x.includes('AXON_CFG_REFERENCE_CYCLE'))).to.equal(true);
  });
});

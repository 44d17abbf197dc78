// In-process cost per message of the dynamic-endpoint policy's mediation (property + switch on
// API_ELECTED_RESOURCE + header To built with fn:concat/get-property + property remove), compiled
// by Axon exactly as a config folder would be. No sockets: the send step is left out.
// Usage: node bench/mediation-cost.mjs [messages]
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadGeneration } from '../dist/gateway.js';
import { createMemoryLogger } from '../dist/runtime/logger.js';
import { DEFAULT_LIMITS } from '../dist/runtime/payload.js';
import { MessageContext } from '../dist/runtime/message-context.js';
import { HeaderMap } from '../dist/runtime/headers.js';

const N = Number(process.argv[2] ?? 1_000_000);
const NS = 'xmlns="http://ws.apache.org/ns/synapse"';
const dir = mkdtempSync(path.join(os.tmpdir(), 'axon-med-'));
writeFileSync(path.join(dir, 'le.xml'), `<localEntry ${NS} key="backendBase">http://127.0.0.1:9000</localEntry>`);
writeFileSync(path.join(dir, 'policy.xml'), `<sequence ${NS} name="policy">
  <property name="switchExpression" expression="get-property('API_ELECTED_RESOURCE')" scope="default"/>
  <switch source="$ctx:switchExpression">
    <case regex="^/rooms/[^/]+$">
      <header name="To" expression="fn:concat(get-property('backendBase'), '/rooms?room=', get-property('uri.var.roomID'))"/>
    </case>
    <default><header name="To" expression="fn:concat(get-property('backendBase'), get-property('REST_FULL_REQUEST_PATH'))"/></default>
  </switch>
  <property name="REST_URL_POSTFIX" scope="axis2" action="remove"/>
</sequence>`);
const gen = (await loadGeneration(dir, { sender: { send: () => { throw new Error('no'); }, close: async () => {} }, logger: createMemoryLogger('warn'), limits: DEFAULT_LIMITS, globalTimeoutMs: 1000, now: Date.now })).generation;
rmSync(dir, { recursive: true });
const policy = gen.sequences.get('policy').mediate;
const exchange = { method: 'GET', rawPath: '/rooms/12', scheme: 'http', remoteAddress: '', responded: false, outboundStarted: false, respond() {} };
function message() {
  const mc = new MessageContext(exchange, gen, { headers: new HeaderMap() });
  mc.props.set('API_ELECTED_RESOURCE', '/rooms/{roomID}');
  mc.props.set('uri.var.roomID', '12');
  mc.props.set('REST_FULL_REQUEST_PATH', '/rooms/12');
  mc.axis2.set('REST_URL_POSTFIX', '/rooms/12');
  return mc;
}
for (let i = 0; i < 200_000; i++) policy(message()); // warm up
let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) message();
const base = Number(process.hrtime.bigint() - t);
t = process.hrtime.bigint();
let to;
for (let i = 0; i < N; i++) { const mc = message(); policy(mc); to = mc.addressing.To; }
const total = Number(process.hrtime.bigint() - t);
console.log(`To = ${to}`);
console.log(`message context alone: ${(base / N / 1000).toFixed(3)} us; policy mediation: ${((total - base) / N / 1000).toFixed(3)} us/message (${N} messages)`);

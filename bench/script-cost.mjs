// In-process cost per message of a small <script> (read a property, read the JSON body, change
// it, write it back, set a property), compiled by Axon exactly as a config folder would be. One
// message at a time, so the figure is latency, not throughput. No sockets.
// Usage: node --no-node-snapshot bench/script-cost.mjs [messages]
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadGeneration } from '../dist/gateway.js';
import { createMemoryLogger } from '../dist/runtime/logger.js';
import { DEFAULT_LIMITS, Payload } from '../dist/runtime/payload.js';
import { MessageContext } from '../dist/runtime/message-context.js';
import { HeaderMap } from '../dist/runtime/headers.js';

const N = Number(process.argv[2] ?? 20_000);
const NS = 'xmlns="http://ws.apache.org/ns/synapse"';
const dir = mkdtempSync(path.join(os.tmpdir(), 'axon-script-'));
writeFileSync(path.join(dir, 'seq.xml'), `<sequence ${NS} name="transform">
  <script language="js"><![CDATA[
    var order = mc.getPayloadJSON();
    order.total = order.qty * order.price;
    order.customer = mc.getProperty('customer');
    mc.setPayloadJSON(order);
    mc.setProperty('ORDER_TOTAL', order.total);
  ]]></script>
</sequence>`);
writeFileSync(path.join(dir, 'noop.xml'), `<sequence ${NS} name="noop"><script language="js"><![CDATA[1]]></script></sequence>`);
const gen = (await loadGeneration(dir, { sender: { send: () => { throw new Error('no'); }, close: async () => {} }, logger: createMemoryLogger('warn'), limits: DEFAULT_LIMITS, globalTimeoutMs: 1000, now: Date.now })).generation;
rmSync(dir, { recursive: true });
const exchange = { method: 'POST', rawPath: '/orders', scheme: 'http', remoteAddress: '', responded: false, outboundStarted: false, respond() {} };
const body = Buffer.from('{"id":"o-1","qty":3,"price":2.5,"items":["a","b"]}');
function message() {
  const headers = new HeaderMap();
  headers.set('Content-Type', 'application/json');
  const mc = new MessageContext(exchange, gen, { headers, payload: Payload.fromBytes(body, 'application/json') });
  mc.props.set('customer', 'c-42');
  return mc;
}

async function measure(name) {
  const seq = gen.sequences.get(name).mediate;
  for (let i = 0; i < 2000; i++) await seq(message()); // warm up (the first message builds the isolate)
  const samples = [];
  const t = process.hrtime.bigint();
  let last;
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint();
    last = message();
    await seq(last);
    samples.push(Number(process.hrtime.bigint() - s));
  }
  const total = Number(process.hrtime.bigint() - t);
  samples.sort((a, b) => a - b);
  const us = (ns) => (ns / 1000).toFixed(1);
  console.log(`${name}: mean ${us(total / N)} us, p50 ${us(samples[N >> 1])} us, p99 ${us(samples[Math.floor(N * 0.99)])} us per message (${N} messages)`);
  return last;
}

await measure('noop');
const mc = await measure('transform');
console.log(`body after: ${mc.payload.text()}; ORDER_TOTAL = ${mc.props.get('ORDER_TOTAL')}`);

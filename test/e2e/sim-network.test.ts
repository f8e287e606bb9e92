// The simulated lightningd itself: its onion processing against the BOLT vector, and
// its plugin-facing behaviour against the JSON captured from a real lightningd v26.06.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex, utf8, concatBytes } from '../../src/codec/bytes.js';
import { asPrivKey, asPubKey } from '../../src/crypto/secp.js';
import { Reader } from '../../src/codec/reader.js';
import { loadVector } from '../helpers/vectors.js';
import { simPeel } from '../sim/onion-adapter.js';
import { SimNetwork } from '../sim/network.js';
import { clnSamples } from '../sim/plugin-host.js';
import { ExternalNode } from '../sim/external-node.js';

const PROBE = new URL('../sim/probe-plugin.js', import.meta.url).pathname;

/** Splits a 0x0201 peer message into path key and packet. */
function splitWire(hex: string) {
  const r = new Reader(fromHex(hex));
  assert.equal(r.u16(), 513);
  const pathKey = asPubKey(r.bytes(33));
  const len = r.u16();
  const packet = r.bytes(len);
  assert.ok(r.done());
  return { pathKey, packet };
}

const vec = loadVector('blinded-onion-message-onion-test.json');
for (const [i, hop] of (vec.decrypt.hops as any[]).entries()) {
  test(`simulator peels blinded-onion-message vector at ${hop.alias}`, () => {
    const { pathKey, packet } = splitWire(hop.onion_message);
    const res = simPeel(asPrivKey(fromHex(hop.privkey)), pathKey, packet);
    if (hop.next_node_id) {
      assert.equal(res.kind, 'forward');
      if (res.kind !== 'forward') return;
      assert.equal(toHex(res.nextNodeId!), hop.next_node_id);
      // The next hop's wire message is exactly the vector's next onion_message.
      const next = vec.decrypt.hops[i + 1];
      const wire = concatBytes(new Uint8Array([2, 1]), res.nextPathKey, new Uint8Array([res.nextPacket.length >> 8, res.nextPacket.length & 255]), res.nextPacket);
      assert.equal(toHex(wire), next.onion_message);
    } else {
      assert.equal(res.kind, 'final');
      if (res.kind !== 'final') return;
      assert.deepEqual(res.records.map((r) => [Number(r.type), toHex(r.value)]), [[1, hop.tlvs.unknown_tag_1]]);
    }
  });
}

const nets: SimNetwork[] = [];
after(async () => Promise.all(nets.map((n) => n.close())));

async function probeNet(env: Record<string, string> = {}, hookTimeoutMs?: number) {
  const net = new SimNetwork();
  nets.push(net);
  const b = await net.addClnNode('bob', { plugin: PROBE, env, ...(hookTimeoutMs ? { hookTimeoutMs } : {}) });
  const a = net.addExternalNode('alice');
  const c = net.addExternalNode('carol');
  net.addChannel(a, b, { scid: '100x1x0' });
  net.addChannel(b, c, { scid: '100x2x0', aliasA: '2000x5x1' });
  return { net, a, b, c };
}

function hookPayloads(log: { message: string }[], hook: string) {
  return log.filter((l) => l.message.startsWith(`PROBE hook ${hook} `)).map((l) => JSON.parse(l.message.slice(`PROBE hook ${hook} `.length)));
}

test('simulator: init and getmanifest match lightningd v26.06 field by field', async () => {
  const { b } = await probeNet();
  const init = JSON.parse((await b.plugin!.waitForLog(/^PROBE init /)).message.slice('PROBE init '.length));
  const sample = clnSamples['init']!.params;
  assert.deepEqual(Object.keys(init).sort(), Object.keys(sample).sort());
  assert.deepEqual(Object.keys(init.configuration).sort(), Object.keys(sample.configuration).sort());
  assert.equal(init.configuration['rpc-file'], 'lightning-rpc');
  assert.match(init.configuration['lightning-dir'], /\/regtest$/);
  assert.deepEqual(init.configuration.feature_set, sample.configuration.feature_set);
});

test('simulator: forwards through a connected peer (by node id and by its own alias scid)', async () => {
  const { a, b, c } = await probeNet();
  const { path, pathId } = c.makePath({ via: [b] });
  assert.ok(a.send(path, [{ type: 65n, value: utf8('hi') }]).ok);
  const got = await c.waitForType(65n, pathId);
  assert.equal(Buffer.from(got.records[0]!.value).toString(), 'hi');
  assert.equal(got.from, b);
  // Bob's hop names Carol by the alias Bob assigned to their channel.
  const viaScid = (await import('../sim/onion-adapter.js')).simCreatePath([
    { nodeId: b.id, data: { shortChannelId: (2000n << 40n) | (5n << 16n) | 1n } },
    { nodeId: c.id, data: { pathId: utf8('scid-path') } },
  ]);
  assert.ok(a.send(viaScid, [{ type: 67n, value: utf8('x') }]).ok);
  await c.waitForType(67n, utf8('scid-path'));
});

test('simulator: next hop not a peer → onionmessage_forward_fail with outgoing and next_node_id, peelable by that key', async () => {
  const { net, a, b } = await probeNet();
  const v = new ExternalNode(net, 'virtual', 999); // never connected to anyone
  const { path, pathId } = v.makePath({ via: [b] });
  assert.ok(a.send(path, [{ type: 75540n, value: fromHex('0400020003') }]).ok);
  const line = await b.plugin!.waitForLog(/^PROBE notification onionmessage_forward_fail /);
  const params = JSON.parse(line.message.slice('PROBE notification onionmessage_forward_fail '.length));
  const sample = (clnSamples as any)['onionmessage_forward_fail (next hop is the virtual node V: outgoing is the whole next onion_message)'].params;
  assert.deepEqual(Object.keys(params), Object.keys(sample));
  assert.deepEqual(Object.keys(params.onionmessage_forward_fail).sort(), Object.keys(sample.onionmessage_forward_fail).sort());
  const f = params.onionmessage_forward_fail;
  assert.equal(f.source, a.idHex);
  assert.equal(f.next_node_id, v.idHex);
  const { pathKey, packet } = splitWire(f.outgoing);
  const res = simPeel(v.priv, pathKey, packet);
  assert.equal(res.kind, 'final');
  if (res.kind !== 'final') return;
  assert.equal(toHex(res.pathId!), toHex(pathId));
  assert.deepEqual(res.records.map((r) => [r.type, toHex(r.value)]), [[75540n, '0400020003']]);
});

test('simulator: unknown even final type is dropped with a bare forward_fail; odd reaches the hook like v26.06', async () => {
  const { a, b } = await probeNet();
  const id32 = fromHex('e702eb9d07a5e78a784049e4497613a046d3a5f05a7808c504f6cad91e0b2afd');
  const toBob = (ExternalNode.prototype.makePath as any).call(b, { pathId: id32 }).path;
  assert.ok(a.send(toBob, [{ type: 75540n, value: fromHex('0400020000') }]).ok);
  const line = await b.plugin!.waitForLog(/^PROBE notification onionmessage_forward_fail /);
  const f = JSON.parse(line.message.slice('PROBE notification onionmessage_forward_fail '.length)).onionmessage_forward_fail;
  const sample = (clnSamples as any)['onionmessage_forward_fail (final payload had unknown even type 75540: message dropped, no hook)'].params.onionmessage_forward_fail;
  assert.deepEqual(Object.keys(f).sort(), Object.keys(sample).sort());
  assert.equal(hookPayloads(b.plugin!.logs, 'onion_message_recv_secret').length, 0);

  assert.ok(a.send(toBob, [{ type: 75541n, value: fromHex('0400020000') }]).ok);
  await b.plugin!.waitForLog(/^PROBE hook onion_message_recv_secret /);
  const [p] = hookPayloads(b.plugin!.logs, 'onion_message_recv_secret');
  const s = (clnSamples as any)['onion_message_recv_secret (unknown odd type 75541 on a path ending at this node)'].params;
  assert.deepEqual(p, s);
});

test('simulator: invoice_request hook payload has the shape of v26.06 (reply_blindedpath, hex invreq, unknown_fields)', async () => {
  const { a, b } = await probeNet();
  const toBob = (ExternalNode.prototype.makePath as any).call(b, { pathId: utf8('short') }).path;
  const reply = a.makePath({ via: [b] }).path;
  const invreq = fromHex((clnSamples as any)['onion_message_recv (invoice_request with reply path, from fetchinvoice)'].params.onion_message.invoice_request);
  assert.ok(a.send(toBob, [{ type: 64n, value: invreq }], { replyPath: reply }).ok);
  await b.plugin!.waitForLog(/^PROBE hook onion_message_recv /);
  const [p] = hookPayloads(b.plugin!.logs, 'onion_message_recv');
  const s = (clnSamples as any)['onion_message_recv (invoice_request with reply path, from fetchinvoice)'].params;
  assert.deepEqual(Object.keys(p.onion_message), Object.keys(s.onion_message));
  assert.deepEqual(Object.keys(p.onion_message.reply_blindedpath), Object.keys(s.onion_message.reply_blindedpath));
  assert.deepEqual(Object.keys(p.onion_message.reply_blindedpath.hops[0]), Object.keys(s.onion_message.reply_blindedpath.hops[0]));
  assert.equal(p.onion_message.invoice_request, s.onion_message.invoice_request);
  assert.deepEqual(p.onion_message.unknown_fields, []);
  assert.equal(p.onion_message.reply_blindedpath.first_node_id, b.idHex);
});

test('simulator: the offers stand-in runs first unless the plugin asks to run before it', async () => {
  for (const [env, expectFirst] of [[{}, 'plugin'], [{ PROBE_AFTER_OFFERS: '1' }, 'offers']] as const) {
    const { a, b } = await probeNet(env);
    const toBob = (ExternalNode.prototype.makePath as any).call(b, { pathId: utf8('p') }).path;
    const reply = a.makePath().path;
    a.rateLimit = false;
    assert.ok(a.send(toBob, [{ type: 64n, value: fromHex('0a0568656c6c6f') }], { replyPath: reply }).ok);
    await b.plugin!.waitForLog(/^PROBE hook onion_message_recv /);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(b.hookCalls.at(-1)!.answers[0]!.split(':')[0], expectFirst);
    // Either way the stand-in answered the unknown invoice_request with an invoice_error.
    await a.waitForType(68n);
    assert.equal(b.offersStandinReplies.length, 1);
  }
});

test('simulator: a non-continue answer ends the chain; a JSON-RPC error answer is fatal to the node', async () => {
  const { net, a, b } = await probeNet({ PROBE_ANSWER: 'handled' });
  const toBob = (ExternalNode.prototype.makePath as any).call(b, { pathId: utf8('p') }).path;
  assert.ok(a.send(toBob, [{ type: 65n, value: utf8('x') }]).ok);
  await b.plugin!.waitForLog(/^PROBE hook /);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(b.hookCalls.at(-1)!.answers, ['plugin:handled']);
  assert.equal(b.fatal, null);
  assert.deepEqual(net.violations(), []);

  const bad = await probeNet({ PROBE_ERROR: '1' });
  const toBob2 = (ExternalNode.prototype.makePath as any).call(bad.b, { pathId: utf8('p') }).path;
  assert.ok(bad.a.send(toBob2, [{ type: 65n, value: utf8('x') }]).ok);
  await bad.b.plugin!.waitForLog(/^PROBE hook /);
  await new Promise((r) => setTimeout(r, 100));
  assert.match(String(bad.b.fatal), /JSON-RPC error/);
  assert.equal(bad.b.online, false);
  assert.equal(bad.net.violations().length, 1);
});

test('simulator: connectd rate limit drops a burst beyond 4 messages per peer', async () => {
  const { a, b, c } = await probeNet();
  const { path, pathId } = c.makePath({ via: [b] });
  for (let i = 0; i < 10; i++) a.send(path, [{ type: 65n, value: new Uint8Array([i]) }]);
  await c.waitForType(65n, pathId);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(c.inbox.length, 4);
  assert.equal(b.dropped.filter((d) => d.reason.startsWith('rate limit')).length, 6);
});

test('simulator: injectonionmessage to a non-peer fails with lightningd\'s error; forward_fail only for peer messages', async () => {
  const { net, b } = await probeNet();
  const v = new ExternalNode(net, 'v2', 1234);
  const { path } = v.makePath({ via: [b] });
  // Build as Bob (intro = Bob): the first layer is Bob's, as injectonionmessage expects.
  const { simBuildToPath } = await import('../sim/onion-adapter.js');
  const { pathKey, packet } = simBuildToPath(b.priv, [], path, [{ type: 65n, value: utf8('x') }], net);
  const r = b.processOnion(null, pathKey, packet);
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /unknown next peer/);
  assert.equal(b.forwardFails.length, 0);
});

test('simulator: a hook left unanswered past the test limit is a recorded violation', async () => {
  const { net, a, b } = await probeNet({ PROBE_HANG: '1' }, 300);
  const toBob = (ExternalNode.prototype.makePath as any).call(b, { pathId: utf8('p') }).path;
  assert.ok(a.send(toBob, [{ type: 65n, value: utf8('x') }]).ok);
  await new Promise((r) => setTimeout(r, 600));
  assert.match(net.violations().join('\n'), /hook onion_message_recv not answered/);
});

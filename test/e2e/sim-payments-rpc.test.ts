// The payer-side RPCs of the simulated lightningd, over its real JSON-RPC socket: getroute,
// sendonion/waitsendpay (success; lightningd's failure object with and without
// shared_secrets), listsendpays, listconfigs, getinfo.blockheight under a test-set tip,
// decryptencrypteddata; a test-driven node as the recipient.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPubKey, randomBytes } from '../../src/crypto/secp.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import { encodeEncryptedData } from '../../src/onion/encrypted_data.js';
import { buildPaymentOnion } from '../../src/onion/payment_onion.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import { scidToBigInt } from '../sim/scid.js';
import { PAYPLUG } from './payment-helpers.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));

/** One JSON-RPC call on the node's lightning-rpc socket, as a plugin makes it. */
function call(node: ClnNode, method: string, params: Record<string, unknown>): Promise<any> {
  return new Promise((resolve, reject) => {
    const sock = connect(node.rpc.path);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      const i = buf.indexOf('\n\n');
      if (i < 0) return;
      const m = JSON.parse(buf.slice(0, i));
      sock.end();
      if (m.error) reject(Object.assign(new Error(m.error.message), m.error));
      else resolve(m.result);
    });
    sock.on('error', reject);
    sock.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
  });
}

async function setup() {
  const net = new SimNetwork();
  nets.push(net);
  const q = await net.addClnNode('q', { plugin: PAYPLUG });
  const s = await net.addClnNode('s', { plugin: PAYPLUG });
  const e = net.addExternalNode('e');
  net.addChannel(q, s, { scid: '200x1x0' });
  net.addChannel(s, e, { scid: '200x2x0' });
  return { net, q, s, e };
}

async function routeOnion(q: ClnNode, e: { id: Uint8Array; idHex: string }, hash: Uint8Array, amount: number) {
  const { route } = await call(q, 'getroute', { id: e.idHex, amount_msat: amount, riskfactor: 1 });
  // lightningd's getroute delays are relative; sendonion sends the first HTLC at tip + 1 + delay.
  const base = (await call(q, 'getinfo', {})).blockheight + 1;
  const steps = route.map((h: any) => ({ nodeId: asPubKey(fromHex(h.id)), shortChannelId: scidToBigInt(h.channel), amountMsat: BigInt(h.amount_msat), cltvExpiry: base + h.delay }));
  return { route, onion: buildPaymentOnion({ route: steps, final: { paymentSecret: randomBytes(32) }, paymentHash: hash }) };
}

test('getinfo/listconfigs: the tip is the test\'s; cltv-final and cltv-delta are the regtest values', async () => {
  const { net, q } = await setup();
  net.setBlockheight(812_345);
  assert.equal((await call(q, 'getinfo', {})).blockheight, 812_345);
  const c = (await call(q, 'listconfigs', {})).configs;
  assert.equal(c['cltv-final'].value_int, 10);
  assert.equal(c['cltv-delta'].value_int, 6);
});

test('getroute + sendonion + waitsendpay: an external recipient settles; listsendpays says complete', async () => {
  const { q, s, e } = await setup();
  const preimage = randomBytes(32);
  const hash = e.payments.expect(preimage);
  const { route, onion } = await routeOnion(q, e, hash, 10_000);
  assert.deepEqual(route.map((h: any) => h.id), [s.idHex, e.idHex]);
  assert.equal(route[1].amount_msat, 10_000);
  assert.ok(route[0].amount_msat > 10_000, 'S charges its fee');
  const sent = await call(q, 'sendonion', {
    onion: toHex(onion.packet),
    first_hop: { id: s.idHex, amount_msat: route[0].amount_msat, delay: route[0].delay },
    payment_hash: toHex(hash),
    shared_secrets: onion.sharedSecrets.map(toHex),
  });
  assert.equal(sent.status, 'pending');
  const done = await call(q, 'waitsendpay', { payment_hash: toHex(hash) });
  assert.equal(done.status, 'complete');
  assert.equal(done.payment_preimage, toHex(preimage));
  assert.equal((await call(q, 'listsendpays', { payment_hash: toHex(hash) })).payments[0].status, 'complete');
  await assert.rejects(call(q, 'sendonion', { onion: toHex(onion.packet), first_hop: { id: s.idHex, amount_msat: route[0].amount_msat, delay: route[0].delay }, payment_hash: toHex(hash) }), (err: any) => err.code === 201);
});

test('waitsendpay failure: erring_index/failcode/failcodename/raw_message with shared_secrets; 202 + onionreply without', async () => {
  const { q, s, e } = await setup();
  const hash = sha256(randomBytes(32)); // e knows no preimage: incorrect_or_unknown_payment_details
  const { route, onion } = await routeOnion(q, e, hash, 10_000);
  const hop = { id: s.idHex, amount_msat: route[0].amount_msat, delay: route[0].delay };
  await call(q, 'sendonion', { onion: toHex(onion.packet), first_hop: hop, payment_hash: toHex(hash), shared_secrets: onion.sharedSecrets.map(toHex) });
  const err: any = await call(q, 'waitsendpay', { payment_hash: toHex(hash) }).then(() => assert.fail('should fail'), (x) => x);
  assert.equal(err.code, 204);
  assert.equal(err.message, 'failed: WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS (reply from remote)');
  assert.equal(err.data.erring_index, 2);
  assert.equal(err.data.failcode, 0x400f);
  assert.equal(err.data.failcodename, 'WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS');
  assert.match(err.data.raw_message, /^400f/);
  assert.equal(err.data.status, 'failed');

  const hash2 = sha256(randomBytes(32));
  const two = await routeOnion(q, e, hash2, 10_000);
  await call(q, 'sendonion', { onion: toHex(two.onion.packet), first_hop: hop, payment_hash: toHex(hash2) });
  const err2: any = await call(q, 'waitsendpay', { payment_hash: toHex(hash2) }).then(() => assert.fail('should fail'), (x) => x);
  assert.equal(err2.code, 202);
  assert.equal(err2.message, 'Malformed error reply');
  assert.match(err2.data.onionreply, /^[0-9a-f]+$/);
  await assert.rejects(call(q, 'waitsendpay', { payment_hash: '00'.repeat(32) }), (x: any) => x.code === 208);
});

test('decryptencrypteddata opens a hop of a path to this node with the node key', async () => {
  const { q } = await setup();
  const data = { pathId: randomBytes(32) };
  const p = createBlindedPath([{ nodeId: q.id, data }]);
  const r = (await call(q, 'decryptencrypteddata', { encrypted_data: toHex(p.hops[0]!.encryptedData), path_key: toHex(p.firstPathKey) })).decryptencrypteddata;
  assert.equal(r.decrypted, toHex(encodeEncryptedData(data)));
  assert.match(r.next_path_key, /^0[23][0-9a-f]{64}$/);
  await assert.rejects(call(q, 'decryptencrypteddata', { encrypted_data: '00'.repeat(20), path_key: toHex(p.firstPathKey) }), /Decryption failed/);
});

test('a garbled onion: update_fail_malformed_htlc from the first hop, reported as invalid_onion_hmac at erring_index 1', async () => {
  const { q, s, e } = await setup();
  const hash = sha256(randomBytes(32));
  const { route, onion } = await routeOnion(q, e, hash, 10_000);
  const bad = onion.packet.slice();
  bad[200]! ^= 0xff;
  await call(q, 'sendonion', { onion: toHex(bad), first_hop: { id: s.idHex, amount_msat: route[0].amount_msat, delay: route[0].delay }, payment_hash: toHex(hash), shared_secrets: onion.sharedSecrets.map(toHex) });
  const err: any = await call(q, 'waitsendpay', { payment_hash: toHex(hash) }).then(() => assert.fail('should fail'), (x) => x);
  assert.equal(err.data.failcode, 0xc005);
  assert.equal(err.data.erring_index, 1);
  assert.match(s.htlcLog.join('\n'), /unprocessable onion/);
});

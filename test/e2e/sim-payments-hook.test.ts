// Payments through the simulated lightningd's htlc_accepted chain, driven end to end:
// P (LDK-like payer) → S (intro) → R, R's plugin (test/sim/pay-plugin.js) holding the hook
// and answering as each test says. The behaviours payments.md observed on lightningd v26.06.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { decodeHopPayload, unframeHopPayload, PAYLOAD_KEYSEND_PREIMAGE, extraRecord } from '../../src/onion/hop_payload.js';
import { FAILCODE } from '../../src/onion/failure.js';
import { clnSamples } from '../sim/plugin-host.js';
import type { SimNetwork } from '../sim/network.js';
import { answer, heldCalls, notes, pathToR, payFromP, payNet, PAYPLUG } from './payment-helpers.js';
import { scidToBigInt } from '../sim/scid.js';
import { until } from './recipient-helpers.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));
const sample = (prefix: string) => Object.entries(clnSamples).find(([k]) => k.startsWith(prefix))![1].params;
/** The key paths of a JSON object, in order (values left out). */
const shape = (o: any, pre = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? [pre + k, ...shape(v, `${pre}${k}.`)] : [pre + k]));
const preimageOf = (params: any) => extraRecord(decodeHopPayload(unframeHopPayload(fromHex(params.onion.payload))), PAYLOAD_KEYSEND_PREIMAGE);

test('static-invoice payment over the 2-hop blinded path: the hook sees it undecoded, resolve settles it', async () => {
  const n = await payNet(nets);
  const pay = payFromP(n, { amountMsat: 100_000n, staticInvoice: true });
  const [h] = await heldCalls(n.r, 1);
  const s = sample('htlc_accepted (static-invoice');
  assert.deepEqual(shape(h!.params), shape(s), 'same fields, same order as lightningd v26.06');
  assert.equal(h!.params.onion.type, undefined);
  assert.match(h!.params.htlc.extra_tlvs, /^0021(02|03)[0-9a-f]{64}$/);
  assert.equal(h!.params.htlc.payment_hash, toHex(pay.hash));
  assert.equal(h!.params.htlc.cltv_expiry - h!.params.htlc.cltv_expiry_relative, n.net.blockheight);
  assert.equal(h!.params.peer_id, n.s.idHex);
  await answer(n.r, h!.key, { result: 'resolve', payment_key: toHex(preimageOf(h!.params)!) });
  const out = await pay.done;
  assert.ok(out.ok);
  assert.equal(toHex(out.preimage), toHex(pay.preimage));
  // No invoice, no invoice_payment: lightningd only checked the preimage.
  assert.deepEqual(((await n.r.payments.rpc('listinvoices', {})) as any).invoices, []);
  assert.equal((await notes(n.r)).filter((x) => x.method === 'invoice_payment').length, 0);
  // bookkeeper still counts it as invoice income (coin_movement, as observed).
  const mv = await until(async () => (await notes(n.r)).find((x) => x.method === 'coin_movement'), 'coin_movement');
  assert.deepEqual(Object.keys(mv.params.coin_movement), Object.keys(sample('coin_movement (').coin_movement));
  assert.equal(mv.params.coin_movement.primary_tag, 'invoice');
  assert.equal(mv.params.coin_movement.credit_msat, h!.params.htlc.amount_msat);
  assert.equal(mv.params.coin_movement.payment_hash, toHex(pay.hash));
  assert.deepEqual(n.net.violations(), []);
});

test('the same payment answered continue fails with invalid_onion_blinding from the introduction node', async () => {
  const n = await payNet(nets);
  const pay = payFromP(n, { amountMsat: 100_000n, staticInvoice: true });
  const [h] = await heldCalls(n.r, 1);
  await answer(n.r, h!.key, { result: 'continue' });
  const out = await pay.done;
  assert.equal(out.ok, false);
  if (out.ok) return;
  assert.equal(out.failcode, FAILCODE.invalid_onion_blinding);
  assert.equal(out.erringIndex, 1, 'S, the first hop, is the erring node');
  // keysend runs after our `continue` and adds TLV 8, which a blinded final hop may not carry.
  assert.match(n.r.htlcLog.join('\n'), /invalid payload \(TLV 8 pos 0\): blinded final hop carries type 8/);
});

test('resolve with a preimage of another hash fails 0x400f (inside the path: invalid_onion_blinding)', async () => {
  const n = await payNet(nets);
  const pay = payFromP(n, { amountMsat: 100_000n, staticInvoice: true });
  const [h] = await heldCalls(n.r, 1);
  await answer(n.r, h!.key, { result: 'resolve', payment_key: '11'.repeat(32) });
  const out = await pay.done;
  assert.equal(out.ok, false);
  assert.match(n.r.htlcLog.join('\n'), /failing htlc 0 \(400f\)/);
});

test('a plugin ordered after keysend sees the rewritten payload, a stray keysend invoice is left, the HTLC fails', async () => {
  const n = await payNet(nets, { PAYPLUG_AFTER_KEYSEND: '1' });
  const pay = payFromP(n, { amountMsat: 100_000n, staticInvoice: true });
  const [h] = await heldCalls(n.r, 1);
  const p = decodeHopPayload(unframeHopPayload(fromHex(h!.params.onion.payload)));
  assert.ok(p.paymentData, 'keysend added TLV 8');
  assert.equal(p.paymentData.totalMsat, 100_000n);
  assert.equal(extraRecord(p, PAYLOAD_KEYSEND_PREIMAGE), undefined, 'the preimage was stripped');
  assert.equal(h!.params.onion.type, undefined, 'TLV 8 is not allowed at a blinded final hop');
  assert.ok(n.r.payments.logs.some((l) => /Resolving incoming HTLC with preimage for payment_hash/.test(l.message)));
  const invs = ((await n.r.payments.rpc('listinvoices', {})) as any).invoices;
  assert.equal(invs.length, 1);
  assert.match(invs[0].label, /^keysend-\d+\.\d{9}$/);
  assert.equal(invs[0].status, 'unpaid');
  await answer(n.r, h!.key, { result: 'continue' });
  const out = await pay.done;
  assert.equal(out.ok, false);
  if (!out.ok) assert.equal(out.failcode, FAILCODE.invalid_onion_blinding);
});

test('an introduction node named by sciddir (scid + direction) is found like lightningd\'s peers find it', async () => {
  const n = await payNet(nets);
  const pp = pathToR(n);
  const direction = n.s.idHex < n.p.idHex ? 0 : 1;
  const path = { ...pp, path: { ...pp.path, intro: { kind: 'sciddir' as const, scid: scidToBigInt('100x1x0'), direction: direction as 0 | 1 } } };
  const pay = payFromP(n, { amountMsat: 100_000n, staticInvoice: true, path });
  const [h] = await heldCalls(n.r, 1);
  await answer(n.r, h!.key, { result: 'resolve', payment_key: toHex(preimageOf(h!.params)!) });
  assert.ok((await pay.done).ok);
});

test('MPP: two parts held until both arrived, then both resolved', async () => {
  const n = await payNet(nets);
  const pp = pathToR(n);
  const first = payFromP(n, { amountMsat: 60_000n, totalMsat: 100_000n, staticInvoice: true, path: pp, partid: 1 });
  const second = payFromP(n, { amountMsat: 40_000n, totalMsat: 100_000n, staticInvoice: true, path: pp, partid: 2, preimage: first.preimage });
  const held = await heldCalls(n.r, 2);
  const sum = held.reduce((a, h) => a + h.params.htlc.amount_msat, 0);
  assert.ok(sum >= 100_000);
  for (const h of held) await answer(n.r, h.key, { result: 'resolve', payment_key: toHex(preimageOf(h.params)!) });
  const [a, b] = await Promise.all([first.done, second.done]);
  assert.ok(a.ok && b.ok);
});

test('restart: a held HTLC is replayed after init (no extra_tlvs, relative = expiry, same payload) and resolve settles it', async () => {
  const n = await payNet(nets);
  const pay = payFromP(n, { amountMsat: 100_000n, staticInvoice: true });
  const [before] = await heldCalls(n.r, 1);
  await n.r.restart('SIGKILL');
  const [replay] = await heldCalls(n.r, 1);
  const s = sample('htlc_accepted (replay after lightningd restart of a held static-invoice');
  assert.deepEqual(shape(replay!.params), shape(s));
  assert.equal(replay!.params.htlc.extra_tlvs, undefined);
  assert.equal(replay!.params.htlc.cltv_expiry_relative, replay!.params.htlc.cltv_expiry);
  for (const k of ['payload', 'shared_secret', 'next_onion']) assert.equal(replay!.params.onion[k], before!.params.onion[k], k);
  assert.equal(replay!.params.htlc.id, before!.params.htlc.id);
  await answer(n.r, replay!.key, { result: 'resolve', payment_key: toHex(preimageOf(replay!.params)!) });
  const out = await pay.done;
  assert.ok(out.ok);
});

test('a plugin killed while holding an HTLC: lightningd goes on down the chain and fails it', async () => {
  const n = await payNet(nets);
  const pay = payFromP(n, { amountMsat: 100_000n, staticInvoice: true });
  await heldCalls(n.r, 1);
  await n.r.killPlugin('SIGKILL');
  const out = await pay.done;
  assert.equal(out.ok, false);
  if (!out.ok) assert.equal(out.failcode, FAILCODE.invalid_onion_blinding);
});

test('an important plugin killed while holding an HTLC: lightningd stops, the HTLC waits, the restart replays it', async () => {
  const net = new (await import('../sim/network.js')).SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('s', { plugin: PAYPLUG });
  const r = await net.addClnNode('r', { plugin: PAYPLUG, importantPlugin: true });
  const p = net.addExternalNode('p');
  net.addChannel(p, s, { scid: '100x1x0' });
  net.addChannel(s, r, { scid: '100x2x0' });
  const n = { net, p, s, r };
  const pay = payFromP(n, { amountMsat: 100_000n, staticInvoice: true });
  await heldCalls(r, 1);
  await r.killPlugin('SIGKILL');
  assert.equal(r.online, false, 'lightningd stopped with its important plugin');
  let settled = false;
  void pay.done.then(() => (settled = true));
  await r.restart();
  const [replay] = await heldCalls(r, 1);
  assert.equal(settled, false, 'the payment was still pending across the crash');
  await answer(r, replay!.key, { result: 'resolve', payment_key: toHex(preimageOf(replay!.params)!) });
  assert.ok((await pay.done).ok);
});

test('a malformed hook answer is fatal for lightningd (as fatal() in htlc_accepted_hook_deserialize)', async () => {
  const n = await payNet(nets);
  payFromP(n, { amountMsat: 100_000n, staticInvoice: true });
  const [h] = await heldCalls(n.r, 1);
  // lightningd dies with the plugin before the plugin's own RPC answer gets through.
  await answer(n.r, h!.key, { result: 'resolve', payment_key: 'zz' }).catch(() => undefined);
  assert.match(String(n.r.fatal), /invalid 'payment_key'/);
  n.r.violations.length = 0; // expected here
});

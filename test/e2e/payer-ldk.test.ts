// Issue 13: the payer (this plugin, on a simulated lightningd) against an LDK-behaving
// static invoice server and async recipient driven by the test (payer-helpers.ts):
// the static invoice is accepted only when LDK's payer would accept it,
// held_htlc_available goes to the invoice's held-HTLC path with a reply path that
// only a genuine release can use, and nothing moves on a forged, replayed or
// unsolicited message.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { encodeContext } from '../../src/transport/context.js';
import { asPubKey, randomBytes, pubFromPriv, randomPrivKey } from '../../src/crypto/secp.js';
import { sha256 } from '../../src/crypto/hash.js';
import { featureBits } from '../../src/bolt12/features.js';
import { buildOffer } from '../../src/bolt12/build.js';
import { encodeMessage } from '../../src/messages/index.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import { incorrectOrUnknownPaymentDetails } from '../../src/onion/failure.js';
import { SimNetwork } from '../sim/network.js';
import { logAfter, logCount, until } from './recipient-helpers.js';
import { ldkPayerNetwork, type LdkAsyncRecipient, NOW, offerToString, pays, virtualNodeOf, waitingForRelease } from './payer-helpers.js';

const nets: SimNetwork[] = [];
/** Peers rate-limit onion messages (4/s per peer, as connectd): a burst of test messages is paced like a real sender. */
const pace = () => new Promise((res) => setTimeout(res, 300));
after(() => Promise.all(nets.map((n) => n.close())));

const setup = () => ldkPayerNetwork(nets);

test('LDK server and recipient: static invoice accepted, held_htlc_available to its held path, paid after release with the exact final payload', async () => {
  const { net, p, s, r, offer } = await setup();
  const verdicts = r.acceptPayments();
  const chPS = net.channels.find((c) => c.scid === '101x1x0')!;
  const chSR = net.channels.find((c) => c.scid === '102x1x0')!;
  const pBefore = net.ledger.spendable(chPS, p);
  const rBefore = net.ledger.spendable(chSR, r.node);
  const call = p.cli('asyncpay', { offer, amount_msat: 50_000, timeout: 10 });
  const { req, replyPath } = await s.nextRequest();
  assert.equal(req.amount, 50_000n);
  assert.equal(toHex(req.offer.issuerId!), toHex(pubFromPriv(r.key)));
  assert.equal(req.payerNote, undefined);
  s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
  const held = await r.nextHeld();
  assert.ok(held.replyPath, 'with a reply path back to the payer');
  const res = await waitingForRelease(p, await call);
  assert.equal(res.status, 'waiting_for_release');
  assert.equal(res.invoice_kind, 'static_invoice');
  assert.equal(res.amount_msat, 50_000);
  assert.equal(res.payment_preimage, undefined, 'the preimage is not shown before the payment completes');
  assert.equal(res.held_htlc_sent, 1);
  assert.equal(r.node.payments.received.length, 0, 'no HTLC before the release');
  const listed = (await p.cli('listasyncpays', { payment_hash: res.payment_hash })).asyncpays;
  assert.equal(listed.length, 1);
  assert.equal(listed[0].payment_id, res.payment_id);
  assert.equal((await p.cli('listasyncpays', { offer })).asyncpays.length, 1);

  r.release(held);
  const done = await p.cli('waitasyncpay', { payment_hash: res.payment_hash, timeout: 30 });
  assert.equal(done.status, 'complete');
  assert.equal(verdicts.length, 1, 'one HTLC reached R');
  assert.equal(verdicts[0]!.ok, true, verdicts[0]!.why);
  assert.equal(toHex(verdicts[0]!.invreq!.bytes), toHex(req.bytes), 'TLV 77777 is the request S received, byte for byte');
  assert.equal(done.payment_preimage, toHex(verdicts[0]!.preimage!));
  assert.equal(toHex(sha256(verdicts[0]!.preimage!)), res.payment_hash);
  assert.equal(verdicts[0]!.payment.payload.currentPathKey, undefined, 'no TLV 12: R is not the introduction node');
  const note = await until(() => p.plugin!.notifications.find((n) => n.method === 'asyncpay_payment_sent'), 'notification');
  assert.equal(note.params.payment_preimage, done.payment_preimage);
  // Money moved: R received at least the amount (the payinfo fee rounds up, S's relay
  // rounding may leave R a msat more); P paid that plus the path fee.
  const got = net.ledger.spendable(chSR, r.node) - rBefore;
  assert.equal(got, verdicts[0]!.payment.amountMsat);
  assert.ok(got >= 50_000n && got <= 50_001n, `R received ${got}`);
  const paid = pBefore - net.ledger.spendable(chPS, p);
  assert.equal(paid, 50_000n + 1000n + 1n, 'amount + the payinfo fee (1000 msat + 10 ppm, rounded up)');
  assert.equal(BigInt(done.amount_sent_msat), paid);
  assert.deepEqual(net.violations(), []);
});

/** Static invoices an LDK payer refuses, each sent alone over a request's reply path. */
const REJECTIONS: Array<[string, (r: LdkAsyncRecipient) => Uint8Array, RegExp]> = [
  ['offer records differ', (r) => r.staticInvoice({ otherOffer: true }).bytes, /offer records differ/],
  ['expired', (r) => r.staticInvoice({ createdAt: NOW() - 1000, relativeExpiry: 100 }).bytes, /static invoice has expired/],
  [
    'bad signature',
    (r) => {
      const b = r.staticInvoice().bytes.slice();
      b[b.length - 3]! ^= 0x01;
      return b;
    },
    /bad signature/,
  ],
  ['unknown required feature', (r) => r.staticInvoice({ features: featureBits(17, 42) }).bytes, /unknown required invoice feature/],
];

for (const [name, make, re] of REJECTIONS) {
  test(`rejected static invoice (${name}): logged, nothing sent, nothing paid; the payment keeps waiting and a valid one still wins`, async () => {
    const { net, p, s, r, offer } = await setup();
    const verdicts = r.acceptPayments();
    const call = p.cli('asyncpay', { offer, amount_msat: 42_000, timeout: 0 });
    const { replyPath } = await s.nextRequest();
    assert.equal((await call).status, 'requested');
    const from = logCount(p);
    s.reply(replyPath, 'static_invoice', make(r));
    await logAfter(p, from, re);
    const [rec] = await pays(p);
    assert.equal(rec.status, 'requested');
    assert.equal(r.heldMessages().length, 0, 'no held_htlc_available sent');
    assert.equal(r.node.payments.received.length, 0, 'nothing paid');
    await pace();
    s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
    const held = await r.nextHeld();
    r.release(held);
    const [after] = await pays(p);
    assert.equal((await p.cli('waitasyncpay', { payment_hash: after.payment_hash, timeout: 30 })).status, 'complete');
    assert.equal(verdicts.length, 1);
    assert.deepEqual(net.violations(), []);
  });
}

test('unsolicited and forged: an invoice after the winner, messages on a forged path_id, an authenticated release for an unknown payment, a replayed release — nothing moves twice', async () => {
  const { net, p, s, r, offer } = await setup();
  const verdicts = r.acceptPayments();
  const call = p.cli('asyncpay', { offer, amount_msat: 30_000, timeout: 10 });
  const { req, replyPath } = await s.nextRequest();
  s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
  const held = await r.nextHeld();
  const res = await waitingForRelease(p, await call);
  assert.equal(res.status, 'waiting_for_release');

  // A valid fresh invoice for the same request, arriving second: first invoice wins.
  let from = logCount(p);
  s.reply(replyPath, 'invoice', r.freshInvoice(req, sha256(randomBytes(32))).bytes);
  await logAfter(p, from, /invoice for payment [0-9a-f]+ which is waiting_for_release \(first invoice wins\)/);

  // A path to our virtual node with a path_id we did not make (a guessed/forged context).
  const v = asPubKey(virtualNodeOf(p));
  for (const kind of ['static_invoice', 'release_held_htlc'] as const) {
    await pace();
    const forged = createBlindedPath([{ nodeId: p.id, data: { nextNodeId: v } }, { nodeId: v, data: { pathId: randomBytes(33) } }]);
    from = logCount(p);
    const msg = kind === 'static_invoice' ? encodeMessage({ kind, bytes: r.staticInvoice().bytes }) : encodeMessage({ kind });
    assert.ok(r.node.send(forged, [msg], { prefix: [s.node] }).ok);
    await logAfter(p, from, /unauthenticated path_id/);
  }
  const [still] = await pays(p);
  assert.equal(still.status, 'waiting_for_release');

  // A correctly authenticated release context (made here with the node's makesecret, as
  // only the plugin could) for a payment that does not exist: nothing to release.
  const key = fromHex(p.makesecret(utf8('asyncpay-path-context-v1')));
  const unknownId = randomBytes(16);
  const ctx = encodeContext(key, { kind: 'payer_release', paymentId: unknownId, expiresAt: NOW() + 3600 });
  const genuineShape = createBlindedPath([{ nodeId: p.id, data: { nextNodeId: v } }, { nodeId: v, data: { pathId: ctx } }]);
  await pace();
  from = logCount(p);
  assert.ok(r.node.send(genuineShape, [encodeMessage({ kind: 'release_held_htlc' })], { prefix: [s.node] }).ok);
  await logAfter(p, from, /release_held_htlc for no payment of ours/);
  assert.equal(r.node.payments.received.length, 0);

  // The genuine release, then the same release again (replayed): one transition to paying.
  from = logCount(p);
  await pace();
  r.release(held);
  await logAfter(p, from, /-> paying/);
  await pace();
  r.release(held);
  await logAfter(p, from, /release_held_htlc for payment [0-9a-f]+ which is (paying|failed|complete)/);
  const transitions = p.plugin!.logs.slice(from).filter((l) => /-> paying/.test(l.message));
  assert.equal(transitions.length, 1, 'one payment for one release');
  assert.equal((await p.cli('waitasyncpay', { payment_hash: res.payment_hash, timeout: 30 })).status, 'complete');
  // Released again once complete: still nothing.
  await pace();
  const from2 = logCount(p);
  r.release(held);
  await logAfter(p, from2, /release_held_htlc for payment [0-9a-f]+ which is complete/);
  assert.equal(verdicts.length, 1, 'exactly one HTLC reached R');
  assert.equal(verdicts[0]!.ok, true);
  assert.deepEqual(net.violations(), []);
});

test('an offer path we cannot reach: the request goes over the next path; asyncpay errors are clear', async () => {
  const { net, p, s, r } = await setup();
  const nowhere = createBlindedPath([{ nodeId: pubFromPriv(randomPrivKey()), data: { pathId: randomBytes(16) } }]);
  const two = r.makeOffer(nowhere);
  const offer2 = buildOffer({ chains: two.chains as never, paths: [nowhere, s.offerPath], issuerId: two.issuerId!, absoluteExpiry: two.absoluteExpiry! });
  r.offer = offer2;
  const call = p.cli('asyncpay', { offer: offerToString(offer2), amount_msat: 1000, timeout: 0 });
  const { req } = await s.nextRequest();
  assert.equal(toHex(req.offer.paths![1]!.firstPathKey), toHex(s.offerPath.firstPathKey));
  assert.equal((await call).status, 'requested');
  assert.ok(p.plugin!.logs.some((l) => /invoice_request over offer path 0 not sent/.test(l.message)));

  // Errors before anything is sent.
  await assert.rejects(p.cli('asyncpay', { offer: offerToString(r.offer) }), (e: any) => e.rpcError?.code === 1940 && /amount_msat is required/.test(e.rpcError.message));
  await assert.rejects(p.cli('asyncpay', { offer: 'lno1xyz', amount_msat: 1 }), (e: any) => e.rpcError?.code === -32602);
  await assert.rejects(p.cli('waitasyncpay', { payment_hash: '00'.repeat(32), timeout: 0 }), (e: any) => e.rpcError?.code === 1942);
  await assert.rejects(p.cli('waitasyncpay', { payment_hash: 'xyz' }), (e: any) => e.rpcError?.code === -32602);
  await assert.rejects(p.cli('listasyncpays', { offer: 'lno1garbage' }), (e: any) => e.rpcError?.code === -32602);
  await assert.rejects(p.cli('listasyncpays', ['lno1garbage']), (e: any) => e.rpcError?.code === -32602);
  assert.equal((await p.cli('listasyncpays', [offerToString(offer2)])).asyncpays.length, 1, 'positional offer');
  assert.deepEqual(net.violations(), []);
});

test('invoice_error abandons the payment (as LDK): asyncpay fails with the reason, asyncpay_payment_failed is notified', async () => {
  const { net, p, s, r, offer } = await setup();
  const call = p.cli('asyncpay', { offer, amount_msat: 5_000, timeout: 20 }).catch((e) => e);
  const { replyPath } = await s.nextRequest();
  assert.ok(s.node.send(replyPath, [encodeMessage({ kind: 'invoice_error', error: 'no such offer' })]).ok);
  const err = (await call).rpcError;
  assert.equal(err.code, 1941);
  assert.equal(err.data.status, 'failed');
  assert.equal(err.data.failure, 'invoice_error: no such offer');
  const note = await until(() => p.plugin!.notifications.find((n) => n.method === 'asyncpay_payment_failed'), 'notification');
  assert.equal(note.params.payment_id, err.data.payment_id);
  await assert.rejects(p.cli('waitasyncpay', { payment_hash: err.data.payment_id, timeout: 0 }), (e: any) => e.rpcError?.code === 1941);
  // A static invoice arriving afterwards is ignored.
  await pace();
  const from = logCount(p);
  s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
  await logAfter(p, from, /static invoice for payment [0-9a-f]+ which is failed/);
  assert.equal(r.heldMessages().length, 0);
  assert.deepEqual(net.violations(), []);
});

test('no release within asyncpay-payer-release-timeout: the payment fails; a release after that pays nothing', async () => {
  const { net, p, s, r, offer } = await ldkPayerNetwork(nets, { pluginOptions: { 'asyncpay-payer-release-timeout': 6 } });
  const call = p.cli('asyncpay', { offer, amount_msat: 5_000, timeout: 30 }).catch((e) => e);
  const { replyPath } = await s.nextRequest();
  s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
  const held = await r.nextHeld();
  const err = (await call).rpcError;
  assert.equal(err.code, 1941);
  assert.equal(err.data.failure, 'the recipient did not release the payment in time');
  const from = logCount(p);
  r.release(held);
  // The reply path expired with the payment: the transport drops it before the payer sees it.
  await logAfter(p, from, /release_held_htlc on an expired payer_release path|release_held_htlc for payment [0-9a-f]+ which is failed/);
  assert.ok(!p.plugin!.logs.slice(from).some((l) => /-> paying/.test(l.message)));
  assert.deepEqual(net.violations(), []);
});

test('R online: its fresh invoice arrives first and is paid with xpay; the static invoice that follows is ignored', async () => {
  const { net, p, s, r, offer } = await setup();
  const verdicts = r.acceptPayments();
  const call = p.cli('asyncpay', { offer, amount_msat: 12_345, payer_note: 'coffee', timeout: 30 });
  const { req, replyPath } = await s.nextRequest();
  assert.equal(req.payerNote, 'coffee');
  const preimage = randomBytes(32);
  const hash = r.node.payments.expect(preimage);
  // R (online) answers the forwarded request straight over the payer's reply path.
  assert.ok(r.node.send(replyPath, [encodeMessage({ kind: 'invoice', bytes: r.freshInvoice(req, hash).bytes })], { prefix: [s.node] }).ok);
  const res = await call;
  assert.equal(res.status, 'complete');
  assert.equal(res.invoice_kind, 'invoice');
  assert.equal(res.payment_hash, toHex(hash));
  assert.equal(res.payment_preimage, toHex(preimage));
  assert.equal(verdicts.length, 1);
  assert.equal(verdicts[0]!.payment.payload.extra, undefined, 'a fresh invoice is paid with the plain BOLT 12 final payload');
  await pace();
  const from = logCount(p);
  s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
  await logAfter(p, from, /static invoice for payment [0-9a-f]+ which is complete \(first invoice wins\)/);
  assert.equal(r.heldMessages().length, 0);
  assert.deepEqual(net.violations(), []);
});

test('R refuses the HTLC: the payment is retried a bounded number of times, then fails with the reason', async () => {
  const { net, p, s, r, offer } = await setup();
  r.node.payments.onPayment = (pay) => pay.fail(incorrectOrUnknownPaymentDetails(pay.amountMsat, net.blockheight));
  const call = p.cli('asyncpay', { offer, amount_msat: 7_000, timeout: 1 });
  const { replyPath } = await s.nextRequest();
  s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
  const held = await r.nextHeld();
  await call;
  // Held went out, so the record has its payment hash (whatever the call returned).
  const [res] = await pays(p);
  r.release(held);
  const err = await p.cli('waitasyncpay', { payment_hash: res.payment_hash, timeout: 60 }).catch((e) => e.rpcError);
  assert.equal(err.code, 1941);
  assert.equal(err.data.status, 'failed');
  assert.match(err.data.failure, /attempt 5/);
  assert.equal(r.node.payments.received.length, 6, 'six attempts, each one HTLC');
  const note = await until(() => p.plugin!.notifications.find((n) => n.method === 'asyncpay_payment_failed'), 'notification');
  assert.equal(note.params.payment_hash, res.payment_hash);
  assert.deepEqual(net.violations(), []);
});

test('static invoice first, R’s fresh invoice a moment later (R online): the fresh invoice still wins, no held_htlc_available', async () => {
  const { net, p, s, r, offer } = await setup();
  const verdicts = r.acceptPayments();
  const call = p.cli('asyncpay', { offer, amount_msat: 9_000, timeout: 30 });
  const { req, replyPath } = await s.nextRequest();
  s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
  await logAfter(p, 0, /requested -> static_invoice/);
  const preimage = randomBytes(32);
  const hash = r.node.payments.expect(preimage);
  await pace();
  assert.ok(r.node.send(replyPath, [encodeMessage({ kind: 'invoice', bytes: r.freshInvoice(req, hash).bytes })], { prefix: [s.node] }).ok);
  const res = await call;
  assert.equal(res.status, 'complete');
  assert.equal(res.invoice_kind, 'invoice');
  assert.equal(res.payment_preimage, toHex(preimage));
  assert.equal(r.heldMessages().length, 0);
  assert.equal(verdicts.length, 1);
  assert.deepEqual(net.violations(), []);
});

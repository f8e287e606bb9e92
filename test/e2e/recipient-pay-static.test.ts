// R gets paid on its async offer through its static invoice, as an LDK payer pays:
// static invoice from S → held_htlc_available to R → release_held_htlc back → the HTLC
// over R's blinded payment path (S the introduction node) → R checks and resolves with
// the payer's preimage. Single part, two parts, and an incomplete set timing out.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { randomBytes } from '../../src/crypto/secp.js';
import { SimNetwork } from '../sim/network.js';
import { LdkPayer, payments, payStatus, received, setupPayNet } from './pay-helpers.js';
import { until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

test('static invoice payment: released, paid over R’s blinded path, resolved; recorded, notified, balance up', async () => {
  const pn = await setupPayNet(net, 'st1');
  const { r, rs } = pn;
  const payer = new LdkPayer(pn);
  const before = net.ledger.spendable(rs, r);
  const f = await payer.fetch(42_000n, { note: 'for the coffee' });
  await payer.holdAndWaitRelease(f.staticInvoice);
  // R counts the release once its injectonionmessage call has returned, which may be after P has it.
  await until(async () => (await payStatus(r)).releases_sent === 1, 'R counted the release');
  const pre = randomBytes(32);
  const hash = sha256(pre);
  const out = await payer.sendPart(f.staticInvoice, hash, { amount: 42_000n, total: 42_000n, extra: LdkPayer.extra(f.req.bytes, pre) });
  assert.ok(out.ok, `payment completed: ${JSON.stringify(out.ok ? '' : out.failcode)}`);
  assert.equal(toHex(out.preimage), toHex(pre), 'waitsendpay completes with the payer’s own preimage');
  // The payer adds the payinfo's fee rounded up, so the introduction node may forward a msat more.
  const got = net.ledger.spendable(rs, r) - before;
  assert.ok(got >= 42_000n && got <= 42_001n, `R’s side of the channel rose by the amount (${got})`);

  const [rec] = await payments(r, { payment_hash: toHex(hash) });
  assert.equal(rec.status, 'paid');
  assert.equal(rec.kind, 'static');
  assert.equal(rec.amount_msat, 42_000);
  assert.equal(BigInt(rec.received_msat), got);
  assert.equal(rec.parts, 1);
  assert.equal(rec.payer_note, 'for the coffee');
  assert.equal(rec.offer_id, pn.offerId);
  assert.equal(rec.invoice_slot, pn.slot);
  assert.equal(rec.payer_id, toHex(f.req.payerId));
  assert.equal(rec.payment_preimage, toHex(pre));
  assert.deepEqual((await payments(r, { offer_id: pn.offerId })).map((x) => x.payment_hash).includes(toHex(hash)), true);
  const n = await until(() => received(r).find((x) => x.payment_hash === toHex(hash)), 'asyncpay_payment_received');
  assert.deepEqual(n, { payment_hash: toHex(hash), amount_msat: Number(got), offer_id: pn.offerId, invoice_slot: pn.slot, kind: 'static', payer_note: 'for the coffee' });
  const st = await payStatus(r);
  assert.equal(st.payments_received, 1);
  assert.equal(st.received_msat, Number(got));
  // Our hook ran before keysend and resolved it; keysend never saw it.
  const calls = r.payments.htlcHookCalls.filter((c) => c.payload.htlc.payment_hash === toHex(hash));
  assert.deepEqual(calls.map((c) => [c.who, c.answer?.result]), [['plugin', 'resolve']]);
  assert.deepEqual(net.violations(), []);
});

test('2-part MPP: the first part is held until the second arrives, then both are resolved', async () => {
  const pn = await setupPayNet(net, 'st2');
  const { r, rs } = pn;
  const payer = new LdkPayer(pn);
  const before = net.ledger.spendable(rs, r);
  const f = await payer.fetch(60_000n);
  await payer.holdAndWaitRelease(f.staticInvoice);
  const pre = randomBytes(32);
  const hash = sha256(pre);
  const extra = LdkPayer.extra(f.req.bytes, pre);
  const first = payer.sendPart(f.staticInvoice, hash, { amount: 25_000n, total: 60_000n, partid: 1, extra });
  await until(async () => (await payStatus(r)).held_htlcs === 1, 'first part held');
  assert.equal((await payments(r, { payment_hash: toHex(hash) }))[0].status, 'held');
  const second = payer.sendPart(f.staticInvoice, hash, { amount: 35_000n, total: 60_000n, partid: 2, extra });
  const [a, b] = await Promise.all([first, second]);
  assert.ok(a.ok && b.ok, 'both parts settled');
  const [rec] = await payments(r, { payment_hash: toHex(hash) });
  assert.equal(rec.status, 'paid');
  assert.equal(rec.parts, 2);
  assert.equal(BigInt(rec.received_msat), net.ledger.spendable(rs, r) - before);
  assert.ok(rec.received_msat >= 60_000 && rec.received_msat <= 60_002);
  assert.equal((await payStatus(r)).held_htlcs, 0);
  assert.deepEqual(net.violations(), []);
});

test('an incomplete MPP set is failed after the timeout (dev clock): both parts failed, nothing paid', async () => {
  const pn = await setupPayNet(net, 'st3', { ASYNCPAY_DEV_MPP_TIMEOUT_SECS: '2' });
  const { r, rs } = pn;
  const payer = new LdkPayer(pn);
  const before = net.ledger.spendable(rs, r);
  const f = await payer.fetch(90_000n);
  await payer.holdAndWaitRelease(f.staticInvoice);
  const pre = randomBytes(32);
  const hash = sha256(pre);
  const extra = LdkPayer.extra(f.req.bytes, pre);
  const outs = await Promise.all([
    payer.sendPart(f.staticInvoice, hash, { amount: 30_000n, total: 90_000n, partid: 1, extra }),
    payer.sendPart(f.staticInvoice, hash, { amount: 30_000n, total: 90_000n, partid: 2, extra }),
  ]);
  assert.deepEqual(outs.map((o) => o.ok), [false, false], 'both parts failed');
  const [rec] = await payments(r, { payment_hash: toHex(hash) });
  assert.equal(rec.status, 'failed');
  assert.equal(rec.failure_reason, 'mpp_timeout');
  const answers = r.payments.htlcHookCalls.filter((c) => c.payload.htlc.payment_hash === toHex(hash)).map((c) => c.answer);
  assert.deepEqual(answers.map((x) => [x.result, x.failure_message]), [['fail', '0017'], ['fail', '0017']]);
  assert.equal(net.ledger.spendable(rs, r), before, 'R received nothing');
  assert.equal((await payStatus(r)).failures.mpp_timeout, 1);
  assert.equal(received(r).length, 0);
  assert.deepEqual(net.violations(), []);
});

test('a held part whose expiry comes within the safety margin of the tip is failed before it expires', async () => {
  const pn = await setupPayNet(net, 'st4');
  const { r } = pn;
  const payer = new LdkPayer(pn);
  const f = await payer.fetch(80_000n);
  await payer.holdAndWaitRelease(f.staticInvoice);
  const pre = randomBytes(32);
  const hash = sha256(pre);
  const part = payer.sendPart(f.staticInvoice, hash, { amount: 30_000n, total: 80_000n, partid: 1, extra: LdkPayer.extra(f.req.bytes, pre) });
  await until(async () => (await payStatus(r)).held_htlcs === 1, 'part held');
  const held = r.payments.htlcHookCalls.find((c) => c.who === 'plugin' && c.payload.htlc.payment_hash === toHex(hash))!;
  // Blocks arrive: the part's cltv_expiry is now 6 blocks from the tip.
  net.setBlockheight(held.payload.htlc.cltv_expiry - 6);
  const out = await part;
  assert.equal(out.ok, false, 'failed back, not left to expire');
  const [rec] = await payments(r, { payment_hash: toHex(hash) });
  assert.equal(rec.status, 'failed');
  assert.equal(rec.failure_reason, 'cltv_near_tip');
  assert.deepEqual(net.violations(), []);
});

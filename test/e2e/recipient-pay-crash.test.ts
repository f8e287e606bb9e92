// kill -9 of R (lightningd and the plugin) at the instants that matter: after the claim is
// written but before the hook is answered; with MPP parts held; with a fresh invoice's
// part held by lightningd. After the restart lightningd replays the unresolved HTLCs
// (no path key, tip 0 in the payload) and the plugin settles or fails them: never a hang,
// never a payment claimed twice or lost.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { randomBytes } from '../../src/crypto/secp.js';
import { SimNetwork } from '../sim/network.js';
import { LdkPayer, payments, payStatus, received, setupPayNet } from './pay-helpers.js';
import { logAfter, logCount, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

/** A fresh network `name` where R holds part 1 (20 000 of 50 000 msat) of a static-invoice payment. */
async function firstPartHeld(name: string) {
  const pn = await setupPayNet(net, name);
  const { r } = pn;
  const payer = new LdkPayer(pn);
  const f = await payer.fetch(50_000n);
  await payer.holdAndWaitRelease(f.staticInvoice);
  const pre = randomBytes(32);
  const hash = sha256(pre);
  const extra = LdkPayer.extra(f.req.bytes, pre);
  const first = payer.sendPart(f.staticInvoice, hash, { amount: 20_000n, total: 50_000n, partid: 1, extra });
  await until(async () => (await payStatus(r)).held_htlcs === 1, 'first part held');
  return { r, payer, f, hash, extra, first };
}

test('kill -9 between writing the claim and answering: the replayed HTLC is resolved, the payer completes', async () => {
  const pn = await setupPayNet(net, 'cr1', { ASYNCPAY_DEV_STALL_AFTER_CLAIM: '1' });
  const { r, rs } = pn;
  const payer = new LdkPayer(pn);
  const before = net.ledger.spendable(rs, r);
  const f = await payer.fetch(15_000n, { note: 'crash' });
  await payer.holdAndWaitRelease(f.staticInvoice);
  const pre = randomBytes(32);
  const hash = sha256(pre);
  const from = logCount(r);
  const paying = payer.sendPart(f.staticInvoice, hash, { amount: 15_000n, total: 15_000n, extra: LdkPayer.extra(f.req.bytes, pre) });
  await logAfter(r, from, /claim of [0-9a-f]+ written; stalling before answering/);
  // The instant after the batch: the node dies with the hook unanswered.
  r.opts.env = { ...r.opts.env, ASYNCPAY_DEV_STALL_AFTER_CLAIM: '0' };
  await r.restart('SIGKILL');
  const out = await paying;
  assert.ok(out.ok, 'the payer’s payment completed');
  assert.equal(toHex(out.preimage), toHex(pre));
  const replay = r.payments.htlcHookCalls.filter((c) => c.who === 'plugin' && c.payload.htlc.payment_hash === toHex(hash));
  assert.equal(replay.length, 2, 'called before the crash and again on the replay');
  assert.equal(replay[1]!.payload.htlc.extra_tlvs, undefined, 'the replay has no path key');
  assert.equal(replay[1]!.answer.result, 'resolve');
  const [rec] = await payments(r, { payment_hash: toHex(hash) });
  assert.equal(rec.status, 'paid');
  assert.equal((await payStatus(r)).payments_received, 1, 'counted once');
  assert.equal(BigInt(rec.received_msat), net.ledger.spendable(rs, r) - before);
  // The notification the crash swallowed comes after the restart.
  await until(() => received(r).find((x) => x.payment_hash === toHex(hash)), 'notification after the restart');
  assert.deepEqual(net.violations(), []);
});

test('kill -9 with an MPP part held: after the restart the replayed part waits for the rest, and both settle', async () => {
  const { r, payer, f, hash, extra, first } = await firstPartHeld('cr2');
  await r.restart('SIGKILL');
  await until(async () => (await payStatus(r)).held_htlcs === 1, 'the replayed part held again');
  const second = payer.sendPart(f.staticInvoice, hash, { amount: 30_000n, total: 50_000n, partid: 2, extra });
  const [a, b] = await Promise.all([first, second]);
  assert.ok(a.ok && b.ok, 'both parts settled');
  const [rec] = await payments(r, { payment_hash: toHex(hash) });
  assert.equal(rec.status, 'paid');
  assert.equal(rec.parts, 2);
  assert.deepEqual(net.violations(), []);
});

test('kill -9 with an MPP part held and the rest never coming: after the restart (dev clock 2 min later) the replayed part is failed', async () => {
  const { r, hash, first } = await firstPartHeld('cr3');
  // The node comes back two minutes later (dev clock): the set's first part, recorded before
  // the crash, is older than the 60 s timeout.
  r.opts.env = { ...r.opts.env, ASYNCPAY_DEV_TIME_OFFSET: '120' };
  await r.restart('SIGKILL');
  const a = await first;
  assert.equal(a.ok, false, 'failed, not hung');
  const [rec] = await payments(r, { payment_hash: toHex(hash) });
  assert.equal(rec.status, 'failed');
  assert.equal(rec.failure_reason, 'mpp_timeout');
  assert.deepEqual(net.violations(), []);
});

test('a fresh invoice’s part held by lightningd at a kill -9: the replay (undecodable now) and the next part are settled by the plugin', async () => {
  const pn = await setupPayNet(net, 'cr4');
  const { r } = pn;
  const payer = new LdkPayer(pn);
  const f = await payer.fetch(40_000n, { wantInvoice: true });
  const inv = f.invoice!;
  const first = payer.sendPart(inv, inv.paymentHash, { amount: 15_000n, total: 40_000n, partid: 1 });
  // lightningd decoded it and holds it in its own MPP set, waiting for the rest.
  await until(() => r.payments.htlcHookCalls.some((c) => c.who === 'keysend' && c.payload.htlc.payment_hash === toHex(inv.paymentHash)), 'first part past the hooks');
  await r.restart('SIGKILL');
  await until(async () => (await payStatus(r)).held_htlcs === 1, 'the replayed part held by the plugin');
  const second = payer.sendPart(inv, inv.paymentHash, { amount: 25_000n, total: 40_000n, partid: 2 });
  const [a, b] = await Promise.all([first, second]);
  assert.ok(a.ok && b.ok, 'both parts settled');
  assert.equal(toHex(sha256(a.ok ? a.preimage : new Uint8Array())), toHex(inv.paymentHash));
  const [rec] = await payments(r, { payment_hash: toHex(inv.paymentHash) });
  assert.equal(rec.status, 'paid');
  assert.equal(rec.kind, 'invoice');
  assert.equal(rec.parts, 2);
  assert.deepEqual(net.violations(), []);
});

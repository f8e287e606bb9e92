// Issue 13, CLN to CLN: this plugin as payer P, as static invoice server S (with its
// mailbox) and as async recipient R, each on its own simulated lightningd. R offline
// when the payment starts: static invoice from S, held_htlc_available kept in S's
// mailbox, R back → release → P pays over R's blinded path → R claims; and R online:
// R's fresh invoice wins and is paid with lightningd's xpay.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import { status, until } from './recipient-helpers.js';
import { payments } from './pay-helpers.js';
import { waitingForRelease } from './payer-helpers.js';

const net = new SimNetwork();
after(() => net.close());

async function setup(name: string) {
  const s = await net.addClnNode(`${name}-S`);
  const r = await net.addClnNode(`${name}-R`, { announced: false, env: { ASYNCPAY_DEV_TICK_MS: '150' }, pluginOptions: { 'asyncpay-offer-count': 1 } });
  const p = await net.addClnNode(`${name}-P`);
  const n = net.channels.length + 1;
  const rs = net.addChannel(r, s, { scid: `950x${n}x0`, public: false, aliasA: `6000x${n}x1`, aliasB: `6001x${n}x1` });
  const ps = net.addChannel(p, s, { scid: `950x${n + 1}x0` });
  const issued = await s.cli('asyncrecipient-paths', { recipient_id: name });
  await r.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
  await until(async () => (await status(r)).slots.every((x: any) => x.state === 'ready'), 'R’s offer ready');
  const offer = (await r.cli('asyncoffer', {})).offer as string;
  return { s, r, p, rs, ps, offer };
}

async function sent(p: ClnNode, hash: string) {
  return p.payments.sendpays.payments.filter((x) => Buffer.from(x.paymentHash).toString('hex') === hash);
}

test('CLN payer → our S → our R, R offline when the payment starts: static invoice, held in S’s mailbox, released when R is back, claimed', async () => {
  const { s, r, p, rs, ps, offer } = await setup('off');
  await r.goOffline();
  const rBefore = net.ledger.spendable(rs, r);
  const pBefore = net.ledger.spendable(ps, p);
  const res = await waitingForRelease(p, await p.cli('asyncpay', { offer, amount_msat: 21_000, payer_note: 'while you slept', timeout: 8 }));
  assert.equal(res.status, 'waiting_for_release');
  assert.equal(res.invoice_kind, 'static_invoice');
  assert.equal(res.held_htlc_sent, 1);
  // The held_htlc_available waits at S for R (S's mailbox), no HTLC has left P.
  await until(async () => (await s.cli('asyncpay-mailbox', {})).total_messages >= 1, 'S holds messages for R');
  assert.equal((await sent(p, res.payment_hash)).length, 0, 'nothing sent before the release');

  await r.comeOnline();
  const done = await p.cli('waitasyncpay', { payment_hash: res.payment_hash, timeout: 60 });
  assert.equal(done.status, 'complete');
  assert.match(done.payment_preimage, /^[0-9a-f]{64}$/);
  // R's records match P's.
  const [rec] = await until(async () => {
    const l = await payments(r, { payment_hash: res.payment_hash });
    return l[0]?.status === 'paid' ? l : undefined;
  }, 'R records the payment');
  assert.equal(rec.kind, 'static');
  assert.equal(rec.payment_preimage, done.payment_preimage);
  assert.equal(rec.amount_msat, 21_000);
  assert.equal(rec.payer_note, 'while you slept');
  // Money moved: R gained what it received; P paid that plus S's fee.
  const got = net.ledger.spendable(rs, r) - rBefore;
  assert.equal(BigInt(rec.received_msat), got);
  assert.ok(got >= 21_000n);
  assert.equal(pBefore - net.ledger.spendable(ps, p), BigInt(done.amount_sent_msat));
  assert.equal((await sent(p, res.payment_hash)).length, 1, 'one HTLC');
  const note = await until(() => p.plugin!.notifications.find((x) => x.method === 'asyncpay_payment_sent'), 'asyncpay_payment_sent');
  assert.equal(note.params.payment_hash, res.payment_hash);
  assert.deepEqual(net.violations(), []);
});

test('CLN payer → our S → our R online: R’s fresh invoice wins and is paid through xpay; lightningd settles it at R', async () => {
  const { r, p, rs, offer } = await setup('on');
  const rBefore = net.ledger.spendable(rs, r);
  const res = await p.cli('asyncpay', { offer, amount_msat: 15_000, timeout: 30 });
  assert.equal(res.status, 'complete');
  assert.equal(res.invoice_kind, 'invoice');
  const [rec] = await until(async () => {
    const l = await payments(r, { payment_hash: res.payment_hash });
    return l[0]?.status === 'paid' ? l : undefined;
  }, 'R records the payment');
  assert.equal(rec.payment_preimage, res.payment_preimage);
  assert.ok(net.ledger.spendable(rs, r) - rBefore >= 15_000n);
  assert.deepEqual(net.violations(), []);
});

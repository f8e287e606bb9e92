// kill -9 of the payer's plugin in each state of a static-invoice payment: the plugin
// dies right after storing the state (ASYNCPAY_DEV_PAYER_CRASH_AFTER, a dev option
// like lightningd's), comes back on the same database, and the payment carries on:
// the request is sent, held_htlc_available goes out, a release that arrives after
// the restart is honoured, and the payment moves to paying exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { randomBytes } from '../../src/crypto/secp.js';
import { encodeMessage } from '../../src/messages/index.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import { logAfter, logCount, until } from './recipient-helpers.js';
import { ldkPayerNetwork, offerToString, pays } from './payer-helpers.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));

async function setup(crashAfter: string) {
  const env: Record<string, string> = { ASYNCPAY_DEV_PAYER_CRASH_AFTER: crashAfter };
  const { net, p, s, r } = await ldkPayerNetwork(nets, { env });
  return { net, p, s, r, env };
}

/** Waits for the plugin to kill itself, then starts it again (without the crash option) on the same data. */
async function restartAfterCrash(p: ClnNode, env: Record<string, string>): Promise<void> {
  const code = await p.plugin!.exited;
  assert.equal(code, null, 'killed by a signal');
  delete env.ASYNCPAY_DEV_PAYER_CRASH_AFTER;
  await p.killPlugin();
  await p.startPlugin();
}

for (const state of ['requested', 'static_invoice', 'waiting_for_release', 'paying', 'complete'] as const) {
  test(`kill -9 right after storing ${state}: the payment completes exactly once after the restart`, async () => {
    const { net, p, s, r, env } = await setup(state);
    const verdicts = r.acceptPayments();
    const call = p.cli('asyncpay', { offer: offerToString(r.offer), amount_msat: 25_000, timeout: 30 }).catch((e) => e);
    let held;
    if (state !== 'requested') {
      const { replyPath } = await s.nextRequest();
      s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
    }
    if (state === 'paying' || state === 'complete') {
      held = await r.nextHeld();
      r.release(held);
    }
    await restartAfterCrash(p, env);
    assert.match(String((await call).message), /PLUGIN_TERMINATED/);
    if (state === 'requested') {
      // The request had not left before the crash: it leaves now, over the same offer path.
      const { replyPath } = await s.nextRequest();
      s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
    }
    if (!held) {
      held = await r.nextHeld();
      const [rec] = await until(async () => {
        const l = await pays(p);
        return l[0]?.status === 'waiting_for_release' ? l : undefined;
      }, 'waiting_for_release');
      assert.equal(rec.held_htlc_sent, 1);
      // A release after the restart is honoured: the reply path's key comes from makesecret.
      r.release(held);
    }
    assert.equal(r.heldMessages().length, 1, 'held_htlc_available sent once');
    const [rec] = await pays(p);
    const done = await p.cli('waitasyncpay', { payment_hash: rec.payment_hash, timeout: 30 });
    assert.equal(done.status, 'complete');
    assert.equal(verdicts.length, 1, 'exactly one HTLC reached R');
    assert.equal(verdicts[0]!.ok, true, verdicts[0]!.why);
    assert.equal(done.payment_preimage, toHex(verdicts[0]!.preimage!));
    assert.deepEqual(net.violations(), []);
  });
}

test('kill -9 while the HTLC is in flight: after the restart listsendpays finds it, waitsendpay waits, nothing is sent again', async () => {
  const { net, p, s, r, env } = await setup('none');
  let release!: () => void;
  const verdicts = r.acceptPayments({ hold: new Promise<void>((res) => (release = res)) });
  const call = p.cli('asyncpay', { offer: offerToString(r.offer), amount_msat: 25_000, timeout: 1 });
  const { replyPath } = await s.nextRequest();
  s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
  const held = await r.nextHeld();
  await call;
  // Held went out, so the record has its payment hash (whatever the call returned).
  const [res] = await pays(p);
  r.release(held);
  await until(() => verdicts.length === 1, 'the HTLC to reach R (held there)');
  await p.killPlugin('SIGKILL');
  await p.startPlugin();
  await logAfter(p, 0, /resuming 1 payment/);
  release();
  const done = await p.cli('waitasyncpay', { payment_hash: res.payment_hash, timeout: 30 });
  assert.equal(done.status, 'complete');
  assert.equal(verdicts.length, 1, 'one HTLC, not two');
  const sends = p.payments.sendpays.payments.filter((x) => toHex(x.paymentHash) === res.payment_hash);
  assert.equal(sends.length, 1, 'lightningd sent one part');
  assert.deepEqual(net.violations(), []);
});

test('kill -9 right after storing invoice (fresh invoice, R online): paid once with xpay after the restart', async () => {
  const { net, p, s, r, env } = await setup('invoice');
  const verdicts = r.acceptPayments();
  const call = p.cli('asyncpay', { offer: offerToString(r.offer), amount_msat: 25_000, timeout: 30 }).catch((e) => e);
  const { req, replyPath } = await s.nextRequest();
  const preimage = randomBytes(32);
  const hash = r.node.payments.expect(preimage);
  assert.ok(r.node.send(replyPath, [encodeMessage({ kind: 'invoice', bytes: r.freshInvoice(req, hash).bytes })], { prefix: [s.node] }).ok);
  await restartAfterCrash(p, env);
  await call;
  const done = await p.cli('waitasyncpay', { payment_hash: toHex(hash), timeout: 30 });
  assert.equal(done.status, 'complete');
  assert.equal(done.payment_preimage, toHex(preimage));
  assert.equal(verdicts.length, 1);
  assert.deepEqual(net.violations(), []);
});

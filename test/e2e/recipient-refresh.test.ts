// Time passing, with the plugin's clock moved forward (ASYNCPAY_DEV_TIME_OFFSET, applied
// by restarting the plugin): used offers get their invoice re-sent over the same update
// path and re-confirmed; unused ready offers are rotated; offers near expiry are
// replaced; an expired offer is never handed out.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { offerIdOf } from '../../src/bolt12/offer-id.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import { DAY, LdkServerStandIn, nowSecs, rpcError, status, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

async function restartWithOffset(r: ClnNode, offsetSecs: number): Promise<void> {
  await r.killPlugin('SIGKILL');
  r.opts.env!.ASYNCPAY_DEV_TIME_OFFSET = String(offsetSecs);
  await r.startPlugin();
}

async function setup(name: string, count: number, expiry?: () => bigint) {
  const s = net.addExternalNode(`${name}-server`);
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode(name, {
    env: { ASYNCPAY_DEV_TICK_MS: '100' },
    pluginOptions: { 'asyncpay-server-paths': ldk.encodedPaths(), 'asyncpay-offer-count': count },
  });
  net.addChannel(r, s, { scid: `${950 + net.channels.length}x1x0`, public: false, aliasB: `${5000 + net.channels.length}x1x1` });
  const stop = ldk.auto(expiry ? { expiry } : {});
  await until(async () => (await status(r)).slots.every((x: any) => x.state === 'ready'), `${name}: all ready`);
  stop();
  return { s, ldk, r };
}

test('past the 2 h threshold: the used offer’s invoice is re-sent on its update path and re-confirmed; the unused ready offer is rotated', async () => {
  const { ldk, r } = await setup('refresh', 2);
  const used = await r.cli('asyncoffer', {});
  const st0 = await status(r);
  const usedSlot = st0.slots.find((x: any) => x.offer_id === used.offer_id);
  const other = st0.slots.find((x: any) => x.offer_id !== used.offer_id);
  const servesBefore = ldk.serves.length;
  // Right after confirmation nothing is refreshed (LDK: "not again right after confirmation").
  await new Promise((res) => setTimeout(res, 500));
  assert.equal(ldk.serves.length, servesBefore, 'no invoice re-sent within the threshold');

  await restartWithOffset(r, 2 * 3600 + 120);
  const stop = ldk.auto();
  try {
    // The used offer: a new invoice for the same offer, on the same serve path, confirmed.
    const refreshed = await until(
      () => ldk.serves.slice(servesBefore).find((x) => toHex(offerIdOf(x.invoice.records)) === used.offer_id),
      'refreshed invoice of the used offer',
    );
    assert.equal(ldk.servePaths.get(toHex(refreshed.servePathId)), usedSlot.invoice_slot, 'over the stored update path of that slot');
    assert.ok(Number(refreshed.invoice.createdAt) >= nowSecs() + 2 * 3600, 'created on the advanced clock');
    await until(async () => {
      const x = (await status(r)).slots.find((y: any) => y.offer_id === used.offer_id);
      return x.invoice_created_at === Number(refreshed.invoice.createdAt) && x.state === 'used';
    }, 're-confirmed, still used');
    // The unused ready offer older than 2 h is replaced in its slot (a new offer), not refreshed.
    const st = await until(async () => {
      const x = await status(r);
      const y = x.slots.find((z: any) => z.invoice_slot === other.invoice_slot);
      return y.offer_id !== other.offer_id && y.state === 'ready' ? x : undefined;
    }, 'the unused offer rotated');
    assert.ok(!ldk.serves.slice(servesBefore).some((x) => toHex(offerIdOf(x.invoice.records)) === other.offer_id), 'the old ready offer got no refreshed invoice');
    assert.equal(st.slots.find((y: any) => y.invoice_slot === usedSlot.invoice_slot).offer_id, used.offer_id, 'the used offer stays');
  } finally {
    stop();
  }
  const again = await r.cli('asyncoffer', {});
  assert.notEqual(again.offer_id, used.offer_id, 'the rotated, fresh offer is handed out first');
  assert.deepEqual(net.violations(), []);
});

test('paths near expiry: the ready offer is replaced before it expires', async () => {
  const expiry = BigInt(nowSecs() + 91 * DAY);
  const { ldk, r } = await setup('near-expiry', 1, () => expiry);
  const old = (await status(r)).slots[0];
  assert.equal(old.expires_at, Number(expiry));
  // 12 h before the paths expire (inside the 24 h margin).
  await restartWithOffset(r, 91 * DAY - 12 * 3600);
  const req = await ldk.nextRequest();
  assert.equal(req.slot, 0, 'a replacement is requested for the slot');
  const fresh = BigInt(nowSecs() + 91 * DAY + 365 * DAY);
  const answered = ldk.answer(req, { expiry: fresh });
  ldk.confirm(await serveOn(ldk, answered.servePathId));
  const st = await until(async () => {
    const x = (await status(r)).slots[0];
    return x.offer_id !== old.offer_id && x.state === 'ready' ? x : undefined;
  }, 'replaced offer ready');
  assert.equal(st.expires_at, Number(fresh));
  const got = await r.cli('asyncoffer', {});
  assert.equal(got.offer_id, st.offer_id);
  assert.deepEqual(net.violations(), []);
});

test('an expired offer is never returned: it is pruned, asyncoffer reports the state, and a new offer takes the slot', async () => {
  const expiry = BigInt(nowSecs() + 91 * DAY);
  const { ldk, r } = await setup('expired', 1, () => expiry);
  const used = await r.cli('asyncoffer', {});
  await restartWithOffset(r, 91 * DAY + 3600);
  const e = await rpcError(r, 'asyncoffer');
  assert.equal(e.code, 1921);
  assert.equal(e.data.state, 'requesting');
  const st = (await status(r)).slots[0];
  assert.equal(st.state, 'expired');
  assert.equal(st.expired_offer_id, used.offer_id);
  assert.equal(st.offer, null);
  const req = await ldk.nextRequest();
  const answered = ldk.answer(req, { expiry: BigInt(nowSecs() + 91 * DAY + 365 * DAY) });
  ldk.confirm(await serveOn(ldk, answered.servePathId));
  await until(async () => (await status(r)).slots[0].state === 'ready', 'new offer ready');
  const got = await r.cli('asyncoffer', {});
  assert.notEqual(got.offer_id, used.offer_id);
  assert.deepEqual(net.violations(), []);
});

/** The invoice R serves over the serve path of this answer. R may first re-send the slot's older
 * invoice on its previous path; confirming that one instead would leave the new offer unconfirmed. */
async function serveOn(ldk: LdkServerStandIn, servePathId: Uint8Array) {
  for (;;) {
    const s = await ldk.nextServe(0);
    if (toHex(s.servePathId) === toHex(servePathId)) return s;
  }
}

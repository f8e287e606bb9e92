// Restarts: the plugin is killed with SIGKILL between every step of building an offer
// and comes back on the same database. It must converge to a ready offer, never hold
// two records for a slot, and return the same offer afterwards.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { offerIdOf } from '../../src/bolt12/offer-id.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import { LdkServerStandIn, logAfter, logCount, status, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

async function crash(r: ClnNode): Promise<void> {
  await r.killPlugin('SIGKILL');
  await r.startPlugin();
}

function assertSlots(st: any, n: number): void {
  assert.equal(st.slots.length, n, 'one record per slot');
  assert.deepEqual(st.slots.map((x: any) => x.invoice_slot), [...Array(n).keys()], 'slots 0..n-1, no duplicates');
  const ids = st.slots.map((x: any) => x.offer_id).filter((x: any) => x !== null);
  assert.equal(new Set(ids).size, ids.length, 'no offer in two slots');
}

test('kill -9 at every state: requesting → awaiting confirmation → ready → used, same offer at the end', async () => {
  const s = net.addExternalNode('ldk-server');
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode('recipient', {
    env: { ASYNCPAY_DEV_TICK_MS: '200' },
    pluginOptions: { 'asyncpay-server-paths': ldk.encodedPaths(), 'asyncpay-offer-count': 1 },
  });
  net.addChannel(r, s, { scid: '900x1x0', public: false, aliasB: '4000x1x1' });

  // 1. requesting: the request is out, unanswered. Crash.
  const before = await ldk.nextRequest();
  assert.equal((await status(r)).slots[0].state, 'requesting');
  await crash(r);
  assertSlots(await status(r), 1);
  // The request from before the crash is still ours (its nonce was persisted): answering it builds the offer.
  let from = logCount(r);
  ldk.answer(before);
  const serve1 = await ldk.nextServe(0);
  const offerId = toHex(offerIdOf(serve1.invoice.records));
  await until(async () => (await status(r)).slots[0].state === 'awaiting_confirmation', 'pending');
  // The request R sent again after the restart is now stale: answering it changes nothing.
  const again = await ldk.nextRequest();
  ldk.answer(again);
  await logAfter(r, from, /ignored offer_paths for slot 0: not an answer to a request we are waiting on/);
  let st = await status(r);
  assertSlots(st, 1);
  assert.equal(st.slots[0].offer_id, offerId);

  // 2. awaiting confirmation, never confirmed. Crash: the pending offer's invoice is sent again (same offer).
  await crash(r);
  const serve2 = await ldk.nextServe(0);
  assert.equal(toHex(offerIdOf(serve2.invoice.records)), offerId, 'the same offer after the restart');
  assert.equal(toHex(serve2.servePathId), toHex(serve1.servePathId), 'over the stored update path');
  assert.ok(serve2.invoice.createdAt >= serve1.invoice.createdAt);
  // The confirmation of the invoice sent before the crash counts too (its reply path was ours).
  from = logCount(r);
  ldk.confirm(serve1);
  await logAfter(r, from, /is ready/);
  ldk.confirm(serve2);
  st = await until(async () => {
    const x = await status(r);
    return x.slots[0].invoice_created_at === Number(serve2.invoice.createdAt) ? x : undefined;
  }, 'newest confirmation recorded');
  assert.equal(st.slots[0].state, 'ready');

  // 3. ready. Crash: still ready, same offer.
  await crash(r);
  st = await status(r);
  assertSlots(st, 1);
  assert.equal(st.slots[0].state, 'ready');
  assert.equal(st.slots[0].offer_id, offerId);

  // 4. used. Crash: the same offer is returned.
  const got = await r.cli('asyncoffer', {});
  assert.equal(got.offer_id, offerId);
  await crash(r);
  const got2 = await r.cli('asyncoffer', {});
  assert.equal(got2.offer, got.offer, 'the same offer after a restart');
  assert.equal(got2.state, 'used');
  assertSlots(await status(r), 1);
  assert.deepEqual(net.violations(), []);
});

test('kill -9 repeatedly while slots fill against an answering server: converges, no duplicate slots, same offers after', async () => {
  const s = net.addExternalNode('ldk-server-2');
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode('recipient-2', {
    env: { ASYNCPAY_DEV_TICK_MS: '100' },
    pluginOptions: { 'asyncpay-server-paths': ldk.encodedPaths(), 'asyncpay-offer-count': 4 },
  });
  net.addChannel(r, s, { scid: '901x1x0', public: false, aliasB: '4001x1x1' });
  const allReady = async () => (await status(r)).slots.every((y: any) => y.state === 'ready');
  // Phase 1: S answers every request but holds its confirmations, so no slot can become
  // ready yet and R always has more to send after a restart. Crash after each new message
  // S sees: the crash count is fixed by this protocol, not by how fast R happens to be.
  let stop = ldk.auto({ confirm: false });
  try {
    for (let crashes = 0; crashes < 3; crashes++) {
      const seen = s.inbox.length;
      await until(() => s.inbox.length > seen, 'R makes progress');
      assert.ok(!(await status(r)).slots.some((y: any) => y.state === 'ready' || y.state === 'used'), 'nothing ready without a confirmation');
      await crash(r);
      assertSlots(await status(r), 4);
    }
    stop();
    // Phase 2: S confirms the held invoices of the offers R still holds, one at a time,
    // with a crash after each; then confirms everything as it comes while R is crashed
    // after each new message, until every slot is ready.
    const held = (await status(r)).slots.filter((x: any) => x.state === 'awaiting_confirmation');
    for (const slot of held) {
      const serve = [...ldk.serves].reverse().find((sv) => toHex(offerIdOf(sv.invoice.records)) === slot.offer_id);
      if (!serve) continue;
      ldk.confirm(serve);
      await until(async () => (await status(r)).slots[slot.invoice_slot].state === 'ready', `slot ${slot.invoice_slot} ready`);
      await crash(r);
      const kept = await status(r);
      assertSlots(kept, 4);
      assert.equal(kept.slots[slot.invoice_slot].state, 'ready', 'a confirmed slot stays ready across a crash');
      assert.equal(kept.slots[slot.invoice_slot].offer_id, slot.offer_id, 'with the same offer');
    }
    stop = ldk.auto();
    for (let i = 0; i < 3; i++) {
      const seen = s.inbox.length;
      await until(async () => s.inbox.length > seen || (await allReady()), 'R makes progress');
      if (await allReady()) break;
      await crash(r);
      assertSlots(await status(r), 4);
    }
    const st = await until(async () => {
      const x = await status(r);
      return x.slots.every((y: any) => y.state === 'ready') ? x : undefined;
    }, 'all four ready');
    assertSlots(st, 4);
    await crash(r);
    const st2 = await status(r);
    assert.deepEqual(
      st2.slots.map((x: any) => [x.invoice_slot, x.offer_id, x.state]),
      st.slots.map((x: any) => [x.invoice_slot, x.offer_id, x.state]),
      'the same offers in the same slots after a restart',
    );
  } finally {
    stop();
  }
  assert.deepEqual(net.violations(), []);
});

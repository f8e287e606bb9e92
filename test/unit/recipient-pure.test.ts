// The recipient's pure parts: LDK's cache rules, payinfo aggregation (against the
// route-blinding proposal's worked example that LDK tests too), server path parsing,
// chain hashes, per-offer keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey, pubFromPriv } from '../../src/crypto/secp.js';
import { encodeBlindedPath, encodeBlindedPathVec } from '../../src/onion/blinded_path.js';
import { createBlindedPath, unblindHop } from '../../src/onion/blinding.js';
import { RequestBackoff } from '../../src/recipient/backoff.js';
import { OfferCache, emptySlot, type SlotRecord, type SlotState } from '../../src/recipient/cache.js';
import { chainHashOf, offerChainsFor } from '../../src/recipient/chain.js';
import { offerSigningKey, paymentPathId } from '../../src/recipient/keys.js';
import { aggregateFees, amountToForward, buildPaymentPaths, computePayInfo, inboundChannels } from '../../src/recipient/payment-paths.js';
import { parseServerPaths, ServerPathsError } from '../../src/recipient/server-paths.js';

const H = 3600;
const NOW = 1_800_000_000;

function slot(i: number, state: SlotState, createdAt = NOW - 60, expiresAt: number | null = NOW + 365 * 86400, invoiceCreatedAt = createdAt): SlotRecord {
  const r = emptySlot(i);
  r.state = state;
  if (state !== 'requesting' && state !== 'expired') {
    r.offer = {
      offer: '', offer_id: `${i}`.padStart(64, '0'), nonce: '', update_path: '', paths_hash: `h${i}`, created_at: createdAt, expires_at: expiresAt,
      invoice_created_at: state === 'awaiting_confirmation' ? null : invoiceCreatedAt, sent_invoice_created_at: null, sent_at: null, invoices_sent: 1, confirmations: 0,
    };
  }
  return r;
}

test('cache: the first slot without an offer is requested first', () => {
  const c = new OfferCache(3, [slot(0, 'ready'), slot(1, 'requesting'), slot(2, 'requesting')]);
  assert.equal(c.needsNewOfferSlot(NOW), 1);
  const d = new OfferCache(3, [slot(0, 'ready'), slot(1, 'awaiting_confirmation'), slot(2, 'expired')]);
  assert.equal(d.needsNewOfferSlot(NOW), 2, 'an expired slot needs an offer');
});

test('cache: full of used/pending offers → nothing to request; one payable → not rotated (LDK)', () => {
  assert.equal(new OfferCache(2, [slot(0, 'used'), slot(1, 'awaiting_confirmation')]).needsNewOfferSlot(NOW), undefined);
  assert.equal(new OfferCache(2, [slot(0, 'ready', NOW - 3 * H), slot(1, 'awaiting_confirmation')]).needsNewOfferSlot(NOW), undefined);
});

test('cache: the oldest ready offer older than 2 h is rotated; younger ones are not', () => {
  const c = new OfferCache(3, [slot(0, 'ready', NOW - 3 * H), slot(1, 'ready', NOW - 5 * H), slot(2, 'used', NOW - 9 * H)]);
  assert.equal(c.needsNewOfferSlot(NOW), 1);
  assert.equal(c.slotNeedsOffer(0, NOW), true);
  assert.equal(c.slotNeedsOffer(2, NOW), false, 'a used offer is never replaced');
  const young = new OfferCache(2, [slot(0, 'ready', NOW - H), slot(1, 'ready', NOW - 2 * H + 1)]);
  assert.equal(young.needsNewOfferSlot(NOW), undefined);
  assert.equal(young.slotNeedsOffer(0, NOW), false);
});

test('cache: a ready offer within a day of expiry is replaced even if young or the only payable one', () => {
  const c = new OfferCache(2, [slot(0, 'ready', NOW - 60, NOW + 12 * H), slot(1, 'awaiting_confirmation')]);
  assert.equal(c.needsNewOfferSlot(NOW), 0);
  assert.equal(c.slotNeedsOffer(0, NOW), true);
  const used = new OfferCache(1, [slot(0, 'used', NOW - 60, NOW + 12 * H)]);
  assert.equal(used.needsNewOfferSlot(NOW), undefined, 'used offers are kept until they expire');
});

test('cache: pruning expires offers (state expired, request nonces dropped) and drops surplus unused slots', () => {
  const s1 = slot(1, 'ready', NOW - 60, NOW - 1);
  s1.request_nonces = ['aa'];
  const c = new OfferCache(2, [slot(0, 'used'), s1, slot(2, 'ready'), slot(3, 'used')]);
  const { changed, deleted, removedOffer } = c.prune(NOW);
  assert.equal(removedOffer, true);
  assert.deepEqual(changed.map((r) => r.slot), [1]);
  assert.deepEqual(deleted, [2]);
  assert.equal(c.get(1)!.state, 'expired');
  assert.equal(c.get(1)!.expired_offer_id, '1'.padStart(64, '0'));
  assert.deepEqual(c.get(1)!.request_nonces, []);
  assert.equal(c.get(3)!.state, 'used', 'a used offer beyond the count is kept until it expires');
  assert.equal(c.needsNewOfferSlot(NOW), 1);
});

test('cache: asyncoffer takes the newest ready offer (and marks it used), else the used one expiring last', () => {
  const c = new OfferCache(3, [slot(0, 'ready', NOW - 100), slot(1, 'ready', NOW - 10), slot(2, 'used', NOW - 1000, null)]);
  const a = c.pickForAsyncOffer()!;
  assert.deepEqual([a.record.slot, a.fresh, a.record.state], [1, true, 'used']);
  assert.equal(c.pickForAsyncOffer()!.record.slot, 0);
  const b = c.pickForAsyncOffer()!;
  assert.deepEqual([b.record.slot, b.fresh], [2, false], 'no expiry counts as the latest');
  assert.equal(new OfferCache(1, [slot(0, 'awaiting_confirmation')]).pickForAsyncOffer(), undefined);
});

test('cache: invoices refreshed are every pending one and used ones confirmed more than 2 h ago', () => {
  const c = new OfferCache(4, [
    slot(0, 'awaiting_confirmation'),
    slot(1, 'used', NOW - 9 * H, null, NOW - 2 * H - 1),
    slot(2, 'used', NOW - 9 * H, null, NOW - 2 * H),
    slot(3, 'ready', NOW - 9 * H, null, NOW - 9 * H),
  ]);
  assert.deepEqual(c.needingInvoiceRefresh(NOW).map((r) => r.slot), [0, 1]);
});

test('cache: confirmation makes pending ready; later ones keep the newest created_at; request nonces go stale with a new offer', () => {
  const c = new OfferCache(1, [slot(0, 'requesting')]);
  c.recordRequest(0, 'n1', NOW);
  c.recordRequest(0, 'n2', NOW);
  assert.ok(c.isOutstanding(0, 'n1') && c.isOutstanding(0, 'n2'));
  c.cachePending(0, { offer: '00', offer_id: 'ab'.repeat(32), nonce: '', update_path: '', paths_hash: 'p', created_at: NOW, expires_at: null });
  assert.equal(c.isOutstanding(0, 'n1'), false);
  assert.equal(c.hasOfferWithPaths('p'), true);
  const r = c.findByTag('ab'.repeat(8))!;
  c.confirm(r, NOW + 5);
  assert.equal(r.state, 'ready');
  c.confirm(r, NOW + 1);
  assert.equal(r.offer!.invoice_created_at, NOW + 5);
  assert.equal(c.findByTag('cd'.repeat(8)), undefined);
});

test('cache: paths must last 90 days; absent expiry is forever', () => {
  assert.equal(OfferCache.pathsExpiryAcceptable(undefined, NOW), true);
  assert.equal(OfferCache.pathsExpiryAcceptable(BigInt(NOW + 90 * 86400), NOW), true);
  assert.equal(OfferCache.pathsExpiryAcceptable(BigInt(NOW + 90 * 86400 - 1), NOW), false);
});

test('payinfo: the route-blinding example (LDK compute_payinfo test): 201 / 1001 / 300 / 900', () => {
  const relay = { cltvExpiryDelta: 144, feeProportionalMillionths: 500, feeBaseMsat: 100 };
  const U64 = 0xffffffffffffffffn;
  const pi = computePayInfo(
    [
      { relay, htlcMinimumMsat: 100n, htlcMaximumMsat: U64 },
      { relay, htlcMinimumMsat: 1000n, htlcMaximumMsat: U64 },
    ],
    { htlcMinimumMsat: 1n, htlcMaximumMsat: 100_000n },
    12,
  );
  assert.deepEqual([pi.feeBaseMsat, pi.feeProportionalMillionths, pi.cltvExpiryDelta, pi.htlcMinimumMsat, pi.htlcMaximumMsat], [201, 1001, 300, 900n, 100_000n]);
  assert.deepEqual(aggregateFees([]), { feeBaseMsat: 0n, feeProportionalMillionths: 0n });
  const one = computePayInfo([], { htlcMinimumMsat: 1n, htlcMaximumMsat: 4242n }, 18);
  assert.deepEqual([one.feeBaseMsat, one.cltvExpiryDelta, one.htlcMinimumMsat, one.htlcMaximumMsat], [0, 18, 1n, 4242n]);
});

test('payinfo: amount to forward keeps the full fee (LDK amt_to_forward_msat)', () => {
  const relay = { cltvExpiryDelta: 0, feeProportionalMillionths: 500, feeBaseMsat: 100 };
  for (const inbound of [101n, 1000n, 123_456n, 10_000_000n]) {
    const x = amountToForward(inbound, relay)!;
    const fee = (v: bigint) => (v * 500n) / 1_000_000n + 100n;
    assert.ok(x + fee(x) <= inbound, `${inbound}: forwards ${x}`);
    assert.ok(x + 1n + fee(x + 1n) > inbound, `${inbound}: ${x} is the largest`);
  }
  assert.equal(amountToForward(100n, relay), undefined);
});

test('payment paths: from listpeerchannels, peer alias for private channels, at most 3, unblind to us', () => {
  const us = asPrivKey(sha256(utf8('us')));
  const peers = [1, 2, 3, 4].map((i) => asPrivKey(sha256(utf8(`peer ${i}`))));
  const chan = (i: number, extra: Record<string, unknown>) => ({
    peer_id: toHex(pubFromPriv(peers[i]!)),
    peer_connected: true,
    state: 'CHANNELD_NORMAL',
    short_channel_id: `10${i}x1x0`,
    alias: { local: `1x1x${i}`, remote: `2x2x${i}` },
    receivable_msat: 1000 * (i + 1),
    updates: { remote: { fee_base_msat: 10 * i, fee_proportional_millionths: i, cltv_expiry_delta: 30 + i, htlc_minimum_msat: 5, htlc_maximum_msat: 1_000_000 } },
    ...extra,
  });
  const listed = [
    chan(0, { private: true }),
    chan(1, { private: false }),
    chan(2, { state: 'CHANNELD_AWAITING_LOCKIN' }),
    chan(3, { peer_connected: false }),
    { ...chan(0, {}), peer_id: toHex(pubFromPriv(peers[0]!)), updates: {} },
  ];
  const chans = inboundChannels(listed);
  assert.equal(chans.length, 2, 'only normal channels with a connected peer and a known policy');
  assert.equal(toHex(chans[0]!.peerId), toHex(pubFromPriv(peers[1]!)), 'most receivable first');
  assert.equal(chans[0]!.scid, (101n << 40n) | (1n << 16n), 'public channel: real scid');
  assert.equal(chans[1]!.scid, (2n << 40n) | (2n << 16n), 'private channel: the alias the peer gave');
  const pathId = sha256(utf8('path id'));
  const paths = buildPaymentPaths({ channels: chans, ourId: pubFromPriv(us), pathId, blockHeight: 1000, relativeExpirySecs: 365 * 86400 });
  assert.equal(paths.length, 2);
  const p = paths[1]!;
  const h0 = unblindHop(peers[0]!, p.path.firstPathKey, p.path.hops[0]!.encryptedData);
  assert.equal(h0.data.shortChannelId, chans[1]!.scid);
  const h1 = unblindHop(us, h0.nextPathKey, p.path.hops[1]!.encryptedData);
  assert.equal(toHex(h1.data.pathId!), toHex(pathId));
  assert.equal(h1.data.paymentConstraints!.maxCltvExpiry, 1000 + Math.floor((365 * 86400) / 540) + 3);
  assert.equal(p.path.hops[0]!.encryptedData.length, p.path.hops[1]!.encryptedData.length, 'hops padded to one size');
  assert.equal(p.payinfo.cltvExpiryDelta, 30 + 18);
  const many = buildPaymentPaths({ channels: [...chans, ...chans], ourId: pubFromPriv(us), pathId, blockHeight: 1, relativeExpirySecs: 0 });
  assert.equal(many.length, 3, 'LDK MAX_PAYMENT_PATHS');
  assert.equal(buildPaymentPaths({ channels: [], ourId: pubFromPriv(us), pathId, blockHeight: 1, relativeExpirySecs: 0 }).length, 0);
});

test('server paths: counted Vec, one path, concatenated, comma/space list, JSON array, array; junk refused', () => {
  const mk = (i: number) => createBlindedPath([{ nodeId: pubFromPriv(asPrivKey(sha256(utf8(`n${i}`)))), data: { pathId: new Uint8Array([i]) } }]);
  const [a, b] = [mk(1), mk(2)];
  const ha = toHex(encodeBlindedPath(a));
  const hb = toHex(encodeBlindedPath(b));
  const enc = (ps: ReturnType<typeof parseServerPaths>) => ps.map((p) => toHex(encodeBlindedPath(p)));
  assert.deepEqual(enc(parseServerPaths(toHex(encodeBlindedPathVec([a, b])))), [ha, hb]);
  assert.deepEqual(enc(parseServerPaths(ha)), [ha]);
  assert.deepEqual(enc(parseServerPaths(ha + hb)), [ha, hb]);
  assert.deepEqual(enc(parseServerPaths(`${ha}, ${hb}`)), [ha, hb]);
  assert.deepEqual(enc(parseServerPaths(JSON.stringify([ha, hb]))), [ha, hb]);
  assert.deepEqual(enc(parseServerPaths([ha, hb])), [ha, hb]);
  for (const bad of ['', 'xyz', '00', ha.slice(0, -2), '[1]', 42, ['zz'], '[']) {
    assert.throws(() => parseServerPaths(bad), ServerPathsError, JSON.stringify(bad));
  }
});

test('chain hashes in BOLT 12 order; mainnet offers carry no offer_chains (LDK drops the implied chain)', () => {
  assert.equal(toHex(chainHashOf('bitcoin')), '6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000');
  assert.equal(toHex(chainHashOf('regtest')), '06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f');
  assert.equal(toHex(chainHashOf('testnet')), '43497fd7f826957108f4a30fd9cec3aeba79972084e90ead01ea330900000000');
  assert.equal(toHex(chainHashOf('signet')), 'f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000');
  assert.equal(offerChainsFor('bitcoin'), undefined);
  assert.equal(offerChainsFor('regtest')!.length, 1);
  assert.throws(() => chainHashOf('dogecoin'));
});

test('per-offer keys: deterministic from base and nonce, distinct per nonce, path_id separate from the key', () => {
  const base = sha256(utf8('base'));
  const n1 = fromHex('01'.repeat(16));
  const n2 = fromHex('02'.repeat(16));
  assert.equal(toHex(offerSigningKey(base, n1)), toHex(offerSigningKey(base, n1)));
  assert.notEqual(toHex(offerSigningKey(base, n1)), toHex(offerSigningKey(base, n2)));
  assert.notEqual(toHex(paymentPathId(base, n1)), toHex(offerSigningKey(base, n1)));
});

test('backoff: a silent server is asked on ticks 1-3, then after skipping 1, 2, 4, … ticks (≤ 60); an answer resets it', () => {
  const b = new RequestBackoff();
  const sentOn: number[] = [];
  for (let t = 1; t <= 40; t++) {
    if (b.tick()) {
      b.requestSent();
      sentOn.push(t);
    }
  }
  assert.deepEqual(sentOn, [1, 2, 3, 5, 8, 13, 22, 39]);
  assert.equal(b.mayRequest(), false, 'peer connections do not bypass it');
  for (let i = 0; i < 100; i++) b.requestSent();
  assert.equal(b.skipTicks, 60, 'capped');
  b.answered();
  assert.deepEqual([b.unanswered, b.skipTicks, b.mayRequest(), b.tick()], [0, 0, true, true]);
});

// The recipient role against an LDK static invoice server (an external simulated node
// speaking LDK's formats through src/messages and src/onion, not our server code):
// configuration → offer_paths_request → offer_paths → offer + static invoice →
// static_invoice_persisted → `asyncoffer`. The test decodes what R built and checks it
// the way an LDK server and payer would, and unblinds the payment path hop by hop.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { parseOffer } from '../../src/bolt12/offer.js';
import { offerIdOf, offerRecords, sameOfferRecords } from '../../src/bolt12/offer-id.js';
import { verifyRecords } from '../../src/bolt12/merkle.js';
import { MESSAGE_NAME } from '../../src/bolt12/fields.js';
import { checkStaticInvoiceToPersist } from '../../src/bolt12/validate.js';
import { blindedNodeId, unblindHop } from '../../src/onion/blinding.js';
import { encodeBlindedPaths } from '../../src/onion/blinded_path.js';
import { SimNetwork } from '../sim/network.js';
import { scidToBigInt } from '../sim/scid.js';
import { DAY, LdkServerStandIn, REGTEST_CHAIN, nowSecs, rpcError, status, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

const POLICY_S_TO_R = { fee_base_msat: 1500, fee_proportional_millionths: 250, cltv_expiry_delta: 40, htlc_minimum_msat: 2000, htlc_maximum_msat: 500_000_000 };

test('LDK server: configured by option, R builds a ready offer that asyncoffer returns, and the objects are what LDK expects', async () => {
  const s = net.addExternalNode('ldk-server');
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode('recipient', {
    env: { ASYNCPAY_DEV_TICK_MS: '150' },
    pluginOptions: { 'asyncpay-server-paths': ldk.encodedPaths(), 'asyncpay-offer-count': 3 },
  });
  // Nothing is ready before the server answers; the error names the state.
  const early = await rpcError(r, 'asyncoffer');
  assert.equal(early.code, 1921);
  assert.match(early.data.state, /^(no_channel|requesting)$/);

  // A private channel: R is unannounced, S's alias is what S resolves when forwarding to R.
  net.addChannel(r, s, { scid: '700x1x0', public: false, aliasA: '1000x1x1', aliasB: '2000x2x2', policyB: POLICY_S_TO_R });

  const req = await ldk.nextRequest();
  assert.equal(req.slot, 0, 'the first empty slot is requested first');
  const expiry = BigInt(nowSecs() + 365 * DAY);
  const ans = ldk.answer(req, { expiry });
  const serve = await ldk.nextServe(0);
  const stBefore = await status(r);
  assert.equal(stBefore.slots[0].state, 'awaiting_confirmation');
  assert.equal((await rpcError(r, 'asyncoffer')).data.state, 'awaiting_confirmation');

  // What LDK's server checks (§4.4): parses (signature incl.), not expired, ≤ 5120 bytes; reply path present.
  const inv = serve.invoice;
  assert.deepEqual(checkStaticInvoiceToPersist(inv, nowSecs()), { ok: true });
  assert.ok(serve.replyPath, 'serve_static_invoice has a reply path');
  ldk.confirm(serve);
  await until(async () => (await status(r)).slots[0].state === 'ready', 'slot 0 ready');

  const got = await r.cli('asyncoffer', {});
  assert.equal(got.state, 'ready', 'first hand-out of a fresh offer');
  assert.equal(got.invoice_slot, 0);
  const offer = parseOffer(got.offer);
  assert.equal(got.offer_id, toHex(offerIdOf(offer.records)));
  assert.equal(got.expires_at, Number(expiry));

  // The offer (§7.4): our chain, exactly the server's paths, our issuer id, the paths' expiry; nothing else.
  assert.deepEqual(offer.chains?.map(toHex), [toHex(REGTEST_CHAIN)]);
  assert.equal(toHex(encodeBlindedPaths(offer.paths!)), toHex(encodeBlindedPaths(ans.paths)));
  assert.equal(offer.absoluteExpiry, expiry);
  assert.ok(offer.issuerId);
  assert.notEqual(toHex(offer.issuerId), r.idHex, 'per-offer key, not the node id');
  assert.equal(offer.amount, undefined);
  assert.equal(offer.description, undefined);
  assert.equal(offer.metadata, undefined);

  // The static invoice: offer records byte for byte, signed by offer_issuer_id, LDK's fields.
  assert.ok(sameOfferRecords(inv.records, offer.records));
  assert.deepEqual(offerRecords(inv.records).map((x) => toHex(x.raw)), offerRecords(offer.records).map((x) => toHex(x.raw)));
  assert.equal(toHex(inv.nodeId), toHex(offer.issuerId));
  assert.ok(verifyRecords(MESSAGE_NAME.staticInvoice, inv.records, inv.signature, offer.issuerId));
  assert.equal(inv.relativeExpiry, Number(expiry - inv.createdAt), 'invoice lives as long as the offer');
  assert.equal(toHex(inv.features!), '020000', 'basic_mpp optional');
  assert.ok(inv.heldHtlcAvailablePaths.length >= 1);

  // The forward path starts at the server itself (it relays only to itself or its peers).
  assert.equal(serve.forwardPath.intro.kind, 'pubkey');
  if (serve.forwardPath.intro.kind === 'pubkey') assert.equal(toHex(serve.forwardPath.intro.nodeId), s.idHex);

  // The payment path: intro = the channel peer S; S's hop forwards over the channel (S's own
  // alias) with S's policy toward R; the final hop is R with a path_id.
  assert.equal(inv.paths.length, 1);
  const path = inv.paths[0]!;
  assert.equal(path.intro.kind, 'pubkey');
  if (path.intro.kind === 'pubkey') assert.equal(toHex(path.intro.nodeId), s.idHex);
  assert.equal(path.hops.length, 2);
  const h0 = unblindHop(s.priv, path.firstPathKey, path.hops[0]!.encryptedData);
  assert.equal(toHex(blindedNodeId(s.id, h0.sharedSecret)), toHex(path.hops[0]!.blindedNodeId));
  assert.equal(h0.data.shortChannelId, scidToBigInt('2000x2x2'), "the peer's own alias for the private channel");
  assert.equal(s.resolveOwnScid(h0.data.shortChannelId!), r, 'S resolves that scid to R');
  assert.deepEqual(h0.data.paymentRelay, { cltvExpiryDelta: 40, feeProportionalMillionths: 250, feeBaseMsat: 1500 });
  assert.equal(h0.data.paymentConstraints?.htlcMinimumMsat, 2000n);
  const h1 = unblindHop(r.priv, h0.nextPathKey, path.hops[1]!.encryptedData);
  assert.equal(toHex(blindedNodeId(r.id, h1.sharedSecret)), toHex(path.hops[1]!.blindedNodeId), 'the last hop is R');
  assert.equal(h1.data.pathId?.length, 32);
  assert.equal(h1.data.nextNodeId, undefined);
  assert.equal(h1.data.shortChannelId, undefined);
  const maxCltv = h1.data.paymentConstraints!.maxCltvExpiry;
  assert.ok(maxCltv > 800_000 + 2016, `max_cltv_expiry ${maxCltv} covers the invoice lifetime`);
  assert.equal(h0.data.paymentConstraints!.maxCltvExpiry, maxCltv + 40, "the peer's limit adds its delta");
  // payinfo: one hop's fees as they are; cltv = S's delta + CLN's final 18.
  const pi = inv.blindedPay[0]!;
  assert.equal(pi.feeBaseMsat, 1500);
  assert.equal(pi.feeProportionalMillionths, 250);
  assert.equal(pi.cltvExpiryDelta, 40 + 18);
  assert.ok(pi.htlcMinimumMsat >= 1n && pi.htlcMinimumMsat <= 2000n);
  assert.ok(pi.htlcMaximumMsat < 500_000_000n && pi.htlcMaximumMsat > 499_000_000n, 'max less the fee');

  // Handed out once: next time the same (now used) offer comes back, as no other is ready.
  const again = await r.cli('asyncoffer', {});
  assert.equal(again.offer, got.offer);
  assert.equal(again.state, 'used');
  const st = await status(r);
  assert.equal(st.server_configured, true);
  assert.equal(st.slots[0].state, 'used');
  assert.equal(st.slots[0].invoice_created_at, Number(inv.createdAt));
  assert.deepEqual(net.violations(), []);
});

test('LDK server: configured by asyncreceive-setserver, fills every slot (unique slots 0..n-1), one request per check', async () => {
  const s = net.addExternalNode('ldk-server-2');
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode('recipient-2', { env: { ASYNCPAY_DEV_TICK_MS: '100' }, pluginOptions: { 'asyncpay-offer-count': 4 } });
  net.addChannel(r, s, { scid: '701x1x0', public: false, aliasA: '1001x1x1', aliasB: '2001x2x2' });
  assert.equal((await rpcError(r, 'asyncoffer')).data.state, 'no_server');
  assert.equal((await status(r)).server_configured, false);
  // The plain per-path list (JSON array form), as the server's `paths` output.
  const res = await r.cli('asyncreceive-setserver', { paths: JSON.stringify([toHex(encodeBlindedPaths([ldk.recipientPath]))]) });
  assert.equal(res.server_paths, 1);
  assert.equal(res.replaced, true);
  const stop = ldk.auto();
  try {
    await until(async () => (await status(r)).slots.every((x: any) => x.state === 'ready'), 'all slots ready');
  } finally {
    stop();
  }
  const st = await status(r);
  assert.deepEqual(st.slots.map((x: any) => x.invoice_slot), [0, 1, 2, 3]);
  assert.equal(new Set(st.slots.map((x: any) => x.offer_id)).size, 4, 'four distinct offers');
  // Every request named a slot in range, and every served invoice arrived on that slot's serve path.
  assert.ok(ldk.requests.every((q) => q.slot >= 0 && q.slot < 4));
  assert.deepEqual([...new Set(ldk.serves.map((x) => ldk.servePaths.get(toHex(x.servePathId))))].sort(), [0, 1, 2, 3]);
  // No more requests once full (LDK limit_serve_static_invoice_requests): wait a few ticks' worth of activity.
  const n = ldk.requests.length;
  await new Promise((res2) => setTimeout(res2, 600));
  assert.equal(s.inbox.filter((m) => m.records.some((x) => x.type === 75540n)).length, n, 'no request while every slot is ready and fresh');
  // asyncoffer hands out the newest ready offer first, each a different one.
  const a = await r.cli('asyncoffer', {});
  const b = await r.cli('asyncoffer', {});
  assert.notEqual(a.offer, b.offer);
  const maxCreated = Math.max(...st.slots.map((x: any) => x.created_at));
  assert.equal(st.slots.find((x: any) => x.offer_id === a.offer_id).created_at, maxCreated, 'the most recently created ready offer first');
  // Same paths again: not a replacement, the cache is kept.
  const res2 = await r.cli('asyncreceive-setserver', { paths: ldk.encodedPaths() });
  assert.equal(res2.replaced, false);
  assert.equal((await status(r)).slots.filter((x: any) => x.state !== 'requesting').length, 4);
  assert.deepEqual(net.violations(), []);
});

test('setserver rejects what is not a path list, and a new server restarts the cycle', async () => {
  const s = net.addExternalNode('ldk-server-3');
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode('recipient-3', { env: { ASYNCPAY_DEV_TICK_MS: '100' }, pluginOptions: { 'asyncpay-offer-count': 2 } });
  net.addChannel(r, s, { scid: '702x1x0', public: false, aliasB: '2002x2x2' });
  for (const bad of ['zz', '0001', '[1,2]', '']) {
    const e = await rpcError(r, 'asyncreceive-setserver', { paths: bad });
    assert.equal(e.code, -32602, `rejects ${JSON.stringify(bad)}`);
  }
  assert.equal((await status(r)).server_configured, false);
  await r.cli('asyncreceive-setserver', { paths: [toHex(encodeBlindedPaths([ldk.recipientPath]))] });
  const stop = ldk.auto();
  await until(async () => (await status(r)).slots.every((x: any) => x.state === 'ready'), 'both ready');
  stop();
  // Another server: the cache starts over (every slot requesting again).
  const s2 = net.addExternalNode('ldk-server-3b');
  const ldk2 = new LdkServerStandIn(s2);
  net.addChannel(r, s2, { scid: '703x1x0', public: false, aliasB: '2003x2x2' });
  const res = await r.cli('asyncreceive-setserver', { paths: ldk2.encodedPaths() });
  assert.equal(res.replaced, true);
  const after0 = await status(r);
  assert.deepEqual(after0.slots.map((x: any) => x.offer_id), [null, null]);
  const q = await ldk2.nextRequest();
  assert.equal(q.slot, 0);
  assert.deepEqual(net.violations(), []);
});

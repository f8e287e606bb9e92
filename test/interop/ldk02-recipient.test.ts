// LDK 0.2.5 in the loop (test/interop/ldk02): OUR recipient on an LDK static invoice server.
// S_L is a real LDK node acting as server the way ldk-node does (the bridge persists each
// PersistStaticInvoice and answers StaticInvoiceRequested from its store); P_L is a real LDK
// payer. Our R (the plugin in the simulator) has a simulator channel to S_L; LDK knows
// nothing of it, so P_L's HTLC cannot reach R — what is checked is everything before it.
//
//     P_L ──(private, LDK)── S_L ──(public, LDK)── H        S_L ┄┄(simulator channel)┄┄ R (ours)
//
// Our R releasing P_L's held HTLC is in ldk02-payments.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { parseOffer } from '../../src/bolt12/offer.js';
import { decodeStaticInvoice } from '../../src/bolt12/static-invoice.js';
import { encodeBlindedPath } from '../../src/onion/blinded_path.js';
import { scidToString } from '../sim/scid.js';
import { ldk02Suite, ldkServerNetwork } from './ldk02/suite.js';
import { rpcError, status, until } from '../e2e/recipient-helpers.js';

const suite = ldk02Suite();
const { skip } = suite;

test('our recipient on an LDK server: asyncoffer becomes ready with LDK S_L; LDK P_L fetches our static invoice from S_L and accepts it', { skip }, async () => {
  const { net, ldk, sl } = await ldkServerNetwork(suite, 'server');

  // S_L's paths for this recipient, in the encoding ldk-node prints (u16 count + paths).
  const paths = await ldk.cmd('blinded_paths_for_async_recipient', { node: 'SL', recipient_id: toHex(new TextEncoder().encode('our-r')) });
  const r = await net.addClnNode('recipient', {
    network: 'testnet', // LDK's test chain
    env: { ASYNCPAY_DEV_TICK_MS: '150' },
    pluginOptions: { 'asyncpay-server-paths': paths.encoded, 'asyncpay-offer-count': 2 },
  });
  net.addChannel(r, sl, { scid: '700x1x0', public: false, aliasA: '1000x1x1', aliasB: '2000x2x2' });

  // LDK's server handles our offer_paths_request and serve_static_invoice (PersistStaticInvoice),
  // and our R marks the offer ready on LDK's static_invoice_persisted.
  const persisted = await ldk.waitLdk('SL', 'PersistStaticInvoice');
  const got = await until(() => r.cli('asyncoffer', {}).catch(() => undefined), 'asyncoffer ready');
  const offer = parseOffer(got.offer);
  const stored = ldk.ldkEvents('SL', 'PersistStaticInvoice').map((e) => decodeStaticInvoice(fromHex(e.invoice)));
  const inv = stored.find((i) => toHex(i.nodeId) === toHex(offer.issuerId!));
  assert.ok(inv, 'S_L persisted the static invoice of the offer asyncoffer returns');
  assert.equal(persisted.recipient_id, toHex(new TextEncoder().encode('our-r')));
  // LDK read our serve_static_invoice for the slot our offer_paths_request named.
  const forOffer = ldk.ldkEvents('SL', 'PersistStaticInvoice').find((e) => e.invoice === toHex(inv.bytes));
  assert.equal(forOffer?.invoice_slot, got.invoice_slot, 'S_L stored it under the slot our R requested');
  // We read LDK's offer_paths: the offer's paths start at S_L (by id or by one of its channels)
  // and expire when S_L said (LDK: 365 days from now).
  for (const p of offer.paths!) {
    if (p.intro.kind === 'pubkey') {
      assert.equal(toHex(p.intro.nodeId), sl.idHex, 'offer path introduced by S_L');
    } else {
      // sciddir: direction 0 is the lesser node id of the channel (BOLT 7).
      const scid = scidToString(p.intro.scid);
      const ch = net.channels.find((c) => c.scid === scid);
      assert.ok(ch, `LDK channel ${scid} known to the simulator`);
      const [n1, n2] = ch.a.idHex < ch.b.idHex ? [ch.a, ch.b] : [ch.b, ch.a];
      assert.equal((p.intro.direction === 0 ? n1 : n2).idHex, sl.idHex, 'offer path introduced by S_L (sciddir)');
    }
  }
  const year = BigInt(365 * 86_400);
  const now = BigInt(Math.floor(Date.now() / 1000));
  assert.ok(offer.absoluteExpiry! > now + year - 3600n && offer.absoluteExpiry! <= now + year, `offer expiry ${offer.absoluteExpiry} is S_L's paths_absolute_expiry`);

  // LDK reads our static invoice with the fields we wrote.
  const byLdk = await ldk.cmd('parse_static_invoice', { hex: toHex(inv.bytes) });
  assert.equal(byLdk.ok, true, byLdk.error);
  assert.equal(byLdk.reencoded, toHex(inv.bytes), 'LDK re-encodes it byte for byte');
  assert.equal(byLdk.signing_pubkey, toHex(inv.nodeId));
  assert.equal(BigInt(byLdk.created_at), inv.createdAt);
  assert.deepEqual(byLdk.offer_paths, offer.paths!.map((p) => toHex(encodeBlindedPath(p))), "the offer's paths are S_L's");
  assert.deepEqual(byLdk.held_htlc_available_paths, inv.heldHtlcAvailablePaths.map((p) => toHex(encodeBlindedPath(p))));
  assert.equal(byLdk.payment_paths.length, inv.paths.length);
  assert.equal(byLdk.payment_paths[0].fee_base_msat, inv.blindedPay[0]!.feeBaseMsat);
  assert.equal(byLdk.payment_paths[0].cltv_expiry_delta, inv.blindedPay[0]!.cltvExpiryDelta);
  const byLdkOffer = await ldk.cmd('parse_offer', { offer: got.offer });
  assert.equal(byLdkOffer.ok, true);
  assert.equal(byLdkOffer.issuer_signing_pubkey, toHex(offer.issuerId!));

  // P_L pays the offer: S_L answers from its store with our static invoice, P_L accepts it and
  // sends held_htlc_available toward R (as the invoice's held-HTLC paths say).
  await ldk.cmd('pay_for_offer', { node: 'PL', offer: got.offer, amount_msat: 20_000, payment_id: '22'.repeat(32) });
  const asked = await ldk.waitLdk('SL', 'StaticInvoiceRequested');
  assert.equal(asked.found, true, 'S_L had the invoice for the requested slot');
  await until(async () => (await ldk.cmd('logged', { node: 'PL', contains: 'Sending held_htlc_available message for async HTLC' })).count > 0, 'P_L accepting our static invoice');
  assert.equal(ldk.ldkEvents('PL', 'PaymentFailed').length, 0, 'P_L did not reject the invoice');
  assert.equal(ldk.ldkEvents('SL', 'RespondError').length, 0);
  assert.deepEqual(net.violations(), []);
  assert.deepEqual(ldk.problems(), []);
});

test('our recipient on an LDK server that confirms and answers when the test says: not ready before static_invoice_persisted, no static invoice before respond_to_static_invoice_request', { skip }, async () => {
  const { net, ldk, sl } = await ldkServerNetwork(suite, 'server_manual');
  const paths = await ldk.cmd('blinded_paths_for_async_recipient', { node: 'SL', recipient_id: '0102' });
  const r = await net.addClnNode('recipient-late', {
    network: 'testnet',
    env: { ASYNCPAY_DEV_TICK_MS: '150' },
    pluginOptions: { 'asyncpay-server-paths': paths.encoded, 'asyncpay-offer-count': 1 },
  });
  net.addChannel(r, sl, { scid: '701x1x0', public: false, aliasA: '1001x1x1', aliasB: '2001x2x2' });

  // LDK has our invoice (PersistStaticInvoice) but has not confirmed it: nothing is handed out.
  const pending = await ldk.waitLdk('SL', 'PendingPersist');
  assert.equal(pending.invoice_slot, 0);
  await until(async () => (await status(r)).slots[0].state === 'awaiting_confirmation' || undefined, 'R awaiting confirmation');
  const early = await rpcError(r, 'asyncoffer');
  assert.equal(early.code, 1921);
  assert.equal(early.data.state, 'awaiting_confirmation');

  // LDK's static_invoice_persisted over the reply path of our serve_static_invoice: ready.
  await ldk.cmd('static_invoice_persisted', { node: 'SL', ref: pending.ref });
  const got = await until(() => r.cli('asyncoffer', {}).catch(() => undefined), 'asyncoffer ready');
  assert.equal(got.invoice_slot, 0);

  // P_L's request reaches S_L; until S_L answers, P_L has no invoice; then it accepts ours.
  await ldk.cmd('pay_for_offer', { node: 'PL', offer: got.offer, amount_msat: 7000, payment_id: '33'.repeat(32) });
  const req = await ldk.waitLdk('SL', 'PendingRequest');
  assert.equal(req.invoice_slot, 0);
  const accepted = () => ldk.cmd('logged', { node: 'PL', contains: 'Sending held_htlc_available message for async HTLC' }).then((x) => x.count as number);
  assert.equal(await accepted(), 0, 'no static invoice yet');
  await ldk.cmd('respond_to_static_invoice_request', { node: 'SL', ref: req.ref });
  await until(async () => (await accepted()) > 0 || undefined, 'P_L accepting our static invoice');
  assert.equal(ldk.ldkEvents('PL', 'PaymentFailed').length, 0);
  assert.deepEqual(net.violations(), []);
  assert.deepEqual(ldk.problems(), []);
});

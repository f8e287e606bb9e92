// LDK 0.2.5 in the loop (test/interop/ldk02): an LDK wallet on OUR static invoice server.
// Real LDK nodes — payer P_L, LSP L, often-offline recipient R_L, hub H — with real channels
// on LDK's test chain, joined to the simulator where our plugin runs server S:
//
//     P_L ──(private)── L ──(private)── R_L        L ──(public)── H
//       \               |               /
//        `───────── S (our plugin, onion messages only) ─────────'
//
// R_L is configured with S's `asyncrecipient-paths`; LDK's own async-recipient code gets its
// offer from S, and LDK's own payer code pays it while R_L is offline. A second topology gives
// P_L its own LSP P_LSP that holds P_L's HTLC (LDK's often-offline payer, `hold_htlc`).
//
// Found on the way: LDK 0.2.5 fails a held HTLC at once (ChannelNotReady) when the node asked
// to hold it is also the offline recipient's channel peer — it checks the outgoing channel
// before holding — so an often-offline P_L and R_L cannot share one LSP; LDK's own
// async_payment_e2e test uses two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { parseOffer } from '../../src/bolt12/offer.js';
import { decodeStaticInvoice } from '../../src/bolt12/static-invoice.js';
import { encodeBlindedPath } from '../../src/onion/blinded_path.js';
import { ldk02Suite } from './ldk02/suite.js';
import { until } from '../e2e/recipient-helpers.js';

const suite = ldk02Suite();
const { skip } = suite;

type Topology = 'shared-lsp' | 'payer-lsp';

async function setup(topology: Topology) {
  const net = suite.network();
  const s = await net.addClnNode('server');
  // S is a public node (a public channel in the simulator's gossip), so its paths start at S.
  net.addChannel(s, net.addExternalNode('sim-hub'), { scid: '900x1x0', public: true });
  const ldk = await suite.startLdk(net, {
    nodes:
      topology === 'shared-lsp'
        ? [
            { name: 'PL', role: 'plain' }, // online payer: waits for release_held_htlc itself
            { name: 'L', role: 'lsp' },
            { name: 'RL', role: 'often_offline' },
            { name: 'H', role: 'plain' },
          ]
        : [
            { name: 'PL', role: 'often_offline' }, // locks its HTLC in at P_LSP, which holds it
            { name: 'PLSP', role: 'lsp' },
            { name: 'L', role: 'lsp' },
            { name: 'RL', role: 'often_offline' },
          ],
    channels:
      topology === 'shared-lsp'
        ? [
            { a: 'PL', b: 'L' },
            { a: 'L', b: 'H', announced: true },
            { a: 'L', b: 'RL' },
          ]
        : [
            { a: 'PL', b: 'PLSP' },
            { a: 'PLSP', b: 'L', announced: true },
            { a: 'L', b: 'RL' },
          ],
  });
  for (const n of ['PL', 'L', 'RL']) net.connect(ldk.node(n), s);
  if (topology === 'payer-lsp') net.connect(ldk.node('PLSP'), s);
  return { net, s, ldk };
}

for (const topology of ['shared-lsp', 'payer-lsp'] as const) {
test(`LDK wallet on our server (${topology}): LDK R_L gets its offer from S, goes offline, LDK P_L pays it via S's static invoice, R_L releases, PaymentSent/PaymentClaimed`, { skip }, async () => {
  const { net, s, ldk } = await setup(topology);

  // Out of band: S's paths for this recipient, pasted into LDK's set_paths_to_static_invoice_server.
  const res = await s.cli('asyncrecipient-paths', { recipient_id: 'ldk-wallet' });
  await ldk.cmd('set_paths_to_static_invoice_server', { node: 'RL', paths: res.paths });

  // LDK's recipient asks S for offer paths, builds its offer and static invoice, serves it,
  // and once S confirms, hands out an offer.
  const got = await until(() => ldk.cmd('get_async_receive_offer', { node: 'RL' }).catch(() => undefined), 'an async receive offer at R_L');
  const offer = parseOffer(got.offer);
  const stored = await until(async () => {
    const l = await s.cli('staticinvoice-list', { recipient_id: 'ldk-wallet' });
    return l.invoices.find((x: any) => x.status === 'confirmed');
  }, 'a confirmed static invoice at S');
  const inv = decodeStaticInvoice(fromHex(stored.invoice));
  // The offer's paths are the paths S handed out: they lead to S.
  const ldkOffer = await ldk.cmd('parse_offer', { offer: got.offer });
  assert.equal(ldkOffer.ok, true);
  for (const p of offer.paths!) {
    assert.equal(p.intro.kind, 'pubkey');
    if (p.intro.kind === 'pubkey') assert.equal(toHex(p.intro.nodeId), s.idHex, 'offer path starts at S');
  }
  // The invoice S stores is R_L's invoice for exactly this offer, and we read LDK's static
  // invoice field for field as LDK does.
  const byLdk = await ldk.cmd('parse_static_invoice', { hex: stored.invoice });
  assert.equal(byLdk.ok, true);
  assert.equal(byLdk.reencoded, stored.invoice);
  assert.equal(byLdk.signing_pubkey, toHex(inv.nodeId));
  assert.equal(byLdk.issuer_signing_pubkey ?? null, ldkOffer.issuer_signing_pubkey ?? null);
  assert.equal(BigInt(byLdk.created_at), inv.createdAt);
  assert.equal(byLdk.relative_expiry, inv.relativeExpiry);
  assert.deepEqual(byLdk.offer_paths, ldkOffer.paths, 'the static invoice repeats the offer paths');
  assert.deepEqual(byLdk.held_htlc_available_paths, inv.heldHtlcAvailablePaths.map((p) => toHex(encodeBlindedPath(p))));
  assert.equal(byLdk.payment_paths.length, inv.paths.length);
  inv.blindedPay.forEach((pi, k) => {
    assert.equal(byLdk.payment_paths[k].fee_base_msat, pi.feeBaseMsat);
    assert.equal(byLdk.payment_paths[k].fee_proportional_millionths, pi.feeProportionalMillionths);
    assert.equal(byLdk.payment_paths[k].cltv_expiry_delta, pi.cltvExpiryDelta);
    assert.equal(BigInt(byLdk.payment_paths[k].htlc_maximum_msat), pi.htlcMaximumMsat);
  });
  assert.deepEqual(
    ldkOffer.paths,
    offer.paths!.map((p) => toHex(encodeBlindedPath(p))),
    'LDK and we read the same offer paths',
  );

  // R_L goes offline (as a phone does); P_L pays the offer.
  await ldk.setOnline('RL', false);
  const paymentId = '11'.repeat(32);
  await ldk.cmd('pay_for_offer', { node: 'PL', offer: got.offer, amount_msat: 5000, payment_id: paymentId });

  // S answers P_L's invoice_request with R_L's static invoice; P_L sends held_htlc_available
  // toward R_L, which L (R_L's LSP) holds while R_L is away (with the invoice_request S forwarded).
  await until(() => ldk.ldkEvents('L', 'OnionMessageIntercepted').length >= 2 || undefined, 'L holding messages for R_L');
  assert.ok(ldk.ldkEvents('L', 'OnionMessageIntercepted').every((e) => e.peer === ldk.node('RL').idHex));
  if (topology === 'payer-lsp') {
    // P_L's HTLC is locked in on its channel to P_LSP (hold_htlc), and P_LSP holds it.
    const pl = await ldk.cmd('channels', { node: 'PL' });
    assert.ok(pl.channels[0].outbound_capacity_msat < 990_000_000 - 5000, 'the HTLC is committed at P_LSP');
    assert.ok((await ldk.cmd('logged', { node: 'PL', contains: 'Sending held_htlc_available message for async HTLC, with reply_path terminating at our always-online counterparty' })).count > 0);
  }
  assert.equal(ldk.ldkEvents('PL', 'PaymentSent').length, 0, 'nothing is paid while R_L is offline');
  assert.equal(ldk.ldkEvents('RL', 'PaymentClaimable').length, 0);

  // R_L comes back: L releases the held messages, R_L releases the HTLC, the payment completes.
  await ldk.setOnline('RL', true);
  const sent = await ldk.waitLdk('PL', 'PaymentSent');
  const claimed = await ldk.waitLdk('RL', 'PaymentClaimed');
  assert.equal(sent.payment_id, paymentId);
  assert.equal(sent.invoice_kind, 'static', 'P_L paid the static invoice');
  assert.equal(sent.invoice, stored.invoice, 'the static invoice S served is the one S stored');
  assert.equal(claimed.amount_msat, 5000);
  assert.equal(claimed.payment_hash, sent.payment_hash);
  assert.deepEqual(net.violations(), []);
  assert.deepEqual(ldk.problems(), []);
});
}

test('LDK wallet on our server: LDK fills its ten offer slots through S, one per timer tick, each offer on fresh paths', { skip }, async () => {
  const { net, s, ldk } = await setup('shared-lsp');
  const res = await s.cli('asyncrecipient-paths', { recipient_id: 'ldk-ten' });
  await ldk.cmd('set_paths_to_static_invoice_server', { node: 'RL', paths: res.paths });
  const confirmed = async () => (await s.cli('staticinvoice-list', { recipient_id: 'ldk-ten' })).invoices.filter((x: any) => x.status === 'confirmed');
  await until(async () => (await confirmed()).length >= 1 || undefined, 'the first confirmed invoice');
  // LDK asks for one more offer per timer tick until it caches ten (async_receive_offer_cache).
  // A tick whose messages the simulator's connectd rate limit dropped is simply repeated, as
  // LDK's next timer tick would.
  const requests = async () => (await ldk.cmd('logged', { node: 'RL', contains: 'when sending AsyncPaymentsMessage: OfferPathsRequest' })).count as number;
  for (let have = (await confirmed()).length; have < 10; have = (await confirmed()).length) {
    let done = false;
    for (let attempt = 0; attempt < 5 && !done; attempt++) {
      await ldk.cmd('tick', { node: 'RL' });
      done = await until(async () => (await confirmed()).length > have || undefined, `slot ${have} confirmed`, 3000).catch(() => false);
    }
    assert.ok(done, `LDK got offer ${have + 1} through S`);
  }
  // Full: further ticks send no offer_paths_request (the count is read after LDK handled the tick).
  const asked = await requests();
  assert.ok(asked >= 10, `LDK logged ${asked} offer_paths_requests`);
  await ldk.cmd('tick', { node: 'RL' });
  await ldk.cmd('tick', { node: 'RL' });
  assert.equal(await requests(), asked, 'no request once ten offers are cached');
  const list = await confirmed();
  assert.deepEqual(list.map((x: any) => x.invoice_slot).sort((a: number, b: number) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'slots 0..9, no more');
  assert.equal(new Set(list.map((x: any) => x.offer_id)).size, 10, 'ten distinct offers');
  // LDK drops offer_paths that repeat a cached offer's paths: ten offers mean ten fresh path sets.
  const pathSets = new Set<string>();
  for (const x of list) {
    const p = await ldk.cmd('parse_static_invoice', { hex: x.invoice });
    assert.equal(p.ok, true);
    pathSets.add(p.offer_paths.join(','));
  }
  assert.equal(pathSets.size, 10);
  assert.deepEqual(net.violations(), []);
  assert.deepEqual(ldk.problems(), []);
});

// `npm run demo`: the whole async-payment story on a simulated network, narrated.
// S (static invoice server, an LSP, with its mailbox), R (an often-offline wallet
// node) and P (a CLN payer), all running this plugin inside simulated lightningd
// nodes; L a payer speaking LDK's protocol by hand; X a relay between L and S.
// P pays R's async offer while R is offline; the money arrives when R is back.
// Exits 0 when every step succeeded; otherwise non-zero, naming the failed step.
import { toHex, utf8 } from '../src/codec/bytes.js';
import { sha256 } from '../src/crypto/hash.js';
import { asPrivKey } from '../src/crypto/secp.js';
import { encodeBolt12, HRP } from '../src/bolt12/bech32.js';
import { buildInvoiceRequest } from '../src/bolt12/build.js';
import { parseOffer, type Offer } from '../src/bolt12/offer.js';
import { decodeStaticInvoice, type StaticInvoice } from '../src/bolt12/static-invoice.js';
import { checkStaticInvoiceForPayment } from '../src/bolt12/validate.js';
import type { ChainHash } from '../src/bolt12/values.js';
import { encodeMessage } from '../src/messages/index.js';
import type { BlindedPath } from '../src/onion/types.js';
import { SimNetwork } from '../test/sim/network.js';
import type { ClnNode } from '../test/sim/cln-node.js';
import type { ExternalNode } from '../test/sim/external-node.js';
import { until as pollUntil } from '../test/e2e/recipient-helpers.js';

const REGTEST = Uint8Array.from(Buffer.from('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f', 'hex')) as ChainHash;
const TOTAL = 13;
let step = 0;
let current = '';
const t0 = Date.now();

function begin(title: string): void {
  step++;
  current = title;
  console.log(`\n[${step}/${TOTAL}] ${title}`);
}
function say(line: string): void {
  console.log(`      ${line}`);
}
const short = (s: string, n = 48) => (s.length > n + 12 ? `${s.slice(0, n)}…${s.slice(-8)} (${s.length} chars)` : s);

// DEMO_SERVER_OPTIONS: extra plugin options for S as JSON, e.g. '{"asyncpay-autoconfirm": false}'
// (then S never confirms and the demo stops at step 6, saying so). DEMO_WAIT_MS: per-step patience.
const SERVER_OPTIONS = JSON.parse(process.env.DEMO_SERVER_OPTIONS ?? '{}') as Record<string, unknown>;
const WAIT_MS = Number(process.env.DEMO_WAIT_MS ?? 20_000);
const PAY_MSAT = 21_000;

const until = <T>(f: () => Promise<T | undefined | false>, what: string): Promise<T> => pollUntil(f, what, WAIT_MS);

function describeInvoice(inv: StaticInvoice): void {
  say(`static invoice: ${short(encodeBolt12(HRP.invoice, inv.bytes), 60)}`);
  say(`  (bech32 with CLN's lni prefix, for display only: static invoices travel as raw TLV in onion messages)`);
  say(`  amount:        none in the invoice — the payer chooses (its invoice_request asked for 21000 msat)`);
  say(`  signer:        ${toHex(inv.nodeId)} (= the offer's offer_issuer_id)`);
  say(`  payment paths: ${inv.paths.length}, via ${inv.paths.map((p) => (p.intro.kind === 'pubkey' ? toHex(p.intro.nodeId).slice(0, 16) + '…' : 'scid')).join(', ')}`);
  for (const [i, pi] of inv.blindedPay.entries()) {
    say(`    path ${i}: ${pi.feeBaseMsat} msat + ${pi.feeProportionalMillionths} ppm, cltv delta ${pi.cltvExpiryDelta}, ${pi.htlcMinimumMsat}–${pi.htlcMaximumMsat} msat`);
  }
  const created = Number(inv.createdAt);
  const exp = created + Number(inv.relativeExpiry ?? 1_209_600);
  say(`  created:       ${new Date(created * 1000).toISOString()}, expires ${new Date(exp * 1000).toISOString()}`);
}

async function payerRequest(p: ExternalNode, via: ExternalNode, offer: Offer, n: number): Promise<{ invoice: StaticInvoice; ok: boolean }> {
  const req = buildInvoiceRequest(offer, {
    metadata: sha256(utf8(`demo payer ${n}`)),
    payerKey: asPrivKey(sha256(utf8('demo payer key'))),
    chain: REGTEST,
    amount: 21_000n,
  });
  // P's reply path starts at P itself: S finds P over gossip (S → X → P).
  const reply = p.makePath();
  const sent = p.send(offer.paths![0]! as BlindedPath, [encodeMessage({ kind: 'invoice_request', bytes: req.bytes })], { replyPath: reply.path, prefix: [via] });
  if (!sent.ok) throw new Error(`payer could not send: ${sent.error}`);
  const got = await p.waitForType(70n, reply.pathId, 10_000);
  const invoice = decodeStaticInvoice(got.records.find((r) => r.type === 70n)!.value);
  const check = checkStaticInvoiceForPayment(invoice, req.records, Math.floor(Date.now() / 1000));
  return { invoice, ok: check.ok };
}

async function main(): Promise<void> {
  const net = new SimNetwork();
  let s: ClnNode | undefined;
  try {
    begin('Start a simulated network: S (LSP, static invoice server), R (wallet), P (CLN payer), L (LDK payer), X (relay)');
    s = await net.addClnNode('S', { pluginOptions: SERVER_OPTIONS });
    const r = await net.addClnNode('R', { announced: false, env: { ASYNCPAY_DEV_TICK_MS: '300' }, pluginOptions: { 'asyncpay-offer-count': 2 } });
    const pc = await net.addClnNode('P');
    const x = net.addExternalNode('X');
    const p = net.addExternalNode('L');
    const rs = net.addChannel(r, s, { scid: '700x1x0', public: false, aliasA: '5000x1x1', aliasB: '5001x1x1' });
    net.addChannel(s, x, { scid: '700x2x0' });
    net.addChannel(x, p, { scid: '700x3x0' });
    const ps = net.addChannel(pc, s, { scid: '700x4x0' });
    say(`S ${s.idHex}`);
    say(`R ${r.idHex} (unannounced; a private channel to S)`);
    say(`P ${pc.idHex} (a channel to S)`);
    say(`L talks to S through X; S, R and P run cln-asyncpay inside simulated lightningd`);

    begin("S issues blinded paths for recipient 'phone'  (lightning-cli asyncrecipient-paths recipient_id=phone)");
    const issued = await s.cli('asyncrecipient-paths', { recipient_id: 'phone' });
    say(`paths_encoded: ${short(issued.paths_encoded)}`);
    say('the paths end one hop past S, at its virtual node: that is how even-typed async messages reach the plugin');

    begin('R is configured with them and requests offer paths  (lightning-cli asyncreceive-setserver)');
    const from = s.plugin!.logs.length;
    await r.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
    await until(async () => s!.plugin!.logs.slice(from).some((l) => /sent offer_paths for phone/.test(l.message)), 'S to answer offer_paths_request');
    say('R → S  offer_paths_request{invoice_slot}');

    begin('S answers with fresh, compact offer paths (offer_paths)');
    await until(async () => r.plugin!.logs.some((l) => /received offer_paths on offer_paths_reply path/.test(l.message)), 'R to receive offer_paths');
    say('S → R  offer_paths{paths, paths_absolute_expiry = now + 365 days} + a long-lived reply path');

    begin('R builds its offer and signed static invoice and sends them (serve_static_invoice)');
    const note = await until(async () => s!.plugin!.notifications.find((n) => n.method === 'asyncpay_static_invoice'), 'S to receive a static invoice');
    say(`R → S  serve_static_invoice; S notifies asyncpay_static_invoice ${JSON.stringify(note.params)}`);

    begin('S stores it in LevelDB and confirms (static_invoice_persisted)');
    const stored = await s.cli('staticinvoice-list', { recipient_id: 'phone' });
    for (const i of stored.invoices) say(`slot ${i.invoice_slot}: ${i.status}, ${i.bytes} bytes, offer ${i.offer_id.slice(0, 16)}…`);
    await until(async () => (await r.cli('asyncreceive-status', {})).slots.some((x: { state: string }) => x.state === 'ready'), "R's offer to become ready");
    say('S → R  static_invoice_persisted: the offer is ready');

    begin("R's offer  (lightning-cli asyncoffer)");
    const got = await r.cli('asyncoffer', {});
    console.log(`\n      ${got.offer}\n`);
    say(`offer_id ${got.offer_id}, expires ${got.expires_at ? new Date(got.expires_at * 1000).toISOString() : 'never'}`);
    const offer = parseOffer(got.offer);

    begin('R goes offline; L (an LDK payer) requests an invoice for the offer and gets R’s static invoice from S');
    await r.goOffline();
    say('R is offline (plugin stopped, peers disconnected)');
    const first = await payerRequest(p, x, offer, 1);
    if (!first.ok) throw new Error('the static invoice fails the checks an LDK payer makes');
    describeInvoice(first.invoice);
    say('L checks it as LDK does (offer fields identical to its request, not expired, no unknown required features): ok');

    begin(`P pays R's offer while R is offline  (lightning-cli asyncpay offer=lno1… amount_msat=${PAY_MSAT})`);
    const pBefore = net.ledger.spendable(ps, pc);
    const rBefore = net.ledger.spendable(rs, r);
    const started = await pc.cli('asyncpay', { offer: got.offer, amount_msat: PAY_MSAT, payer_note: 'demo', timeout: 5 });
    say(`P → S  invoice_request; S → P  R's static invoice; P → R  held_htlc_available (R offline: S's mailbox keeps it)`);
    // On a loaded machine the call may return before held_htlc_available went out: ask again.
    const waiting =
      started.status === 'waiting_for_release'
        ? started
        : await until(async () => {
            const [x] = (await pc.cli('listasyncpays', { payment_hash: started.payment_id })).asyncpays;
            return x.status === 'waiting_for_release' ? x : undefined;
          }, 'the payment to wait for release');
    say(`asyncpay returned after its timeout: ${JSON.stringify({ status: waiting.status, invoice_kind: waiting.invoice_kind, payment_hash: waiting.payment_hash, held_htlc_sent: waiting.held_htlc_sent })}`);
    const box = await until(async () => {
      const m = await s!.cli('asyncpay-mailbox', {});
      return m.total_messages > 0 ? m : undefined;
    }, "S's mailbox to hold messages for R");
    say(`S's mailbox: ${box.total_messages} message(s) for R; no HTLC has left P (it waits up to 7 days for R)`);

    begin('R comes back online');
    await r.comeOnline();
    say('R restarted on the same database; its offer is unchanged; S re-injects what it held for R');
    const again = await r.cli('asyncoffer', {});
    if (again.offer_id !== got.offer_id && !(await r.cli('asyncreceive-status', {})).slots.some((x: { offer_id?: string }) => x.offer_id === got.offer_id)) {
      throw new Error('R lost its offer across the restart');
    }

    begin('R releases the payment; P pays over R’s blinded path; R claims it  (lightning-cli waitasyncpay)');
    const done = await pc.cli('waitasyncpay', { payment_hash: waiting.payment_hash, timeout: 30 });
    say('R → P  release_held_htlc; P → S → R  HTLC with TLV 77777 (P\'s invoice_request) and 5482373484 (the preimage)');
    say(`P: ${JSON.stringify({ status: done.status, payment_preimage: done.payment_preimage, amount_msat: done.amount_msat, amount_sent_msat: done.amount_sent_msat })}`);
    const [claimed] = (await r.cli('asyncreceive-listpayments', { payment_hash: waiting.payment_hash })).payments;
    if (!claimed || claimed.status !== 'paid' || claimed.payment_preimage !== done.payment_preimage) throw new Error(`R's record does not match: ${JSON.stringify(claimed)}`);
    say(`R: ${JSON.stringify({ status: claimed.status, kind: claimed.kind, received_msat: claimed.received_msat, payer_note: claimed.payer_note })}`);

    begin('Balances: money moved from P to R while R was offline when the payment began');
    const pPaid = pBefore - net.ledger.spendable(ps, pc);
    const rGot = net.ledger.spendable(rs, r) - rBefore;
    say(`P's side of P–S: ${pBefore} → ${net.ledger.spendable(ps, pc)} msat (paid ${pPaid}: ${PAY_MSAT} + S's fee)`);
    say(`R's side of R–S: ${rBefore} → ${net.ledger.spendable(rs, r)} msat (received ${rGot})`);
    if (rGot < BigInt(PAY_MSAT) || pPaid < rGot) throw new Error(`balances did not move as expected (P paid ${pPaid}, R got ${rGot})`);

    begin("L asks again; S serves the static invoice and forwards L's invoice_request to R, now online");
    // S re-injects what it held for R paced to R's onion-message rate limit (4, then one per
    // 250 ms); a new message in the middle of that run would be over the limit: let it finish.
    await until(async () => (await s!.cli('asyncpay-mailbox', {})).total_messages === 0, "S's mailbox to empty");
    await new Promise((res) => setTimeout(res, 1000));
    const rFrom = r.plugin!.logs.length;
    await payerRequest(p, x, offer, 2);
    const line = await until(async () => r.plugin!.logs.slice(rFrom).find((l) => /forwarded by the server/.test(l.message)), 'R to receive the forwarded invoice_request');
    say(`R: ${line.message}`);
    const counters = (await s.cli('staticinvoice-list', { recipient_id: 'phone' })).recipients[0].counters;
    say(`S counters: served ${counters.served}, forwarded ${counters.forwarded}`);
    const violations = net.violations();
    if (violations.length) throw new Error(`protocol violations: ${violations.join('; ')}`);
    console.log(`\nAll ${TOTAL} steps succeeded in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  } finally {
    await net.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`\nDEMO FAILED at step ${step}/${TOTAL} (${current}): ${(e as Error).message}`);
    process.exit(1);
  },
);

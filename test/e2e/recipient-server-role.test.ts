// The whole S/R flow with this plugin on both sides: S (server role) hands out paths,
// R (recipient role) builds offers with it; R goes offline and an external payer's
// invoice_request to R's offer is answered by S with R's static invoice; R comes back
// and receives the invoice_request S forwards.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey } from '../../src/crypto/secp.js';
import { buildInvoiceRequest } from '../../src/bolt12/build.js';
import { parseOffer, type Offer } from '../../src/bolt12/offer.js';
import { decodeStaticInvoice } from '../../src/bolt12/static-invoice.js';
import { checkStaticInvoiceForPayment } from '../../src/bolt12/validate.js';
import { encodeMessage } from '../../src/messages/index.js';
import { SimNetwork } from '../sim/network.js';
import type { ExternalNode } from '../sim/external-node.js';
import { REGTEST_CHAIN, logAfter, logCount, nowSecs, status, until, T } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

/** An external payer's invoice_request to the offer's first path; resolves with the static invoice it gets back. */
async function payerRequests(p: ExternalNode, offer: Offer, n: number) {
  const req = buildInvoiceRequest(offer, {
    metadata: sha256(utf8(`payer metadata ${n}`)),
    payerKey: asPrivKey(sha256(utf8(`payer key ${n}`))),
    chain: REGTEST_CHAIN,
    amount: 21_000n,
  });
  const reply = p.makePath();
  const sent = p.send(offer.paths![0]!, [encodeMessage({ kind: 'invoice_request', bytes: req.bytes })], { replyPath: reply.path });
  assert.ok(sent.ok, 'invoice_request sent');
  const got = await p.waitForType(T.staticInvoice, reply.pathId);
  return { req, invoice: decodeStaticInvoice(got.records.find((x) => x.type === T.staticInvoice)!.value) };
}

test('S/R with this plugin on both nodes: ready offer, served while R is offline, forwarded invreq once R is back', async () => {
  // Without the mailbox (test/e2e/mailbox-*.test.ts hold the request for the offline R instead).
  const s = await net.addClnNode('server', { pluginOptions: { 'asyncpay-mailbox-disable': true } });
  const r = await net.addClnNode('recipient', { env: { ASYNCPAY_DEV_TICK_MS: '150' }, pluginOptions: { 'asyncpay-offer-count': 2 } });
  const p = net.addExternalNode('payer');
  net.addChannel(r, s, { scid: '800x1x0', public: false, aliasA: '3000x1x1', aliasB: '3001x1x1' });
  net.addChannel(p, s, { scid: '800x2x0' });

  const issued = await s.cli('asyncrecipient-paths', { recipient_id: 'alice' });
  await r.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
  await until(async () => (await status(r)).slots.every((x: any) => x.state === 'ready'), 'both of R’s slots ready');
  const stored = await s.cli('staticinvoice-list', { recipient_id: 'alice' });
  assert.deepEqual(stored.invoices.map((i: any) => [i.invoice_slot, i.status]).sort(), [[0, 'confirmed'], [1, 'confirmed']]);

  const got = await r.cli('asyncoffer', {});
  const offer = parseOffer(got.offer);
  const slotRec = stored.invoices.find((i: any) => i.invoice_slot === got.invoice_slot);
  assert.equal(slotRec.offer_id, got.offer_id, 'S stores the invoice of exactly that offer');

  // R goes offline (plugin stopped, peers gone). The payer still gets R's static invoice from S.
  await r.goOffline();
  const first = await payerRequests(p, offer, 1);
  assert.deepEqual(checkStaticInvoiceForPayment(first.invoice, first.req.records, nowSecs()), { ok: true }, 'what an LDK payer checks');
  assert.equal(toHex(first.invoice.nodeId), toHex(offer.issuerId!));
  // R may have re-sent its invoice just before leaving (LDK re-sends pending ones): compare
  // with what S holds now that R is gone, not with the earlier snapshot.
  const now = (await s.cli('staticinvoice-list', { recipient_id: 'alice' })).invoices.find((i: any) => i.invoice_slot === got.invoice_slot);
  assert.equal(toHex(first.invoice.bytes), now.invoice, 'the stored invoice, unmodified');
  await until(() => s.plugin!.logs.some((l) => /could not forward invoice_request/.test(l.message)), 'S tried to forward to the offline R');

  // R comes back (same database): same offers, and S now forwards the payer's invoice_request to it.
  await r.comeOnline();
  const from = logCount(r);
  const back = await status(r);
  assert.equal(back.slots.find((x: any) => x.invoice_slot === got.invoice_slot).offer_id, got.offer_id);
  const second = await payerRequests(p, offer, 2);
  assert.deepEqual(checkStaticInvoiceForPayment(second.invoice, second.req.records, nowSecs()), { ok: true });
  const line = await logAfter(r, from, /invoice_request for async offer .* forwarded by the server/);
  assert.match(line, new RegExp(got.offer_id));
  assert.match(line, /21000 msat/);
  const st = await status(r);
  assert.equal(st.forwarded_invoice_requests, 1);
  assert.equal(st.slots.find((x: any) => x.invoice_slot === got.invoice_slot).forwarded_invoice_requests, 1);
  const counters = (await s.cli('staticinvoice-list', { recipient_id: 'alice' })).recipients[0].counters;
  assert.equal(counters.served, 2);
  assert.equal(counters.forwarded, 1);
  assert.deepEqual(net.violations(), []);
});

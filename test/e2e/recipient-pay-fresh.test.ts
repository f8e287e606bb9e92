// R online answers the invoice_request S forwards with a fresh BOLT 12 invoice signed by
// the offer key, registered with createinvoice: the payer pays it like any BOLT 12
// invoice and lightningd settles it itself (listinvoices paid, invoice_payment), which
// R records and announces.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { SimNetwork } from '../sim/network.js';
import { LdkPayer, payments, payStatus, received, setupPayNet } from './pay-helpers.js';
import { until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

test('fresh invoice: signed by the offer key, paid like any BOLT 12 invoice, settled by lightningd (listinvoices paid, invoice_payment)', async () => {
  const pn = await setupPayNet(net, 'fr1');
  const { r, rs, offer } = pn;
  const payer = new LdkPayer(pn);
  const before = net.ledger.spendable(rs, r);
  const f = await payer.fetch(33_000n, { note: 'tea', wantInvoice: true });
  const inv = f.invoice!;
  // decodeInvoice verified the signature against invoice_node_id; that is the offer's key.
  assert.equal(toHex(inv.nodeId), toHex(offer.issuerId!));
  assert.equal(inv.amount, 33_000n);
  assert.deepEqual(inv.invreq.payerNote, 'tea');
  assert.equal(toHex(inv.invreq.payerId), toHex(f.req.payerId));

  const [pending] = await payments(r, { payment_hash: toHex(inv.paymentHash) });
  assert.equal(pending.kind, 'invoice');
  assert.equal(pending.status, 'pending');
  const li = (await r.payments.rpc('listinvoices', { label: pending.label })) as any;
  assert.equal(li.invoices[0].status, 'unpaid');

  // The payer pays the invoice: a normal final payload (no preimage, no invreq).
  const out = await payer.sendPart(inv, inv.paymentHash, { amount: 33_000n, total: 33_000n });
  assert.ok(out.ok, 'payment completed');
  assert.equal(toHex(sha256(out.preimage)), toHex(inv.paymentHash));
  const paid = (await r.payments.rpc('listinvoices', { label: pending.label })) as any;
  assert.equal(paid.invoices[0].status, 'paid');
  assert.ok(paid.invoices[0].amount_received_msat >= 33_000);
  // lightningd settled it, not us: our hook passed it on.
  const calls = r.payments.htlcHookCalls.filter((c) => c.payload.htlc.payment_hash === toHex(inv.paymentHash));
  assert.deepEqual(calls.map((c) => [c.who, c.answer?.result]), [['plugin', 'continue'], ['keysend', 'continue']]);
  const rec = await until(async () => (await payments(r, { payment_hash: toHex(inv.paymentHash) })).find((x) => x.status === 'paid'), 'record paid after invoice_payment');
  assert.equal(rec.received_msat, paid.invoices[0].amount_received_msat);
  assert.equal(rec.payer_note, 'tea');
  const n = await until(() => received(r).find((x) => x.payment_hash === toHex(inv.paymentHash)), 'notification');
  assert.equal(n.kind, 'invoice');
  assert.equal(n.offer_id, pn.offerId);
  assert.equal(BigInt(n.amount_msat), net.ledger.spendable(rs, r) - before);
  const st = await payStatus(r);
  assert.equal(st.fresh_invoices_sent, 1);
  assert.equal(st.payments_received, 1);
  assert.deepEqual(net.violations(), []);
});

test('fresh invoices are bounded per offer per minute', async () => {
  const pn = await setupPayNet(net, 'fr2');
  const { r } = pn;
  const payer = new LdkPayer(pn);
  for (let i = 0; i < 12; i++) await payer.fetch(1_000n + BigInt(i));
  const st = await until(async () => {
    const x = await payStatus(r);
    return x.fresh_invoices_sent + (x.failures.invoice_rate_limited ?? 0) === 12 ? x : undefined;
  }, 'all 12 requests handled');
  assert.equal(st.fresh_invoices_sent, 10, 'ten per minute');
  assert.equal(st.failures.invoice_rate_limited, 2);
  assert.equal((await payments(r)).filter((x) => x.kind === 'invoice').length, 10, 'nothing stored for refused ones');
  assert.deepEqual(net.violations(), []);
});

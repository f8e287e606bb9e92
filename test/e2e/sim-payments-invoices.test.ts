// lightningd's own BOLT 12 invoices in the simulator: createinvoice (unsigned lni accepted
// and re-signed, a signed one refused), payment over a path whose path_id is
// SHA256(bolt12-invoice-base ‖ H) settled by lightningd on `continue` (listinvoices paid,
// invoice_payment), paid by another simulated lightningd with xpay; underpaid and
// wrong-path_id payments failed by lightningd's checks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { encodeTlvStream } from '../../src/codec/tlv.js';
import { sha256 } from '../../src/crypto/hash.js';
import { pubFromPriv, randomBytes, randomPrivKey } from '../../src/crypto/secp.js';
import { buildInvoice, buildInvoiceRequest, buildOffer, encodeBolt12, T } from '../../src/bolt12/index.js';
import { FAILCODE } from '../../src/onion/failure.js';
import { clnSamples } from '../sim/plugin-host.js';
import type { SimNetwork } from '../sim/network.js';
import type { SimPayPath } from '../sim/blinded-pay-path.js';
import { answer, heldCalls, notes, pathToR, payFromP, payNet, PAYPLUG, type PayNet } from './payment-helpers.js';
import { until } from './recipient-helpers.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));
const sample = (prefix: string) => Object.entries(clnSamples).find(([k]) => k.startsWith(prefix))![1].params;
const shape = (o: any, pre = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? [pre + k, ...shape(v, `${pre}${k}.`)] : [pre + k]));

/** R's BOLT 12 invoice for 100 000 msat over S → R with path_id = SHA256(base ‖ H). */
function makeInvoice(n: PayNet, pathId?: Uint8Array) {
  const offerKey = randomPrivKey();
  const offer = buildOffer({ description: 'sim coffee', issuerId: pubFromPriv(offerKey) });
  const req = buildInvoiceRequest(offer, { metadata: randomBytes(8), payerKey: randomPrivKey(), amount: 100_000n });
  const preimage = randomBytes(32);
  const hash = sha256(preimage);
  const pp: SimPayPath = pathToR(n, pathId ?? sha256(n.r.payments.bolt12InvoiceBase(), hash));
  const payinfo = { feeBaseMsat: pp.feeBaseMsat, feeProportionalMillionths: pp.feeProportionalMillionths, cltvExpiryDelta: pp.cltvExpiryDelta, htlcMinimumMsat: 1n, htlcMaximumMsat: 1_000_000_000n, features: new Uint8Array(0) };
  const inv = buildInvoice(req, { paymentPaths: [{ path: pp.path, payinfo }], createdAt: BigInt(Math.floor(Date.now() / 1000)), paymentHash: hash }, offerKey);
  return {
    preimage,
    hash,
    pp,
    signed: encodeBolt12('lni', inv.bytes),
    unsigned: encodeBolt12('lni', encodeTlvStream(inv.records.filter((r) => r.type !== T.signature))),
  };
}

test('createinvoice: a signed invoice is refused; the unsigned one is stored re-signed, unpaid', async () => {
  const n = await payNet(nets);
  const inv = makeInvoice(n);
  await assert.rejects(n.r.payments.rpc('createinvoice', { invstring: inv.signed, label: 'a', preimage: toHex(inv.preimage) }), /invoice already signed/);
  await assert.rejects(n.r.payments.rpc('createinvoice', { invstring: inv.unsigned, label: 'a', preimage: '22'.repeat(32) }), /Incorrect preimage/);
  const created = (await n.r.payments.rpc('createinvoice', { invstring: inv.unsigned, label: 'a', preimage: toHex(inv.preimage) })) as any;
  assert.equal(created.status, 'unpaid');
  assert.equal(created.payment_hash, toHex(inv.hash));
  assert.equal(created.amount_msat, 100_000);
  assert.notEqual(created.bolt12, inv.unsigned);
  await assert.rejects(n.r.payments.rpc('createinvoice', { invstring: inv.unsigned, label: 'a', preimage: toHex(inv.preimage) }), /Duplicate label/);
});

test('a createinvoice-registered BOLT 12 invoice paid by xpay: continue → lightningd settles, listinvoices paid, invoice_payment', async () => {
  const n = await payNet(nets);
  const q = await n.net.addClnNode('q', { plugin: PAYPLUG });
  n.net.addChannel(q, n.s, { scid: '100x3x0' });
  const inv = makeInvoice(n);
  await n.r.payments.rpc('createinvoice', { invstring: inv.unsigned, label: 'coffee', preimage: toHex(inv.preimage) });
  const paying = q.payments.rpc('xpay', { invstring: inv.signed });
  const [h] = await heldCalls(n.r, 1);
  assert.deepEqual(shape(h!.params), shape(sample('htlc_accepted (normal BOLT 12 invoice')));
  assert.equal(h!.params.onion.type, 'tlv');
  assert.equal(h!.params.onion.payment_secret, toHex(sha256(n.r.payments.bolt12InvoiceBase(), inv.hash)));
  assert.equal(h!.params.onion.total_msat, 100_000);
  await answer(n.r, h!.key, { result: 'continue' });
  const res = (await paying) as any;
  assert.equal(res.payment_preimage, toHex(inv.preimage));
  const [paid] = ((await n.r.payments.rpc('listinvoices', { label: 'coffee' })) as any).invoices;
  assert.equal(paid.status, 'paid');
  assert.ok(paid.amount_received_msat >= 100_000);
  const note = await until(async () => (await notes(n.r)).find((x) => x.method === 'invoice_payment'), 'invoice_payment');
  assert.deepEqual(Object.keys(note.params.invoice_payment), Object.keys(sample('invoice_payment (').invoice_payment));
  assert.equal(note.params.invoice_payment.label, 'coffee');
  assert.equal(note.params.invoice_payment.preimage, toHex(inv.preimage));
  // waitinvoice on a paid invoice answers at once; the payer's listsendpays says complete.
  assert.equal(((await n.r.payments.rpc('waitinvoice', { label: 'coffee' })) as any).status, 'paid');
  const sp = ((await q.payments.rpc('listsendpays', { payment_hash: toHex(inv.hash) })) as any).payments;
  assert.equal(sp[0].status, 'complete');
  assert.deepEqual(n.net.violations(), []);
});

for (const c of [
  { name: 'underpaid (90 000 of 100 000 msat)', amount: 90_000n, wrongPath: false, log: /with amount 90000 < 100000/ },
  { name: 'paid over a path with a wrong path_id', amount: 100_000n, wrongPath: true, log: /with wrong path_secret/ },
]) {
  test(`lightningd's invoice logic fails a payment ${c.name}`, async () => {
    const n = await payNet(nets);
    const inv = makeInvoice(n, c.wrongPath ? randomBytes(32) : undefined);
    await n.r.payments.rpc('createinvoice', { invstring: inv.unsigned, label: 'x', preimage: toHex(inv.preimage) });
    const pay = payFromP(n, { amountMsat: c.amount, preimage: inv.preimage, path: inv.pp });
    const [h] = await heldCalls(n.r, 1);
    await answer(n.r, h!.key, { result: 'continue' });
    const out = await pay.done;
    assert.equal(out.ok, false);
    if (!out.ok) assert.equal(out.failcode, FAILCODE.invalid_onion_blinding);
    assert.match(n.r.htlcLog.join('\n'), c.log);
    const [still] = ((await n.r.payments.rpc('listinvoices', { label: 'x' })) as any).invoices;
    assert.equal(still.status, 'unpaid');
  });
}

test('MPP timeout: a lone part of a two-part payment is failed by lightningd when the set times out', async () => {
  const n = await payNet(nets);
  n.r.payments.mppTimeoutMs = 300; // lightningd: 70 s
  const inv = makeInvoice(n);
  await n.r.payments.rpc('createinvoice', { invstring: inv.unsigned, label: 'half', preimage: toHex(inv.preimage) });
  const a = payFromP(n, { amountMsat: 50_000n, totalMsat: 100_000n, preimage: inv.preimage, path: inv.pp, partid: 1 });
  const [h] = await heldCalls(n.r, 1);
  await answer(n.r, h!.key, { result: 'continue' });
  const out = await a.done;
  assert.equal(out.ok, false);
  assert.match(n.r.htlcLog.join('\n'), /\(0017\): mpp timeout/);
  assert.equal(((await n.r.payments.rpc('listinvoices', { label: 'half' })) as any).invoices[0].status, 'unpaid');
});

test('MPP into a lightningd invoice: two parts under continue complete the set; the replay of a held normal-invoice part cannot', async () => {
  const n = await payNet(nets);
  const inv = makeInvoice(n);
  await n.r.payments.rpc('createinvoice', { invstring: inv.unsigned, label: 'mpp', preimage: toHex(inv.preimage) });
  const a = payFromP(n, { amountMsat: 50_000n, totalMsat: 100_000n, preimage: inv.preimage, path: inv.pp, partid: 1 });
  const [h1] = await heldCalls(n.r, 1);
  await answer(n.r, h1!.key, { result: 'continue' });
  const b = payFromP(n, { amountMsat: 50_000n, totalMsat: 100_000n, preimage: inv.preimage, path: inv.pp, partid: 2 });
  const [h2] = await heldCalls(n.r, 1);
  await answer(n.r, h2!.key, { result: 'continue' });
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.ok(ra.ok && rb.ok);
  // The parts' HTLC amounts (rounded up on the way) add up to at least the invoice.
  assert.ok(((await n.r.payments.rpc('listinvoices', { label: 'mpp' })) as any).invoices[0].amount_received_msat >= 100_000);

  // A held normal-invoice HTLC replayed after a restart: no path key, so no decode; continue fails it.
  const inv2 = makeInvoice(n);
  await n.r.payments.rpc('createinvoice', { invstring: inv2.unsigned, label: 'replay', preimage: toHex(inv2.preimage) });
  const c = payFromP(n, { amountMsat: 100_000n, preimage: inv2.preimage, path: inv2.pp });
  await heldCalls(n.r, 1);
  await n.r.restart();
  const [r] = await heldCalls(n.r, 1);
  assert.deepEqual(shape(r!.params), shape(sample('htlc_accepted (replay after restart of a held normal-invoice')));
  await answer(n.r, r!.key, { result: 'continue' });
  const rc = await c.done;
  assert.equal(rc.ok, false);
  assert.match(n.r.htlcLog.join('\n'), /current_path_key was not present/);
});

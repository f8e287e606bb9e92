// The payer's pure core: building our request, checking an invoice and a static
// invoice against it (LDK payer's rules), the state machine's decisions (first
// invoice wins, one payment per release, deadlines), blinded-path fees, and the
// authenticated payer path contexts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { tlvRecord } from '../../src/codec/tlv.js';
import { sha256 } from '../../src/crypto/hash.js';
import { pubFromPriv, randomBytes, randomPrivKey } from '../../src/crypto/secp.js';
import { buildInvoice, buildOffer, buildStaticInvoice, type PaymentPath } from '../../src/bolt12/build.js';
import { featureBits } from '../../src/bolt12/features.js';
import type { ChainHash } from '../../src/bolt12/values.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import { decodeHopPayload, encodeHopPayload } from '../../src/onion/hop_payload.js';
import { decodeContext, encodeContext } from '../../src/transport/context.js';
import { checkInvoiceForRequest } from '../../src/payer/check-invoice.js';
import { checkStaticInvoiceForRequest } from '../../src/payer/check-static-invoice.js';
import { decideOnInvoice } from '../../src/payer/on-invoice.js';
import { decideOnInvoiceError } from '../../src/payer/on-invoice-error.js';
import { decideOnPayResult, decidePayInvoice } from '../../src/payer/on-pay-result.js';
import { decideOnRelease } from '../../src/payer/on-release.js';
import { decideHeldHtlcSent, decideOnStaticInvoice } from '../../src/payer/on-static-invoice.js';
import { decideOnTimer, nextPathAt } from '../../src/payer/on-timer.js';
import { parseAsyncpayParams, parseMsat } from '../../src/payer/params.js';
import { amountOf, buildPayerRequest, RequestRefused } from '../../src/payer/request.js';
import { allowsMpp, asyncPaymentExtras, blindedLeg } from '../../src/payer/static-payment.js';
import type { PaymentRecord, PayState } from '../../src/payer/types.js';
import { offerToString } from '../../src/bolt12/offer.js';
import { signAndEncode } from '../../src/bolt12/sign.js';

const REGTEST = fromHex('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f') as ChainHash;
const NOW = 1_800_000_000;

const node = () => pubFromPriv(randomPrivKey());
const msgPath = () => createBlindedPath([{ nodeId: node(), data: { nextNodeId: node() } }, { nodeId: node(), data: { pathId: randomBytes(16) } }]);
const payPath = (over: Partial<PaymentPath['payinfo']> = {}): PaymentPath => ({
  path: createBlindedPath([{ nodeId: node(), data: { shortChannelId: 1n << 40n } }, { nodeId: node(), data: { pathId: randomBytes(32) } }]),
  payinfo: { feeBaseMsat: 1000, feeProportionalMillionths: 100, cltvExpiryDelta: 42, htlcMinimumMsat: 1n, htlcMaximumMsat: 1_000_000_000n, features: new Uint8Array(), ...over },
});

function asyncOffer(key = randomPrivKey()) {
  const offer = buildOffer({ chains: [REGTEST], paths: [msgPath()], issuerId: pubFromPriv(key), absoluteExpiry: BigInt(NOW + 365 * 86400) });
  return { offer, key };
}

function staticInvoiceFor(o: ReturnType<typeof asyncOffer>, opts: { createdAt?: number; relativeExpiry?: number; features?: Uint8Array; key?: ReturnType<typeof randomPrivKey>; offer?: typeof o.offer } = {}) {
  return buildStaticInvoice(
    {
      offer: opts.offer ?? o.offer,
      paymentPaths: [payPath()],
      heldHtlcAvailablePaths: [msgPath()],
      createdAt: BigInt(opts.createdAt ?? NOW - 60),
      ...(opts.relativeExpiry !== undefined ? { relativeExpiry: opts.relativeExpiry } : {}),
      ...(opts.features ? { features: opts.features } : {}),
    },
    opts.key ?? o.key,
  );
}

function record(state: PayState, req: { bytes: Uint8Array }, over: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    payment_id: toHex(randomBytes(16)), state, offer: '', offer_id: '00', invreq: toHex(req.bytes), amount_msat: 50_000,
    created_at: NOW - 5, updated_at: NOW - 5, paths_tried: 1, invoice_deadline: NOW + 55, ...over,
  };
}

test('request: fresh payer key and metadata each time, signed, our chain, the amount we give', () => {
  const { offer } = asyncOffer();
  const a = buildPayerRequest(offer, REGTEST, { amountMsat: 50_000n }, NOW);
  const b = buildPayerRequest(offer, REGTEST, { amountMsat: 50_000n }, NOW);
  assert.notEqual(toHex(a.payerId), toHex(b.payerId), 'a fresh transient payer key per request');
  assert.notEqual(toHex(a.metadata), toHex(b.metadata));
  assert.equal(toHex(a.chain!), toHex(REGTEST));
  assert.equal(amountOf(a), 50_000n);
  assert.throws(() => buildPayerRequest(offer, REGTEST, {}, NOW), RequestRefused, 'an amount-less offer needs amount_msat');
  const mainnet = fromHex('6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000') as ChainHash;
  assert.throws(() => buildPayerRequest(offer, mainnet, { amountMsat: 1n }, NOW), /chain/);
  assert.throws(() => buildPayerRequest(offer, REGTEST, { amountMsat: 1n }, NOW + 366 * 86400), /expired/);
  assert.throws(() => buildPayerRequest(offer, REGTEST, { amountMsat: 1n, quantity: 2n }, NOW), /quantity/);
  const priced = buildOffer({ chains: [REGTEST], issuerId: node(), amount: 7000n, description: 'tea' });
  assert.equal(amountOf(buildPayerRequest(priced, REGTEST, {}, NOW)), 7000n, 'offer amount when none given');
  assert.throws(() => buildPayerRequest(priced, REGTEST, { amountMsat: 6999n }, NOW), RequestRefused, 'below the offer amount');
});

test('invoice (66): mirrors our request, right amount, signed by the issuer, not expired', () => {
  const o = asyncOffer();
  const req = buildPayerRequest(o.offer, REGTEST, { amountMsat: 50_000n }, NOW);
  const inv = (over: Parameters<typeof buildInvoice>[1] extends infer X ? Partial<X> : never = {}, key = o.key) =>
    buildInvoice(req, { paymentPaths: [payPath()], createdAt: BigInt(NOW - 10), paymentHash: sha256(randomBytes(32)), ...over }, key);
  assert.equal(checkInvoiceForRequest(inv().bytes, req, NOW).ok, true);
  const other = buildPayerRequest(o.offer, REGTEST, { amountMsat: 50_000n }, NOW);
  assert.match((checkInvoiceForRequest(inv().bytes, other, NOW) as { reason: string }).reason, /mirror/);
  assert.match((checkInvoiceForRequest(inv({ amount: 49_999n }).bytes, req, NOW) as { reason: string }).reason, /amount/);
  assert.match((checkInvoiceForRequest(inv({ relativeExpiry: 5 }).bytes, req, NOW) as { reason: string }).reason, /expired/);
  // Signed by anyone but the offer's issuer: the decoder's node-id rule refuses it.
  const mallory = randomPrivKey();
  const forged = signAndEncode(
    'invoice',
    inv().records.map((r) => (r.type === 176n ? tlvRecord(176n, pubFromPriv(mallory)) : r)),
    mallory,
  );
  assert.match((checkInvoiceForRequest(forged, req, NOW) as { reason: string }).reason, /not allowed/);
  const b = inv().bytes.slice();
  b[b.length - 1]! ^= 1;
  assert.match((checkInvoiceForRequest(b, req, NOW) as { reason: string }).reason, /signature/);
});

test('static invoice (70): LDK payer checks — offer records, signature, expiry, required features', () => {
  const o = asyncOffer();
  const req = buildPayerRequest(o.offer, REGTEST, { amountMsat: 50_000n }, NOW);
  assert.equal(checkStaticInvoiceForRequest(staticInvoiceFor(o).bytes, req, NOW).ok, true);
  // Another offer of the same issuer (e.g. a different slot): offer records differ.
  const sibling = buildOffer({ chains: [REGTEST], paths: [msgPath()], issuerId: pubFromPriv(o.key), absoluteExpiry: BigInt(NOW + 365 * 86400) });
  assert.equal((checkStaticInvoiceForRequest(staticInvoiceFor(o, { offer: sibling }).bytes, req, NOW) as { reason: string }).reason, 'offer records differ from the offer we requested');
  assert.equal((checkStaticInvoiceForRequest(staticInvoiceFor(o, { createdAt: NOW - 100, relativeExpiry: 50 }).bytes, req, NOW) as { reason: string }).reason, 'static invoice has expired');
  assert.equal((checkStaticInvoiceForRequest(staticInvoiceFor(o, { features: featureBits(17, 40) }).bytes, req, NOW) as { reason: string }).reason, 'unknown required invoice feature');
  const bad = staticInvoiceFor(o).bytes.slice();
  bad[bad.length - 5]! ^= 1;
  assert.match((checkStaticInvoiceForRequest(bad, req, NOW) as { reason: string }).reason, /signature/);
  // An offer without issuer id cannot have a static invoice signed by anyone else.
  assert.throws(() => staticInvoiceFor(o, { key: randomPrivKey() }));
});

test('decisions: first invoice wins; invoice_error fails only while requested', () => {
  const o = asyncOffer();
  const req = buildPayerRequest(o.offer, REGTEST, { amountMsat: 50_000n }, NOW);
  const si = staticInvoiceFor(o);
  const pre = randomBytes(32);
  const d = decideOnStaticInvoice(record('requested', req), req, si.bytes, NOW, pre, 7 * 86400);
  assert.equal(d.kind, 'update');
  const r = (d as { record: PaymentRecord }).record;
  assert.equal(r.state, 'static_invoice');
  assert.equal(r.payment_hash, toHex(sha256(pre)));
  assert.equal(r.payment_preimage, toHex(pre));
  assert.equal(r.release_deadline, NOW + 7 * 86400);
  const fresh = buildInvoice(req, { paymentPaths: [payPath()], createdAt: BigInt(NOW), paymentHash: sha256(randomBytes(32)) }, o.key);
  // Within the grace (held_htlc_available not sent yet) a fresh invoice still wins; the static preimage goes.
  const switched = decideOnInvoice(r, req, fresh.bytes, NOW);
  assert.equal((switched as { record: PaymentRecord }).record.state, 'invoice');
  assert.equal((switched as { record: PaymentRecord }).record.payment_preimage, undefined);
  assert.equal((switched as { record: PaymentRecord }).record.payment_hash, toHex(fresh.paymentHash));
  assert.equal(decideOnInvoice({ ...r, held_htlc_sent: 1 }, req, fresh.bytes, NOW).kind, 'ignore', 'once held_htlc_available went out, the static invoice has won');
  assert.equal(decideOnInvoice({ ...r, state: 'waiting_for_release', held_htlc_sent: 1 }, req, fresh.bytes, NOW).kind, 'ignore');
  assert.equal(decideOnStaticInvoice(r, req, si.bytes, NOW, randomBytes(32), 1).kind, 'ignore', 'a second static invoice too');
  const viaInvoice = decideOnInvoice(record('requested', req), req, fresh.bytes, NOW);
  assert.equal((viaInvoice as { record: PaymentRecord }).record.state, 'invoice');
  assert.equal(decideOnInvoice(undefined, undefined, fresh.bytes, NOW).kind, 'ignore', 'unsolicited');
  assert.equal((decideOnInvoiceError(record('requested', req), { kind: 'invoice_error', error: 'no\u0007pe' }, NOW) as { record: PaymentRecord }).record.failure, 'invoice_error: no?pe');
  assert.equal(decideOnInvoiceError(r, { kind: 'invoice_error', error: 'x' }, NOW).kind, 'ignore');
});

test('decisions: one payment per release; replays, unknown, failed and late releases pay nothing', () => {
  const req = buildPayerRequest(asyncOffer().offer, REGTEST, { amountMsat: 50_000n }, NOW);
  const waiting = record('waiting_for_release', req, { release_deadline: NOW + 100, payment_hash: '11'.repeat(32) });
  const d = decideOnRelease(waiting, NOW);
  assert.equal(d.kind, 'update');
  const paying = (d as { record: PaymentRecord }).record;
  assert.equal(paying.state, 'paying');
  assert.equal(decideOnRelease(paying, NOW).kind, 'ignore', 'a replayed release while paying');
  for (const s of ['complete', 'failed', 'requested', 'invoice'] as const) assert.equal(decideOnRelease(record(s, req), NOW).kind, 'ignore', s);
  assert.equal(decideOnRelease(undefined, NOW).kind, 'ignore');
  assert.equal(decideOnRelease(waiting, NOW + 101).kind, 'ignore', 'after the release deadline');
  assert.equal(decideOnRelease(record('static_invoice', req, { release_deadline: NOW + 1 }), NOW).kind, 'update', 'a release that overtakes our bookkeeping');
  assert.equal((decideHeldHtlcSent(record('static_invoice', req), 2, NOW) as { record: PaymentRecord }).record.held_htlc_sent, 2);
  assert.equal(decideHeldHtlcSent(paying, 2, NOW).kind, 'ignore');
});

test('decisions: deadlines, path retries, payment results', () => {
  const req = buildPayerRequest(asyncOffer().offer, REGTEST, { amountMsat: 50_000n }, NOW);
  const r = record('requested', req, { created_at: NOW, paths_tried: 1, invoice_deadline: NOW + 60 });
  assert.equal(decideOnTimer(r, NOW + 60).kind, 'ignore');
  assert.equal((decideOnTimer(r, NOW + 61) as { record: PaymentRecord }).record.state, 'failed');
  assert.equal(nextPathAt(r, 3, 10), NOW + 10);
  assert.equal(nextPathAt({ ...r, paths_tried: 3 }, 3, 10), undefined);
  const w = record('waiting_for_release', req, { release_deadline: NOW + 5 });
  assert.equal((decideOnTimer(w, NOW + 6) as { record: PaymentRecord }).record.failure, 'the recipient did not release the payment in time');
  assert.equal(decideOnTimer(record('paying', req, { invoice_deadline: 0 }), NOW).kind, 'ignore', 'a payment in flight never times out here');
  const pre = randomBytes(32);
  const paying = record('paying', req, { payment_hash: toHex(sha256(pre)) });
  assert.equal((decideOnPayResult(paying, { kind: 'complete', preimage: pre }, NOW) as { record: PaymentRecord }).record.state, 'complete');
  assert.equal(decideOnPayResult(paying, { kind: 'complete', preimage: randomBytes(32) }, NOW).kind, 'ignore', 'wrong preimage');
  assert.equal(decideOnPayResult(record('complete', req), { kind: 'complete', preimage: pre }, NOW).kind, 'ignore');
  assert.equal((decideOnPayResult(paying, { kind: 'failed', reason: 'no route' }, NOW) as { record: PaymentRecord }).record.failure, 'no route');
  assert.equal((decidePayInvoice(record('invoice', req), NOW) as { record: PaymentRecord }).record.state, 'paying');
});

test('static payment: blinded path fees round up, limits, and the final records 77777 / 5482373484', () => {
  const p = payPath({ feeBaseMsat: 1000, feeProportionalMillionths: 100, htlcMinimumMsat: 1000n, htlcMaximumMsat: 100_000n });
  assert.deepEqual(blindedLeg(p, 50_001n), { introAmountMsat: 50_001n + 1000n + 6n, introCltvDelta: 42 });
  assert.ok('error' in blindedLeg(p, 999n));
  assert.ok('error' in blindedLeg(p, 100_001n));
  const invreq = randomBytes(300);
  const pre = randomBytes(32);
  const payload = encodeHopPayload({ amtToForward: 1n, outgoingCltvValue: 2, encryptedRecipientData: randomBytes(40), totalAmountMsat: 1n, extra: asyncPaymentExtras(invreq, pre) });
  const back = decodeHopPayload(payload);
  assert.deepEqual(back.extra!.map((e) => e.type), [77777n, 5482373484n]);
  assert.equal(toHex(back.extra![0]!.value), toHex(invreq));
  assert.equal(toHex(back.extra![1]!.value), toHex(pre));
  assert.equal(allowsMpp(featureBits(17)), true);
  assert.equal(allowsMpp(undefined), false);
});

test('payer path contexts: authenticated, bound to the payment; a forged or altered one fails', () => {
  const key = randomBytes(32);
  const id = randomBytes(16);
  for (const kind of ['payer_invoice', 'payer_release'] as const) {
    const enc = encodeContext(key, { kind, paymentId: id, expiresAt: NOW });
    const back = decodeContext(key, enc);
    assert.equal(back.kind, kind);
    assert.equal(toHex((back as { paymentId: Uint8Array }).paymentId), toHex(id));
    const forged = enc.slice();
    forged[3]! ^= 1; // another payment id, same MAC
    assert.throws(() => decodeContext(key, forged), /MAC/);
    assert.throws(() => decodeContext(randomBytes(32), enc), /MAC/);
  }
  // A different kind with the same bytes is a different message: releases cannot arrive on invoice paths.
  const inv = encodeContext(key, { kind: 'payer_invoice', paymentId: id, expiresAt: NOW });
  const rel = encodeContext(key, { kind: 'payer_release', paymentId: id, expiresAt: NOW });
  assert.notEqual(toHex(inv), toHex(rel));
});

test('asyncpay params: offer, amounts as lightningd takes them, bounded note and timeout', () => {
  const { offer } = asyncOffer();
  const s = offerToString(offer);
  const p = parseAsyncpayParams({ offer: s, amount_msat: '50000msat', payer_note: 'hi', timeout: 5 });
  assert.equal(p.amountMsat, 50_000n);
  assert.equal(p.timeout, 5);
  assert.equal(parseAsyncpayParams({ offer: s }).timeout, 60);
  assert.equal(parseMsat(12, 'x'), 12n);
  for (const bad of [{}, { offer: 'lno1qqqq' }, { offer: s, amount_msat: -1 }, { offer: s, amount_msat: 0 }, { offer: s, amount_msat: '1.5' }, { offer: s, payer_note: 'x'.repeat(513) }, { offer: s, timeout: -1 }, { offer: s, quantity: 0 }]) {
    assert.throws(() => parseAsyncpayParams(bad as Record<string, unknown>), (e: { code?: number }) => e.code === -32602, JSON.stringify(bad).slice(0, 60));
  }
});

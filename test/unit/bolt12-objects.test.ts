// Builders, typed round trips, the static invoice rules (LDK), signatures and
// tampering, offer ids and expiry.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, equalBytes, fromHex, toHex, u64 } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { encodeTlvStream, tlvRecord, type TlvRecord } from '../../src/codec/tlv.js';
import { sha256 } from '../../src/crypto/hash.js';
import { encodeTu as encodeTu64 } from '../../src/codec/tu.js';
import { pubFromPriv } from '../../src/crypto/secp.js';
import {
  BITCOIN_CHAIN, Bolt12BuildError, FEATURE, MAX_STATIC_INVOICE_SIZE_BYTES, STATIC_INVOICE_DEFAULT_RELATIVE_EXPIRY, T,
  buildInvoice, buildInvoiceRequest, buildOffer, buildStaticInvoice, checkStaticInvoiceForPayment,
  checkStaticInvoiceToPersist, checkStaticInvoiceToServe, decodeInvoice, decodeInvoiceRequest, decodeOffer,
  decodeStaticInvoice, encodeOfferFields, expiresAt, featureBits, hasFeature, invoiceRequestToString, isExpired, offerIdOf,
  offerToString, parseInvoiceRequest, parseOffer, paymentPathsOf, relativeExpiryOf, sameOfferRecords, signAndEncode,
  unknownRequiredInvoiceFeatures, unknownRequiredInvreqFeatures, unknownRequiredOfferFeatures, verifyRecords, writeTable, OFFER_TABLE, STATIC_INVOICE_TABLE,
  type StaticInvoice,
} from '../../src/bolt12/index.js';
import {
  ISSUER_KEY, NOW, PAYER_KEY, REGTEST, asyncOffer, invoiceRequestFor, key, path, paymentPath, pub, sciddirPath,
  staticInvoiceFor,
} from './bolt12-fixtures.js';

const ODD_OFFER = tlvRecord(33n, new TextEncoder().encode('helloworld'));
const EXP_OFFER = tlvRecord(1_000_000_033n, new Uint8Array([1, 2, 3]));
const types = (recs: readonly TlvRecord[]): bigint[] => recs.map((r) => r.type);

/** The records of `inv` changed by `edit`, re-signed with `k` (so only the rule under test fails). */
function resign(inv: StaticInvoice, edit: (r: TlvRecord[]) => TlvRecord[], k = ISSUER_KEY): Uint8Array {
  return signAndEncode('static_invoice', edit(inv.records.filter((r) => r.type !== T.signature)), k, new Uint8Array(32));
}
const without = (t: bigint) => (r: TlvRecord[]) => r.filter((x) => x.type !== t);
const replace = (rec: TlvRecord) => (r: TlvRecord[]) => [...r.filter((x) => x.type !== rec.type), rec];
const rejects = (b: Uint8Array, re: RegExp): void => {
  assert.throws(() => decodeStaticInvoice(b), (e: unknown) => e instanceof DecodeError && re.test(e.message));
};

describe('offer', () => {
  test('build → string → parse gives the same typed offer and bytes', () => {
    const o = asyncOffer([ODD_OFFER, EXP_OFFER]);
    const back = parseOffer(offerToString(o));
    assert.deepEqual(back, o);
    assert.equal(toHex(back.chains![0]!), toHex(REGTEST));
    assert.equal(back.paths!.length, 2);
    assert.deepEqual(back.paths![0]!.intro, sciddirPath(10).intro);
    assert.deepEqual(types(back.unknown), [33n, 1_000_000_033n]);
  });
  test('builder refuses what the reader would refuse', () => {
    assert.throws(() => buildOffer({ issuerId: pub(1), amount: 5n }), Bolt12BuildError); // no description
    assert.throws(() => buildOffer({ issuerId: pub(1), currency: 'USD' }), Bolt12BuildError);
    assert.throws(() => buildOffer({ issuerId: pub(1), extra: [tlvRecord(34n, new Uint8Array(1))] }), /unknown even type 34/);
    assert.throws(() => buildOffer({ issuerId: pub(1), extra: [tlvRecord(81n, new Uint8Array(1))] }), /not allowed/);
    assert.throws(() => buildOffer({ issuerId: pub(1), features: featureBits(20) }), /unknown required offer feature/);
    assert.ok(buildOffer({ issuerId: pub(1), features: featureBits(21) }));
    assert.ok(buildOffer({ paths: [path(1)] }));
  });
  test('amount above 21M BTC is refused, in a currency it is not', () => {
    const max = 21_000_000n * 100_000_000n * 1000n;
    assert.ok(buildOffer({ issuerId: pub(1), amount: max, description: 'x' }));
    assert.throws(() => buildOffer({ issuerId: pub(1), amount: max + 1n, description: 'x' }), /too large/);
    assert.ok(buildOffer({ issuerId: pub(1), amount: max + 1n, currency: 'USD', description: 'x' }));
  });
  test('present but empty offer_paths is refused even with an issuer id', () => {
    const b = encodeTlvStream([tlvRecord(T.offerPaths, new Uint8Array(0)), tlvRecord(T.offerIssuerId, pub(1))]);
    assert.throws(() => decodeOffer(b), /offer_paths is empty/);
  });
  test('expiry: valid through absolute_expiry, expired one second later', () => {
    const o = asyncOffer();
    assert.equal(expiresAt(o), NOW + 365n * 86400n);
    assert.equal(isExpired(o, NOW + 365n * 86400n), false);
    assert.equal(isExpired(o, NOW + 365n * 86400n + 1n), true);
    assert.equal(isExpired(buildOffer({ issuerId: pub(1) }), 2 ** 40), false);
  });
  test('a description starting with U+FEFF keeps it (strict UTF-8 without BOM stripping)', () => {
    const o = buildOffer({ issuerId: pub(1), description: '\ufeffcoffee' });
    assert.equal(o.description, '\ufeffcoffee');
    assert.equal(toHex(o.records.find((r) => r.type === T.offerDescription)!.value), 'efbbbf636f66666565');
    assert.equal(toHex(encodeOfferFields(o, o.unknown)), toHex(o.bytes));
  });
  test('decoded objects do not alias the caller buffer', () => {
    const o = asyncOffer();
    const buf = o.bytes.slice();
    const d = decodeOffer(buf);
    buf.fill(0);
    assert.equal(toHex(d.bytes), toHex(o.bytes));
    assert.equal(toHex(d.issuerId!), toHex(pubFromPriv(ISSUER_KEY)));
  });
});

describe('offer id (CLN calc_offer)', () => {
  test('SHA256 of the raw offer records; same from offer, invreq and static invoice', () => {
    const o = asyncOffer([ODD_OFFER, EXP_OFFER]);
    const id = offerIdOf(o.records);
    assert.equal(toHex(id), toHex(sha256(o.bytes))); // an offer is nothing but offer records
    const req = invoiceRequestFor(o);
    const inv = staticInvoiceFor(o);
    assert.equal(toHex(offerIdOf(req.records)), toHex(id));
    assert.equal(toHex(offerIdOf(inv.records)), toHex(id));
    assert.notEqual(toHex(offerIdOf(asyncOffer().records)), toHex(id));
  });
});

describe('invoice_request', () => {
  const offer = asyncOffer([ODD_OFFER]);
  test('build → lnr string → parse round trip; offer records copied byte for byte', () => {
    const req = invoiceRequestFor(offer);
    const back = parseInvoiceRequest(invoiceRequestToString(req));
    assert.deepEqual(back, req);
    assert.ok(sameOfferRecords(offer.records, req.records));
    assert.equal(req.amount, 50_000n);
    assert.equal(toHex(req.payerId), toHex(pubFromPriv(PAYER_KEY)));
    assert.ok(verifyRecords('invoice_request', req.records, req.signature, req.payerId));
  });
  test('chains: absent invreq_chain means bitcoin (BOLT 12 and LDK), so a regtest offer needs it', () => {
    const base = { metadata: new Uint8Array(8), payerKey: PAYER_KEY, amount: 1000n };
    // The builder fills in the offer's chain when bitcoin is not offered.
    assert.equal(toHex(buildInvoiceRequest(offer, base).chain!), toHex(REGTEST));
    assert.ok(buildInvoiceRequest(offer, { ...base, chain: REGTEST }));
    assert.throws(() => buildInvoiceRequest(offer, { ...base, chain: BITCOIN_CHAIN }), /invreq_chain not offered/);
    // Hand-made request without invreq_chain for the regtest offer: rejected.
    const req = buildInvoiceRequest(offer, base);
    const noChain = signAndEncode('invoice_request', req.records.filter((r) => r.type !== T.invreqChain), PAYER_KEY);
    assert.throws(() => decodeInvoiceRequest(noChain), /invreq_chain not offered/);
    // A bitcoin offer: the builder omits invreq_chain; naming bitcoin explicitly is fine too.
    const btc = buildOffer({ issuerId: pub(1) });
    assert.equal(buildInvoiceRequest(btc, base).chain, undefined);
    assert.ok(buildInvoiceRequest(btc, { ...base, chain: BITCOIN_CHAIN }));
    assert.throws(() => buildInvoiceRequest(btc, { ...base, chain: REGTEST }), /invreq_chain not offered/);
  });
  test('amount and quantity rules', () => {
    const base = { metadata: new Uint8Array(8), payerKey: PAYER_KEY };
    assert.throws(() => buildInvoiceRequest(offer, base), /no amount/);
    const priced = buildOffer({ issuerId: pub(1), amount: 1000n, description: 'd', quantityMax: 5n });
    assert.throws(() => buildInvoiceRequest(priced, base), /missing invreq_quantity/);
    assert.ok(buildInvoiceRequest(priced, { ...base, quantity: 5n }));
    assert.throws(() => buildInvoiceRequest(priced, { ...base, quantity: 6n }), /above offer_quantity_max/);
    assert.throws(() => buildInvoiceRequest(priced, { ...base, quantity: 0n }), /zero/);
    assert.throws(() => buildInvoiceRequest(priced, { ...base, quantity: 2n, amount: 1999n }), /below offer amount/);
    assert.ok(buildInvoiceRequest(priced, { ...base, quantity: 2n, amount: 2000n }));
    assert.throws(() => buildInvoiceRequest(offer, { ...base, amount: 1n, quantity: 1n }), /without quantity/);
  });
  test('unknown required invreq features parse (a server serves regardless) but are reported', () => {
    const req = buildInvoiceRequest(offer, { metadata: new Uint8Array(8), payerKey: PAYER_KEY, amount: 1n, features: featureBits(58) });
    assert.deepEqual(unknownRequiredInvreqFeatures(req), [58]);
    assert.deepEqual(unknownRequiredInvreqFeatures(invoiceRequestFor(offer)), []);
  });
  test('tampering with any byte is detected', () => {
    const req = invoiceRequestFor(offer);
    for (let i = 0; i < req.bytes.length; i++) {
      const b = req.bytes.slice();
      b[i]! ^= 0x01;
      assert.throws(() => decodeInvoiceRequest(b), DecodeError, `byte ${i}`);
    }
  });
});

describe('invoice (66)', () => {
  const offer = asyncOffer();
  const req = invoiceRequestFor(offer);
  const opts = { paymentPaths: [paymentPath(30)] as const, createdAt: NOW, paymentHash: new Uint8Array(32).fill(3) };
  test('answers a request: invreq records copied raw, typed fields, signature', () => {
    const inv = buildInvoice(req, opts, ISSUER_KEY, new Uint8Array(32));
    assert.deepEqual(decodeInvoice(inv.bytes), inv);
    assert.equal(inv.amount, 50_000n);
    assert.ok(hasFeature(inv.features, FEATURE.basicMpp + 1));
    const copied = inv.records.filter((r) => r.type < 160n || (r.type >= 1_000_000_000n && r.type < 3_000_000_000n));
    assert.deepEqual(copied.map((r) => toHex(r.raw)), req.records.filter((r) => r.type !== T.signature).map((r) => toHex(r.raw)));
    assert.ok(verifyRecords('invoice', inv.records, inv.signature, inv.nodeId));
    assert.equal(relativeExpiryOf(inv), 7200);
    assert.equal(isExpired(inv, NOW + 7200n), false);
    assert.equal(isExpired(inv, NOW + 7201n), true);
  });
  test('a node id other than the offer issuer id is refused', () => {
    assert.throws(() => buildInvoice(req, opts, key(0x55)), /invoice_node_id not allowed/);
  });
  test('unknown required invoice features are refused', () => {
    assert.throws(() => buildInvoice(req, { ...opts, features: featureBits(20) }, ISSUER_KEY), /unknown required invoice feature/);
  });
  test('a signature under the static_invoice tag does not verify as an invoice', () => {
    const inv = buildInvoice(req, opts, ISSUER_KEY);
    const recs = inv.records.filter((r) => r.type !== T.signature);
    const wrong = signAndEncode('static_invoice', recs, ISSUER_KEY);
    assert.throws(() => decodeInvoice(wrong), /bad signature/);
  });
});

describe('static invoice: build, round trip, signature', () => {
  const offer = asyncOffer([ODD_OFFER, EXP_OFFER]);
  const inv = staticInvoiceFor(offer);

  test('build → bytes → decode equals; typed fields as built', () => {
    const back = decodeStaticInvoice(inv.bytes);
    assert.deepEqual(back, inv);
    assert.equal(back.kind, 'static_invoice');
    assert.equal(back.createdAt, NOW);
    assert.equal(back.paths.length, 2);
    assert.deepEqual(paymentPathsOf(back)[1], paymentPath(40));
    assert.deepEqual(back.heldHtlcAvailablePaths, [path(50, 2, 60)]);
    assert.equal(toHex(back.nodeId), toHex(pubFromPriv(ISSUER_KEY)));
    assert.equal(toHex(back.features!), '020000'); // basic_mpp optional, as LDK
    assert.equal(back.offer.absoluteExpiry, NOW + 365n * 86400n);
    assert.ok(back.bytes.length < MAX_STATIC_INVOICE_SIZE_BYTES);
  });
  test('offer records are the offer bytes, byte for byte, unknown ones included', () => {
    const offerPart = inv.records.filter((r) => r.type < 80n || (r.type >= 1_000_000_000n && r.type < 2_000_000_000n));
    assert.equal(toHex(concatBytes(...offerPart.map((r) => r.raw))), toHex(offer.bytes));
    assert.ok(sameOfferRecords(offer.records, inv.records));
    assert.deepEqual(types(inv.unknown), [33n, 1_000_000_033n]);
  });
  test('record order: offer, invoice, 236, signature, then experimental', () => {
    const x = buildStaticInvoice(
      { offer, paymentPaths: [paymentPath(30)], heldHtlcAvailablePaths: [path(50)], createdAt: NOW, extra: [tlvRecord(3_000_000_001n, new Uint8Array([9]))] },
      ISSUER_KEY,
    );
    assert.deepEqual(types(x.records), [2n, 14n, 16n, 22n, 33n, 160n, 162n, 164n, 166n, 174n, 176n, 236n, 240n, 1_000_000_033n, 3_000_000_001n]);
  });
  test('signature: BIP 340 under lightningstatic_invoicesignature, reproducible with zero aux', () => {
    assert.ok(verifyRecords('static_invoice', inv.records, inv.signature, inv.nodeId));
    assert.ok(!verifyRecords('invoice', inv.records, inv.signature, inv.nodeId));
    assert.ok(!verifyRecords('static_invoice', inv.records, inv.signature, pub(0x55)));
    assert.equal(toHex(staticInvoiceFor(offer).bytes), toHex(inv.bytes)); // deterministic with aux = 0
  });
  test('flipping any single bit anywhere is rejected', () => {
    for (let i = 0; i < inv.bytes.length; i++) {
      const b = inv.bytes.slice();
      b[i]! ^= 1 << (i % 8);
      assert.throws(() => decodeStaticInvoice(b), DecodeError, `byte ${i}`);
    }
  });
  test('records in 241–1000 are outside the signature; other unknown odd records are inside it', () => {
    const withOdd = encodeTlvStream([...inv.records, tlvRecord(241n, new Uint8Array([1]))]);
    assert.equal(decodeStaticInvoice(withOdd).unknown.length, 3);
    const withOddUnsigned = encodeTlvStream([...inv.records, tlvRecord(237n, new Uint8Array([1]))]);
    assert.throws(() => decodeStaticInvoice(withOddUnsigned), /bad signature/);
    assert.equal(decodeStaticInvoice(resign(inv, (r) => [...r, tlvRecord(237n, new Uint8Array([1]))])).unknown.length, 3);
  });
});

describe('static invoice: LDK parse rules (each re-signed so only the rule fails)', () => {
  const offer = asyncOffer();
  const inv = staticInvoiceFor(offer);
  const cases: [string, (r: TlvRecord[]) => TlvRecord[], RegExp][] = [
    ['invoice_payment_hash (168) is forbidden', replace(tlvRecord(168n, new Uint8Array(32))), /unexpected invoice_payment_hash/],
    ['invoice_amount (170) is forbidden', replace(tlvRecord(170n, encodeTu64(1000n))), /unexpected invoice_amount/],
    ['invreq_metadata (0) is forbidden', replace(tlvRecord(0n, new Uint8Array(8))), /unexpected invreq_metadata/],
    ['invreq fields (80–159) are forbidden', replace(tlvRecord(89n, new Uint8Array([0x61]))), /type 89 not allowed/],
    ['experimental invreq range is forbidden', replace(tlvRecord(2_000_000_001n, new Uint8Array(1))), /not allowed/],
    ['types 1001–999999999 are forbidden', replace(tlvRecord(1001n, new Uint8Array(1))), /type 1001 not allowed/],
    ['types ≥ 4e9 are forbidden', replace(tlvRecord(4_000_000_001n, new Uint8Array(1))), /not allowed/],
    ['unknown even invoice type is rejected', replace(tlvRecord(238n, new Uint8Array(1))), /unknown even type 238/],
    ['unknown even experimental invoice type is rejected', replace(tlvRecord(3_000_000_002n, new Uint8Array(1))), /unknown even/],
    ['invoice_paths required', without(160n), /invoice_paths/],
    ['invoice_blindedpay required', without(162n), /missing invoice_blindedpay/],
    ['one payinfo per path', replace(tlvRecord(162n, writeTable(STATIC_INVOICE_TABLE, { blindedPay: [paymentPath(1).payinfo] })[0]!.value)), /count differs/],
    ['invoice_paths non-empty', replace(tlvRecord(160n, new Uint8Array(0))), /empty invoice_paths/],
    ['invoice_created_at required', without(164n), /missing invoice_created_at/],
    ['invoice_node_id required', without(176n), /missing invoice_node_id/],
    ['held_htlc_available_paths required', without(236n), /missing held_htlc_available_paths/],
    ['offer_paths required', without(16n), /missing offer_paths/],
    ['at most one offer chain', replace(tlvRecord(2n, concatBytes(REGTEST, BITCOIN_CHAIN))), /more than one offer chain/],
    ['offer rules apply: zero amount', replace(tlvRecord(8n, new Uint8Array(0))), /offer_amount is zero/],
    ['offer rules apply: currency without amount', replace(tlvRecord(6n, new TextEncoder().encode('USD'))), /offer_currency without/],
    ['tu64 created_at must be minimal', replace(tlvRecord(164n, concatBytes(new Uint8Array([0]), encodeTu64(NOW)))), /not minimal/],
    ['tu32 relative_expiry fits 4 bytes', replace(tlvRecord(166n, u64(1n << 40n).subarray(2))), /too long/],
  ];
  for (const [name, edit, re] of cases) test(name, () => rejects(resign(inv, edit), re));
  test('signature required', () => rejects(encodeTlvStream(inv.records.filter((r) => r.type !== T.signature)), /missing signature/));
  test('signature must be 64 bytes', () => rejects(encodeTlvStream([...inv.records.filter((r) => r.type !== T.signature), tlvRecord(240n, new Uint8Array(63))]), /64 bytes/));
  test('a zero-hop path anywhere is rejected', () => {
    const good = writeTable(STATIC_INVOICE_TABLE, { heldHtlcAvailablePaths: [path(50)] })[0]!.value;
    const bad = good.slice();
    bad[66] = 0; // num_hops of the only path
    rejects(resign(inv, replace(tlvRecord(236n, bad.subarray(0, 67)))), /num_hops is 0/);
  });
  test('empty held_htlc_available_paths parses (LDK) but the builder refuses it', () => {
    const d = decodeStaticInvoice(resign(inv, replace(tlvRecord(236n, new Uint8Array(0)))));
    assert.equal(d.heldHtlcAvailablePaths.length, 0);
    assert.throws(
      () => buildStaticInvoice({ offer, paymentPaths: [paymentPath(1)], heldHtlcAvailablePaths: [] as unknown as [never], createdAt: NOW }, ISSUER_KEY),
      Bolt12BuildError,
    );
  });
  test('node id must equal offer_issuer_id', () => rejects(resign(inv, replace(tlvRecord(176n, pub(0x55))), key(0x55)), /invoice_node_id not allowed/));
  test('without issuer id, node id may be the last blinded hop of an offer path (§5.5)', () => {
    const last = pub(0x66);
    const offerRecs = writeTable(OFFER_TABLE, { paths: [path(10, 2, 10, last)] });
    const swap = (r: TlvRecord[]) => [...r.filter((x) => x.type >= 80n || x.type === 14n), ...offerRecs].filter((x) => x.type !== 176n).concat(tlvRecord(176n, last));
    const ok = decodeStaticInvoice(resign(inv, swap, key(0x66)));
    assert.equal(ok.offer.issuerId, undefined);
    const other = (r: TlvRecord[]) => swap(r).filter((x) => x.type !== 176n).concat(tlvRecord(176n, pub(0x67)));
    rejects(resign(inv, other, key(0x67)), /invoice_node_id not allowed/);
  });
  test('unknown required offer features: the static invoice parses, the offer alone does not', () => {
    const d = decodeStaticInvoice(resign(inv, replace(tlvRecord(12n, featureBits(20)))));
    assert.deepEqual(unknownRequiredOfferFeatures(d.offer), [20]);
    const offerOnly = encodeTlvStream(d.records.filter((r) => r.type < 80n));
    assert.throws(() => decodeOffer(offerOnly), /unknown required offer feature/);
  });
  test('unknown odd records are kept and signed', () => {
    const d = decodeStaticInvoice(resign(inv, replace(tlvRecord(3_000_000_001n, new Uint8Array([7])))));
    assert.deepEqual(types(d.unknown), [3_000_000_001n]);
  });
  test('unknown required invoice features parse, but a payer must refuse them', () => {
    const d = decodeStaticInvoice(resign(inv, replace(tlvRecord(174n, featureBits(17, 22)))));
    assert.deepEqual(unknownRequiredInvoiceFeatures(d), [22]);
    assert.deepEqual(checkStaticInvoiceForPayment(d, invoiceRequestFor(offer).records, NOW), { ok: false, reason: 'unknown_required_features' });
    assert.deepEqual(unknownRequiredInvoiceFeatures(inv), []);
  });
});

describe('static invoice: builder rules and context checks', () => {
  const offer = asyncOffer();
  test('signing key must be the offer issuer id', () => {
    assert.throws(
      () => buildStaticInvoice({ offer, paymentPaths: [paymentPath(1)], heldHtlcAvailablePaths: [path(2)], createdAt: NOW }, key(0x55)),
      /signing key is not the offer_issuer_id/,
    );
  });
  test('offer without issuer id is refused', () => {
    const o = buildOffer({ paths: [path(1)] });
    assert.throws(
      () => buildStaticInvoice({ offer: o, paymentPaths: [paymentPath(1)], heldHtlcAvailablePaths: [path(2)], createdAt: NOW }, ISSUER_KEY),
      /no offer_issuer_id/,
    );
  });
  test('offer expired at created_at is refused', () => {
    assert.throws(() => staticInvoiceFor(offer, NOW + 366n * 86400n), /offer already expired/);
  });
  test('relative expiry: written explicitly; default = time left on the offer, or u32::MAX', () => {
    const inv = staticInvoiceFor(offer, NOW + 100n);
    assert.equal(inv.relativeExpiry, 365 * 86400 - 100);
    assert.ok(inv.records.some((r) => r.type === 166n));
    const forever = buildOffer({ issuerId: pubFromPriv(ISSUER_KEY), paths: [path(1)] });
    assert.equal(staticInvoiceFor(forever).relativeExpiry, 0xffffffff);
  });
  test('absent TLV 166 means 14 days for a static invoice', () => {
    const inv = decodeStaticInvoice(resign(staticInvoiceFor(offer), without(166n)));
    assert.equal(inv.relativeExpiry, undefined);
    assert.equal(relativeExpiryOf(inv), STATIC_INVOICE_DEFAULT_RELATIVE_EXPIRY);
    assert.equal(isExpired(inv, NOW + 1_209_600n), false);
    assert.equal(isExpired(inv, NOW + 1_209_601n), true);
  });
  test('server checks: expired, too large, offer expired', () => {
    const inv = staticInvoiceFor(offer, NOW, undefined);
    assert.deepEqual(checkStaticInvoiceToPersist(inv, NOW), { ok: true });
    assert.deepEqual(checkStaticInvoiceToPersist(inv, NOW + 366n * 86400n), { ok: false, reason: 'expired' });
    assert.deepEqual(checkStaticInvoiceToPersist(inv, NOW, inv.bytes.length - 1), { ok: false, reason: 'too_large' });
    assert.deepEqual(checkStaticInvoiceToPersist(inv, NOW, inv.bytes.length), { ok: true });
    const long = buildStaticInvoice(
      { offer, paymentPaths: [paymentPath(1)], heldHtlcAvailablePaths: [path(2)], createdAt: NOW, relativeExpiry: 400 * 86400 },
      ISSUER_KEY,
    );
    assert.deepEqual(checkStaticInvoiceToServe(long, NOW + 366n * 86400n), { ok: false, reason: 'offer_expired' });
    assert.deepEqual(checkStaticInvoiceToServe(long, NOW), { ok: true });
  });
  test('payer check: offer records must match the request it sent', () => {
    const inv = staticInvoiceFor(offer);
    assert.deepEqual(checkStaticInvoiceForPayment(inv, invoiceRequestFor(offer).records, NOW), { ok: true });
    const other = asyncOffer([ODD_OFFER]);
    assert.deepEqual(checkStaticInvoiceForPayment(inv, invoiceRequestFor(other).records, NOW), { ok: false, reason: 'offer_mismatch' });
  });
  test('an LDK-shaped invoice (3 paths of 4 hops, 3 held paths) stays under 5120 bytes', () => {
    const big = buildStaticInvoice(
      {
        offer,
        paymentPaths: [0, 1, 2].map((i) => ({ path: path(60 + 10 * i, 4, 100), payinfo: paymentPath(1).payinfo })) as unknown as [ReturnType<typeof paymentPath>],
        heldHtlcAvailablePaths: [path(90, 4, 100), path(100, 4, 100), path(110, 4, 100)],
        createdAt: NOW,
      },
      ISSUER_KEY,
    );
    assert.ok(big.bytes.length < MAX_STATIC_INVOICE_SIZE_BYTES, `${big.bytes.length}`);
    assert.ok(equalBytes(decodeStaticInvoice(big.bytes).bytes, big.bytes));
  });
});

test('fixtures sanity: hex of the regtest chain', () => {
  assert.equal(toHex(REGTEST), '06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f');
  assert.equal(toHex(fromHex(toHex(pub(1)))), toHex(pub(1)));
});

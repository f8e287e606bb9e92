// The recipient's pure payment parts: the final payload as lightningd hands it over
// (the real v26.06 sample), every check lightningd leaves to us, the MPP state
// machine with an explicit clock, the rate bound, the fresh invoice's path_id and
// signatures, and the failure messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey, pubFromPriv, randomBytes } from '../../src/crypto/secp.js';
import { decodeBolt12As, HRP } from '../../src/bolt12/bech32.js';
import { buildInvoiceRequest, buildOffer } from '../../src/bolt12/build.js';
import { decodeInvoice } from '../../src/bolt12/invoice.js';
import { MESSAGE_NAME } from '../../src/bolt12/fields.js';
import { verifyRecords } from '../../src/bolt12/merkle.js';
import { parseTlvStream } from '../../src/codec/tlv.js';
import type { ChainHash } from '../../src/bolt12/values.js';
import { encodeHopPayload, frameHopPayload } from '../../src/onion/hop_payload.js';
import { chainHashOf } from '../../src/recipient/chain.js';
import { buildPaymentPaths, finalHopInfo, type InboundChannel } from '../../src/recipient/payment-paths.js';
import { checkStaticPart, type OurPathInfo } from '../../src/recipient/pay/checks.js';
import { failAnswer } from '../../src/recipient/pay/failure.js';
import { buildFreshInvoice, invoicePathId, unsignedInvoiceString } from '../../src/recipient/pay/fresh-invoice.js';
import { parseFinalPayload } from '../../src/recipient/pay/final-payload.js';
import { parseHtlcHook } from '../../src/recipient/pay/hook-payload.js';
import { MppSets } from '../../src/recipient/pay/mpp.js';
import { RateBound } from '../../src/recipient/pay/rate.js';
import { unblindHop } from '../../src/onion/blinding.js';
import { decodeEncryptedData } from '../../src/onion/encrypted_data.js';

const SAMPLES = JSON.parse(readFileSync(new URL('../../../test/sim/cln-samples.json', import.meta.url), 'utf8')).samples as Record<string, { params: any }>;
const sample = (prefix: string) => Object.entries(SAMPLES).find(([k]) => k.startsWith(prefix))![1].params;

const REGTEST = chainHashOf('regtest');
const TESTNET = chainHashOf('testnet');
const offerKey = asPrivKey(sha256(utf8('offer key')));
const payerKey = asPrivKey(sha256(utf8('payer key')));
const offer = buildOffer({ chains: [REGTEST, TESTNET], issuerId: pubFromPriv(offerKey) });
const TIP = 1000;
const PATH: OurPathInfo = { offerId: 'x', slot: 0, maxCltvExpiry: TIP + 2000, htlcMinimumMsat: 1000n, minFinalCltvDelta: 18 };

function invreq(o: { amount?: bigint; chain?: ChainHash; note?: string; forOffer?: typeof offer } = {}) {
  return buildInvoiceRequest(o.forOffer ?? offer, {
    metadata: sha256(utf8('metadata')),
    payerKey,
    chain: o.chain ?? REGTEST,
    amount: o.amount ?? 100_000n,
    ...(o.note ? { payerNote: o.note } : {}),
  });
}

function payload(o: { amt?: bigint; cltv?: number; total?: bigint; invreq?: Uint8Array | null; preimage?: Uint8Array | null; extra?: Array<{ type: bigint; value: Uint8Array }> } = {}) {
  const extra = [
    ...(o.invreq === null ? [] : [{ type: 77777n, value: o.invreq ?? invreq().bytes }]),
    ...(o.preimage === null ? [] : [{ type: 5482373484n, value: o.preimage ?? PREIMAGE }]),
    ...(o.extra ?? []),
  ].sort((a, b) => (a.type < b.type ? -1 : 1));
  return parseFinalPayload(
    frameHopPayload(
      encodeHopPayload({
        amtToForward: o.amt ?? 100_000n,
        outgoingCltvValue: o.cltv ?? TIP + 100,
        encryptedRecipientData: fromHex('aabbcc'),
        ...(o.total !== undefined ? { totalAmountMsat: o.total } : {}),
        extra,
      }),
    ),
  );
}

const PREIMAGE = sha256(utf8('preimage'));
const HASH = sha256(PREIMAGE);

function check(p = payload(), htlc: Partial<{ amountMsat: bigint; cltvExpiry: number; paymentHash: Uint8Array }> = {}, chain = REGTEST) {
  return checkStaticPart({
    payload: p,
    htlc: { amountMsat: 100_000n, cltvExpiry: TIP + 100, paymentHash: HASH, ...htlc },
    path: PATH,
    offerRecords: offer.records,
    chain,
    tip: TIP,
  });
}

const reason = (v: ReturnType<typeof check>) => (v.ok ? 'ok' : v.reason);

test('final payload: the real lightningd v26.06 static-invoice sample parses, and its preimage hashes to the HTLC hash', () => {
  for (const key of ['htlc_accepted (static-invoice payment', 'htlc_accepted (replay after lightningd restart of a held static']) {
    const p = sample(key);
    const h = parseHtlcHook(p)!;
    assert.ok(h, 'hook payload readable');
    assert.equal(h.decodedByLightningd, false);
    const fp = parseFinalPayload(h.payload);
    assert.equal(fp.amtToForward, 100_000n);
    assert.equal(fp.outgoingCltvValue, 43);
    assert.equal(fp.totalAmountMsat, 100_000n);
    assert.equal(fp.encryptedRecipientData?.length, 57);
    assert.ok(fp.invoiceRequest && fp.invoiceRequest.length > 0);
    assert.equal(toHex(sha256(fp.preimage!)), p.htlc.payment_hash);
    assert.deepEqual(fp.unknownEven, []);
  }
  const normal = parseHtlcHook(sample('htlc_accepted (normal BOLT 12 invoice'))!;
  assert.equal(normal.decodedByLightningd, true);
  assert.equal(parseFinalPayload(normal.payload).preimage, undefined);
  assert.equal(parseHtlcHook({ onion: { payload: 'zz' }, htlc: {} }), undefined, 'garbage is unreadable, not a crash');
  assert.throws(() => parseFinalPayload(fromHex('05020100')), 'length prefix must cover the rest');
});

test('checks: a correct single-part payment passes with the invreq amount as what is due', () => {
  const v = check();
  assert.ok(v.ok);
  assert.equal(v.need, 100_000n);
  assert.equal(v.total, 100_000n);
});

test('checks: each thing lightningd does not check is refused with its own reason', () => {
  const good = invreq().bytes;
  const tampered = Uint8Array.from(good);
  // Flip a byte inside the invreq_metadata value (signed), leaving the stream well-formed.
  tampered[4]! ^= 1;
  const badSig = Uint8Array.from(good);
  badSig[badSig.length - 1]! ^= 1;
  const other = buildOffer({ chains: [REGTEST], issuerId: pubFromPriv(asPrivKey(sha256(utf8('other')))) });
  const cases: Array<[string, ReturnType<typeof check>]> = [
    ['no_preimage', check(payload({ preimage: null }))],
    ['wrong_preimage', check(payload({ preimage: sha256(utf8('not it')) }))],
    ['wrong_preimage', check(payload({ preimage: PREIMAGE.subarray(0, 31) }))],
    ['no_invoice_request', check(payload({ invreq: null }))],
    ['bad_invoice_request', check(payload({ invreq: tampered }))],
    ['bad_invoice_request', check(payload({ invreq: badSig }))],
    ['bad_invoice_request', check(payload({ invreq: fromHex('00') }))],
    ['wrong_offer', check(payload({ invreq: invreq({ forOffer: other }).bytes }))],
    ['wrong_chain', check(payload({ invreq: invreq({ chain: TESTNET }).bytes }))],
    ['underpaid', check(payload({ amt: 99_999n }), { amountMsat: 99_999n })],
    ['underpaid', check(payload({ amt: 50_000n, total: 99_999n }), { amountMsat: 50_000n })],
    ['part_below_forward', check(payload({ amt: 100_000n }), { amountMsat: 99_999n })],
    ['cltv_below_forward', check(payload({ cltv: TIP + 100 }), { cltvExpiry: TIP + 99 })],
    ['cltv_too_soon', check(payload({ cltv: TIP + 17 }), { cltvExpiry: TIP + 17 })],
    ['cltv_too_far', check(payload({ cltv: TIP + 2001 }), { cltvExpiry: TIP + 2001 })],
    ['below_htlc_minimum', check(payload({ amt: 999n, total: 100_000n }), { amountMsat: 999n })],
    ['unknown_even_type', check(payload({ extra: [{ type: 1_000_000n, value: fromHex('01') }] }))],
  ];
  for (const [want, v] of cases) assert.equal(reason(v), want, `${want}: ${v.ok ? 'passed' : v.detail}`);
  // Limits are inclusive where the rule says so.
  assert.equal(reason(check(payload({ cltv: TIP + 18 }), { cltvExpiry: TIP + 18 })), 'ok');
  assert.equal(reason(check(payload({ cltv: TIP + 2000 }), { cltvExpiry: TIP + 2000 })), 'ok');
  assert.equal(reason(check(payload({ amt: 100_000n }), { amountMsat: 100_500n })), 'ok', 'overpaying a part is fine');
  assert.equal(reason(check(payload({ extra: [{ type: 1_000_001n, value: fromHex('01') }] }))), 'ok', 'unknown odd types are fine');
  assert.equal(reason(check(payload(), {}, TESTNET)), 'wrong_chain', 'our chain decides');
});

test('checks: an invreq without amount pays the offer amount × quantity', () => {
  const priced = buildOffer({ chains: [REGTEST], issuerId: pubFromPriv(offerKey), amount: 30_000n, description: 'coffee' });
  const req = buildInvoiceRequest(priced, { metadata: randomBytes(8), payerKey, chain: REGTEST });
  const args = (amt: bigint) => ({
    payload: payload({ invreq: req.bytes, amt }),
    htlc: { amountMsat: amt, cltvExpiry: TIP + 100, paymentHash: HASH },
    path: PATH,
    offerRecords: priced.records,
    chain: REGTEST,
    tip: TIP,
  });
  const ok = checkStaticPart(args(30_000n));
  assert.ok(ok.ok && ok.need === 30_000n);
  assert.equal(reason(checkStaticPart(args(29_999n))), 'underpaid');
});

test('MPP: parts add up to the total, a replayed part is not counted twice, mismatches are refused', () => {
  const m = new MppSets({ timeoutSecs: 60, cltvMarginBlocks: 6, maxPartsPerSet: 3, maxSets: 2 });
  const part = (k: string, amt: bigint, cltv = 2000) => ({ key: k, amountMsat: amt, cltvExpiry: cltv });
  assert.deepEqual(m.add('h', part('a', 40n), 100n, 'I', 0), { kind: 'held', sum: 40n, total: 100n });
  assert.equal(m.add('h', part('a', 40n), 100n, 'I', 1).kind, 'held', 'same key replaces');
  assert.equal(m.heldParts(), 1);
  assert.equal(m.add('h', part('b', 10n), 99n, 'I', 2).kind, 'reject', 'other total');
  assert.equal(m.add('h', part('b', 10n), 100n, 'J', 2).kind, 'reject', 'other invoice_request');
  assert.equal(m.add('h', part('b', 10n), 100n, 'I', 3).kind, 'held');
  assert.equal(m.add('h', part('c', 10n), 100n, 'I', 3).kind, 'held');
  const tooMany = m.add('h', part('d', 10n), 100n, 'I', 3);
  assert.ok(tooMany.kind === 'reject' && tooMany.reason === 'mpp_too_many_parts');
  const done = m.add('h', part('c', 60n), 100n, 'I', 4);
  assert.ok(done.kind === 'complete');
  assert.deepEqual(done.parts.map((p) => p.key).sort(), ['a', 'b', 'c']);
  assert.equal(done.sum, 110n);
  assert.equal(m.size, 0);
  // Bounded number of waiting payments.
  m.add('x', part('1', 1n), 100n, 'I', 0);
  m.add('y', part('2', 1n), 100n, 'I', 0);
  const full = m.add('z', part('3', 1n), 100n, 'I', 0);
  assert.ok(full.kind === 'reject' && full.reason === 'too_many_pending');
});

test('MPP: a set times out 60 s after its first part (clock passed in), or when a part nears expiry', () => {
  const m = new MppSets({ timeoutSecs: 60, cltvMarginBlocks: 6, maxPartsPerSet: 8, maxSets: 8 });
  m.add('t', { key: 'a', amountMsat: 1n, cltvExpiry: 5000 }, 10n, 'I', 100);
  m.add('t', { key: 'b', amountMsat: 1n, cltvExpiry: 5000 }, 10n, 'I', 150);
  m.add('c', { key: 'c', amountMsat: 1n, cltvExpiry: 1010 }, 10n, 'I', 150);
  // A set rebuilt after a restart keeps its first-seen time.
  m.add('r', { key: 'r', amountMsat: 1n, cltvExpiry: 5000 }, 10n, 'I', 150, 95);
  assert.deepEqual(m.expire(154, 1000), [], 'nothing yet');
  const near = m.expire(154, 1004);
  assert.deepEqual(near.map((e) => [e.hash, e.reason]), [['c', 'cltv_near_tip']]);
  const late = m.expire(160, 1004);
  assert.deepEqual(late.map((e) => [e.hash, e.reason, e.parts.length]), [['t', 'mpp_timeout', 2], ['r', 'mpp_timeout', 1]]);
  assert.equal(m.size, 0);
});

test('rate bound: N per window per key, keys independent, window slides', () => {
  const r = new RateBound(2, 60);
  assert.ok(r.take('o', 0));
  assert.ok(r.take('o', 10));
  assert.equal(r.take('o', 20), false);
  assert.ok(r.take('p', 20));
  assert.ok(r.take('o', 61), 'the first one left the window');
});

test('fresh invoice: path_id = SHA256(base ‖ H) in every path, signed by the offer key, createinvoice gets it unsigned', () => {
  const base = sha256(utf8('makesecret bolt12-invoice-base'));
  const pre = randomBytes(32);
  const hash = sha256(pre);
  const req = invreq({ note: 'coffee' });
  const ourPriv = asPrivKey(sha256(utf8('R node')));
  const peerPriv = asPrivKey(sha256(utf8('S node')));
  const chan: InboundChannel = {
    peerId: pubFromPriv(peerPriv),
    scid: 123n << 40n,
    relay: { feeBaseMsat: 1000, feeProportionalMillionths: 10, cltvExpiryDelta: 6 },
    htlcMinimumMsat: 0n,
    htlcMaximumMsat: 1_000_000_000n,
    receivableMsat: 1_000_000n,
  };
  const args = { channels: [chan], ourId: pubFromPriv(ourPriv), pathId: invoicePathId(base, hash), blockHeight: TIP, relativeExpirySecs: 7200 };
  const paths = buildPaymentPaths(args);
  const f = buildFreshInvoice({ req, paymentPaths: paths as never, paymentHash: hash, createdAt: 1_800_000_000, amountMsat: 100_000n, offerKey });
  assert.equal(toHex(f.invoice.nodeId), toHex(pubFromPriv(offerKey)));
  assert.ok(verifyRecords(MESSAGE_NAME.invoice, f.invoice.records, f.invoice.signature, pubFromPriv(offerKey)));
  assert.equal(f.invoice.amount, 100_000n);
  assert.equal(toHex(f.invoice.paymentHash), toHex(hash));
  assert.equal(f.invoice.relativeExpiry, 7200);
  // Our hop decrypts to the path_id lightningd computes.
  const p = f.invoice.paths[0]!;
  const peerHop = unblindHop(peerPriv, p.firstPathKey, p.hops[0]!.encryptedData);
  const ourHop = unblindHop(ourPriv, peerHop.nextPathKey, p.hops[1]!.encryptedData);
  assert.equal(toHex(decodeEncryptedData(ourHop.plaintext).pathId!), toHex(sha256(base, hash)));
  // The unsigned copy: same records but the signature.
  const unsigned = parseTlvStream(decodeBolt12As(f.unsigned, HRP.invoice));
  assert.deepEqual(unsigned.map((r) => toHex(r.raw)), f.invoice.records.filter((r) => r.type !== 240n).map((r) => toHex(r.raw)));
  assert.equal(unsignedInvoiceString(f.invoice), f.unsigned);
  assert.throws(() => decodeInvoice(decodeBolt12As(f.unsigned, HRP.invoice)), /signature/);
  // What our final hop of a static invoice's path allows is what the path says.
  const info = finalHopInfo(paths, args)[0]!;
  assert.equal(toHex(info.encryptedData), toHex(p.hops[1]!.encryptedData));
  assert.equal(decodeEncryptedData(ourHop.plaintext).paymentConstraints!.maxCltvExpiry, info.maxCltvExpiry);
});

test('failure messages: incorrect_or_unknown_payment_details carries amount and height; mpp_timeout is bare', () => {
  assert.deepEqual(failAnswer('wrong_preimage', 100_000n, 800_000), { result: 'fail', failure_message: '400f' + '00000000000186a0' + '000c3500' });
  assert.deepEqual(failAnswer('mpp_timeout', 1n, 1), { result: 'fail', failure_message: '0017' });
});




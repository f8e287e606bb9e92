// Round trips and rejections of every onion-layer encoding: encrypted_data_tlv,
// sciddir_or_pubkey, blinded_path, path lists, LDK's Vec form, onionmsg_tlv, 0x0201.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { concatBytes, fromHex, toHex, u16 } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { pubFromPriv, randomPrivKey } from '../../src/crypto/secp.js';
import {
  decodeBlindedPath,
  decodeBlindedPaths,
  decodeBlindedPathVec,
  decodeEncryptedData,
  decodeOnionMessageWire,
  decodeOnionMsgTlv,
  encodeBlindedPath,
  encodeBlindedPaths,
  encodeBlindedPathVec,
  encodeEncryptedData,
  encodeOnionMessageWire,
  encodeOnionMsgTlv,
  type BlindedPath,
  type EncryptedData,
  type OnionMsgTlv,
} from '../../src/onion/index.js';
import { loadVector, Prng, pub } from './onion-helpers.js';

const K1 = pub('0324653eac434488002cc06bbfb7f10fe18991e35f9fe4302dbea6d2353dc0ab1c');
const K2 = pub('027f31ebc5462c1fdce1b737ecff52d37d75dea43ce11c74d25aa297165faa2007');
const K3 = pub('032c0b7cf95324a07d05398b240174dc0c2be444d96b159aa6c7f7b1e668680991');

const rt = (d: EncryptedData) => toHex(encodeEncryptedData(decodeEncryptedData(encodeEncryptedData(d))));

test('encrypted_data_tlv: every field round-trips', () => {
  const all: EncryptedData = {
    padding: new Uint8Array(7),
    shortChannelId: 0x0102030405060708n,
    nextNodeId: K1,
    pathId: fromHex('deadbeef'),
    nextPathKeyOverride: K2,
    paymentRelay: { cltvExpiryDelta: 144, feeProportionalMillionths: 250, feeBaseMsat: 0 },
    paymentConstraints: { maxCltvExpiry: 747921, htlcMinimumMsat: 0n },
    allowedFeatures: new Uint8Array(0),
    unknown: [
      { type: 3n, value: fromHex('01') },
      { type: 561n, value: fromHex('123456') },
      { type: 65537n, value: new Uint8Array(40).fill(9) },
    ],
  };
  const enc = encodeEncryptedData(all);
  assert.deepEqual(decodeEncryptedData(enc), all);
  assert.equal(rt(all), toHex(enc));
  assert.equal(toHex(encodeEncryptedData({})), '');
  assert.deepEqual(decodeEncryptedData(new Uint8Array(0)), {});
});

test('encrypted_data_tlv: known encodings from the BOLT vectors', () => {
  // payment_relay with a zero base fee is 6 bytes (tu32 0 is empty)
  assert.equal(toHex(encodeEncryptedData({ paymentRelay: { cltvExpiryDelta: 144, feeProportionalMillionths: 250, feeBaseMsat: 0 } })), '0a060090000000fa');
  assert.equal(toHex(encodeEncryptedData({ paymentConstraints: { maxCltvExpiry: 747921, htlcMinimumMsat: 1500n } })), '0c06000b699105dc');
  assert.equal(toHex(encodeEncryptedData({ shortChannelId: 1729n })), '020800000000000006c1');
  assert.equal(toHex(encodeEncryptedData({ padding: new Uint8Array(0), pathId: fromHex('aa') })), '01000601aa');
});

test('encrypted_data_tlv: rejections are DecodeErrors', () => {
  const bad = [
    '0207000000000006c1', // scid of 7 bytes
    '0209000000000000006c1', // odd-length garbage (short)
    '0420' + '02'.repeat(32), // next_node_id 32 bytes
    '0421' + '04' + '11'.repeat(32), // not a compressed point
    '0421' + '02' + 'ff'.repeat(32), // x ≥ p
    '0821' + '02' + '00'.repeat(32), // override not on curve
    '0a050090000000', // payment_relay too short
    '0a0b0090000000fa0000000001', // tu32 fee_base 5 bytes
    '0a070090000000fa00', // tu32 with a leading zero
    '0c03000b69', // constraints too short
    '0c0d000b6991' + '000000000000000001', // tu64 9 bytes
    '1000', // unknown even 16
    'fe000100000100', // unknown even 65536
    '0600' + '0100', // out of order
    '01000100', // duplicate
    '0105000000', // truncated value
    'fd0001', // non-minimal bigsize type
  ];
  for (const h of bad) {
    const b = h.length % 2 ? fromHex(h.slice(0, -1)) : fromHex(h);
    assert.throws(() => decodeEncryptedData(b), DecodeError, h);
  }
  // unknown odd is fine, even when large
  assert.deepEqual(decodeEncryptedData(fromHex('fe0001000100')).unknown, [{ type: 65537n, value: new Uint8Array(0) }]);
});

test('encrypted_data_tlv: the encoder refuses even or known types as unknown, and out-of-range numbers', () => {
  assert.throws(() => encodeEncryptedData({ unknown: [{ type: 16n, value: new Uint8Array(0) }] }), RangeError);
  assert.throws(() => encodeEncryptedData({ unknown: [{ type: 1n, value: new Uint8Array(0) }] }), RangeError);
  assert.throws(() => encodeEncryptedData({ paymentRelay: { cltvExpiryDelta: 70000, feeProportionalMillionths: 0, feeBaseMsat: 0 } }), RangeError);
  assert.throws(() => encodeEncryptedData({ shortChannelId: -1n }), RangeError);
});

const onePath = (intro: BlindedPath['intro'], hops = 1, len = 50): BlindedPath => ({
  intro,
  firstPathKey: K2,
  hops: Array.from({ length: hops }, (_, i) => ({ blindedNodeId: i % 2 ? K1 : K3, encryptedData: new Uint8Array(len + i).fill(i) })),
});

test('blinded_path: pubkey and sciddir intros round-trip with exact layout', () => {
  const p = onePath({ kind: 'pubkey', nodeId: K1 }, 2);
  const b = encodeBlindedPath(p);
  assert.equal(b.length, 33 + 33 + 1 + 2 * (33 + 2) + 50 + 51);
  assert.equal(b[66], 2);
  assert.equal(toHex(b.subarray(67 + 33, 67 + 35)), '0032');
  assert.deepEqual(decodeBlindedPath(b), p);
  const s = onePath({ kind: 'sciddir', direction: 1, scid: 0x0000010000020003n }, 1, 0);
  const sb = encodeBlindedPath(s);
  assert.equal(toHex(sb.subarray(0, 9)), '010000010000020003');
  assert.deepEqual(decodeBlindedPath(sb), s);
});

test('blinded_path: rejections (num_hops 0, bad intro byte, bad points, truncation, trailing)', () => {
  const good = encodeBlindedPath(onePath({ kind: 'pubkey', nodeId: K1 }));
  const zeroHops = Uint8Array.from(good.subarray(0, 67));
  zeroHops[66] = 0;
  assert.throws(() => decodeBlindedPath(zeroHops), DecodeError);
  for (const first of [4, 5, 0x7f, 0xff]) {
    const b = Uint8Array.from(good);
    b[0] = first;
    assert.throws(() => decodeBlindedPath(b), DecodeError, `intro byte ${first}`);
  }
  const badKey = Uint8Array.from(good);
  badKey.set(new Uint8Array(32).fill(0xff), 34); // first_path_key x ≥ p
  assert.throws(() => decodeBlindedPath(badKey), DecodeError);
  const badHop = Uint8Array.from(good);
  badHop.set(new Uint8Array(32), 68); // blinded_node_id x = 0: not on the curve
  assert.throws(() => decodeBlindedPath(badHop), DecodeError);
  for (let cut = 0; cut < good.length; cut += 7) assert.throws(() => decodeBlindedPath(good.subarray(0, cut)), DecodeError, `cut ${cut}`);
  assert.throws(() => decodeBlindedPath(concatBytes(good, new Uint8Array(1))), DecodeError);
  // enclen longer than what is left
  const longLen = Uint8Array.from(good);
  longLen.set(u16(51), 67 + 33);
  assert.throws(() => decodeBlindedPath(longLen), DecodeError);
  assert.throws(() => encodeBlindedPath({ ...onePath({ kind: 'pubkey', nodeId: K1 }), hops: [] }), RangeError);
});

test('blinded_path lists: plain concatenation, read until exhausted', () => {
  const paths = [onePath({ kind: 'pubkey', nodeId: K1 }, 3), onePath({ kind: 'sciddir', direction: 0, scid: 42n }, 1), onePath({ kind: 'pubkey', nodeId: K3 }, 2, 0)];
  const b = encodeBlindedPaths(paths);
  assert.equal(toHex(b), paths.map((p) => toHex(encodeBlindedPath(p))).join(''));
  assert.deepEqual(decodeBlindedPaths(b), paths);
  assert.deepEqual(decodeBlindedPaths(new Uint8Array(0)), []);
  assert.throws(() => decodeBlindedPaths(concatBytes(b, new Uint8Array([2]))), DecodeError);
  assert.throws(() => decodeBlindedPaths(b.subarray(0, b.length - 1)), DecodeError);
});

// offers-test.json is the BOLT 12 engineers' copy of the BOLT vectors; skip visibly if absent.
const haveOffers = existsSync(new URL('../../../test/vectors/offers-test.json', import.meta.url));
test('blinded_path lists: offers-test.json paths decode and re-encode', { skip: !haveOffers && 'test/vectors/offers-test.json not present' }, () => {
  // Cases #14-#17 carry offer_paths (type 16); decode each path list and re-encode it exactly.
  let seen = 0;
  const offers = loadVector<any[]>('offers-test.json');
  for (const c of offers) {
    if (!c.valid || !c.fields) continue;
    for (const f of c.fields) {
      if (f.type !== 16) continue;
      const b = fromHex(f.hex);
      const paths = decodeBlindedPaths(b);
      assert.ok(paths.length >= 1);
      assert.equal(toHex(encodeBlindedPaths(paths)), f.hex);
      seen++;
    }
  }
  assert.ok(seen >= 2, `offer_paths cases seen: ${seen}`);
});

test('LDK Vec<BlindedMessagePath>: u16 count then paths; strict on count and trailing bytes', () => {
  const paths = [onePath({ kind: 'pubkey', nodeId: K1 }, 2), onePath({ kind: 'sciddir', direction: 1, scid: 7n }, 1)];
  const b = encodeBlindedPathVec(paths);
  assert.equal(toHex(b.subarray(0, 2)), '0002');
  assert.equal(toHex(b.subarray(2)), toHex(encodeBlindedPaths(paths)));
  assert.deepEqual(decodeBlindedPathVec(b), paths);
  assert.deepEqual(decodeBlindedPathVec(fromHex('0000')), []);
  assert.throws(() => decodeBlindedPathVec(concatBytes(u16(3), b.subarray(2))), DecodeError);
  assert.throws(() => decodeBlindedPathVec(concatBytes(b, new Uint8Array(1))), DecodeError);
  assert.throws(() => decodeBlindedPathVec(fromHex('ffff00000000ffffffff')), DecodeError);
  assert.throws(() => decodeBlindedPathVec(fromHex('00')), DecodeError);
});

test('onionmsg_tlv: round trip with reply path, data, message and unknown odd', () => {
  const t: OnionMsgTlv = {
    replyPath: onePath({ kind: 'pubkey', nodeId: K1 }, 2),
    encryptedRecipientData: new Uint8Array(30).fill(4),
    message: { type: 75540n, value: fromHex('00') },
    unknown: [{ type: 1n, value: fromHex('68656c6c6f') }, { type: 63n, value: new Uint8Array(0) }],
  };
  const b = encodeOnionMsgTlv(t);
  assert.deepEqual(decodeOnionMsgTlv(b), t);
  assert.equal(toHex(encodeOnionMsgTlv(decodeOnionMsgTlv(b))), toHex(b));
  assert.deepEqual(decodeOnionMsgTlv(new Uint8Array(0)), {});
  // the vector's Dave payload: type 1 "hello" then type 4
  const dave = decodeOnionMsgTlv(fromHex('010568656c6c6f0403aabbcc'));
  assert.deepEqual(dave, { encryptedRecipientData: fromHex('aabbcc'), unknown: [{ type: 1n, value: fromHex('68656c6c6f') }] });
});

test('onionmsg_tlv: second message type, unknown even < 64, bad reply path are DecodeErrors', () => {
  assert.throws(() => decodeOnionMsgTlv(fromHex('400100420100')), DecodeError); // 64 and 66
  assert.throws(() => decodeOnionMsgTlv(fromHex('4a0100fe000127140100')), DecodeError); // 74 and 75540
  assert.doesNotThrow(() => decodeOnionMsgTlv(fromHex('4a0100')));
  assert.throws(() => decodeOnionMsgTlv(fromHex('0600')), DecodeError); // unknown even 6
  assert.throws(() => decodeOnionMsgTlv(fromHex('0000')), DecodeError); // unknown even 0
  assert.throws(() => decodeOnionMsgTlv(fromHex('3e00')), DecodeError); // unknown even 62
  assert.doesNotThrow(() => decodeOnionMsgTlv(fromHex('3f00')));
  assert.throws(() => decodeOnionMsgTlv(fromHex('0200')), DecodeError); // empty reply path
  const rp = encodeBlindedPath(onePath({ kind: 'pubkey', nodeId: K1 }));
  assert.throws(() => decodeOnionMsgTlv(concatBytes(new Uint8Array([2, rp.length + 1]), rp, new Uint8Array(1))), DecodeError);
  assert.throws(() => encodeOnionMsgTlv({ message: { type: 62n, value: new Uint8Array(0) } }), RangeError);
  assert.throws(() => encodeOnionMsgTlv({ unknown: [{ type: 8n, value: new Uint8Array(0) }] }), RangeError);
});

test('onion_message wire (type 513): round trip, and extension TLVs follow BOLT 1', () => {
  const m = { pathKey: K1, packet: new Uint8Array(1366).fill(3) };
  const w = encodeOnionMessageWire(m);
  assert.equal(toHex(w.subarray(0, 2)), '0201');
  assert.equal(toHex(w.subarray(35, 37)), '0556');
  assert.deepEqual(decodeOnionMessageWire(w), m);
  assert.deepEqual(decodeOnionMessageWire(concatBytes(w, fromHex('0100'))), m); // odd extension ignored
  assert.throws(() => decodeOnionMessageWire(concatBytes(w, fromHex('0200'))), DecodeError);
  assert.throws(() => decodeOnionMessageWire(w.subarray(0, w.length - 1)), DecodeError);
  const other = Uint8Array.from(w);
  other[1] = 0x02;
  assert.throws(() => decodeOnionMessageWire(other), DecodeError);
});

test('round trips of random structures (seeded)', () => {
  const rng = new Prng(11);
  const keys = Array.from({ length: 8 }, () => pubFromPriv(randomPrivKey()));
  for (let i = 0; i < 300; i++) {
    const d: EncryptedData = {
      ...(rng.int(2) && { padding: new Uint8Array(rng.int(300)) }),
      ...(rng.int(2) && { shortChannelId: BigInt(rng.u32()) << BigInt(rng.int(32)) }),
      ...(rng.int(2) && { nextNodeId: rng.pick(keys) }),
      ...(rng.int(2) && { pathId: rng.bytes(rng.int(64)) }),
      ...(rng.int(2) && { nextPathKeyOverride: rng.pick(keys) }),
      ...(rng.int(2) && { paymentRelay: { cltvExpiryDelta: rng.int(65536), feeProportionalMillionths: rng.u32(), feeBaseMsat: rng.int(2) ? 0 : rng.u32() } }),
      ...(rng.int(2) && { paymentConstraints: { maxCltvExpiry: rng.u32(), htlcMinimumMsat: (BigInt(rng.u32()) << 32n) | BigInt(rng.u32() >>> rng.int(32)) } }),
      ...(rng.int(2) && { allowedFeatures: rng.bytes(rng.int(4)) }),
      ...(rng.int(2) && { unknown: [{ type: 15n + 2n * BigInt(rng.int(1000)), value: rng.bytes(rng.int(20)) }] }),
    };
    assert.deepEqual(decodeEncryptedData(encodeEncryptedData(d)), d);
    const p: BlindedPath = {
      intro: rng.int(2) ? { kind: 'pubkey', nodeId: rng.pick(keys) } : { kind: 'sciddir', direction: rng.int(2) as 0 | 1, scid: BigInt(rng.u32()) },
      firstPathKey: rng.pick(keys),
      hops: Array.from({ length: 1 + rng.int(5) }, () => ({ blindedNodeId: rng.pick(keys), encryptedData: rng.bytes(rng.int(200)) })),
    };
    assert.deepEqual(decodeBlindedPath(encodeBlindedPath(p)), p);
    const m: OnionMsgTlv = {
      ...(rng.int(2) && { replyPath: p }),
      ...(rng.int(2) && { encryptedRecipientData: rng.bytes(rng.int(100)) }),
      ...(rng.int(2) && { message: { type: 64n + BigInt(rng.int(100000)), value: rng.bytes(rng.int(100)) } }),
    };
    assert.deepEqual(decodeOnionMsgTlv(encodeOnionMsgTlv(m)), m);
  }
});

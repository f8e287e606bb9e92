// encodeTlvStream writes records from type and value; tlvRecord builds `raw` only when read.
// Both must give exactly the concatenated BOLT 1 encodings, for any type size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBigSize } from '../../src/codec/bigsize.js';
import { concatBytes, toHex } from '../../src/codec/bytes.js';
import { encodeTlvStream, parseTlvStream, tlvRecord } from '../../src/codec/tlv.js';
import { decodeOnionMsgTlv, decodeOwnedOnionMsgTlv, encodeOnionMsgTlv } from '../../src/onion/onionmsg_tlv.js';
import { Prng } from './onion-helpers.js';

const TYPES = [0n, 1n, 0xfcn, 0xfdn, 0xffffn, 0x10000n, 0xffffffffn, 0x100000000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n];

test('tlvRecord raw and encodeTlvStream equal the concatenated encodings, types of every BigSize width', () => {
  const rng = new Prng(5150);
  for (let round = 0; round < 20; round++) {
    const types = TYPES.filter(() => rng.int(2) === 0);
    const recs = types.map((t) => tlvRecord(t, rng.bytes([0, 1, 252, 253, 300, 70000][rng.int(6)]!)));
    const want = concatBytes(...recs.map((r) => concatBytes(encodeBigSize(r.type), encodeBigSize(r.value.length), r.value)));
    // Shuffled input: the encoder sorts.
    const shuffled = [...recs].sort(() => rng.int(3) - 1);
    const got = encodeTlvStream(shuffled);
    assert.equal(toHex(got), toHex(want));
    for (const r of recs) assert.equal(toHex(r.raw), toHex(concatBytes(encodeBigSize(r.type), encodeBigSize(r.value.length), r.value)));
    // Parsed records (raw a view into the input) encode back to the same bytes.
    assert.equal(toHex(encodeTlvStream(parseTlvStream(got))), toHex(got));
  }
  assert.throws(() => tlvRecord(-1n, new Uint8Array(0)), RangeError);
  assert.throws(() => tlvRecord(2n ** 64n, new Uint8Array(0)), RangeError);
  assert.throws(() => encodeTlvStream([tlvRecord(5n, new Uint8Array(1)), tlvRecord(5n, new Uint8Array(2))]), RangeError);
});

test('decodeOwnedOnionMsgTlv reads what decodeOnionMsgTlv reads, its fields views into the bytes handed over', () => {
  const rng = new Prng(77);
  const t = { encryptedRecipientData: rng.bytes(90), message: { type: 64n, value: rng.bytes(300) }, unknown: [{ type: 3n, value: rng.bytes(70) }] };
  const b = encodeOnionMsgTlv(t);
  assert.deepEqual(decodeOwnedOnionMsgTlv(b), decodeOnionMsgTlv(b));
  const owned = decodeOwnedOnionMsgTlv(b);
  assert.equal(owned.message!.value.buffer, b.buffer);
  assert.notEqual(decodeOnionMsgTlv(b).message!.value.buffer, b.buffer, 'the copying decoder still copies');
});

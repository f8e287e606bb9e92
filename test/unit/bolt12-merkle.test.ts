// merkle.ts (cached tag midstates, no concatenated temporaries) against a reference
// written straight from BOLT 12 "Signature Calculation" with @noble/hashes: recursive
// power-of-two split (the uneven tree deepest on the low-order leaves), plain
// concatenation for every tagged hash. Random streams: 1–40 records, records from 1 byte
// to past the JS/OpenSSL threshold, signature-range records (240–1000) mixed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { compareBytes, concatBytes, toHex, utf8 } from '../../src/codec/bytes.js';
import { encodeBigSize } from '../../src/codec/bigsize.js';
import { parseTlvStream, tlvRecord, encodeTlvStream, type TlvRecord } from '../../src/codec/tlv.js';
import { branchHash, leafHash, merkleRoot, nonceHash, sigHash, signRecords, verifyRecords } from '../../src/bolt12/merkle.js';
import { asPrivKey, pubFromPriv } from '../../src/crypto/secp.js';
import { Prng } from './onion-helpers.js';

const rng = new Prng(1618);
const H = (tag: Uint8Array, ...msg: Uint8Array[]) => {
  const t = nobleSha256(tag);
  return nobleSha256(concatBytes(t, t, ...msg));
};
const refBranch = (a: Uint8Array, b: Uint8Array) => (compareBytes(a, b) <= 0 ? H(utf8('LnBranch'), a, b) : H(utf8('LnBranch'), b, a));

function refRoot(records: readonly TlvRecord[]): Uint8Array {
  const covered = records.filter((r) => r.type < 240n || r.type > 1000n);
  const first = covered[0]!.raw;
  const leaves = covered.map((r) => refBranch(H(utf8('LnLeaf'), r.raw), H(concatBytes(utf8('LnNonce'), first), encodeBigSize(r.type))));
  const root = (xs: Uint8Array[]): Uint8Array => {
    if (xs.length === 1) return xs[0]!;
    let half = 1;
    while (half * 2 < xs.length) half *= 2;
    return refBranch(root(xs.slice(0, half)), root(xs.slice(half)));
  };
  return root(leaves);
}

/** A random stream in ascending type order, a few records possibly in the signature range. */
function randomStream(): TlvRecord[] {
  const n = 1 + rng.int(40);
  const types = new Set<number>();
  while (types.size < n) types.add(rng.int(4) === 0 ? 240 + rng.int(761) : rng.int(3) === 0 ? 1_000_000_000 + rng.int(1000) : rng.int(240));
  const recs = [...types].sort((a, b) => a - b).map((t) => tlvRecord(t, rng.bytes(rng.pick([0, 1, 8, 32, 33, 100, 117, 118, 200, 400, 2000]))));
  return parseTlvStream(encodeTlvStream(recs)); // raw bytes as a decoder sees them
}

test('merkleRoot and sigHash equal a BOLT 12 reference on 300 random streams (1–40 records, signature range mixed in)', () => {
  let checked = 0;
  for (let i = 0; i < 300; i++) {
    const recs = randomStream();
    if (!recs.some((r) => r.type < 240n || r.type > 1000n)) {
      assert.throws(() => merkleRoot(recs), RangeError);
      continue;
    }
    const want = refRoot(recs);
    assert.equal(toHex(merkleRoot(recs)), toHex(want), `stream ${i}`);
    assert.equal(toHex(sigHash('invoice', recs)), toHex(H(utf8('lightninginvoicesignature'), want)));
    checked++;
  }
  assert.ok(checked > 250);
});

test('leafHash, nonceHash and branchHash equal the reference for records of every size class', () => {
  for (const len of [0, 1, 100, 116, 117, 118, 119, 180, 181, 182, 183, 184, 400, 70_000]) {
    const rec = tlvRecord(rng.int(239), rng.bytes(len)).raw;
    const first = tlvRecord(0, rng.bytes(rng.pick([0, 32, 200]))).raw;
    assert.equal(toHex(leafHash(rec)), toHex(H(utf8('LnLeaf'), rec)), `leaf ${len}`);
    for (const t of [0n, 1n, 252n, 253n, 65535n, 65536n, 2n ** 32n, 2n ** 64n - 1n]) {
      assert.equal(toHex(nonceHash(first, t)), toHex(H(concatBytes(utf8('LnNonce'), first), encodeBigSize(t))));
    }
  }
  const a = rng.bytes(32);
  const b = rng.bytes(32);
  assert.equal(toHex(branchHash(a, b)), toHex(refBranch(a, b)));
  assert.equal(toHex(branchHash(b, a)), toHex(branchHash(a, b)));
});

test('signRecords/verifyRecords: a signature over a random stream verifies, and fails once any covered byte changes', () => {
  const key = asPrivKey(rng.bytes(32).fill(0x11, 0, 1));
  const pub = pubFromPriv(key);
  for (let i = 0; i < 20; i++) {
    const recs = randomStream().filter((r) => r.type < 240n || r.type > 1000n);
    if (recs.length === 0) continue;
    const sig = signRecords('invoice_request', recs, key, new Uint8Array(32));
    assert.ok(verifyRecords('invoice_request', recs, sig, pub));
    const j = rng.int(recs.length);
    const raw = Uint8Array.from(recs[j]!.raw);
    raw[raw.length - 1]! ^= 1;
    const changed = recs.map((r, k) => (k === j ? { ...r, raw } : r));
    assert.equal(verifyRecords('invoice_request', changed, sig, pub), false);
  }
});

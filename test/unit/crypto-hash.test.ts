// The JS SHA-256 (sha256-js.ts) and the HMAC / tagged-hash paths built on it (hash.ts),
// against @noble/hashes and RFC vectors, on both sides of the JS/OpenSSL threshold: every
// length 0–300, random multi-part splits, midstates, HMAC keys of 0–200 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { deriveKey, hmacKey, hmacSha256, hmacWith, SHA256_JS_MAX, namedTag, sha256, taggedHash, taggedHashPair, taggedHashWith, tagOf } from '../../src/crypto/hash.js';
import * as js from '../../src/crypto/sha256-js.js';
import { Prng } from './onion-helpers.js';

const rng = new Prng(1616);
const nobleTagged = (tag: Uint8Array, msg: Uint8Array) => {
  const th = nobleSha256(tag);
  return nobleSha256(concatBytes(th, th, msg));
};
/** Splits b into 1–4 random parts (some possibly empty). */
function split(b: Uint8Array): Uint8Array[] {
  const cuts = Array.from({ length: rng.int(4) }, () => rng.int(b.length + 1)).sort((x, y) => x - y);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const c of cuts) {
    parts.push(b.subarray(at, c));
    at = c;
  }
  parts.push(b.subarray(at));
  return parts;
}

test('sha256-js: every length 0–300 equals @noble/hashes, fed whole and in random parts', () => {
  for (let len = 0; len <= 300; len++) {
    const m = rng.bytes(len);
    const want = toHex(nobleSha256(m));
    js.start(js.IV);
    js.update(m);
    assert.equal(toHex(js.digest()), want, `whole ${len}`);
    js.start(js.IV);
    for (const p of split(m)) js.update(p);
    assert.equal(toHex(js.digest()), want, `parts ${len}`);
    // Unaligned input views (odd byteOffset) read the same bytes.
    const shifted = new Uint8Array(len + 3);
    shifted.set(m, 3);
    js.start(js.IV);
    js.update(shifted.subarray(3));
    assert.equal(toHex(js.digestInto(new Uint8Array(40), 5).subarray(5, 37)), want, `digestInto ${len}`);
  }
  // FIPS 180-4 examples: one block, two blocks ("abcdbcde…"), and a million 'a's (the bit length crosses 2^23).
  js.start(js.IV);
  js.update(utf8('abc'));
  assert.equal(toHex(js.digest()), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  js.start(js.IV);
  js.update(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'));
  assert.equal(toHex(js.digest()), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  js.start(js.IV);
  js.update(new Uint8Array(1_000_000).fill(0x61));
  assert.equal(toHex(js.digest()), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('sha256-js: a midstate resumes exactly where the prefix left off; a prefix not a multiple of 64 is refused', () => {
  for (const plen of [64, 128, 192]) {
    const prefix = rng.bytes(plen);
    const mid = js.midstateOf(prefix);
    assert.equal(mid.length, plen);
    for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 120, 200]) {
      const m = rng.bytes(len);
      js.start(mid);
      for (const p of split(m)) js.update(p);
      assert.equal(toHex(js.digest()), toHex(nobleSha256(concatBytes(prefix, m))), `prefix ${plen} msg ${len}`);
    }
  }
  // Chained midstates equal one long prefix; a midstate is never modified by hashing from it.
  const a = rng.bytes(64);
  const b = rng.bytes(64);
  const ab = js.midstateOf(b, js.midstateOf(a));
  const before = Array.from(ab.words);
  js.start(ab);
  js.update(utf8('x'));
  assert.equal(toHex(js.digest()), toHex(nobleSha256(concatBytes(a, b, utf8('x')))));
  assert.deepEqual(Array.from(ab.words), before);
  assert.throws(() => js.midstateOf(new Uint8Array(63)), RangeError);
});

test('sha256(...parts): equals @noble/hashes on both sides of SHA256_JS_MAX, results own a whole ArrayBuffer', () => {
  for (const len of [0, 1, 32, 33, 55, 56, 64, 65, SHA256_JS_MAX - 1, SHA256_JS_MAX, SHA256_JS_MAX + 1, 183, 184, 300, 1300, 1366, 70_000]) {
    const m = rng.bytes(len);
    const want = toHex(nobleSha256(m));
    assert.equal(toHex(sha256(m)), want, `${len}`);
    assert.equal(toHex(sha256(...split(m))), want, `${len} in parts`);
    const h = sha256(m);
    assert.equal(Object.getPrototypeOf(h), Uint8Array.prototype);
    assert.equal(h.byteOffset, 0);
    assert.equal(h.buffer.byteLength, 32);
  }
  // Two results never share memory (the JS path writes into a fresh array each time).
  const x = sha256(utf8('a'));
  const y = sha256(utf8('b'));
  assert.notEqual(toHex(x), toHex(y));
  assert.equal(toHex(x), toHex(nobleSha256(utf8('a'))));
});

test('HMAC-SHA256: keys of 0, 1, 32, 64, 65, 200 bytes × messages across SHA256_JS_MAX equal @noble/hashes hmac', () => {
  for (const klen of [0, 1, 3, 32, 63, 64, 65, 100, 200]) {
    for (const mlen of [0, 1, 32, 55, 56, 64, SHA256_JS_MAX, SHA256_JS_MAX + 1, 200, 1300, 1366, 66_000, 70_000]) {
      const key = rng.bytes(klen);
      const m = rng.bytes(mlen);
      const want = toHex(hmac(nobleSha256, key, m));
      assert.equal(toHex(hmacSha256(key, m)), want, `key ${klen} msg ${mlen}`);
      const [first, ...rest] = split(m);
      assert.equal(toHex(hmacSha256(key, first!, ...rest)), want, `key ${klen} msg ${mlen} in parts`);
      assert.equal(toHex(hmacWith(hmacKey(key), m)), want, `prepared key ${klen} msg ${mlen}`);
    }
  }
  // RFC 4231 test cases 2 (short key) and 6 (131-byte key, hashed first).
  assert.equal(toHex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?'))), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  assert.equal(
    toHex(hmacSha256(new Uint8Array(131).fill(0xaa), utf8('Test Using Larger Than Block-Size Key - Hash Key First'))),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  );
  // Interleaved calls with different keys do not leak state into each other.
  const k1 = rng.bytes(32);
  const k2 = rng.bytes(70);
  const m = rng.bytes(40);
  const a = hmacSha256(k1, m);
  const b = hmacSha256(k2, m);
  assert.equal(toHex(a), toHex(hmac(nobleSha256, k1, m)));
  assert.equal(toHex(b), toHex(hmac(nobleSha256, k2, m)));
});

test('deriveKey: every BOLT 4 label equals HMAC(label, secret) from @noble/hashes; the route-blinding vector', () => {
  for (const label of ['rho', 'mu', 'um', 'pad', 'ammag', 'blinded_node_id']) {
    for (let i = 0; i < 20; i++) {
      const secret = rng.bytes(32);
      assert.equal(toHex(deriveKey(label, secret)), toHex(hmac(nobleSha256, utf8(label), secret)), label);
    }
  }
  assert.equal(
    toHex(deriveKey('rho', fromHex('76771bab0cc3d0de6e6f60147fd7c9c7249a5ced3d0612bdfaeec3b15452229d'))),
    'ba217b23c0978d84c4a19be8a9ff64bc1b40ed0d7ecf59521567a5b3a9a1dd48',
  );
});

test('taggedHash: string and byte tags, messages across the JS/OpenSSL threshold, equal SHA256(SHA256(tag)×2 ‖ msg)', () => {
  for (const tag of ['LnLeaf', 'LnBranch', 'BIP0340/challenge', 'lightninginvoice_requestsignature']) {
    for (const len of [0, 1, 32, 64, 96, 119, 120, 183, 184, 247, 311, 2000]) {
      const m = rng.bytes(len);
      const want = toHex(nobleTagged(utf8(tag), m));
      assert.equal(toHex(taggedHash(tag, m)), want, `${tag} ${len}`);
      assert.equal(toHex(taggedHash(tag, ...split(m))), want, `${tag} ${len} in parts`);
      assert.equal(toHex(taggedHashWith(namedTag(tag), split(m))), want);
      const cut = rng.int(len + 1);
      assert.equal(toHex(taggedHashPair(namedTag(tag), m.subarray(0, cut), m.subarray(cut))), want);
    }
  }
  for (const tlen of [0, 7, 40, 64, 65, 300]) {
    const tag = rng.bytes(tlen);
    const m = rng.bytes(rng.int(250));
    assert.equal(toHex(taggedHash(tag, m)), toHex(nobleTagged(tag, m)), `byte tag ${tlen}`);
    assert.equal(toHex(taggedHashWith(tagOf(tag), [m])), toHex(nobleTagged(tag, m)));
  }
  // BIP 340's own challenge on a vector-sized input, via the cached tag.
  const r = rng.bytes(32);
  const x = rng.bytes(32);
  const msg = rng.bytes(32);
  assert.equal(toHex(taggedHash('BIP0340/challenge', r, x, msg)), toHex(nobleTagged(utf8('BIP0340/challenge'), concatBytes(r, x, msg))));
});

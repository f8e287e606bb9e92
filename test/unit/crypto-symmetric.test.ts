// ChaCha20, ChaCha20-Poly1305, SHA-256 and HMAC (src/crypto/chacha.ts, hash.ts) against
// RFC 8439's vectors and against @noble/ciphers and @noble/hashes on random inputs
// (moved from crypto.test.ts, which keeps the secp256k1 and BIP 340 cases; the JS/OpenSSL
// thresholds are probed in crypto-hash.test.ts and crypto-chacha.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { chacha20 as nobleChacha20, chacha20poly1305 as nobleAead } from '@noble/ciphers/chacha.js';
import { fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { aeadDecrypt, aeadEncrypt, chacha20Stream, chacha20StreamAt, chacha20Xor } from '../../src/crypto/chacha.js';
import { deriveKey, hmacSha256, sha256 } from '../../src/crypto/hash.js';
import { Prng } from './onion-helpers.js';

const rng = new Prng(302);

// RFC 8439 Appendix A.1: ChaCha20 block function with a zero nonce; block `counter` is
// bytes [64·counter, 64·counter+64) of the stream our wrapper produces.
const rfcBlocks = [
  { n: 1, key: '00'.repeat(32), counter: 0, out: '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586' },
  { n: 2, key: '00'.repeat(32), counter: 1, out: '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f' },
  { n: 3, key: '00'.repeat(31) + '01', counter: 1, out: '3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0' },
  { n: 4, key: '00ff' + '00'.repeat(30), counter: 2, out: '72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096' },
];
for (const v of rfcBlocks) {
  test(`RFC 8439 A.1 ChaCha20 block test vector #${v.n}`, () => {
    const stream = chacha20Stream(fromHex(v.key), 64 * (v.counter + 1));
    assert.equal(toHex(stream.subarray(64 * v.counter)), v.out);
    // XOR with zeros is the stream itself, and XOR twice is the identity.
    assert.equal(toHex(chacha20Xor(fromHex(v.key), new Uint8Array(64 * (v.counter + 1))).subarray(64 * v.counter)), v.out);
  });
}

test('ChaCha20: xor is its own inverse and matches the stream for odd lengths', () => {
  const key = rng.bytes(32);
  for (const len of [0, 1, 63, 64, 65, 1300, 2600]) {
    const data = rng.bytes(len);
    const x = chacha20Xor(key, data);
    const s = chacha20Stream(key, len);
    assert.deepEqual(x, data.map((b, i) => b ^ s[i]!));
    assert.deepEqual(chacha20Xor(key, x), data);
  }
});

test('ChaCha20 keystream from an offset equals the same bytes of the whole stream (block counter set in the IV)', () => {
  const key = rng.bytes(32);
  const whole = chacha20Stream(key, 70_000);
  for (const [off, len] of [[0, 10], [1, 63], [63, 2], [64, 64], [1300, 66], [32768 - 500, 566], [65_000, 5000]] as const) {
    assert.equal(toHex(chacha20StreamAt(key, off, len)), toHex(whole.subarray(off, off + len)), `offset ${off}`);
  }
});

test('RFC 8439 §2.8.2 ChaCha20-Poly1305 AEAD test vector (encrypt and decrypt)', () => {
  const key = fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
  const nonce = fromHex('070000004041424344454647');
  const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
  const pt = utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
  const ct =
    'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116';
  const tag = '1ae10b594f09e26a7e902ecbd0600691';
  assert.equal(toHex(aeadEncrypt(key, pt, nonce, aad)), ct + tag);
  assert.deepEqual(aeadDecrypt(key, fromHex(ct + tag), nonce, aad), pt);
  const bad = fromHex(ct + tag);
  bad[bad.length - 1]! ^= 1;
  assert.throws(() => aeadDecrypt(key, bad, nonce, aad), DecodeError);
  assert.throws(() => aeadDecrypt(key, fromHex(ct + tag), nonce), DecodeError); // AAD missing
});

test('AEAD with the BOLT 4 defaults (zero nonce, empty AAD): round trip, tamper and short input are DecodeErrors', () => {
  const key = rng.bytes(32);
  for (const len of [0, 1, 16, 100]) {
    const pt = rng.bytes(len);
    const ct = aeadEncrypt(key, pt);
    assert.equal(ct.length, len + 16);
    assert.deepEqual(aeadDecrypt(key, ct), pt);
    const t = Uint8Array.from(ct);
    t[rng.int(t.length)]! ^= 0x80;
    assert.throws(() => aeadDecrypt(key, t), DecodeError);
  }
  assert.throws(() => aeadDecrypt(key, new Uint8Array(15)), DecodeError);
  assert.throws(() => aeadDecrypt(rng.bytes(32), aeadEncrypt(key, new Uint8Array(3))), DecodeError);
});

test('node:crypto ChaCha20, ChaCha20-Poly1305, SHA-256 and HMAC equal @noble/ciphers and @noble/hashes on random inputs', () => {
  for (const len of [0, 1, 31, 32, 33, 64, 65, 255, 1300, 1366, 2600, 32768, 65536]) {
    const key = rng.bytes(32);
    const data = rng.bytes(len);
    assert.equal(toHex(chacha20Xor(key, data)), toHex(nobleChacha20(key, new Uint8Array(12), data)), `chacha20 ${len}`);
    assert.equal(toHex(chacha20Stream(key, len)), toHex(nobleChacha20(key, new Uint8Array(12), new Uint8Array(len))));
    const nonce = len % 2 ? rng.bytes(12) : new Uint8Array(12);
    const aad = len % 3 ? rng.bytes(len % 40) : undefined;
    const ct = aeadEncrypt(key, data, nonce, aad);
    assert.equal(toHex(ct), toHex(nobleAead(key, nonce, aad).encrypt(data)), `aead ${len}`);
    assert.deepEqual(aeadDecrypt(key, nobleAead(key, nonce, aad).encrypt(data), nonce, aad), data);
    assert.equal(toHex(sha256(data)), toHex(nobleSha256(data)), `sha256 ${len}`);
    const cut = rng.int(len + 1);
    assert.equal(toHex(sha256(data.subarray(0, cut), data.subarray(cut))), toHex(nobleSha256(data)));
    const hkey = rng.bytes(1 + rng.int(100));
    assert.equal(toHex(hmacSha256(hkey, data)), toHex(hmac(nobleSha256, hkey, data)), `hmac ${len}`);
    assert.equal(toHex(hmacSha256(hkey, data.subarray(0, cut), data.subarray(cut))), toHex(hmac(nobleSha256, hkey, data)));
  }
  // Results are plain Uint8Arrays, not Buffers (deepEqual and callers' DataViews rely on it).
  assert.equal(Object.getPrototypeOf(sha256(new Uint8Array(1))), Uint8Array.prototype);
  // Long inputs hash through a reused scratch buffer: each digest is still its own array.
  const [h1, h2] = [sha256(new Uint8Array(500).fill(1)), sha256(new Uint8Array(300), new Uint8Array(300))];
  assert.notEqual(h1.buffer, h2.buffer);
  assert.equal(toHex(h1), toHex(nobleSha256(new Uint8Array(500).fill(1))), 'the first digest is not overwritten by the second');
  assert.equal(Object.getPrototypeOf(chacha20Stream(new Uint8Array(32), 10)), Uint8Array.prototype);
  assert.equal(Object.getPrototypeOf(aeadDecrypt(new Uint8Array(32), aeadEncrypt(new Uint8Array(32), new Uint8Array(5)))), Uint8Array.prototype);
});

test('hashes: SHA256("abc"), HMAC keyed by the label (BOLT 4 key generation)', () => {
  assert.equal(toHex(sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(toHex(sha256(utf8('a'), utf8('bc'))), toHex(sha256(utf8('abc'))));
  // RFC 4231 test case 2
  assert.equal(toHex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?'))), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  // route-blinding-test.json, Bob: rho = HMAC("rho", shared_secret)
  assert.equal(
    toHex(deriveKey('rho', fromHex('76771bab0cc3d0de6e6f60147fd7c9c7249a5ced3d0612bdfaeec3b15452229d'))),
    'ba217b23c0978d84c4a19be8a9ff64bc1b40ed0d7ecf59521567a5b3a9a1dd48',
  );
});

// ChaCha20, Poly1305 and ChaCha20-Poly1305 on both sides of the JS/OpenSSL thresholds (chacha.ts),
// against @noble/ciphers: lengths around CHACHA_INTO_JS_MAX and AEAD_JS_MAX, keystream offsets
// inside a block, unaligned and aligned input views, tampering, and inputs left untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chacha20 as nobleChacha20, chacha20poly1305 as nobleAead } from '@noble/ciphers/chacha.js';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { AEAD_JS_MAX, aeadDecrypt, aeadEncrypt, CHACHA_INTO_JS_MAX, chacha20Stream, chacha20StreamAt, chacha20Xor, chacha20XorInto } from '../../src/crypto/chacha.js';
import { poly1305 } from '../../src/crypto/poly1305.js';
import { Prng } from './onion-helpers.js';

const rng = new Prng(1617);
const Z12 = new Uint8Array(12);
const nobleStream = (key: Uint8Array, len: number) => nobleChacha20(key, Z12, new Uint8Array(len));
const LENGTHS = [0, 1, 3, 63, 64, 65, 127, 128, 129, 255, 256, 257, CHACHA_INTO_JS_MAX - 1, CHACHA_INTO_JS_MAX, CHACHA_INTO_JS_MAX + 1, 1300, 1366, 2600];

test('chacha20Xor and chacha20Stream equal @noble/ciphers on both sides of CHACHA_INTO_JS_MAX, for any input alignment', () => {
  for (const len of LENGTHS) {
    const key = rng.bytes(32);
    const data = rng.bytes(len);
    const want = toHex(nobleChacha20(key, Z12, data));
    assert.equal(toHex(chacha20Stream(key, len)), toHex(nobleStream(key, len)), `stream ${len}`);
    assert.equal(toHex(chacha20Xor(key, data)), want, `xor ${len}`);
    // The same bytes at byte offsets 1 (unaligned) and 4 (aligned, non-zero offset).
    for (const shift of [1, 4]) {
      const host = new Uint8Array(len + shift + 5);
      host.set(data, shift);
      const copy = Uint8Array.from(host);
      assert.equal(toHex(chacha20Xor(key, host.subarray(shift, shift + len))), want, `xor ${len} at +${shift}`);
      assert.deepEqual(host, copy, 'the input is not modified');
    }
    // A Buffer from Node's shared pool (non-zero offset into a larger ArrayBuffer).
    assert.equal(toHex(chacha20Xor(key, Buffer.from(data))), want, `xor ${len} from a pooled Buffer`);
    const out = chacha20Xor(key, data);
    assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
    assert.notEqual(out.buffer, data.buffer);
  }
});

test('chacha20StreamAt: offsets inside and across blocks, lengths on both paths, equal the same bytes of the whole stream', () => {
  const key = rng.bytes(32);
  const whole = nobleStream(key, 8192);
  for (const off of [0, 1, 17, 63, 64, 65, 127, 1000, 4095]) {
    for (const len of [0, 1, 30, 64, 86, 121, 207, CHACHA_INTO_JS_MAX, CHACHA_INTO_JS_MAX + 1, 1300, 4000]) {
      assert.equal(toHex(chacha20StreamAt(key, off, len)), toHex(whole.subarray(off, off + len)), `offset ${off} len ${len}`);
    }
  }
  assert.throws(() => chacha20StreamAt(key, 64 * 2 ** 32, 1), RangeError);
});

test('chacha20XorInto: keystream or XOR from any offset into the caller\'s buffer, in place or not, aligned or not, on both paths', () => {
  const key = rng.bytes(32);
  const whole = nobleStream(key, 8192);
  for (const off of [0, 1, 20, 63, 64, 65, 1300, 4095]) {
    for (const len of [0, 1, 9, 32, 64, 255, 256, 1300, CHACHA_INTO_JS_MAX, CHACHA_INTO_JS_MAX + 1, 4000]) {
      const ks = whole.subarray(off, off + len);
      const data = rng.bytes(len);
      const want = toHex(data.map((x, i) => x ^ ks[i]!));
      for (const at of [0, 1, 2, 4]) {
        const host = new Uint8Array(len + at + 3).fill(0x5a);
        const out = host.subarray(at, at + len);
        chacha20XorInto(key, off, undefined, out);
        assert.equal(toHex(out), toHex(ks), `stream off ${off} len ${len} at +${at}`);
        const src = Uint8Array.from(data);
        chacha20XorInto(key, off, src, out);
        assert.equal(toHex(out), want, `xor off ${off} len ${len} at +${at}`);
        assert.deepEqual(src, data, 'the input is not modified');
        out.set(data);
        chacha20XorInto(key, off, out, out);
        assert.equal(toHex(out), want, `in place off ${off} len ${len} at +${at}`);
        assert.equal(host[at - 1] ?? 0x5a, 0x5a, 'nothing written before out');
        assert.equal(host[at + len], 0x5a, 'nothing written after out');
      }
    }
  }
  // A longer input is read only as far as out reaches; a shorter one is refused.
  const out = new Uint8Array(10);
  chacha20XorInto(key, 5, new Uint8Array(50), out);
  assert.equal(toHex(out), toHex(whole.subarray(5, 15)));
  assert.throws(() => chacha20XorInto(key, 0, new Uint8Array(5), out), RangeError);
  assert.throws(() => chacha20XorInto(key, 64 * 2 ** 32, undefined, out), RangeError);
  for (const len of [16, 31, 33]) {
    assert.throws(() => chacha20XorInto(new Uint8Array(len), 0, undefined, new Uint8Array(10)));
    assert.throws(() => chacha20XorInto(new Uint8Array(len), 0, undefined, new Uint8Array(CHACHA_INTO_JS_MAX + 10)));
  }
});

test('chacha20: a key of any length but 32 bytes is refused on both paths', () => {
  for (const len of [0, 16, 31, 33]) {
    assert.throws(() => chacha20Xor(new Uint8Array(len), new Uint8Array(10)));
    assert.throws(() => chacha20Xor(new Uint8Array(len), new Uint8Array(CHACHA_INTO_JS_MAX + 10)));
    assert.throws(() => chacha20Stream(new Uint8Array(len), 10));
  }
});

test('AEAD on both sides of AEAD_JS_MAX equals @noble/ciphers, with and without AAD and nonce', () => {
  for (const len of [0, 1, 15, 16, 17, 34, 50, 86, 100, AEAD_JS_MAX - 20, AEAD_JS_MAX - 1, AEAD_JS_MAX, AEAD_JS_MAX + 1, 700, 1300]) {
    for (const aadLen of [undefined, 0, 1, 12, 20, 33]) {
      const key = rng.bytes(32);
      const nonce = aadLen === undefined ? Z12 : rng.bytes(12);
      const aad = aadLen === undefined ? undefined : rng.bytes(aadLen);
      const pt = rng.bytes(len);
      const want = nobleAead(key, nonce, aad).encrypt(pt);
      const ct = aadLen === undefined ? aeadEncrypt(key, pt) : aeadEncrypt(key, pt, nonce, aad);
      assert.equal(toHex(ct), toHex(want), `encrypt ${len} aad ${aadLen}`);
      assert.deepEqual(aadLen === undefined ? aeadDecrypt(key, want) : aeadDecrypt(key, want, nonce, aad), pt);
      // An unaligned view of the ciphertext decrypts the same.
      const host = new Uint8Array(ct.length + 1);
      host.set(ct, 1);
      assert.deepEqual(aeadDecrypt(key, host.subarray(1), nonce, aad), pt);
    }
  }
});

test('AEAD: every flipped bit of ciphertext or tag, a wrong AAD, nonce or key, and short or mis-sized inputs are DecodeErrors', () => {
  for (const len of [0, 5, 64, AEAD_JS_MAX, AEAD_JS_MAX + 40]) {
    const key = rng.bytes(32);
    const nonce = rng.bytes(12);
    const aad = rng.bytes(7);
    const ct = aeadEncrypt(key, rng.bytes(len), nonce, aad);
    for (let i = 0; i < ct.length; i += Math.max(1, Math.floor(ct.length / 40))) {
      const t = Uint8Array.from(ct);
      t[i]! ^= 1 << rng.int(8);
      assert.throws(() => aeadDecrypt(key, t, nonce, aad), DecodeError, `byte ${i} of ${ct.length}`);
    }
    assert.throws(() => aeadDecrypt(key, ct, nonce), DecodeError);
    assert.throws(() => aeadDecrypt(key, ct, nonce, rng.bytes(7)), DecodeError);
    assert.throws(() => aeadDecrypt(key, ct, rng.bytes(12), aad), DecodeError);
    assert.throws(() => aeadDecrypt(rng.bytes(32), ct, nonce, aad), DecodeError);
    assert.throws(() => aeadDecrypt(key.subarray(0, 31), ct, nonce, aad), DecodeError);
    assert.throws(() => aeadDecrypt(key, ct, nonce.subarray(0, 8), aad), DecodeError);
    assert.throws(() => aeadDecrypt(key, ct.subarray(0, 15), nonce, aad), DecodeError);
    assert.throws(() => aeadEncrypt(key.subarray(0, 16), new Uint8Array(len)), RangeError);
  }
});

test('Poly1305: RFC 8439 §2.5.2 and the A.3 edge vectors (h near p, carries out of every limb), and @noble/ciphers on random inputs', () => {
  const key = fromHex('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b');
  assert.equal(toHex(poly1305(key, utf8('Cryptographic Forum Research Group'))), 'a8061dc1305136c6c22b8baf0c0127a9');
  const z = (n: number) => '00'.repeat(n);
  const edge: Array<[string, string, string, string]> = [
    ['02' + z(15), z(16), 'ff'.repeat(16), '03' + z(15)],
    ['02' + z(15), 'ff'.repeat(16), '02' + z(15), '03' + z(15)],
    ['01' + z(15), z(16), 'ff'.repeat(16) + 'f0' + 'ff'.repeat(15) + '11' + z(15), '05' + z(15)],
    ['01' + z(15), z(16), 'ff'.repeat(16) + 'fb' + 'fe'.repeat(15) + '01'.repeat(16), z(16)],
    ['02' + z(15), z(16), 'fd' + 'ff'.repeat(15), 'fa' + 'ff'.repeat(15)],
    ['01' + z(7) + '04' + z(7), z(16), 'e33594d7505e43b9' + z(8) + '3394d7505e4379cd01' + z(7) + z(16) + '01' + z(15), '14' + z(7) + '55' + z(7)],
    ['01' + z(7) + '04' + z(7), z(16), 'e33594d7505e43b9' + z(8) + '3394d7505e4379cd01' + z(7) + z(16), '13' + z(15)],
  ];
  for (const [r, s, m, tag] of edge) assert.equal(toHex(poly1305(fromHex(r + s), fromHex(m))), tag, `r ${r} msg ${m}`);
  for (let i = 0; i < 3000; i++) {
    const k = rng.bytes(32);
    const m = rng.bytes(i % 300);
    // All-ones keys and messages push every limb to its bound.
    if (i % 5 === 0) m.fill(0xff);
    if (i % 7 === 0) k.fill(0xff);
    assert.equal(toHex(poly1305(k, m)), toHex(noblePoly1305(m, k)), `random ${i}`);
  }
  assert.throws(() => poly1305(new Uint8Array(31), new Uint8Array(1)), RangeError);
});

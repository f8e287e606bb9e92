// src/crypto against independent references: every EC wrapper in secp.ts cross-checked
// with @noble/secp256k1 on random and hostile inputs, once per backend (the native
// libsecp256k1 addon and tiny-secp256k1's WASM); ChaCha20, ChaCha20-Poly1305, SHA-256 and
// HMAC (node:crypto) against RFC 8439 and against @noble/ciphers and @noble/hashes;
// BIP 340 against its official vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as noble from '@noble/secp256k1';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { chacha20 as nobleChacha20, chacha20poly1305 as nobleAead } from '@noble/ciphers/chacha.js';
import { bigIntToBytes, bytesToBigInt, fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { aeadDecrypt, aeadEncrypt, chacha20Stream, chacha20StreamAt, chacha20Xor } from '../../src/crypto/chacha.js';
import { deriveKey, hmacSha256, sha256 } from '../../src/crypto/hash.js';
import {
  asPrivKey,
  asPubKey,
  CURVE_N,
  ecdh,
  isPrivKey,
  isPubKey,
  pointAddScalar,
  pointMul,
  privAdd,
  privMul,
  pubFromPriv,
  randomPrivKey,
  schnorrSign,
  schnorrVerify,
  type PrivKey,
  type PubKey,
} from '../../src/crypto/secp.js';
import { chooseBackend, selfTest, tinyBackend } from '../../src/crypto/secp-backend.js';
import { ecTest, nativeChoice, startBackend } from './backend-helpers.js';
import { loadVector, Prng } from './onion-helpers.js';

noble.hashes.sha256 = nobleSha256;
noble.hashes.hmacSha256 = (k, m) => hmac(nobleSha256, k, m);

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const ROUNDS = 250;
const rng = new Prng(301);
const G = noble.Point.BASE;

const scalar = (v: bigint) => bigIntToBytes(v, 32);
const nobleOk = (f: () => unknown): boolean => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};
/** Runs f, returning its value or the thrown error's class. */
const outcome = <T>(f: () => T): T | 'throws-decode' | 'throws-other' => {
  try {
    return f();
  } catch (e) {
    return e instanceof DecodeError ? 'throws-decode' : 'throws-other';
  }
};

/** Random scalars with the hostile ones mixed in: 0, 1, n-1, n, n+1, 2^256-1, and random ≥ n. */
function scalarInput(i: number): Uint8Array {
  switch (i % 10) {
    case 0:
      return scalar([0n, 1n, CURVE_N - 1n, CURVE_N, CURVE_N + 1n, 2n ** 256n - 1n, 2n * CURVE_N - 1n][rng.int(7)]!);
    case 1:
      return scalar(CURVE_N + (bytesToBigInt(rng.bytes(32)) % (2n ** 256n - CURVE_N)));
    default:
      return rng.bytes(32);
  }
}

/** Valid points mixed with off-curve x, x ≥ p, bad prefixes, wrong lengths, and the uncompressed form. */
function pointInput(i: number): Uint8Array {
  switch (i % 8) {
    case 0: {
      const b = new Uint8Array(33);
      b[0] = 2 + rng.int(2);
      b.set(scalar(P + BigInt(rng.u32())), 1); // x ≥ p (2^256 - p > 2^32, so this stays 32 bytes)
      return b;
    }
    case 1: {
      const b = rng.bytes(33);
      b[0] = 2 + rng.int(2);
      return b; // about half of all x are on the curve
    }
    case 2: {
      const b = noble.getPublicKey(noble.utils.randomSecretKey(), true);
      b[0] = rng.pick([0, 1, 4, 5, 6, 7, 0xff]);
      return b;
    }
    case 3: {
      const k = noble.utils.randomSecretKey();
      return rng.int(2) ? noble.getPublicKey(k, true).subarray(0, 32 + rng.int(2) * 2) : noble.getPublicKey(k, false);
    }
    default:
      return noble.getPublicKey(noble.utils.randomSecretKey(), true);
  }
}

const nobleValidPub = (b: Uint8Array) => noble.utils.isValidPublicKey(b, true);

// Every EC case runs on each backend this machine can load (ecTest, backend-helpers.ts).

test('secp backend: the default is the native addon unless ASYNCPAY_NATIVE_SECP=0 or it cannot load', () => {
  const forcedOff = ['0', 'false', 'off'].includes(process.env.ASYNCPAY_NATIVE_SECP ?? '');
  if (forcedOff) assert.equal(startBackend, 'tiny');
  else assert.equal(startBackend, nativeChoice.backend.name);
  for (const v of ['0', 'false', 'off']) {
    const c = chooseBackend({ ASYNCPAY_NATIVE_SECP: v });
    assert.equal(c.backend.name, 'tiny');
    assert.match(c.reason!, /disabled/);
  }
  if (nativeChoice.backend.name === 'native') assert.equal(nativeChoice.reason, undefined);
});

test('secp backend self-test: passes for both backends, fails for a backend that computes wrong results', () => {
  assert.equal(selfTest(tinyBackend), undefined);
  if (nativeChoice.backend.name === 'native') assert.equal(selfTest(nativeChoice.backend), undefined);
  const wrongEcdh = { ...tinyBackend, name: 'native' as const, ecdh: (k: Uint8Array, p: Uint8Array) => tinyBackend.ecdh(k, tinyBackend.pointFromScalar(k)!) && nobleSha256(p) };
  assert.match(selfTest(wrongEcdh)!, /ecdh/);
  const lenient = { ...tinyBackend, isPrivate: () => true };
  assert.match(selfTest(lenient)!, /isPrivate/);
  const noZeroCheck = { ...tinyBackend, privMul: (k: Uint8Array) => k };
  assert.match(selfTest(noZeroCheck)!, /privMul/);
});

ecTest(`secp isPubKey/asPubKey agree with noble isValidPublicKey on ${ROUNDS * 2} inputs`, () => {
  let valid = 0;
  for (let i = 0; i < ROUNDS * 2; i++) {
    const b = pointInput(i);
    const want = nobleValidPub(b);
    assert.equal(isPubKey(b), want, toHex(b));
    if (want) {
      valid++;
      assert.equal(toHex(asPubKey(b)), toHex(b));
    } else assert.throws(() => asPubKey(b), DecodeError);
  }
  assert.ok(valid > 100 && valid < ROUNDS * 2 - 100, `valid ${valid}`);
  // The point at infinity's SEC 1 encoding and x = 0 are not keys for either library.
  for (const h of ['00', '02' + '00'.repeat(32), '03' + 'ff'.repeat(32)]) {
    assert.equal(isPubKey(fromHex(h)), false);
    assert.equal(nobleValidPub(fromHex(h)), false);
  }
});

ecTest(`secp isPrivKey/asPrivKey agree with noble isValidSecretKey on ${ROUNDS} inputs`, () => {
  for (let i = 0; i < ROUNDS; i++) {
    const b = i % 17 === 16 ? rng.bytes(31 + rng.int(2) * 2) : scalarInput(i);
    const want = noble.utils.isValidSecretKey(b);
    assert.equal(isPrivKey(b), want, toHex(b));
    if (want) assert.equal(toHex(asPrivKey(b)), toHex(b));
    else assert.throws(() => asPrivKey(b), DecodeError);
  }
});

ecTest(`secp pubFromPriv equals noble getPublicKey on ${ROUNDS} keys; both reject non-keys`, () => {
  for (let i = 0; i < ROUNDS; i++) {
    const k = scalarInput(i);
    const ours = outcome(() => toHex(pubFromPriv(k as PrivKey)));
    const theirs = nobleOk(() => noble.getPublicKey(k, true)) ? toHex(noble.getPublicKey(k, true)) : 'rejected';
    if (theirs === 'rejected') assert.ok(ours === 'throws-decode' || ours === 'throws-other', `${toHex(k)} accepted by us only`);
    else assert.equal(ours, theirs);
  }
});

ecTest(`secp ecdh equals SHA256(noble getSharedSecret) on ${ROUNDS} pairs; same rejections (DecodeError)`, () => {
  for (let i = 0; i < ROUNDS; i++) {
    const k = i % 3 === 0 ? scalarInput(i) : noble.utils.randomSecretKey();
    const p = i % 2 ? pointInput(i) : noble.getPublicKey(noble.utils.randomSecretKey(), true);
    // Our ECDH takes compressed points only; noble's takes any SEC 1 encoding.
    const nobleAccepts = p.length === 33 && nobleOk(() => noble.getSharedSecret(k, p, true));
    const ours = outcome(() => toHex(ecdh(k as PrivKey, p as PubKey)));
    if (!nobleAccepts) {
      if (p.length === 65 && isPrivKey(k) && nobleOk(() => noble.getSharedSecret(k, p, true))) continue;
      assert.equal(ours, 'throws-decode', `k=${toHex(k)} p=${toHex(p)}`);
    } else assert.equal(ours, toHex(nobleSha256(noble.getSharedSecret(k, p, true))));
  }
});

ecTest(`secp pointMul equals noble P·(t mod n) on ${ROUNDS} inputs; t ≡ 0 and invalid points rejected`, () => {
  for (let i = 0; i < ROUNDS; i++) {
    const p = i % 4 === 0 ? pointInput(i) : noble.getPublicKey(noble.utils.randomSecretKey(), true);
    const t = scalarInput(i);
    const tr = bytesToBigInt(t) % CURVE_N;
    const ours = outcome(() => toHex(pointMul(p as PubKey, t)));
    const validP = nobleValidPub(p) || (p.length === 65 && noble.utils.isValidPublicKey(p, false));
    if (!validP || tr === 0n) {
      assert.equal(ours, 'throws-decode', `p=${toHex(p)} t=${toHex(t)}`);
      if (validP) assert.ok(!nobleOk(() => noble.Point.fromBytes(p).multiply(tr)));
    } else assert.equal(ours, noble.Point.fromBytes(p).multiply(tr).toHex(true));
  }
});

ecTest(`secp privMul/privAdd match BigInt arithmetic and noble's point ops on ${ROUNDS} inputs`, () => {
  for (let i = 0; i < ROUNDS; i++) {
    const k = noble.utils.randomSecretKey() as PrivKey;
    const t = scalarInput(i);
    const kv = bytesToBigInt(k);
    const tv = bytesToBigInt(t);
    const mul = (kv * (tv % CURVE_N)) % CURVE_N;
    if (mul === 0n) assert.throws(() => privMul(k, t), DecodeError);
    else {
      const r = privMul(k, t);
      assert.equal(bytesToBigInt(r), mul);
      // (k·t)·G = t·(k·G)
      assert.equal(toHex(noble.getPublicKey(r, true)), noble.Point.fromBytes(noble.getPublicKey(k, true)).multiply(tv % CURVE_N).toHex(true));
    }
    const add = (kv + tv) % CURVE_N;
    if (add === 0n) assert.throws(() => privAdd(k, t), DecodeError);
    else {
      const r = privAdd(k, t);
      assert.equal(bytesToBigInt(r), add);
      const tG = tv % CURVE_N === 0n ? noble.Point.ZERO : G.multiply(tv % CURVE_N);
      assert.equal(toHex(noble.getPublicKey(r, true)), noble.Point.fromBytes(noble.getPublicKey(k, true)).add(tG).toHex(true));
    }
  }
  // k + (n - k) = 0 and k·n = 0 are refused
  const k = randomPrivKey();
  assert.throws(() => privAdd(k, scalar(CURVE_N - bytesToBigInt(k))), DecodeError);
  assert.throws(() => privMul(k, scalar(CURVE_N)), DecodeError);
});

ecTest(`secp pointAddScalar equals noble P + t·G on ${ROUNDS} inputs; infinity rejected`, () => {
  for (let i = 0; i < ROUNDS; i++) {
    const p = i % 5 === 0 ? pointInput(i) : noble.getPublicKey(noble.utils.randomSecretKey(), true);
    const t = scalarInput(i);
    const tr = bytesToBigInt(t) % CURVE_N;
    const ours = outcome(() => toHex(pointAddScalar(p as PubKey, t)));
    const validP = nobleValidPub(p) || (p.length === 65 && noble.utils.isValidPublicKey(p, false));
    if (!validP) assert.equal(ours, 'throws-decode', toHex(p));
    else {
      const sum = noble.Point.fromBytes(p).add(tr === 0n ? noble.Point.ZERO : G.multiply(tr));
      assert.equal(ours, sum.toHex(true));
    }
  }
  const k = noble.utils.randomSecretKey();
  const neg = scalar(CURVE_N - bytesToBigInt(k));
  assert.throws(() => pointAddScalar(noble.getPublicKey(k, true) as PubKey, neg), DecodeError);
  assert.ok(!nobleOk(() => noble.Point.fromBytes(noble.getPublicKey(k, true)).add(G.multiply(bytesToBigInt(neg))).toBytes(true)));
});

ecTest(`secp schnorrSign equals noble schnorr.sign and schnorrVerify agrees with noble on ${ROUNDS} cases`, () => {
  for (let i = 0; i < ROUNDS; i++) {
    const k = noble.utils.randomSecretKey() as PrivKey;
    const msg = rng.bytes(32);
    const aux = rng.bytes(32);
    const sig = schnorrSign(msg, k, aux);
    assert.equal(toHex(sig), toHex(noble.schnorr.sign(msg, k, aux)));
    const pub = noble.getPublicKey(k, true);
    // Corrupt signature, message or key some of the time; both must agree either way.
    const s2 = Uint8Array.from(sig);
    const m2 = Uint8Array.from(msg);
    let p2: Uint8Array = Uint8Array.from(pub);
    switch (i % 5) {
      case 1:
        s2[rng.int(64)]! ^= 1 << rng.int(8);
        break;
      case 2:
        m2[rng.int(32)]! ^= 1 << rng.int(8);
        break;
      case 3:
        p2 = pointInput(i + 1);
        break;
      case 4:
        s2.set(scalar(rng.int(2) ? CURVE_N : P), rng.int(2) * 32);
        break;
    }
    const want = p2.length === 33 && nobleValidPub(p2) ? noble.schnorr.verify(s2, m2, p2.subarray(1)) : false;
    assert.equal(schnorrVerify(s2, m2, p2), want, `case ${i % 5}`);
    if (i % 5 === 0) assert.equal(want, true);
  }
  // Verify uses the x-only key: the odd-y twin of the key verifies too.
  const k = noble.utils.randomSecretKey() as PrivKey;
  const msg = rng.bytes(32);
  const sig = schnorrSign(msg, k);
  const twin = noble.getPublicKey(k, true);
  twin[0] = twin[0] === 2 ? 3 : 2;
  assert.equal(schnorrVerify(sig, msg, twin), true);
  assert.equal(schnorrVerify(sig.subarray(1), msg, twin), false);
});

ecTest('secp randomPrivKey: valid for noble, distinct', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const k = randomPrivKey();
    assert.ok(noble.utils.isValidSecretKey(k));
    seen.add(toHex(k));
  }
  assert.equal(seen.size, 50);
});

interface Bip340 {
  index: number;
  secret_key: string;
  public_key: string;
  aux_rand: string;
  message: string;
  signature: string;
  valid: boolean;
  comment: string;
}
const bip340 = loadVector<{ vectors: Bip340[] }>('bip340.json').vectors;
for (const v of bip340) {
  ecTest(`BIP 340 vector ${v.index}${v.comment ? ` (${v.comment})` : ''}`, () => {
    const msg = fromHex(v.message);
    const xonly = fromHex(v.public_key);
    // Our API verifies against a 33-byte key; an x-only key is the even-y point (02 ‖ x).
    const pub = new Uint8Array([2, ...xonly]);
    if (msg.length !== 32) {
      // The wrappers take 32-byte messages only (BOLT 12 signs a 32-byte sighash).
      assert.equal(noble.schnorr.verify(fromHex(v.signature), msg, xonly), v.valid);
      assert.equal(schnorrVerify(fromHex(v.signature), msg, pub), false);
      return;
    }
    if (v.secret_key) {
      const k = asPrivKey(fromHex(v.secret_key));
      assert.equal(toHex(pubFromPriv(k).subarray(1)), v.public_key);
      assert.equal(toHex(schnorrSign(msg, k, fromHex(v.aux_rand))), v.signature);
    }
    assert.equal(schnorrVerify(fromHex(v.signature), msg, pub), v.valid);
  });
}

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

// src/crypto against independent references: every EC wrapper in secp.ts cross-checked
// with @noble/secp256k1 on random and hostile inputs, once per backend (the native
// libsecp256k1 addon and tiny-secp256k1's WASM); BIP 340 against its official vectors.
// (ChaCha20, the AEAD, SHA-256 and HMAC: crypto-symmetric.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as noble from '@noble/secp256k1';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { bigIntToBytes, bytesToBigInt, fromHex, toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import {
  asPrivKey,
  asPubKey,
  CURVE_N,
  ecdh,
  ecdhOnce,
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

ecTest('secp ecdhOnce equals SHA256(noble getSharedSecret) for points used once and again (kept uncompressed after their second use); invalid points refused every time', () => {
  const reused = Array.from({ length: 5 }, () => noble.getPublicKey(noble.utils.randomSecretKey(), true));
  const offCurve = (() => {
    for (;;) {
      const b = rng.bytes(33);
      b[0] = 2;
      if (!nobleValidPub(b)) return b;
    }
  })();
  for (let i = 0; i < 300; i++) {
    const k = noble.utils.randomSecretKey();
    // Every third point is fresh, the rest come round again and again.
    const p = i % 3 === 0 ? noble.getPublicKey(noble.utils.randomSecretKey(), true) : reused[i % reused.length]!;
    const before = Uint8Array.from(p);
    assert.equal(toHex(ecdhOnce(k as PrivKey, p as PubKey)), toHex(nobleSha256(noble.getSharedSecret(k, p, true))));
    assert.deepEqual(p, before, 'the caller\'s point is not touched');
    assert.equal(outcome(() => ecdhOnce(k as PrivKey, offCurve as PubKey)), 'throws-decode');
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

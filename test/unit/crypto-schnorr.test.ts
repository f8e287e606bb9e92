// BIP 340 verification on each secp256k1 backend — the native addon's composed
// verifier (src/crypto/bip340.ts) and tiny-secp256k1's — against the official vectors
// and against @noble/secp256k1 as an independent oracle: random valid signatures,
// mutated ones, and the hand-built edge cases (r ≥ p, s ≥ n, s = 0, e = 0, x off the
// curve or ≥ p, R at infinity, R with an odd y). Also the content-keyed cache of
// validated points behind isPubKey (bounded, never holds an invalid point, a hit
// answers as validation would).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as noble from '@noble/secp256k1';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { bigIntToBytes, bytesToBigInt, concatBytes, fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { challengeHolds, rByRecovery, rByTweaks, verifyBip340, type Bip340Primitives } from '../../src/crypto/bip340.js';
import { reduceModN } from '../../src/crypto/scalar.js';
import { chooseBackend, tinyBackend, type SecpBackend } from '../../src/crypto/secp-backend.js';
import { isPubKey, knownPoints, schnorrVerify, secpBackend, useSecpBackend, CURVE_N as N } from '../../src/crypto/secp.js';
import { PointCache } from '../../src/crypto/point-cache.js';
import { loadVector, Prng } from './onion-helpers.js';

noble.hashes.sha256 = nobleSha256;
noble.hashes.hmacSha256 = (k, m) => hmac(nobleSha256, k, m);

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const G = noble.Point.BASE;
const rng = new Prng(340);
const b32 = (v: bigint) => bigIntToBytes(v, 32);
const big = (b: Uint8Array) => bytesToBigInt(b);
const mod = (a: bigint, m = N) => ((a % m) + m) % m;

const nativeChoice = chooseBackend({});
const nativeAvailable = nativeChoice.backend.name === 'native';
const skipNative = nativeAvailable ? false : `native backend unavailable: ${nativeChoice.reason}`;
const backends: SecpBackend[] = nativeAvailable ? [tinyBackend, nativeChoice.backend] : [tinyBackend];
// The raw addon, for the e = 0 cases that only challengeHolds can reach.
const lib = nativeAvailable ? (createRequire(import.meta.url)('secp256k1/bindings') as Bip340Primitives) : undefined;

/** noble's verdict; it returns false (or throws) for anything invalid. */
const nobleVerify = (sig: Uint8Array, msg: Uint8Array, x: Uint8Array): boolean => {
  try {
    return noble.schnorr.verify(sig, msg, x);
  } catch {
    return false;
  }
};
/** BIP 340 challenge, computed with noble's SHA-256 (independent of src/crypto/hash.ts). */
const challenge = (r: Uint8Array, x: Uint8Array, m: Uint8Array): bigint => {
  const t = nobleSha256(utf8('BIP0340/challenge'));
  return mod(big(nobleSha256(concatBytes(t, t, r, x, m))));
};
/** A secret key whose public point has an even y (so lift_x(x) = d·G). */
const evenKey = (): { d: bigint; x: Uint8Array } => {
  const d = big(noble.utils.randomSecretKey());
  const pt = G.multiply(d);
  const dd = pt.toBytes(true)[0] === 2 ? d : N - d;
  return { d: dd, x: G.multiply(dd).toBytes(true).subarray(1) };
};

/** Asserts every backend (and, for 32-byte messages, schnorrVerify on it) gives `want`. */
function allSay(want: boolean, sig: Uint8Array, msg: Uint8Array, x: Uint8Array, what: string): void {
  for (const b of backends) {
    if (msg.length !== 32 && b.name === 'tiny') continue; // tiny-secp256k1 takes 32-byte messages only
    assert.equal(b.verifySchnorr(msg, x, sig), want, `[${b.name}] ${what}`);
  }
  if (msg.length !== 32 || x.length !== 32) return;
  const was = secpBackend().name;
  try {
    for (const b of backends) {
      useSecpBackend(b.name);
      for (const prefix of [2, 3]) assert.equal(schnorrVerify(sig, msg, new Uint8Array([prefix, ...x])), want, `schnorrVerify [${b.name}] ${what}`);
    }
  } finally {
    useSecpBackend(was);
  }
}

interface Bip340Vector {
  index: number;
  public_key: string;
  message: string;
  signature: string;
  valid: boolean;
  comment: string;
}
for (const v of loadVector<{ vectors: Bip340Vector[] }>('bip340.json').vectors) {
  test(`BIP 340 vector ${v.index} on each backend${v.comment ? ` (${v.comment})` : ''}`, () => {
    const [sig, msg, x] = [fromHex(v.signature), fromHex(v.message), fromHex(v.public_key)];
    assert.equal(nobleVerify(sig, msg, x), v.valid, 'oracle');
    allSay(v.valid, sig, msg, x, `vector ${v.index}`);
    if (msg.length !== 32) assert.equal(tinyBackend.verifySchnorr(msg, x, sig), false); // refused, not thrown
  });
}

test('native BIP 340 covers the vectors with non-32-byte messages (tiny-secp256k1 cannot)', { skip: skipNative }, () => {
  const odd = loadVector<{ vectors: Bip340Vector[] }>('bip340.json').vectors.filter((v) => v.message.length !== 64);
  assert.ok(odd.length >= 3, 'the vector file has the variable-length message cases');
  for (const v of odd) assert.equal(nativeChoice.backend.verifySchnorr(fromHex(v.message), fromHex(v.public_key), fromHex(v.signature)), v.valid);
});

test('BIP 340: 2400 random signatures, valid and mutated, agree with noble on each backend', () => {
  let valid = 0;
  for (let i = 0; i < 2400; i++) {
    const k = noble.utils.randomSecretKey();
    const msg = rng.int(8) === 0 ? rng.bytes(rng.int(100)) : rng.bytes(32);
    const sig = noble.schnorr.sign(msg, k, rng.bytes(32));
    let x: Uint8Array = noble.schnorr.getPublicKey(k);
    const s2 = Uint8Array.from(sig);
    let m2 = msg;
    switch (i % 12) {
      case 1:
        s2[rng.int(64)]! ^= 1 << rng.int(8); // a bit of r or s
        break;
      case 2:
        m2 = Uint8Array.from(msg);
        if (m2.length) m2[rng.int(m2.length)]! ^= 1 << rng.int(8);
        else m2 = new Uint8Array(1);
        break;
      case 3:
        x = Uint8Array.from(x);
        x[rng.int(32)]! ^= 1 << rng.int(8); // another x, on the curve about half the time
        break;
      case 4:
        s2.set(rng.bytes(32), 0); // random r
        break;
      case 5:
        s2.set(rng.bytes(32), 32); // random s
        break;
      case 6:
        s2.set(b32(mod(big(sig.subarray(32)) + 1n)), 32); // s + 1
        break;
      case 7:
        s2.set(b32(big(sig.subarray(32)) + N < 2n ** 256n ? big(sig.subarray(32)) + N : N), 32); // s + n or n
        break;
      case 8:
        s2.set(b32(P + BigInt(rng.u32())), 0); // r ≥ p
        break;
      case 9:
        s2.set(new Uint8Array(32), 32 * rng.int(2)); // r = 0 or s = 0
        break;
      case 10:
        x = b32(P + BigInt(rng.u32())); // x ≥ p
        break;
    }
    const want = nobleVerify(s2, m2, x);
    if (i % 12 === 0 || i % 12 === 11) assert.equal(want, true);
    if (want) valid++;
    allSay(want, s2, m2, x, `case ${i % 12} sig=${toHex(s2)} m=${toHex(m2)} x=${toHex(x)}`);
  }
  assert.ok(valid >= 400 && valid < 800, `valid ${valid}`); // cases 0 and 11, plus the rare mutation that keeps it valid
});

test('BIP 340 edge cases: r ≥ p, s ≥ n, x ≥ p or off the curve, R at infinity, R with an odd y', () => {
  const { d, x } = evenKey();
  const msg = rng.bytes(32);
  const good = noble.schnorr.sign(msg, b32(d), rng.bytes(32));
  allSay(true, good, msg, x, 'the unmodified signature');
  const r = good.subarray(0, 32);
  const s = big(good.subarray(32));
  for (const rr of [P, P + 1n, 2n ** 256n - 1n]) allSay(false, concatBytes(b32(rr), good.subarray(32)), msg, x, `r = ${rr}`);
  for (const ss of [N, N + 1n, 2n ** 256n - 1n, s + N < 2n ** 256n ? s + N : N + 2n]) allSay(false, concatBytes(r, b32(ss)), msg, x, `s = ${ss}`);
  allSay(false, concatBytes(r, new Uint8Array(32)), msg, x, 's = 0');
  // An x with no point, and x ≥ p whose value mod p IS a valid x: both must fail lift_x.
  let off = 1n;
  while (noble.utils.isValidPublicKey(concatBytes(new Uint8Array([2]), b32(off)), true)) off++;
  let on = 1n;
  while (!noble.utils.isValidPublicKey(concatBytes(new Uint8Array([2]), b32(on)), true)) on++;
  allSay(false, good, msg, b32(off), 'x not on the curve');
  allSay(false, good, msg, b32(P + on), 'x ≥ p (x mod p is on the curve)');
  assert.equal(nobleVerify(good, msg, b32(P + on)), false);
  // x = n has a point (the native verifier's fallback path): a verdict like noble's.
  for (const sig of [good, rng.bytes(64)]) allSay(nobleVerify(sig, msg, b32(N)), sig, msg, b32(N), 'x = n');
  // R at infinity: e does not depend on s, so s = e·d makes s·G − e·P = 0 for any r.
  for (const rr of [r, rng.bytes(32), new Uint8Array(32)]) {
    const e = challenge(rr, x, msg);
    const sig = concatBytes(rr, b32(mod(e * d)));
    assert.ok(G.multiply(mod(e * d)).equals(G.multiply(d).multiply(e)), 'oracle: s·G = e·P');
    assert.equal(nobleVerify(sig, msg, x), false);
    allSay(false, sig, msg, x, 'R at infinity');
  }
  // R = k·G with an odd y: a signer that forgot to negate k. x(R) = r still holds.
  let k = big(noble.utils.randomSecretKey());
  if (G.multiply(k).toBytes(true)[0] === 2) k = N - k;
  const R = G.multiply(k).toBytes(true);
  assert.equal(R[0], 3);
  const e = challenge(R.subarray(1), x, msg);
  const oddSig = concatBytes(R.subarray(1), b32(mod(k + e * d)));
  assert.equal(nobleVerify(oddSig, msg, x), false);
  allSay(false, oddSig, msg, x, 'R with an odd y');
  // …and the same construction with k negated is a valid signature (the check is only the parity).
  const evenSig = concatBytes(R.subarray(1), b32(mod(N - k + e * d)));
  assert.equal(nobleVerify(evenSig, msg, x), true);
  allSay(true, evenSig, msg, x, 'R with an even y');
  // Wrong sizes are refusals, not throws.
  for (const b of backends) {
    assert.equal(b.verifySchnorr(msg, x, good.subarray(1)), false);
    assert.equal(b.verifySchnorr(msg, concatBytes(new Uint8Array([2]), x), good), false);
  }
});

test('native challenge check at e = 0 and s = 0 (unreachable through the hash), against noble point arithmetic', { skip: skipNative }, () => {
  const zero = new Uint8Array(32);
  let off = 1n;
  while (noble.utils.isValidPublicKey(concatBytes(new Uint8Array([2]), b32(off)), true)) off++;
  for (let i = 0; i < 50; i++) {
    const { d, x } = evenKey();
    const s = big(noble.utils.randomSecretKey());
    const sG = G.multiply(s).toBytes(true);
    // e = 0: R = s·G; valid iff y(s·G) is even and r = x(s·G).
    assert.equal(challengeHolds(lib!, x, sG.subarray(1), b32(s), zero), sG[0] === 2);
    assert.equal(challengeHolds(lib!, x, rng.bytes(32), b32(s), zero), false);
    // e = 0 and s = 0: R is infinity.
    assert.equal(challengeHolds(lib!, x, zero, zero, zero), false);
    // e = 0 still requires x to have a point.
    assert.equal(challengeHolds(lib!, b32(off), sG.subarray(1), b32(s), zero), false);
    // s = 0: R = −e·P.
    const e = big(noble.utils.randomSecretKey());
    const minusEP = G.multiply(d).multiply(e).negate().toBytes(true);
    assert.equal(challengeHolds(lib!, x, minusEP.subarray(1), zero, b32(e)), minusEP[0] === 2);
    // s·G = e·P: infinity.
    assert.equal(challengeHolds(lib!, x, zero, b32(mod(e * d)), b32(e)), false);
  }
  // verifyBip340 and challengeHolds agree on a real signature.
  const { d, x } = evenKey();
  const msg = rng.bytes(32);
  const sig = noble.schnorr.sign(msg, b32(d), rng.bytes(32));
  assert.equal(verifyBip340(lib!, msg, x, sig), true);
});

test('native R = s·G − e·P: recovery and tweak paths both equal noble, for x < n, x ≥ n, x = n, s = 0, infinity', { skip: skipNative }, () => {
  const xs: Uint8Array[] = [];
  // x in (n, p) with a point (recovery's "r + n" case), and x = n, which has a point too
  // (r ≡ 0: the tweak fallback).
  let t = 1n;
  while (!noble.utils.isValidPublicKey(concatBytes(new Uint8Array([2]), b32(N + t)), true)) t++;
  assert.ok(noble.utils.isValidPublicKey(concatBytes(new Uint8Array([2]), b32(N)), true));
  xs.push(b32(N + t), b32(N));
  for (let i = 0; i < 60; i++) xs.push(i % 3 === 0 ? rng.bytes(32) : noble.schnorr.getPublicKey(noble.utils.randomSecretKey()));
  for (const x of xs) {
    const lifted = noble.utils.isValidPublicKey(concatBytes(new Uint8Array([2]), x), true) ? noble.Point.fromBytes(concatBytes(new Uint8Array([2]), x)) : null;
    for (const [s, e] of [
      [big(noble.utils.randomSecretKey()), big(noble.utils.randomSecretKey())],
      [0n, big(noble.utils.randomSecretKey())],
      [N - 1n, 1n],
    ] as const) {
      const want = lifted === null ? null : (() => {
        const sum = (s === 0n ? noble.Point.ZERO : G.multiply(s)).add(lifted.multiply(e).negate());
        return sum.is0() ? null : sum.toHex(true);
      })();
      for (const f of [rByRecovery, rByTweaks]) {
        const got = f(lib!, x, b32(s), b32(e));
        assert.equal(got === null ? null : toHex(got), want, `${f.name} x=${toHex(x)} s=${s} e=${e}`);
      }
    }
  }
  // Infinity through both paths: P = G (even y, log 1) and s = e.
  assert.equal(G.toBytes(true)[0], 2);
  const gx = G.toBytes(true).subarray(1);
  const e = big(noble.utils.randomSecretKey());
  assert.equal(rByRecovery(lib!, gx, b32(e), b32(e)), null);
  assert.equal(rByTweaks(lib!, gx, b32(e), b32(e)), null);
});

test('reduceModN: values below n unchanged, n..2^256-1 reduced by one subtraction', () => {
  for (const v of [0n, 1n, N - 1n, N, N + 1n, 2n ** 256n - 1n, big(rng.bytes(32))]) assert.equal(big(reduceModN(b32(v))), v % N);
});

test('PointCache: bounded, keyed by content; points in use survive, unused ones are forgotten', () => {
  const c = new PointCache(8);
  const pt = (i: number) => {
    const p = new Uint8Array(33);
    new DataView(p.buffer).setUint32(29, i);
    return p;
  };
  const hot = pt(1_000_000);
  c.add(hot);
  c.add(pt(0));
  for (let i = 1; i <= 200; i++) {
    c.add(pt(i));
    assert.ok(c.size <= 8, `size ${c.size}`);
    // Looked up every other insertion (in a new array with the same bytes): never forgotten.
    if (i % 2 === 0) assert.equal(c.has(Uint8Array.from(hot)), true, `hot point forgotten after ${i} insertions`);
  }
  assert.equal(c.has(pt(0)), false, 'a point never looked up is gone after max insertions');
  assert.equal(c.has(pt(200)), true, 'the newest point is held');
  assert.ok(c.size >= 4, `size ${c.size}`);
  // A subarray view is keyed by its own 33 bytes, not its buffer's.
  const wide = new Uint8Array(40).fill(9);
  wide.set(pt(200), 5);
  assert.equal(c.has(wide.subarray(5, 38)), true);
  assert.equal(c.has(pt(200).subarray(0, 32)), false);
  const before = c.size;
  c.add(pt(7).subarray(0, 32)); // not 33 bytes: ignored
  assert.equal(c.size, before);
  c.clear();
  assert.equal(c.size, 0);
  assert.equal(c.has(pt(200)), false);
  assert.throws(() => new PointCache(1), RangeError);
  // check(): validates on a miss only, and remembers only what validated.
  let calls = 0;
  const says = (v: boolean) => () => (calls++, v);
  assert.equal(c.check(pt(1), says(false)), false);
  assert.equal(c.check(pt(1), says(false)), false);
  assert.equal(calls, 2);
  assert.equal(c.has(pt(1)), false);
  assert.equal(c.check(pt(2), says(true)), true);
  assert.equal(c.check(Uint8Array.from(pt(2)), says(false)), true); // a hit: not asked again
  assert.equal(calls, 3);
  assert.equal(c.check(pt(3).subarray(0, 32), says(true)), true); // wrong size: validator decides, nothing kept
  assert.equal(c.has(pt(3).subarray(0, 32)), false);
});

test('isPubKey cache: only valid points enter, the cache stays bounded, a hit answers as validation does', () => {
  for (const b of backends) {
    const was = secpBackend().name;
    useSecpBackend(b.name);
    try {
      knownPoints.clear();
      // Invalid points never enter (off-curve x, x ≥ p, a bad prefix), however often seen.
      let off = 1n;
      while (noble.utils.isValidPublicKey(concatBytes(new Uint8Array([3]), b32(off)), true)) off++;
      const bad = [concatBytes(new Uint8Array([2]), b32(P + 1n)), concatBytes(new Uint8Array([3]), b32(off)), concatBytes(new Uint8Array([5]), noble.getPublicKey(noble.utils.randomSecretKey(), true).subarray(1))];
      for (let i = 0; i < 3; i++) for (const p of bad) assert.equal(isPubKey(Uint8Array.from(p)), false);
      assert.equal(knownPoints.size, 0);
      for (const p of bad) assert.equal(knownPoints.has(p), false);
      // Random 33-byte strings (about half are points) seen three times each in fresh arrays:
      // every answer equals noble's, and exactly the valid ones are cached.
      const inputs = Array.from({ length: 300 }, () => {
        const p = rng.bytes(33);
        p[0] = 2 + rng.int(2);
        return p;
      });
      for (let round = 0; round < 3; round++)
        for (const p of inputs) {
          const want = noble.utils.isValidPublicKey(p, true);
          assert.equal(isPubKey(Uint8Array.from(p)), want, toHex(p));
          assert.equal(knownPoints.has(p), want);
          assert.equal(b.isPoint(p), want);
        }
      // Bounded: more distinct valid points than it holds.
      for (let i = 0; i < knownPoints.max + 500; i++) assert.ok(isPubKey(G.multiply(BigInt(i + 1)).toBytes(true)));
      assert.ok(knownPoints.size <= knownPoints.max && knownPoints.size >= knownPoints.max / 2 - 1, `size ${knownPoints.size}`);
    } finally {
      useSecpBackend(was);
    }
  }
});

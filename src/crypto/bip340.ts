// BIP 340 (Schnorr) verification composed from the primitives the native `secp256k1`
// addon does have (it has no BIP 340 of its own). R = s·G − e·P is computed by ECDSA
// public-key recovery, which evaluates r⁻¹·(s'·R' − z·G) in one double multiplication:
// with R' = P (its x as r, mod n) and s' = −e·r, z = −s·r mod n it yields exactly
// s·G − e·P. About 60 µs, against 77 µs for (n − e)·P then "+ s·G" (the fallback, kept
// for the inputs recovery cannot take) and 180 µs for tiny-secp256k1's verifySchnorr;
// the served invoice_request verifies one signature per request.
import { taggedHash } from './hash.js';
import { isZero, lessThan, N_BYTES, P_BYTES, reduceModN, sub } from './scalar.js';

/** The addon calls used here; each throws on an unparsable point, a bad tweak, or a result at infinity. */
export interface Bip340Primitives {
  publicKeyVerify(p: Uint8Array): boolean;
  publicKeyCreate(k: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyTweakMul(p: Uint8Array, t: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyTweakAdd(p: Uint8Array, t: Uint8Array, compressed: boolean): Uint8Array;
  /** k·t mod n, written into k (k a key, t a tweak below n). */
  privateKeyTweakMul(k: Uint8Array, t: Uint8Array): Uint8Array;
  /** r⁻¹·(s·R − z·G) for sig = r ‖ s (both in [1, n−1]) and R the point with x = r (+ n if recid & 2), y parity recid & 1. */
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

/**
 * BIP 340 Verify(pk, m, sig) with pk the 32-byte x-only key. Never throws: any
 * malformed input is simply not a valid signature. Messages of any length (BIP 340
 * allows them; this project only signs 32-byte ones).
 */
export function verifyBip340(lib: Bip340Primitives, msg: Uint8Array, x: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64 || x.length !== 32) return false;
  const r = sig.subarray(0, 32);
  const s = sig.subarray(32, 64);
  if (!lessThan(r, P_BYTES) || !lessThan(s, N_BYTES)) return false;
  if (!lessThan(x, P_BYTES)) return false; // lift_x fails for x ≥ p
  const e = reduceModN(taggedHash('BIP0340/challenge', r, x, msg));
  return challengeHolds(lib, x, r, s, e);
}

/**
 * The last steps of Verify, given x < p (lift_x not yet checked), r < p, s < n and the
 * challenge e < n: R = s·G − e·P must not be infinity, must have an even y, and
 * x(R) = r. Separate so tests can reach e = 0 (a hash preimage otherwise).
 */
export function challengeHolds(lib: Bip340Primitives, x: Uint8Array, r: Uint8Array, s: Uint8Array, e: Uint8Array): boolean {
  const R = isZero(e) ? rByTweaks(lib, x, s, e) : rByRecovery(lib, x, s, e);
  if (R === null || R[0] !== 2) return false; // infinity, or odd y
  for (let i = 0; i < 32; i++) if (R[i + 1] !== r[i]) return false;
  return true;
}

/**
 * s·G − e·P (P = lift_x(x)) by ECDSA recovery; null when lift_x fails or the result is
 * infinity. Needs e ≠ 0 (s' ≠ 0); falls back to rByTweaks when x ≡ 0 mod n (r ≠ 0).
 */
export function rByRecovery(lib: Bip340Primitives, x: Uint8Array, s: Uint8Array, e: Uint8Array): Uint8Array | null {
  // R' = P: recovery takes x mod n as r, and recid bit 2 when x ≥ n (bit 1, y odd, clear: P has even y).
  const high = !lessThan(x, N_BYTES);
  const rr = high ? sub(x, N_BYTES) : x;
  if (isZero(rr)) return rByTweaks(lib, x, s, e);
  const sig = new Uint8Array(64);
  sig.set(rr, 0);
  try {
    sig.set(lib.privateKeyTweakMul(sub(N_BYTES, e), rr), 32); // s' = (n − e)·r
    const z = isZero(s) ? s : lib.privateKeyTweakMul(sub(N_BYTES, s), rr); // z = (n − s)·r
    // r⁻¹·(s'·P − z·G) = r⁻¹·(−e·r·P + s·r·G) = s·G − e·P; throws when P is not a point or the result is infinity.
    return lib.ecdsaRecover(sig, high ? 2 : 0, z, true);
  } catch {
    return null;
  }
}

/** s·G − e·P as (n − e)·P + s·G (or s·G when e = 0); null when lift_x fails or the result is infinity. */
export function rByTweaks(lib: Bip340Primitives, x: Uint8Array, s: Uint8Array, e: Uint8Array): Uint8Array | null {
  // lift_x(x): the point with this x and an even y, i.e. the compressed 02 ‖ x.
  const P = new Uint8Array(33);
  P[0] = 2;
  P.set(x, 1);
  try {
    if (isZero(e)) {
      // −e·P vanishes: R = s·G, but P must still be a point (no tweakMul parses it here).
      if (!lib.publicKeyVerify(P)) return null;
      return lib.publicKeyCreate(s, true); // throws for s = 0: R at infinity
    }
    // (n − e)·P = −e·P; this call also parses P, throwing when lift_x fails.
    const minusEP = lib.publicKeyTweakMul(P, sub(N_BYTES, e), true);
    // s = 0: R = −e·P itself, never infinity (P has prime order n and e ≢ 0).
    // Otherwise the addon throws when −e·P + s·G is the point at infinity.
    return isZero(s) ? minusEP : lib.publicKeyTweakAdd(minusEP, s, true);
  } catch {
    return null;
  }
}

// The one place that knows which library does elliptic-curve math: libsecp256k1, the
// same code lightningd and LDK run, either as the native `secp256k1` addon or as
// tiny-secp256k1 (WASM); secp-backend.ts chooses at start-up. BIP 340 verification
// runs on the chosen backend; signing is always tiny-secp256k1's.
import * as ecc from 'tiny-secp256k1';
import { randomBytes as nodeRandomBytes, randomFillSync } from 'node:crypto';
import { bigIntToBytes, bytesToBigInt, toHex } from '../codec/bytes.js';
import { sha256 } from './hash.js';
import { DecodeError } from '../codec/errors.js';
import { chooseBackend, CURVE_N as N, tinyBackend, type SecpBackend, type SecpBackendName } from './secp-backend.js';
import { PointCache } from './point-cache.js';
import { byteKey, Generations } from '../generations.js';
import { isZero, reduceModN } from './scalar.js';

let choice = chooseBackend();
let be: SecpBackend = choice.backend;
let nativeChoice: ReturnType<typeof chooseBackend> | undefined;

/** Which backend runs, and why not the native one when it does not (for the start-up log). */
export function secpBackend(): { name: SecpBackendName; reason?: string } {
  return { name: be.name, ...(choice.reason !== undefined && be.name !== 'native' ? { reason: choice.reason } : {}) };
}

/** Switches backend (tests run every EC case on each); 'native' throws if it cannot be used. */
export function useSecpBackend(name: SecpBackendName): void {
  if (name === 'tiny') {
    be = tinyBackend;
    return;
  }
  nativeChoice ??= choice.backend.name === 'native' ? choice : chooseBackend({});
  const c = nativeChoice;
  if (c.backend.name !== 'native') throw new Error(`native secp256k1 backend unavailable: ${c.reason}`);
  choice = c;
  be = c.backend;
}

declare const pubKeyBrand: unique symbol;
declare const privKeyBrand: unique symbol;
/** A validated 33-byte compressed secp256k1 point. */
export type PubKey = Uint8Array & { readonly [pubKeyBrand]: true };
/** A validated 32-byte secret scalar in [1, n-1]. */
export type PrivKey = Uint8Array & { readonly [privKeyBrand]: true };

export const CURVE_N = N;

/**
 * Points that passed validation, remembered by content: a served request decodes the same
 * points (offer-path blinded ids, introduction nodes, a recipient's stored forward path)
 * into fresh arrays every time, and each validation is a decompression (a square root).
 * Only validated points are added. This replaced a WeakSet of validated arrays: the
 * content cache hits on new arrays too, and with it the WeakSet saved nothing measurable
 * while adding GC work (an entry per array ever validated or produced).
 */
export const knownPoints = new PointCache(4096);

export function isPubKey(b: Uint8Array): b is PubKey {
  if (b.length !== 33 || (b[0] !== 2 && b[0] !== 3)) return false;
  return knownPoints.check(b, isPoint);
}
const isPoint = (b: Uint8Array): boolean => be.isPoint(b);

/** Validates a compressed point; anything else is a DecodeError. */
export function asPubKey(b: Uint8Array): PubKey {
  if (!isPubKey(b)) throw new DecodeError('invalid public key');
  return b;
}

export function isPrivKey(b: Uint8Array): b is PrivKey {
  return b.length === 32 && be.isPrivate(b);
}

export function asPrivKey(b: Uint8Array): PrivKey {
  if (!isPrivKey(b)) throw new DecodeError('invalid private key');
  return b;
}

export function randomBytes(n: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(n));
}

// Fresh keys are drawn several times per onion built: one getrandom call per 64 keys
// instead of one each. Every key is copied out and its pool bytes are used once.
const POOL = 64 * 32;
const pool = new Uint8Array(POOL);
let poolAt = POOL;
function random32(): Uint8Array {
  if (poolAt === POOL) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const k = pool.slice(poolAt, poolAt + 32);
  pool.fill(0, poolAt, poolAt + 32);
  poolAt += 32;
  return k;
}

/** A fresh random private key. */
export function randomPrivKey(): PrivKey {
  for (;;) {
    const k = random32();
    if (isPrivKey(k)) return k;
  }
}

export function pubFromPriv(k: PrivKey): PubKey {
  const p = be.pointFromScalar(k);
  if (!p) throw new Error('invalid private key');
  return p as PubKey;
}

/** P·t for a 32-byte scalar t (reduced mod n); a degenerate result is an error. */
export function pointMul(p: PubKey, t: Uint8Array): PubKey {
  const s = scalarReduce(t);
  const r = guard(() => be.pointMultiply(p, s));
  if (!r) throw new DecodeError('point multiplication: invalid point');
  return r as PubKey;
}

/** BOLT 4 ECDH: SHA256 of the compressed point k·P. */
export function ecdh(k: PrivKey, p: PubKey): Uint8Array {
  return keyTimesPoint('ecdh', k, () => be.ecdh(k, p));
}

/**
 * ECDH for a sender's single-use secret (Sphinx session keys, fresh blinding keys):
 * the same SHA256(k·P), by the variable-time multiplication, about a quarter cheaper
 * with the native backend. Timing can tell little about a key that is used once;
 * long-lived keys (a node's, the virtual node's) keep `ecdh`.
 */
export function ecdhOnce(k: PrivKey, p: PubKey): Uint8Array {
  const q = expanded(p);
  return sha256(keyTimesPoint('ecdh', k, () => be.pointMultiply(q, k)));
}

/**
 * Points ecdhOnce multiplies again and again, kept uncompressed: a served request's
 * forward goes to the same blinded hops of the recipient's stored path every time, and
 * parsing a compressed point costs a square root per multiplication (~5 µs native, more
 * in WASM). A point is expanded when it comes a second time; a one-off key (a payer's
 * reply path) only leaves a mark in `seenPoints`. Both are bounded (two generations).
 */
const seenPoints = new Generations<Uint8Array | true>(2048);
function expanded(p: PubKey): Uint8Array {
  if (p.length !== 33) return p; // the multiplication reports the bad shape
  const key = byteKey(p);
  const v = seenPoints.get(key);
  if (v === true) {
    const full = be.decompress(p);
    if (full) seenPoints.set(key, full);
    return full ?? p;
  }
  if (v === undefined) seenPoints.set(key, true);
  return v ?? p;
}

/**
 * A multiplication by a private key k, with the checks every such call needs: k must be a
 * key (tiny-secp takes any 32 bytes below n as a tweak, zero included), bad input bytes
 * are a DecodeError (guard), and a degenerate result is one too.
 */
function keyTimesPoint(what: string, k: PrivKey, mul: () => Uint8Array | null): Uint8Array {
  if (!isPrivKey(k)) throw new DecodeError(`${what}: invalid private key`);
  const r = guard(mul);
  if (!r) throw new DecodeError(`${what}: invalid point`);
  return r;
}

/**
 * tiny-secp256k1 throws a TypeError for wrongly sized inputs; callers here may pass
 * bytes straight off the wire, so that becomes the project's DecodeError.
 */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypeError) throw new DecodeError(`secp256k1: ${e.message}`);
    throw e;
  }
}

/** Reduces 32 bytes mod n; zero is rejected (it would make a key vanish). */
function scalarReduce(t: Uint8Array): Uint8Array {
  const r = scalarReduceAllowZero(t);
  if (isZero(r)) throw new DecodeError('zero scalar');
  return r;
}

/** k·t mod n. */
export function privMul(k: PrivKey, t: Uint8Array): PrivKey {
  const r = be.privMul(k, scalarReduce(t));
  if (!r) throw new DecodeError('zero scalar');
  return r as PrivKey;
}

/** k + t mod n. */
export function privAdd(k: PrivKey, t: Uint8Array): PrivKey {
  const r = be.privAdd(k, scalarReduceAllowZero(t));
  if (!r) throw new DecodeError('zero scalar');
  return r as PrivKey;
}

declare const fullPointBrand: unique symbol;
/**
 * A point in uncompressed 65-byte form. Only for chains of additions (see
 * first_hop_sessions.ts): parsing it costs no square root, unlike a compressed one.
 */
export type FullPoint = Uint8Array & { readonly [fullPointBrand]: true };

/** k·G, uncompressed. */
export function fullPubFromPriv(k: PrivKey): FullPoint {
  const p = be.fullPointFromScalar(k);
  if (!p) throw new Error('invalid private key');
  return p as FullPoint;
}

/** k·P, uncompressed, by the variable-time multiplication (a sender's secret; see ecdhOnce). */
export function fullPointMulOnce(p: PubKey, k: PrivKey): FullPoint {
  return keyTimesPoint('point multiplication', k, () => be.fullPointMultiply(p, k)) as FullPoint;
}

/** A + B; undefined when the sum is the point at infinity. */
export function fullPointAdd(a: FullPoint, b: FullPoint): FullPoint | undefined {
  return (be.fullPointAdd(a, b) ?? undefined) as FullPoint | undefined;
}

/** The compressed form: the parity of y, then x (no curve arithmetic). */
export function compressFull(p: FullPoint): PubKey {
  const out = new Uint8Array(33);
  out[0] = 2 | (p[64]! & 1);
  out.set(p.subarray(1, 33), 1);
  return out as PubKey;
}

/** P + t·G. */
export function pointAddScalar(p: PubKey, t: Uint8Array): PubKey {
  const r = guard(() => be.pointAddScalar(p, scalarReduceAllowZero(t)));
  if (!r) throw new DecodeError('point addition gave infinity');
  return r as PubKey;
}

/** t mod n: one subtraction for 32 bytes (2^256 < 2n), BigInt for other lengths. */
function scalarReduceAllowZero(t: Uint8Array): Uint8Array {
  return t.length === 32 ? reduceModN(t) : bigIntToBytes(bytesToBigInt(t) % CURVE_N, 32);
}

/** BIP 340 signature over a 32-byte message. `aux` defaults to fresh randomness. */
export function schnorrSign(msg32: Uint8Array, k: PrivKey, aux: Uint8Array = randomBytes(32)): Uint8Array {
  return ecc.signSchnorr(msg32, k, aux);
}

/** BIP 340 verification against the x-only form of a compressed point. Never throws. */
export function schnorrVerify(sig: Uint8Array, msg32: Uint8Array, pub: Uint8Array): boolean {
  try {
    if (sig.length !== 64 || msg32.length !== 32 || !isPubKey(pub)) return false;
    return be.verifySchnorr(msg32, pub.subarray(1), sig);
  } catch {
    return false;
  }
}

export function pubKeyHex(p: PubKey): string {
  return toHex(p);
}

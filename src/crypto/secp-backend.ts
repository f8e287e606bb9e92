// Which library does the elliptic-curve work behind secp.ts. Both are libsecp256k1:
// - "native": the `secp256k1` npm addon (an optional dependency shipping prebuilt
//   binaries, loaded with no compiler step), about 4× faster per point multiplication;
// - "tiny": tiny-secp256k1 (libsecp256k1 compiled to WASM), always available.
// The native addon is used only when it loads AND its results equal tiny-secp256k1's on
// a self-test; ASYNCPAY_NATIVE_SECP=0 forces the WASM backend. The addon has no BIP 340:
// the native backend verifies Schnorr signatures with bip340.ts (composed from its point
// operations); signing always uses tiny-secp256k1 (it is not on any hot path).
import { createRequire } from 'node:module';
import * as ecc from 'tiny-secp256k1';
import { sha256 } from './hash.js';
import { verifyBip340, type Bip340Primitives } from './bip340.js';
import { N_BYTES, sub } from './scalar.js';

/** The group order n. */
export const CURVE_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const toBig = (b: Uint8Array): bigint => BigInt('0x' + Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex'));

export type SecpBackendName = 'native' | 'tiny';

/**
 * The primitives secp.ts needs. Inputs are pre-validated by secp.ts where it matters:
 * scalars for pointMultiply/pointFromScalar are in [1, n-1], tweaks for pointAddScalar
 * in [0, n-1]. A `null` result is a degenerate/invalid outcome; a throw is bad input.
 */
export interface SecpBackend {
  readonly name: SecpBackendName;
  isPoint(p: Uint8Array): boolean;
  isPrivate(k: Uint8Array): boolean;
  pointFromScalar(k: Uint8Array): Uint8Array | null;
  pointMultiply(p: Uint8Array, s: Uint8Array): Uint8Array | null;
  /** SHA256 of the compressed k·P (BOLT 4 ECDH); k already checked to be a key. */
  ecdh(k: Uint8Array, p: Uint8Array): Uint8Array | null;
  pointAddScalar(p: Uint8Array, t: Uint8Array): Uint8Array | null;
  /** k·t mod n with k a key and t in [1, n-1]; null when the product is 0. */
  privMul(k: Uint8Array, t: Uint8Array): Uint8Array | null;
  /** k + t mod n with k a key and t in [0, n-1]; null when the sum is 0. */
  privAdd(k: Uint8Array, t: Uint8Array): Uint8Array | null;
  // Uncompressed (65-byte) points: parsing one needs no square root, so a chain of
  // additions on them costs ~8 µs a step on either backend, against ~17-47 µs compressed.
  /** k·G, uncompressed. */
  fullPointFromScalar(k: Uint8Array): Uint8Array | null;
  /** k·P, uncompressed (variable time); P in either form. */
  fullPointMultiply(p: Uint8Array, k: Uint8Array): Uint8Array | null;
  /** A + B for uncompressed points, uncompressed; null at infinity. */
  fullPointAdd(a: Uint8Array, b: Uint8Array): Uint8Array | null;
  /** The uncompressed form of a compressed point; null when it is not a point. */
  decompress(p: Uint8Array): Uint8Array | null;
  /** BIP 340 verification against a 32-byte x-only key; false (never a throw) for any malformed input. */
  verifySchnorr(msg: Uint8Array, xOnly: Uint8Array, sig: Uint8Array): boolean;
}

export const tinyBackend: SecpBackend = {
  name: 'tiny',
  isPoint: (p) => ecc.isPoint(p),
  isPrivate: (k) => ecc.isPrivate(k),
  pointFromScalar: (k) => ecc.pointFromScalar(k, true),
  pointMultiply: (p, s) => ecc.pointMultiply(p, s, true),
  ecdh: (k, p) => {
    const r = ecc.pointMultiply(p, k, true);
    return r ? sha256(r) : null;
  },
  pointAddScalar: (p, t) => ecc.pointAddScalar(p, t, true),
  privMul: (k, t) => {
    // tiny-secp256k1 has no scalar product: BigInt arithmetic mod n.
    const v = (toBig(k) * toBig(t)) % CURVE_N;
    return v === 0n ? null : hex(v.toString(16).padStart(64, '0'));
  },
  privAdd: (k, t) => ecc.privateAdd(k, t),
  fullPointFromScalar: (k) => ecc.pointFromScalar(k, false),
  fullPointMultiply: (p, k) => ecc.pointMultiply(p, k, false),
  fullPointAdd: (a, b) => ecc.pointAdd(a, b, false),
  decompress: (p) => (isCompressedShape(p) && ecc.isPoint(p) ? ecc.pointCompress(p, false) : null),
  verifySchnorr: (msg, x, sig) => {
    try {
      return ecc.verifySchnorr(msg, x, sig);
    } catch {
      return false; // tiny-secp256k1 throws for a key that is not a point, or wrong sizes
    }
  },
};

/** The subset of the `secp256k1` addon's API used here (it throws on bad input or a degenerate result). */
interface NativeSecp extends Bip340Primitives {
  privateKeyVerify(k: Uint8Array): boolean;
  ecdh(p: Uint8Array, k: Uint8Array): Uint8Array;
  /** k + t mod n, written into k. */
  privateKeyTweakAdd(k: Uint8Array, t: Uint8Array): Uint8Array;
  publicKeyCombine(ps: Uint8Array[], compressed: boolean): Uint8Array;
  publicKeyConvert(p: Uint8Array, compressed: boolean): Uint8Array;
}

const orNull = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null;
  }
};
const isCompressedShape = (p: Uint8Array) => p.length === 33 && (p[0] === 2 || p[0] === 3);
const isPointShape = (p: Uint8Array) => isCompressedShape(p) || (p.length === 65 && p[0] === 4);

function nativeBackend(lib: NativeSecp): SecpBackend {
  return {
    name: 'native',
    isPoint: (p) => isPointShape(p) && lib.publicKeyVerify(p),
    isPrivate: (k) => k.length === 32 && lib.privateKeyVerify(k),
    pointFromScalar: (k) => orNull(() => lib.publicKeyCreate(k, true)),
    pointMultiply: (p, s) => {
      // tiny-secp256k1 throws a TypeError on a malformed point; keep that contract.
      if (!isPointShape(p)) throw new TypeError('Expected Point');
      return orNull(() => lib.publicKeyTweakMul(p, s, true));
    },
    ecdh: (k, p) => {
      if (!isPointShape(p)) throw new TypeError('Expected Point');
      return orNull(() => lib.ecdh(p, k));
    },
    pointAddScalar: (p, t) => {
      if (!isPointShape(p)) throw new TypeError('Expected Point');
      if (!lib.publicKeyVerify(p)) return null;
      return orNull(() => lib.publicKeyTweakAdd(p, t, true));
    },
    // The addon multiplies in place: work on a copy.
    privMul: (k, t) => orNull(() => lib.privateKeyTweakMul(Uint8Array.from(k), t)),
    privAdd: (k, t) => orNull(() => lib.privateKeyTweakAdd(Uint8Array.from(k), t)),
    fullPointFromScalar: (k) => orNull(() => lib.publicKeyCreate(k, false)),
    fullPointMultiply: (p, k) => {
      if (!isPointShape(p)) throw new TypeError('Expected Point');
      return orNull(() => lib.publicKeyTweakMul(p, k, false));
    },
    fullPointAdd: (a, b) => {
      if (a.length !== 65 || b.length !== 65 || a[0] !== 4 || b[0] !== 4) throw new TypeError('Expected uncompressed Point');
      return orNull(() => lib.publicKeyCombine([a, b], false));
    },
    decompress: (p) => (isCompressedShape(p) ? orNull(() => lib.publicKeyConvert(p, false)) : null),
    verifySchnorr: (msg, x, sig) => verifyBip340(lib, msg, x, sig),
  };
}

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const same = (a: Uint8Array | null, b: Uint8Array | null) => a !== null && b !== null && Buffer.compare(a, b) === 0;

/**
 * Runs both backends on fixed inputs and requires identical results (including the
 * rejection of a degenerate input). A wrong native build is worse than a slow one.
 */
export function selfTest(b: SecpBackend, ref: SecpBackend = tinyBackend): string | undefined {
  const k1 = hex('e12f0ebd4d4a7b5b9cdb1b6a1e2a7b0c7b2f3e1d0c9b8a79685746352413021f');
  const k2 = hex('41'.repeat(32));
  const nMinus1 = hex('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140');
  const n = N_BYTES;
  const P = ref.pointFromScalar(k2)!;
  const negK2 = sub(N_BYTES, k2);
  const fullP = ref.fullPointFromScalar(k2)!;
  const fullK1 = ref.fullPointFromScalar(k1)!;
  const negFullP = ref.fullPointFromScalar(negK2)!;
  // BIP 340 test vector 1; the forgery is the same signature with its last bit flipped.
  const sigMsg = hex('243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89');
  const sigKey = hex('dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659');
  const sig = hex('6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a');
  const forged = Uint8Array.from(sig);
  forged[63]! ^= 1;
  const checks: Array<[string, boolean]> = [
    ['pointFromScalar', same(b.pointFromScalar(k1), ref.pointFromScalar(k1))],
    ['pointFromScalar(n-1)', same(b.pointFromScalar(nMinus1), ref.pointFromScalar(nMinus1))],
    ['pointMultiply', same(b.pointMultiply(P, k1), ref.pointMultiply(P, k1))],
    ['ecdh', same(b.ecdh(k1, P), ref.ecdh(k1, P))],
    ['pointAddScalar', same(b.pointAddScalar(P, k1), ref.pointAddScalar(P, k1))],
    ['privMul', same(b.privMul(k1, k2), ref.privMul(k1, k2)) && b.privMul(k1, n) === null],
    ['privAdd', same(b.privAdd(k1, k2), ref.privAdd(k1, k2)) && b.privAdd(k2, negK2) === null],
    ['fullPointFromScalar', same(b.fullPointFromScalar(k1), ref.fullPointFromScalar(k1))],
    ['fullPointMultiply', same(b.fullPointMultiply(P, k1), ref.fullPointMultiply(P, k1))],
    ['fullPointAdd', same(b.fullPointAdd(fullP, fullK1), ref.fullPointAdd(fullP, fullK1)) && b.fullPointAdd(fullP, negFullP) === null],
    ['decompress', same(b.decompress(P), fullP) && b.decompress(hex('02' + '00'.repeat(32))) === null],
    ['isPoint', b.isPoint(P) && !b.isPoint(hex('02' + '00'.repeat(32)))],
    ['isPrivate', b.isPrivate(k1) && !b.isPrivate(n) && !b.isPrivate(new Uint8Array(32))],
    [
      'verifySchnorr',
      b.verifySchnorr(sigMsg, sigKey, sig) === true &&
        ref.verifySchnorr(sigMsg, sigKey, sig) === true &&
        b.verifySchnorr(sigMsg, sigKey, forged) === false &&
        ref.verifySchnorr(sigMsg, sigKey, forged) === false,
    ],
  ];
  const bad = checks.filter(([, ok]) => !ok).map(([what]) => what);
  return bad.length ? `self-test failed: ${bad.join(', ')}` : undefined;
}

export interface BackendChoice {
  readonly backend: SecpBackend;
  /** Why the native backend is not the one running (undefined when it is). */
  readonly reason?: string;
}

/** Picks the backend: the native addon when allowed, loadable and self-consistent, else WASM. */
export function chooseBackend(env: Record<string, string | undefined> = process.env): BackendChoice {
  const flag = env.ASYNCPAY_NATIVE_SECP;
  if (flag === '0' || flag === 'false' || flag === 'off') return { backend: tinyBackend, reason: 'disabled by ASYNCPAY_NATIVE_SECP' };
  let lib: NativeSecp;
  try {
    // `secp256k1/bindings` is the addon itself; the package's main entry would
    // silently fall back to a pure-JS implementation instead of failing.
    lib = createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp;
  } catch (e) {
    return { backend: tinyBackend, reason: `native addon not loadable (${String((e as Error).message).split('\n')[0]})` };
  }
  const b = nativeBackend(lib);
  let failed: string | undefined;
  try {
    failed = selfTest(b);
  } catch (e) {
    failed = `self-test threw (${(e as Error).message})`;
  }
  return failed === undefined ? { backend: b } : { backend: tinyBackend, reason: `native addon ${failed}` };
}

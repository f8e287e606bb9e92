// Poly1305 (RFC 8439 §2.5) for the short messages of the JS AEAD path (chacha.ts).
// Why not @noble/ciphers' Poly1305: it allocates an object and five typed arrays per MAC
// and multiplies 10×10 13-bit limbs; here the accumulator is six 22-bit limbs held in
// float64 (every partial sum stays below 2^52, so the arithmetic is exact) in scratch
// arrays, 36 multiplications per 16-byte block.
//
// Limb i holds bits 22i … 22i+21; 2^132 ≡ 20 (mod 2^130 − 5), so a product landing in
// limb 6 + k folds into limb k times 20.

const B22 = 4194304; // 2^22
const R = new Float64Array(6);
const R20 = new Float64Array(6); // 20·r, for the folded products
const H = new Float64Array(6);
const D = new Float64Array(6);
const B20 = 1048576; // 2^20: limb 5 starts at bit 110, so bit 130 is its bit 20
const G = new Float64Array(6);
const W = new Uint32Array(4);
const CLAMPED = new Uint8Array(16);
const CLAMP_MASK = Uint8Array.from([0xff, 0xff, 0xff, 0x0f, 0xfc, 0xff, 0xff, 0x0f, 0xfc, 0xff, 0xff, 0x0f, 0xfc, 0xff, 0xff, 0x0f]);
const TAIL = new Uint8Array(16);
const LENGTHS = new Uint8Array(16);

const le32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Splits the 128-bit little-endian value at b[o…o+15] into 22-bit limbs, plus `hibit`·2^128. */
function limbs(out: Float64Array, b: Uint8Array, o: number, hibit: number): void {
  const w0 = le32(b, o);
  const w1 = le32(b, o + 4);
  const w2 = le32(b, o + 8);
  const w3 = le32(b, o + 12);
  out[0] = w0 & 0x3fffff;
  out[1] = ((w0 >>> 22) | (w1 << 10)) & 0x3fffff;
  out[2] = ((w1 >>> 12) | (w2 << 20)) & 0x3fffff;
  out[3] = (w2 >>> 2) & 0x3fffff;
  out[4] = ((w2 >>> 24) | (w3 << 8)) & 0x3fffff;
  out[5] = (w3 >>> 14) + hibit * 262144; // bit 128 is bit 18 of limb 5
}

/** h = (h + block) · r mod p, partially reduced (limbs below ~2^22.01). */
function absorb(b: Uint8Array, o: number, hibit: number): void {
  limbs(D, b, o, hibit);
  const h0 = H[0]! + D[0]!, h1 = H[1]! + D[1]!, h2 = H[2]! + D[2]!, h3 = H[3]! + D[3]!, h4 = H[4]! + D[4]!, h5 = H[5]! + D[5]!;
  const r0 = R[0]!, r1 = R[1]!, r2 = R[2]!, r3 = R[3]!, r4 = R[4]!, r5 = R[5]!;
  const s1 = R20[1]!, s2 = R20[2]!, s3 = R20[3]!, s4 = R20[4]!, s5 = R20[5]!;
  let d0 = h0 * r0 + h1 * s5 + h2 * s4 + h3 * s3 + h4 * s2 + h5 * s1;
  let d1 = h0 * r1 + h1 * r0 + h2 * s5 + h3 * s4 + h4 * s3 + h5 * s2;
  let d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s5 + h4 * s4 + h5 * s3;
  let d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s5 + h5 * s4;
  let d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0 + h5 * s5;
  let d5 = h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1 + h5 * r0;
  let c = Math.floor(d0 / B22);
  d0 -= c * B22;
  d1 += c;
  c = Math.floor(d1 / B22);
  d1 -= c * B22;
  d2 += c;
  c = Math.floor(d2 / B22);
  d2 -= c * B22;
  d3 += c;
  c = Math.floor(d3 / B22);
  d3 -= c * B22;
  d4 += c;
  c = Math.floor(d4 / B22);
  d4 -= c * B22;
  d5 += c;
  c = Math.floor(d5 / B22);
  d5 -= c * B22;
  d0 += c * 20;
  c = Math.floor(d0 / B22);
  d0 -= c * B22;
  d1 += c;
  H[0] = d0;
  H[1] = d1;
  H[2] = d2;
  H[3] = d3;
  H[4] = d4;
  H[5] = d5;
}

/** Propagates carries so limbs 0–4 are below 2^22 and limb 5 below 2^20 (bits ≥ 130 fold back times 5). */
function carryTo130(): void {
  // Three passes: the second folds what the first carried out of limb 5, the third the
  // rare carry that fold can ripple out of limb 0.
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < 5; i++) {
      const c = Math.floor(H[i]! / B22);
      H[i]! -= c * B22;
      H[i + 1]! += c;
    }
    const c = Math.floor(H[5]! / B20);
    H[5]! -= c * B20;
    H[0]! += c * 5;
  }
}

function begin(key: Uint8Array): void {
  // r is clamped (RFC 8439 §2.5.1): top four bits of bytes 3, 7, 11, 15 and bottom two of 4, 8, 12 cleared.
  for (let i = 0; i < 16; i++) CLAMPED[i] = key[i]! & CLAMP_MASK[i]!;
  limbs(R, CLAMPED, 0, 0);
  for (let i = 0; i < 6; i++) {
    R20[i] = R[i]! * 20;
    H[i] = 0;
  }
}

/** Absorbs p; a last partial block is zero-padded to 16 bytes (`pad16`, the AEAD) or ends in 0x01 (plain Poly1305). */
function absorbAll(p: Uint8Array, pad16: boolean): void {
  let o = 0;
  for (; o + 16 <= p.length; o += 16) absorb(p, o, 1);
  if (o === p.length) return;
  TAIL.fill(0);
  TAIL.set(p.subarray(o));
  if (!pad16) TAIL[p.length - o] = 1;
  absorb(TAIL, 0, pad16 ? 1 : 0);
}

/** Writes (h mod p + s) mod 2^128, s = key[16…31], as 16 little-endian bytes at out[at…]. */
function finish(key: Uint8Array, out: Uint8Array, at: number): void {
  carryTo130();
  // h ≥ p exactly when h + 5 reaches 2^130: then h − p is G without bit 130.
  let c = 5;
  for (let i = 0; i < 5; i++) {
    const g = H[i]! + c;
    c = Math.floor(g / B22);
    G[i] = g - c * B22;
  }
  G[5] = H[5]! + c;
  if (G[5]! >= B20) {
    G[5]! -= B20;
    H.set(G);
  }
  const l0 = H[0]!, l1 = H[1]!, l2 = H[2]!, l3 = H[3]!, l4 = H[4]!, l5 = H[5]!;
  W[0] = (l0 | (l1 << 22)) >>> 0;
  W[1] = ((l1 >>> 10) | (l2 << 12)) >>> 0;
  W[2] = ((l2 >>> 20) | (l3 << 2) | (l4 << 24)) >>> 0;
  W[3] = ((l4 >>> 8) | (l5 << 14)) >>> 0;
  let carry = 0;
  for (let i = 0; i < 4; i++) {
    const t = W[i]! + le32(key, 16 + 4 * i) + carry;
    carry = t >= 4294967296 ? 1 : 0;
    const v = t >>> 0;
    out[at + 4 * i] = v;
    out[at + 4 * i + 1] = v >>> 8;
    out[at + 4 * i + 2] = v >>> 16;
    out[at + 4 * i + 3] = v >>> 24;
  }
}

/** Poly1305 (RFC 8439 §2.5.1) of msg under a 32-byte one-time key. */
export function poly1305(key: Uint8Array, msg: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new RangeError('poly1305: key must be 32 bytes');
  begin(key);
  absorbAll(msg, false);
  const out = new Uint8Array(16);
  finish(key, out, 0);
  return out;
}

/** The ChaCha20-Poly1305 tag (RFC 8439 §2.8): pad16(aad) ‖ pad16(ct) ‖ le64(|aad|) ‖ le64(|ct|), into out[at…]. */
export function aeadTag(otk: Uint8Array, aad: Uint8Array | undefined, ct: Uint8Array, out: Uint8Array, at: number): void {
  begin(otk);
  if (aad) absorbAll(aad, true);
  absorbAll(ct, true);
  LENGTHS.fill(0);
  const a = aad?.length ?? 0;
  // Lengths as 64-bit little-endian; inputs here are far below 2^32 bytes.
  for (let i = 0; i < 4; i++) {
    LENGTHS[i] = a >>> (8 * i);
    LENGTHS[8 + i] = ct.length >>> (8 * i);
  }
  absorb(LENGTHS, 0, 1);
  finish(otk, out, at);
}

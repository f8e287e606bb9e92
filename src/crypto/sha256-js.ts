// SHA-256 (FIPS 180-4) in JavaScript for SHORT inputs, resumable from a saved
// midstate. Why not node:crypto for these: every call into OpenSSL costs ~0.9 µs plus
// an external Buffer the garbage collector must track, while one compression here is
// ~0.3 µs and the 32-byte result lives on the JS heap. A served request hashes ~60
// short inputs whose 64-byte prefixes are constants (BIP 340 tags, HMAC key pads), so
// starting from a precomputed midstate also skips a whole block. Long inputs (onion
// packets) stay on OpenSSL, which is several times faster per byte (hash.ts decides).
//
// One hash at a time: start → update* → digest use module state, which is safe because
// nothing between them yields or calls back out.

/** The state after absorbing `length` bytes (a multiple of 64) of some prefix. */
export interface Midstate {
  readonly words: Int32Array;
  readonly length: number;
}

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The initial state (no prefix). */
export const IV: Midstate = {
  words: Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]),
  length: 0,
};

const W = new Int32Array(64);

/** One compression of the 64-byte block at b[off] into state s. */
function compress(s: Int32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++, off += 4) W[i] = (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!;
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!;
    const y = W[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = s[0]!, bb = s[1]!, c = s[2]!, d = s[3]!, e = s[4]!, f = s[5]!, g = s[6]!, h = s[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + (g ^ (e & (f ^ g))) + K[i]! + W[i]!) | 0; // Ch(e, f, g)
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & bb) | (c & (a | bb)))) | 0; // Maj(a, b, c)
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  s[0] = (s[0]! + a) | 0;
  s[1] = (s[1]! + bb) | 0;
  s[2] = (s[2]! + c) | 0;
  s[3] = (s[3]! + d) | 0;
  s[4] = (s[4]! + e) | 0;
  s[5] = (s[5]! + f) | 0;
  s[6] = (s[6]! + g) | 0;
  s[7] = (s[7]! + h) | 0;
}

/** The midstate after `prefix`, whose length must be a multiple of 64. */
export function midstateOf(prefix: Uint8Array, from: Midstate = IV): Midstate {
  if (prefix.length % 64 !== 0) throw new RangeError('sha256 midstate: prefix length must be a multiple of 64');
  const words = Int32Array.from(from.words);
  for (let o = 0; o < prefix.length; o += 64) compress(words, prefix, o);
  return { words, length: from.length + prefix.length };
}

// The hash in progress.
const S = new Int32Array(8);
const BLOCK = new Uint8Array(64);
let used = 0; // bytes waiting in BLOCK
let total = 0; // bytes absorbed, prefix included

export function start(mid: Midstate): void {
  S.set(mid.words);
  used = 0;
  total = mid.length;
}

export function update(p: Uint8Array): void {
  const n = p.length;
  let i = 0;
  total += n;
  if (used > 0) {
    while (used < 64 && i < n) BLOCK[used++] = p[i++]!;
    if (used < 64) return;
    compress(S, BLOCK, 0);
    used = 0;
  }
  for (; i + 64 <= n; i += 64) compress(S, p, i);
  while (i < n) BLOCK[used++] = p[i++]!;
}

/** Pads and finishes the hash in progress, writing the 32-byte digest into out[at…]. */
export function digestInto(out: Uint8Array, at = 0): Uint8Array {
  BLOCK[used++] = 0x80;
  if (used > 56) {
    BLOCK.fill(0, used);
    compress(S, BLOCK, 0);
    used = 0;
  }
  BLOCK.fill(0, used, 56);
  // Message length in bits, big-endian 64-bit (inputs here are far below 2^53 bits).
  const hi = Math.floor(total / 0x20000000);
  const lo = (total << 3) >>> 0;
  BLOCK[56] = hi >>> 24;
  BLOCK[57] = hi >>> 16;
  BLOCK[58] = hi >>> 8;
  BLOCK[59] = hi;
  BLOCK[60] = lo >>> 24;
  BLOCK[61] = lo >>> 16;
  BLOCK[62] = lo >>> 8;
  BLOCK[63] = lo;
  compress(S, BLOCK, 0);
  for (let i = 0; i < 8; i++) {
    const v = S[i]!;
    out[at + 4 * i] = v >>> 24;
    out[at + 4 * i + 1] = v >>> 16;
    out[at + 4 * i + 2] = v >>> 8;
    out[at + 4 * i + 3] = v;
  }
  used = 0;
  return out;
}

/** Pads and finishes the hash in progress: a new 32-byte array. */
export function digest(): Uint8Array {
  return digestInto(new Uint8Array(32));
}

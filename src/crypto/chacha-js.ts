// The ChaCha20 block function (RFC 8439 §2.3) in JavaScript, for SHORT inputs. Why not
// node:crypto for these: each OpenSSL call builds a cipher object (~2 µs, plus a C++
// object for the GC to finalise) before it encrypts a byte, while one 64-byte block
// here is ~0.1 µs. chacha.ts picks this below the measured crossover and OpenSSL above.

const SIGMA0 = 0x61707865; // "expand 32-byte k", little-endian words
const SIGMA1 = 0x3320646e;
const SIGMA2 = 0x79622d32;
const SIGMA3 = 0x6b206574;

const le32 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const X = new Int32Array(16); // one keystream block as words (scratch)
const KEY = new Int32Array(8);
const NONCE = new Int32Array(3);

/** Fills X with the keystream block for `counter` under KEY/NONCE. */
function block(counter: number): void {
  const k0 = KEY[0]!, k1 = KEY[1]!, k2 = KEY[2]!, k3 = KEY[3]!, k4 = KEY[4]!, k5 = KEY[5]!, k6 = KEY[6]!, k7 = KEY[7]!;
  const n0 = NONCE[0]!, n1 = NONCE[1]!, n2 = NONCE[2]!;
  let x0 = SIGMA0, x1 = SIGMA1, x2 = SIGMA2, x3 = SIGMA3;
  let x4 = k0, x5 = k1, x6 = k2, x7 = k3, x8 = k4, x9 = k5, x10 = k6, x11 = k7;
  let x12 = counter | 0, x13 = n0, x14 = n1, x15 = n2;
  for (let r = 0; r < 10; r++) {
    // Column rounds: (0,4,8,12) (1,5,9,13) (2,6,10,14) (3,7,11,15).
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
    // Diagonal rounds: (0,5,10,15) (1,6,11,12) (2,7,8,13) (3,4,9,14).
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  X[0] = x0 + SIGMA0; X[1] = x1 + SIGMA1; X[2] = x2 + SIGMA2; X[3] = x3 + SIGMA3;
  X[4] = x4 + k0; X[5] = x5 + k1; X[6] = x6 + k2; X[7] = x7 + k3;
  X[8] = x8 + k4; X[9] = x9 + k5; X[10] = x10 + k6; X[11] = x11 + k7;
  X[12] = x12 + counter; X[13] = x13 + n0; X[14] = x14 + n1; X[15] = x15 + n2;
}

/**
 * out[i] = input[i] ^ keystream[skip + i] for i < len, the keystream starting at block
 * `counter` (input undefined: the keystream itself). `nonce` is 12 bytes, undefined = zero.
 * out may be input (in place).
 */
export function chachaXor(
  key: Uint8Array,
  nonce: Uint8Array | undefined,
  counter: number,
  skip: number,
  input: Uint8Array | undefined,
  out: Uint8Array,
  len: number,
): void {
  if (key.length !== 32) throw new RangeError('chacha20: key must be 32 bytes');
  if (nonce && nonce.length !== 12) throw new RangeError('chacha20: nonce must be 12 bytes');
  for (let i = 0; i < 8; i++) KEY[i] = le32(key, 4 * i);
  for (let i = 0; i < 3; i++) NONCE[i] = nonce ? le32(nonce, 4 * i) : 0;
  counter += Math.floor(skip / 64);
  let o = 0;
  const at = skip % 64; // byte position within the first block
  if (at !== 0) {
    // A keystream offset inside a block (onion fillers, peeled tails): that block byte by byte.
    block(counter++);
    o = partial(at, input, out, 0, len);
  }
  // Whole blocks as 32-bit words when both buffers are aligned there (little-endian hosts only).
  const whole = (len - o) >> 6;
  if (LITTLE_ENDIAN && whole >= 4 && ((out.byteOffset + o) & 3) === 0 && (!input || ((input.byteOffset + o) & 3) === 0)) {
    const out32 = new Int32Array(out.buffer, out.byteOffset + o, whole * 16);
    const in32 = input ? new Int32Array(input.buffer, input.byteOffset + o, whole * 16) : undefined;
    for (let b = 0, w = 0; b < whole; b++) {
      block(counter++);
      if (in32) for (let i = 0; i < 16; i++, w++) out32[w] = in32[w]! ^ X[i]!;
      else for (let i = 0; i < 16; i++, w++) out32[w] = X[i]!;
    }
    o += whole * 64;
  } else {
    for (let b = 0; b < whole; b++) {
      block(counter++);
      // A whole block: a word at a time.
      for (let w = 0; w < 16; w++, o += 4) {
        const v = X[w]!;
        if (input) {
          out[o] = input[o]! ^ v;
          out[o + 1] = input[o + 1]! ^ (v >>> 8);
          out[o + 2] = input[o + 2]! ^ (v >>> 16);
          out[o + 3] = input[o + 3]! ^ (v >>> 24);
        } else {
          out[o] = v;
          out[o + 1] = v >>> 8;
          out[o + 2] = v >>> 16;
          out[o + 3] = v >>> 24;
        }
      }
    }
  }
  if (o < len) {
    block(counter);
    partial(0, input, out, o, len);
  }
}

/** Bytes at..63 of the block in X (at most up to `len`) XORed into out from `o`; returns the new o. */
function partial(at: number, input: Uint8Array | undefined, out: Uint8Array, o: number, len: number): number {
  for (; at < 64 && o < len; at++, o++) {
    const ks = X[at >> 2]! >>> ((at & 3) << 3);
    out[o] = input ? input[o]! ^ ks : ks;
  }
  return o;
}

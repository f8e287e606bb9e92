// ChaCha20 and ChaCha20-Poly1305 (RFC 8439). Short inputs run in JavaScript (chacha-js.ts
// and poly1305.ts): OpenSSL's per-call cipher object costs ~2 µs (~4.5 µs for the AEAD)
// before the first byte. Long inputs (over 2 KB: 32 KB onion messages) run on node:crypto
// (OpenSSL), whose "chacha20" IV is the 32-bit little-endian block counter followed by
// the 96-bit nonce. Results are plain Uint8Arrays that own their memory.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { equalBytes } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { chachaXor } from './chacha-js.js';
import { aeadTag } from './poly1305.js';
import { ownBytes } from './hash.js';

const ZERO_NONCE = new Uint8Array(12);
const TAG_LEN = 16;

/** Up to this many bytes of plaintext + AAD, the AEAD runs in JS (OpenSSL ~4.8 µs at 70 B, JS ~1.7; crossover ~1.2 KB). */
export const AEAD_JS_MAX = 1024;

// Zeros for OpenSSL to encrypt into a keystream: one shared, read-only buffer instead of
// a fresh zero-filled array per call (grown on demand, never written).
let zeros = new Uint8Array(2048);
const zeroBytes = (n: number): Uint8Array => {
  if (n > zeros.length) {
    if (n > 1 << 16) return new Uint8Array(n);
    zeros = new Uint8Array(Math.max(n, 2 * zeros.length));
  }
  return zeros.subarray(0, n);
};

/** ChaCha20 keystream of `len` bytes (RFC 8439, zero nonce, counter 0). */
export function chacha20Stream(key: Uint8Array, len: number): Uint8Array {
  return chacha20StreamAt(key, 0, len);
}

/** `len` bytes of the ChaCha20 keystream (zero nonce) starting at byte `offset`. */
export function chacha20StreamAt(key: Uint8Array, offset: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  chacha20XorInto(key, offset, undefined, out);
  return out;
}

/** XORs the ChaCha20 keystream (zero nonce) into `data`, returning a new array. */
export function chacha20Xor(key: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  chacha20XorInto(key, 0, data, out);
  return out;
}

/**
 * Up to this many bytes ChaCha20 runs in JS, straight into the caller's buffer (the
 * allocating forms above wrap chacha20XorInto). No output is allocated at all, which
 * beats OpenSSL's call plus its fresh output Buffer (a malloc, a BackingStore and a sweep
 * each) up to ~2 KB; onion payload areas are 1300 bytes.
 */
export const CHACHA_INTO_JS_MAX = 2048;

/**
 * out[i] = (input ? input[i] : 0) ^ keystream[offset + i] for every i < out.length (zero
 * nonce), written into `out`. `input` may be `out` itself (in place); it needs at least
 * out.length bytes.
 */
export function chacha20XorInto(key: Uint8Array, offset: number, input: Uint8Array | undefined, out: Uint8Array): void {
  const len = out.length;
  const block = Math.floor(offset / 64);
  const skip = offset - block * 64;
  if (block > 0xffffffff) throw new RangeError('chacha20: offset beyond the 32-bit block counter');
  if (input && input.length < len) throw new RangeError('chacha20: input shorter than output');
  if (len <= CHACHA_INTO_JS_MAX) {
    chachaXor(key, undefined, block, skip, input, out, len);
    return;
  }
  const iv = new Uint8Array(16);
  new DataView(iv.buffer).setUint32(0, block, true);
  const c = createCipheriv('chacha20', key, iv);
  // A stream cipher: OpenSSL keeps its place inside a block across update() calls.
  if (skip > 0) c.update(zeroBytes(skip));
  out.set(c.update(input ? (input.length === len ? input : input.subarray(0, len)) : zeroBytes(len)));
}

// ---- ChaCha20-Poly1305 (RFC 8439 §2.8)

const OTK = new Uint8Array(32); // the one-time Poly1305 key (scratch)
const TAG = new Uint8Array(TAG_LEN); // the expected tag when decrypting (scratch)

/** The AEAD tag of ct (keyed by keystream block 0) into out[at…]. */
function polyTag(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, ct: Uint8Array, out: Uint8Array, at: number): void {
  chachaXor(key, nonce, 0, 0, undefined, OTK, 32);
  aeadTag(OTK, aad, ct, out, at);
}

/** ChaCha20-Poly1305 with a zero nonce and empty AAD (BOLT 4 encrypted_recipient_data). */
export function aeadEncrypt(key: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array = ZERO_NONCE, aad?: Uint8Array): Uint8Array {
  if (key.length !== 32 || nonce.length !== 12) throw new RangeError('aead: key must be 32 bytes and nonce 12');
  const n = plaintext.length;
  if (n + (aad?.length ?? 0) <= AEAD_JS_MAX) {
    const out = new Uint8Array(n + TAG_LEN);
    chachaXor(key, nonce, 1, 0, plaintext, out, n);
    polyTag(key, nonce, aad, out.subarray(0, n), out, n);
    return out;
  }
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LEN });
  if (aad) c.setAAD(aad, { plaintextLength: n });
  const body = c.update(plaintext);
  c.final();
  const out = new Uint8Array(body.length + TAG_LEN);
  out.set(body);
  out.set(c.getAuthTag(), body.length);
  return out;
}

/** Inverse of aeadEncrypt; a bad tag or short input is a DecodeError. */
export function aeadDecrypt(key: Uint8Array, ciphertext: Uint8Array, nonce: Uint8Array = ZERO_NONCE, aad?: Uint8Array): Uint8Array {
  // As OpenSSL's path below: a wrong-sized key or nonce fails like a bad tag.
  if (key.length !== 32 || nonce.length !== 12) throw new DecodeError('aead: authentication failed');
  if (ciphertext.length < TAG_LEN) throw new DecodeError('aead: ciphertext too short');
  const n = ciphertext.length - TAG_LEN;
  const body = ciphertext.subarray(0, n);
  if (n + (aad?.length ?? 0) <= AEAD_JS_MAX) {
    // equalBytes reads every byte whatever differs (no early exit on the tag).
    polyTag(key, nonce, aad, body, TAG, 0);
    if (!equalBytes(TAG, ciphertext.subarray(n))) throw new DecodeError('aead: authentication failed');
    const out = new Uint8Array(n);
    chachaXor(key, nonce, 1, 0, body, out, n);
    return out;
  }
  try {
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LEN });
    d.setAuthTag(ciphertext.subarray(n));
    if (aad) d.setAAD(aad, { plaintextLength: n });
    const out = d.update(body);
    d.final(); // throws on a bad tag
    return ownBytes(out);
  } catch {
    throw new DecodeError('aead: authentication failed');
  }
}

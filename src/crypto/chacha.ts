// ChaCha20 and ChaCha20-Poly1305 (RFC 8439) on node:crypto (OpenSSL). OpenSSL's
// "chacha20" IV is the 32-bit little-endian block counter followed by the 96-bit nonce.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { DecodeError } from '../codec/errors.js';
import { ownBytes } from './hash.js';

const ZERO_NONCE = new Uint8Array(12);
/** Counter 0, zero nonce. */
const ZERO_IV = new Uint8Array(16);
const TAG_LEN = 16;

/** ChaCha20 keystream of `len` bytes (RFC 8439, zero nonce, counter 0). */
export function chacha20Stream(key: Uint8Array, len: number): Uint8Array {
  return chacha20Xor(key, new Uint8Array(len));
}

/** `len` bytes of the ChaCha20 keystream (zero nonce) starting at byte `offset`. */
export function chacha20StreamAt(key: Uint8Array, offset: number, len: number): Uint8Array {
  const block = Math.floor(offset / 64);
  const skip = offset - block * 64;
  if (block > 0xffffffff) throw new RangeError('chacha20: offset beyond the 32-bit block counter');
  const iv = new Uint8Array(16);
  new DataView(iv.buffer).setUint32(0, block, true); // OpenSSL: little-endian counter, then the nonce
  const out = ownBytes(createCipheriv('chacha20', key, iv).update(new Uint8Array(skip + len)));
  return skip === 0 ? out : out.subarray(skip);
}

/** XORs the ChaCha20 keystream (zero nonce) into `data`, returning a new array. */
export function chacha20Xor(key: Uint8Array, data: Uint8Array): Uint8Array {
  // A stream cipher: update() returns exactly data.length bytes and final() nothing.
  return ownBytes(createCipheriv('chacha20', key, ZERO_IV).update(data));
}

/** ChaCha20-Poly1305 with a zero nonce and empty AAD (BOLT 4 encrypted_recipient_data). */
export function aeadEncrypt(key: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array = ZERO_NONCE, aad?: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LEN });
  if (aad) c.setAAD(aad, { plaintextLength: plaintext.length });
  const body = c.update(plaintext);
  c.final();
  const out = new Uint8Array(body.length + TAG_LEN);
  out.set(body);
  out.set(c.getAuthTag(), body.length);
  return out;
}

/** Inverse of aeadEncrypt; a bad tag or short input is a DecodeError. */
export function aeadDecrypt(key: Uint8Array, ciphertext: Uint8Array, nonce: Uint8Array = ZERO_NONCE, aad?: Uint8Array): Uint8Array {
  if (ciphertext.length < TAG_LEN) throw new DecodeError('aead: ciphertext too short');
  const n = ciphertext.length - TAG_LEN;
  try {
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LEN });
    d.setAuthTag(ciphertext.subarray(n));
    if (aad) d.setAAD(aad, { plaintextLength: n });
    const out = d.update(ciphertext.subarray(0, n));
    d.final(); // throws on a bad tag
    return new Uint8Array(out);
  } catch {
    throw new DecodeError('aead: authentication failed');
  }
}

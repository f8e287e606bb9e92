import { chacha20 as nobleChacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { DecodeError } from '../codec/errors.js';

const ZERO_NONCE = new Uint8Array(12);

/** ChaCha20 keystream of `len` bytes (RFC 8439, zero nonce, counter 0). */
export function chacha20Stream(key: Uint8Array, len: number): Uint8Array {
  return nobleChacha20(key, ZERO_NONCE, new Uint8Array(len));
}

/** XORs the ChaCha20 keystream (zero nonce) into `data`, returning a new array. */
export function chacha20Xor(key: Uint8Array, data: Uint8Array): Uint8Array {
  return nobleChacha20(key, ZERO_NONCE, data);
}

/** ChaCha20-Poly1305 with a zero nonce and empty AAD (BOLT 4 encrypted_recipient_data). */
export function aeadEncrypt(key: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array = ZERO_NONCE, aad?: Uint8Array): Uint8Array {
  return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/** Inverse of aeadEncrypt; a bad tag or short input is a DecodeError. */
export function aeadDecrypt(key: Uint8Array, ciphertext: Uint8Array, nonce: Uint8Array = ZERO_NONCE, aad?: Uint8Array): Uint8Array {
  if (ciphertext.length < 16) throw new DecodeError('aead: ciphertext too short');
  try {
    return chacha20poly1305(key, nonce, aad).decrypt(ciphertext);
  } catch {
    throw new DecodeError('aead: authentication failed');
  }
}

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { concatBytes, utf8 } from '../codec/bytes.js';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return nobleSha256(parts[0]!);
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

export function hmacSha256(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmac(nobleSha256, key, msg);
}

/** BOLT 4 key generation: HMAC-SHA256 keyed by the ASCII label (rho, mu, um, pad, ammag, blinded_node_id). */
export function deriveKey(label: string, secret: Uint8Array): Uint8Array {
  return hmacSha256(utf8(label), secret);
}

const tagCache = new Map<string, Uint8Array>();
/** BIP 340 tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ msg). `tag` may be raw bytes (LnNonce ‖ first-tlv). */
export function taggedHash(tag: string | Uint8Array, ...msg: Uint8Array[]): Uint8Array {
  let th: Uint8Array | undefined;
  if (typeof tag === 'string') {
    th = tagCache.get(tag);
    if (!th) {
      th = nobleSha256(utf8(tag));
      tagCache.set(tag, th);
    }
  } else {
    th = nobleSha256(tag);
  }
  return sha256(th, th, concatBytes(...msg));
}

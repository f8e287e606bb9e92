// Per-offer secrets, derived and never stored: the plugin keeps only the random
// nonce of each offer; the offer signing key (offer_issuer_id) and the path_id of
// the offer's payment paths come from makesecret's offer-key base and that nonce,
// so a database leak reveals no key.
import { concatBytes, utf8 } from '../codec/bytes.js';
import { sha256 } from '../crypto/hash.js';
import { randomBytes, type PrivKey } from '../crypto/secp.js';
import { privKeyFromSecret } from '../transport/secrets.js';

export const OFFER_NONCE_LEN = 16;

export function newOfferNonce(): Uint8Array {
  return randomBytes(OFFER_NONCE_LEN);
}

/** The offer's signing key: privKeyFromSecret(SHA256(offerKeyBase ‖ nonce)). */
export function offerSigningKey(offerKeyBase: Uint8Array, nonce: Uint8Array): PrivKey {
  return privKeyFromSecret(sha256(offerKeyBase, nonce));
}

/** The path_id our payment paths end with (domain-separated from the signing key). */
export function paymentPathId(offerKeyBase: Uint8Array, nonce: Uint8Array): Uint8Array {
  return sha256(concatBytes(offerKeyBase, utf8('asyncpay payment path'), nonce));
}

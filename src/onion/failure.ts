// BOLT 4 "Returning Errors": the failure onion an erring node builds with its shared
// secret, each hop's obfuscation on the way back, and the origin's decoding into the
// erring hop's index and failure message. (attribution_data is not modelled.)
import { concatBytes, equalBytes, u16 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { chacha20Xor } from '../crypto/chacha.js';
import { deriveKey, hmacSha256 } from '../crypto/hash.js';

/** failure_len + pad_len the erring node pads to (BOLT 4 SHOULD). */
export const FAILURE_PAD_TO = 256;
const HMAC_LEN = 32;

/** BOLT 4 failure code flags and the codes this project meets. */
export const BADONION = 0x8000;
export const PERM = 0x4000;
export const NODE = 0x2000;
export const UPDATE = 0x1000;
export const FAILCODE = {
  invalid_realm: PERM | 1,
  temporary_node_failure: NODE | 2,
  permanent_node_failure: PERM | NODE | 2,
  invalid_onion_version: BADONION | PERM | 4,
  invalid_onion_hmac: BADONION | PERM | 5,
  invalid_onion_key: BADONION | PERM | 6,
  temporary_channel_failure: UPDATE | 7,
  permanent_channel_failure: PERM | 8,
  amount_below_minimum: UPDATE | 11,
  fee_insufficient: UPDATE | 12,
  incorrect_cltv_expiry: UPDATE | 13,
  expiry_too_soon: UPDATE | 14,
  incorrect_or_unknown_payment_details: PERM | 15,
  final_incorrect_cltv_expiry: 18,
  final_incorrect_htlc_amount: 19,
  unknown_next_peer: PERM | 10,
  invalid_onion_payload: PERM | 22,
  mpp_timeout: 23,
  invalid_onion_blinding: BADONION | PERM | 24,
} as const;

const NAMES = new Map<number, string>(Object.entries(FAILCODE).map(([k, v]) => [v, `WIRE_${k.toUpperCase()}`]));
/** lightningd's `failcodename` (onion_wire_name), e.g. WIRE_INVALID_ONION_BLINDING. */
export function failcodeName(code: number): string | undefined {
  return NAMES.get(code);
}

/**
 * The erring node's packet before obfuscation: hmac ‖ u16 len ‖ failuremsg ‖ u16 pad_len ‖ pad,
 * the hmac keyed by um(ss) over everything after it (lightningd's create_onionreply).
 */
export function buildFailurePacket(sharedSecret: Uint8Array, failureMessage: Uint8Array, padTo = FAILURE_PAD_TO): Uint8Array {
  if (failureMessage.length < 2 || failureMessage.length > 0xffff) throw new RangeError('failure message must be 2..65535 bytes');
  const padLen = Math.max(0, padTo - failureMessage.length);
  const body = concatBytes(u16(failureMessage.length), failureMessage, u16(padLen), new Uint8Array(padLen));
  return concatBytes(hmacSha256(deriveKey('um', sharedSecret), body), body);
}

/** One hop's obfuscation (the erring node applies it too): XOR with ChaCha20 under ammag(ss). */
export function wrapFailurePacket(sharedSecret: Uint8Array, packet: Uint8Array): Uint8Array {
  return chacha20Xor(deriveKey('ammag', sharedSecret), packet);
}

/** What the erring node sends back: built and obfuscated once with its own secret. */
export function createFailureOnion(sharedSecret: Uint8Array, failureMessage: Uint8Array): Uint8Array {
  return wrapFailurePacket(sharedSecret, buildFailurePacket(sharedSecret, failureMessage));
}

export interface DecodedFailure {
  /** Position of the erring hop in the route (0 = first hop after the origin). */
  readonly hopIndex: number;
  readonly failureMessage: Uint8Array;
  readonly failcode: number;
}

/**
 * The origin's unwrapping with the route's shared secrets (first hop first). Returns
 * undefined when no hop's HMAC matches (a garbled or forged reply).
 */
export function decodeFailureOnion(sharedSecrets: readonly Uint8Array[], onion: Uint8Array): DecodedFailure | undefined {
  if (onion.length < HMAC_LEN + 4) return undefined;
  let p = onion;
  for (let i = 0; i < sharedSecrets.length; i++) {
    p = wrapFailurePacket(sharedSecrets[i]!, p);
    const mac = hmacSha256(deriveKey('um', sharedSecrets[i]!), p.subarray(HMAC_LEN));
    if (!equalBytes(mac, p.subarray(0, HMAC_LEN))) continue;
    try {
      const r = new Reader(p.subarray(HMAC_LEN));
      const len = r.u16();
      const msg = r.bytes(len).slice();
      if (msg.length < 2) return undefined;
      return { hopIndex: i, failureMessage: msg, failcode: (msg[0]! << 8) | msg[1]! };
    } catch (e) {
      if (e instanceof DecodeError) return undefined;
      throw e;
    }
  }
  return undefined;
}

/** invalid_onion_blinding: failcode ‖ sha256 of the onion as received. */
export function invalidOnionBlinding(onionSha256: Uint8Array): Uint8Array {
  return concatBytes(u16(FAILCODE.invalid_onion_blinding), onionSha256);
}

/** incorrect_or_unknown_payment_details: failcode ‖ u64 htlc_msat ‖ u32 height. */
export function incorrectOrUnknownPaymentDetails(htlcMsat: bigint, height: number): Uint8Array {
  const b = new Uint8Array(14);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, FAILCODE.incorrect_or_unknown_payment_details);
  dv.setBigUint64(2, htlcMsat);
  dv.setUint32(10, height);
  return b;
}

// Producing a signed BOLT 12 object from its unsigned records.
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../codec/tlv.js';
import type { PrivKey } from '../crypto/secp.js';
import { T, type MessageName } from './fields.js';
import { signRecords } from './merkle.js';

/**
 * Signs `records` (any existing signature record is dropped first) and returns the
 * encoded stream. The signature record (240) sorts after every field < 240 and
 * before the experimental ranges, which is where BOLT 12 and LDK put it.
 */
export function signAndEncode(message: MessageName, records: readonly TlvRecord[], key: PrivKey, aux?: Uint8Array): Uint8Array {
  // The merkle tree follows stream order (and its nonce tag is the first record),
  // so sort exactly as the encoder will before hashing.
  const unsigned = parseTlvStream(encodeTlvStream(records.filter((r) => r.type !== T.signature)));
  const sig = signRecords(message, unsigned, key, aux);
  return encodeTlvStream([...unsigned, tlvRecord(T.signature, sig)]);
}

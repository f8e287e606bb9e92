// CLN's offer_id (common/bolt12.c calc_offer, onion-and-cln.md §4.4): SHA256 over
// the raw bytes of every offer record (1–79 and 1e9–1999999999), concatenated in
// stream order. Because invreqs, invoices and static invoices copy those records
// byte for byte, the same id comes out of any of them. (LDK's OfferId is a
// different, merkle-based hash; the two are not interchangeable.)
import { concatBytes, equalBytes } from '../codec/bytes.js';
import type { TlvRecord } from '../codec/tlv.js';
import { sha256 } from '../crypto/hash.js';
import { isOfferRecordType } from './fields.js';

declare const offerIdBrand: unique symbol;
export type OfferId = Uint8Array & { readonly [offerIdBrand]: true };

/** The offer records of any BOLT 12 object, in stream order, raw. */
export function offerRecords(records: readonly TlvRecord[]): TlvRecord[] {
  return records.filter((r) => isOfferRecordType(r.type));
}

export function offerIdOf(records: readonly TlvRecord[]): OfferId {
  return sha256(concatBytes(...offerRecords(records).map((r) => r.raw))) as OfferId;
}

/**
 * LDK payer's check on a static invoice (async-protocol.md §5.9): the offer records
 * of two objects are byte-identical, record for record.
 */
export function sameOfferRecords(a: readonly TlvRecord[], b: readonly TlvRecord[]): boolean {
  const x = offerRecords(a);
  const y = offerRecords(b);
  return x.length === y.length && x.every((r, i) => equalBytes(r.raw, y[i]!.raw));
}

// Offers: typed decode with the BOLT 12 offer-reader rules (offers-test.json), and
// encoding to bytes and `lno1…` strings.
import { encodeTlvStream, type TlvRecord } from '../codec/tlv.js';
import { decodeBolt12As, encodeBolt12, HRP } from './bech32.js';
import { unknownRequiredBits } from './features.js';
import { ALLOWED, MAX_VALUE_MSAT } from './fields.js';
import { OFFER_TABLE, readTable, writeTable, type OfferValues } from './tables.js';
import { fail, parseObject, type Parsed } from './stream.js';

/** The offer fields (1–79) as typed values; all optional on the wire. */
export type OfferFields = Readonly<OfferValues>;

export interface Offer extends OfferFields, Parsed {
  readonly kind: 'offer';
}

/** Offer features this implementation understands: none are defined yet. */
const KNOWN_OFFER_FEATURES: readonly number[] = [];

/** Unknown even offer feature bits: a reader must not use such an offer. */
export function unknownRequiredOfferFeatures(o: OfferFields): number[] {
  return unknownRequiredBits(o.features, KNOWN_OFFER_FEATURES);
}

/**
 * The offer-reader rules of BOLT 12 about the offer's own fields (LDK applies the
 * same when it meets offer fields inside an invreq or static invoice): chains
 * non-empty if present; amount non-zero, bounded (for bitcoin amounts) and with a
 * description; a currency needs an amount; an issuer id or at least one path.
 * Features are not checked here: deciding not to use an offer with unknown required
 * features is the would-be payer's call (decodeOffer makes it); LDK does not refuse
 * such offer fields when parsing an invreq or static invoice, and neither do we.
 */
export function checkOfferFields(o: OfferFields, what = 'offer'): void {
  if (o.chains && o.chains.length === 0) fail(what, 'offer_chains has no entries');
  if (o.amount !== undefined) {
    if (o.amount === 0n) fail(what, 'offer_amount is zero');
    if (o.currency === undefined && o.amount > MAX_VALUE_MSAT) fail(what, 'offer_amount too large');
    if (o.description === undefined) fail(what, 'offer_amount without offer_description');
  } else if (o.currency !== undefined) {
    fail(what, 'offer_currency without offer_amount');
  }
  // LDK treats a present but empty offer_paths like a missing one.
  if (o.paths !== undefined && o.paths.length === 0) fail(what, 'offer_paths is empty');
  if (o.issuerId === undefined && o.paths === undefined) fail(what, 'neither offer_issuer_id nor offer_paths');
}

/** Decodes offer bytes with all offer-reader rules (features included). Throws DecodeError. */
export function decodeOffer(input: Uint8Array): Offer {
  const { bytes, records, unknown } = parseObject(input, ALLOWED.offer, [OFFER_TABLE], 'offer');
  const fields = readTable(OFFER_TABLE, records);
  checkOfferFields(fields);
  if (unknownRequiredOfferFeatures(fields).length > 0) fail('offer', 'unknown required offer feature');
  return { kind: 'offer', ...fields, bytes, records, unknown };
}

/** Decodes an `lno1…` string. Throws DecodeError. */
export function parseOffer(s: string): Offer {
  return decodeOffer(decodeBolt12As(s, HRP.offer));
}

/** Encodes offer fields plus any extra (unknown odd / experimental) records. No validation. */
export function encodeOfferFields(fields: OfferFields, extra: readonly TlvRecord[] = []): Uint8Array {
  return encodeTlvStream([...writeTable(OFFER_TABLE, fields), ...extra]);
}

export function offerToString(offer: Pick<Offer, 'bytes'>): string {
  return encodeBolt12(HRP.offer, offer.bytes);
}

// invoice_request: typed decode (offer fields + invreq fields + payer signature)
// with the BOLT 12 / LDK reader rules that need nothing but the message itself.
import { equalBytes, fromHex } from '../codec/bytes.js';
import { decodeBolt12As, encodeBolt12, HRP } from './bech32.js';
import { unknownRequiredBits } from './features.js';
import { ALLOWED, BITCOIN_CHAIN_HEX, MAX_VALUE_MSAT, MESSAGE_NAME } from './fields.js';
import { verifyRecords } from './merkle.js';
import { checkOfferFields, type OfferFields } from './offer.js';
import { INVREQ_TABLE, OFFER_TABLE, SIGNATURE_TABLE, readTable, type InvreqValues } from './tables.js';
import { fail, parseObject, type Parsed } from './stream.js';
import type { ChainHash } from './values.js';

/** invreq fields (0, 80–159); metadata and payer id are mandatory. */
export type InvreqFields = Readonly<InvreqValues & Required<Pick<InvreqValues, 'metadata' | 'payerId'>>>;

export interface InvoiceRequest extends InvreqFields, Parsed {
  readonly kind: 'invoice_request';
  /** The offer fields as mirrored in this request. */
  readonly offer: OfferFields;
  readonly signature: Uint8Array;
}

export const BITCOIN_CHAIN = fromHex(BITCOIN_CHAIN_HEX) as ChainHash;

/** Invreq features we understand: none (bolts #1149's bit 59 is odd and unused by LDK). */
const KNOWN_INVREQ_FEATURES: readonly number[] = [];

/**
 * A request without invreq_chain is for bitcoin (BOLT 12; LDK's implied_chain is
 * bitcoin too, and LDK omits invreq_chain only when it is bitcoin). So a request
 * against a testnet/regtest offer must name its chain.
 */
export function invreqChain(req: { readonly chain?: ChainHash }): ChainHash {
  return req.chain ?? BITCOIN_CHAIN;
}

/** The chains an offer accepts: offer_chains, or bitcoin alone when absent. */
export function offerChains(offer: OfferFields): readonly ChainHash[] {
  return offer.chains ?? [BITCOIN_CHAIN];
}

/**
 * Unknown even invreq feature bits. Whoever answers with an invoice must refuse such
 * a request (BOLT 12); a static invoice server forwards/serves regardless, as LDK
 * does, so decoding does not reject them (bolts #1149 may yet define an even bit).
 */
export function unknownRequiredInvreqFeatures(req: { readonly features?: Uint8Array }): number[] {
  return unknownRequiredBits(req.features, KNOWN_INVREQ_FEATURES);
}

/**
 * Rules on the invreq part, given the offer it mirrors: required fields,
 * chain among the offer's, quantity within the offer's bounds, an amount from
 * somewhere, not below the offer's bitcoin amount × quantity.
 */
export function checkInvreqFields(offer: OfferFields, v: InvreqValues, what = 'invoice_request'): asserts v is InvreqFields {
  if (v.metadata === undefined) fail(what, 'missing invreq_metadata');
  if (v.payerId === undefined) fail(what, 'missing invreq_payer_id');
  const chain = invreqChain(v);
  if (!offerChains(offer).some((c) => equalBytes(c, chain))) fail(what, 'invreq_chain not offered');
  if (offer.quantityMax === undefined) {
    if (v.quantity !== undefined) fail(what, 'invreq_quantity for an offer without quantity');
  } else {
    if (v.quantity === undefined) fail(what, 'missing invreq_quantity');
    if (v.quantity === 0n) fail(what, 'invreq_quantity is zero');
    if (offer.quantityMax !== 0n && v.quantity > offer.quantityMax) fail(what, 'invreq_quantity above offer_quantity_max');
  }
  if (v.amount === undefined) {
    if (offer.amount === undefined) fail(what, 'no amount in offer or request');
  } else {
    if (v.amount > MAX_VALUE_MSAT) fail(what, 'invreq_amount too large');
    if (offer.amount !== undefined && offer.currency === undefined) {
      const expected = offer.amount * (v.quantity ?? 1n);
      if (v.amount < expected) fail(what, 'invreq_amount below offer amount');
    }
  }
}

/** Decodes invoice_request bytes, verifying the payer signature. Throws DecodeError. */
export function decodeInvoiceRequest(input: Uint8Array): InvoiceRequest {
  const what = 'invoice_request';
  const { bytes, records, unknown } = parseObject(
    input,
    ALLOWED.invoiceRequest,
    [OFFER_TABLE, INVREQ_TABLE, SIGNATURE_TABLE],
    what,
  );
  const offer = readTable(OFFER_TABLE, records);
  const invreq = readTable(INVREQ_TABLE, records);
  const { signature } = readTable(SIGNATURE_TABLE, records);
  checkOfferFields(offer, what);
  checkInvreqFields(offer, invreq, what);
  if (signature === undefined) fail(what, 'missing signature');
  if (!verifyRecords(MESSAGE_NAME.invoiceRequest, records, signature, invreq.payerId)) fail(what, 'bad signature');
  return { kind: 'invoice_request', ...invreq, offer, signature, bytes, records, unknown };
}

/** Decodes an `lnr1…` string (a request printed by CLN). Throws DecodeError. */
export function parseInvoiceRequest(s: string): InvoiceRequest {
  return decodeInvoiceRequest(decodeBolt12As(s, HRP.invoiceRequest));
}

export function invoiceRequestToString(req: Pick<InvoiceRequest, 'bytes'>): string {
  return encodeBolt12(HRP.invoiceRequest, req.bytes);
}

/** Re-checks the payer signature of a decoded request (never throws). */
export function verifyInvoiceRequestSignature(req: InvoiceRequest): boolean {
  return verifyRecords(MESSAGE_NAME.invoiceRequest, req.records, req.signature, req.payerId);
}

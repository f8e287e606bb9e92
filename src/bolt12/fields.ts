// TLV type numbers and ranges of the four BOLT 12 objects, in one place.
// Ranges come from BOLT 12 ("TLV Fields") and, for static invoices, from LDK's
// static_invoice.rs (async-protocol.md §5.2).

export const T = {
  // invoice_request metadata sits at 0 so that it becomes the merkle "first-tlv".
  invreqMetadata: 0n,
  offerChains: 2n,
  offerMetadata: 4n,
  offerCurrency: 6n,
  offerAmount: 8n,
  offerDescription: 10n,
  offerFeatures: 12n,
  offerAbsoluteExpiry: 14n,
  offerPaths: 16n,
  offerIssuer: 18n,
  offerQuantityMax: 20n,
  offerIssuerId: 22n,
  invreqChain: 80n,
  invreqAmount: 82n,
  invreqFeatures: 84n,
  invreqQuantity: 86n,
  invreqPayerId: 88n,
  invreqPayerNote: 89n,
  invreqPaths: 90n,
  invreqBip353Name: 91n,
  invoicePaths: 160n,
  invoiceBlindedPay: 162n,
  invoiceCreatedAt: 164n,
  invoiceRelativeExpiry: 166n,
  invoicePaymentHash: 168n,
  invoiceAmount: 170n,
  invoiceFallbacks: 172n,
  invoiceFeatures: 174n,
  invoiceNodeId: 176n,
  /** LDK's name; bolts #1149 draft. Only in static invoices. */
  heldHtlcAvailablePaths: 236n,
  signature: 240n,
} as const;

/** A closed interval of TLV types. */
export interface Range {
  readonly lo: bigint;
  readonly hi: bigint;
}
const r = (lo: bigint, hi: bigint): Range => ({ lo, hi });
export const inRange = (t: bigint, x: Range): boolean => t >= x.lo && t <= x.hi;
export const inAny = (t: bigint, xs: readonly Range[]): boolean => xs.some((x) => inRange(t, x));

export const RANGE = {
  offer: r(1n, 79n),
  invreq: r(80n, 159n),
  invoice: r(160n, 239n),
  /** Signature elements: outside the merkle tree. */
  signature: r(240n, 1000n),
  experimentalOffer: r(1_000_000_000n, 1_999_999_999n),
  experimentalInvreq: r(2_000_000_000n, 2_999_999_999n),
  experimentalInvoice: r(3_000_000_000n, 3_999_999_999n),
} as const;

/** Where each object may have records. Everything else fails the parse. */
export const ALLOWED = {
  offer: [RANGE.offer, RANGE.experimentalOffer],
  // invreq_metadata (0) is part of the invoice_request range.
  invoiceRequest: [r(0n, 159n), RANGE.signature, RANGE.experimentalOffer, RANGE.experimentalInvreq],
  invoice: [r(0n, 239n), RANGE.signature, RANGE.experimentalOffer, RANGE.experimentalInvreq, RANGE.experimentalInvoice],
  // No invreq fields at all (0 and 80–159 are forbidden, as is 2e9–3e9−1).
  staticInvoice: [RANGE.offer, RANGE.invoice, RANGE.signature, RANGE.experimentalOffer, RANGE.experimentalInvoice],
} as const;

/** The records an invreq, invoice or static invoice copies from its offer. */
export const isOfferRecordType = (t: bigint): boolean => inRange(t, RANGE.offer) || inRange(t, RANGE.experimentalOffer);
/** The records an invoice copies from its invoice_request (everything but signatures). */
export const isInvreqRecordType = (t: bigint): boolean =>
  (t >= 0n && t <= 159n) || inRange(t, RANGE.experimentalOffer) || inRange(t, RANGE.experimentalInvreq);
export const isSignatureType = (t: bigint): boolean => inRange(t, RANGE.signature);

/** Signature tags are "lightning" ‖ messagename ‖ fieldname (BOLT 12 "Signature Calculation"). */
export const MESSAGE_NAME = {
  invoiceRequest: 'invoice_request',
  invoice: 'invoice',
  staticInvoice: 'static_invoice',
} as const;
export type MessageName = (typeof MESSAGE_NAME)[keyof typeof MESSAGE_NAME];

/** Static invoice defaults and limits (LDK, async-protocol.md §9). */
export const STATIC_INVOICE_DEFAULT_RELATIVE_EXPIRY = 1_209_600; // 14 days
export const INVOICE_DEFAULT_RELATIVE_EXPIRY = 7200; // BOLT 12
export const MAX_STATIC_INVOICE_SIZE_BYTES = 5120;
/** 21 million BTC in msat: LDK's MAX_VALUE_MSAT, the cap on a bitcoin amount. */
export const MAX_VALUE_MSAT = 21_000_000n * 100_000_000n * 1000n;

/** Genesis hash of bitcoin mainnet in BOLT 12's (internal, reversed) byte order. */
export const BITCOIN_CHAIN_HEX = '6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000';

// The onion message contents this plugin speaks (the final-hop data TLV of an
// `onionmsg_tlv`), as one discriminated union, and the one table of their numbers.
import type { BlindedPath } from '../onion/types.js';

/**
 * Onion message TLV type of each message. The four server messages use LDK's
 * numbers (7554x); bLIP 66's draft says 6554x, which LDK drops (async-protocol.md
 * §10.1). Change them here, and only here, once the two agree.
 */
export const MESSAGE_TYPES = {
  invoice_request: 64n,
  invoice: 66n,
  invoice_error: 68n,
  static_invoice: 70n,
  held_htlc_available: 72n,
  release_held_htlc: 74n,
  offer_paths_request: 75540n,
  offer_paths: 75542n,
  serve_static_invoice: 75544n,
  static_invoice_persisted: 75546n,
} as const;

export type MessageKind = keyof typeof MESSAGE_TYPES;

const BY_TYPE = new Map<bigint, MessageKind>(
  (Object.entries(MESSAGE_TYPES) as [MessageKind, bigint][]).map(([k, t]) => [t, k]),
);
export function messageKindOf(type: bigint): MessageKind | undefined {
  return BY_TYPE.get(type);
}

/** BOLT 12 objects travel as their raw TLV stream; decode them with src/bolt12. */
export interface InvoiceRequestMessage {
  readonly kind: 'invoice_request';
  readonly bytes: Uint8Array;
}
export interface InvoiceMessage {
  readonly kind: 'invoice';
  readonly bytes: Uint8Array;
}
export interface StaticInvoiceMessage {
  readonly kind: 'static_invoice';
  readonly bytes: Uint8Array;
}

/**
 * `invoice_error`: a suggested value only exists for an erroneous field, so the
 * two live together. `framing` says how the value was (or will be) laid out:
 * LDK's length-prefixed stream (what we write by default) or BOLT 4's bare stream.
 */
export interface InvoiceErrorMessage {
  readonly kind: 'invoice_error';
  readonly erroneous?: { readonly field: bigint; readonly suggestedValue?: Uint8Array };
  readonly error: string;
  readonly framing?: 'ldk' | 'bolt4';
}

export interface OfferPathsRequestMessage {
  readonly kind: 'offer_paths_request';
  /** u16, fixed 2 bytes on the wire. */
  readonly invoiceSlot: number;
}
export interface OfferPathsMessage {
  readonly kind: 'offer_paths';
  readonly paths: readonly BlindedPath[];
  /** u64, fixed 8 bytes; absent = the paths never expire. */
  readonly pathsAbsoluteExpiry?: bigint;
}
export interface ServeStaticInvoiceMessage {
  readonly kind: 'serve_static_invoice';
  /** The static invoice's raw TLV bytes. */
  readonly invoice: Uint8Array;
  readonly forwardInvoiceRequestPath: BlindedPath;
}
export interface StaticInvoicePersistedMessage {
  readonly kind: 'static_invoice_persisted';
}
export interface HeldHtlcAvailableMessage {
  readonly kind: 'held_htlc_available';
}
export interface ReleaseHeldHtlcMessage {
  readonly kind: 'release_held_htlc';
}

export type OnionMessage =
  | InvoiceRequestMessage
  | InvoiceMessage
  | InvoiceErrorMessage
  | StaticInvoiceMessage
  | OfferPathsRequestMessage
  | OfferPathsMessage
  | ServeStaticInvoiceMessage
  | StaticInvoicePersistedMessage
  | HeldHtlcAvailableMessage
  | ReleaseHeldHtlcMessage;

/** The wire form: the onion TLV type and its value. */
export interface EncodedMessage {
  readonly type: bigint;
  readonly value: Uint8Array;
}

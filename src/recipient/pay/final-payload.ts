// The final hop's payload of an incoming HTLC, as `htlc_accepted` hands it over in
// `onion.payload`: a BigSize length, then the TLV stream (payments.md §2). lightningd
// cannot decode the payload of a static-invoice payment (the preimage's type
// 5482373484 is an unknown even type to it), so we read it ourselves with the onion
// layer's hop payload codec and pick what a final node needs. Pure.
import {
  decodeHopPayload, extraRecord, PAYLOAD_KEYSEND_PREIMAGE, PAYLOAD_LDK_INVOICE_REQUEST, unframeHopPayload,
} from '../../onion/hop_payload.js';

/** Largest payload we parse: a payment onion's whole 1300-byte hop area. */
export const MAX_PAYLOAD_BYTES = 1300;

export interface FinalPayload {
  readonly amtToForward?: bigint;
  readonly outgoingCltvValue?: number;
  readonly encryptedRecipientData?: Uint8Array;
  readonly totalAmountMsat?: bigint;
  /** LDK's static-invoice payment: the payer's invoice_request, raw (TLV 77777). */
  readonly invoiceRequest?: Uint8Array;
  /** The keysend preimage (TLV 5482373484). */
  readonly preimage?: Uint8Array;
  /** Unknown even types present (a final node must refuse what it does not understand). */
  readonly unknownEven: readonly bigint[];
}

const OURS = new Set([PAYLOAD_LDK_INVOICE_REQUEST, PAYLOAD_KEYSEND_PREIMAGE]);

/** Parses `onion.payload` (length prefix included). Throws DecodeError on malformed input. */
export function parseFinalPayload(framed: Uint8Array): FinalPayload {
  if (framed.length > MAX_PAYLOAD_BYTES + 3) throw new RangeError('payload too long');
  const p = decodeHopPayload(unframeHopPayload(framed));
  const invreq = extraRecord(p, PAYLOAD_LDK_INVOICE_REQUEST);
  const pre = extraRecord(p, PAYLOAD_KEYSEND_PREIMAGE);
  return {
    ...(p.amtToForward !== undefined ? { amtToForward: p.amtToForward } : {}),
    ...(p.outgoingCltvValue !== undefined ? { outgoingCltvValue: p.outgoingCltvValue } : {}),
    ...(p.encryptedRecipientData ? { encryptedRecipientData: p.encryptedRecipientData } : {}),
    ...(p.totalAmountMsat !== undefined ? { totalAmountMsat: p.totalAmountMsat } : {}),
    ...(invreq ? { invoiceRequest: invreq } : {}),
    ...(pre ? { preimage: pre } : {}),
    unknownEven: (p.extra ?? []).filter((e) => !OURS.has(e.type) && e.type % 2n === 0n).map((e) => e.type),
  };
}

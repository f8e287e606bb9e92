// The final hop's payload of an incoming HTLC, as `htlc_accepted` hands it over in
// `onion.payload`: a BigSize length, then the TLV stream (payments.md §2). lightningd
// cannot decode the payload of a static-invoice payment (the preimage's type
// 5482373484 is an unknown even type to it), so we read it ourselves. Pure.
import { DecodeError } from '../../codec/errors.js';
import { Reader } from '../../codec/reader.js';
import { parseTlvStream, type TlvRecord } from '../../codec/tlv.js';
import { decodeTu32, decodeTu64 } from '../../codec/tu.js';

export const PAYLOAD_TLV = {
  amtToForward: 2n,
  outgoingCltvValue: 4n,
  paymentData: 8n,
  encryptedRecipientData: 10n,
  currentPathKey: 12n,
  totalAmountMsat: 18n,
  /** LDK's static-invoice payment: the payer's invoice_request, raw. */
  invoiceRequest: 77777n,
  /** keysend's preimage type; LDK reuses it for static-invoice payments. */
  keysendPreimage: 5482373484n,
} as const;

const KNOWN = new Set<bigint>(Object.values(PAYLOAD_TLV));

/** Largest payload we parse: a payment onion's whole 1300-byte hop area. */
export const MAX_PAYLOAD_BYTES = 1300;

export interface FinalPayload {
  readonly amtToForward?: bigint;
  readonly outgoingCltvValue?: number;
  readonly encryptedRecipientData?: Uint8Array;
  readonly currentPathKey?: Uint8Array;
  readonly totalAmountMsat?: bigint;
  readonly invoiceRequest?: Uint8Array;
  readonly preimage?: Uint8Array;
  /** Unknown even types present (a final node must refuse what it does not understand). */
  readonly unknownEven: readonly bigint[];
}

/** Parses `onion.payload` (hex already decoded). Throws DecodeError on malformed input. */
export function parseFinalPayload(b: Uint8Array): FinalPayload {
  if (b.length > MAX_PAYLOAD_BYTES + 3) throw new DecodeError('payload too long');
  const r = new Reader(b);
  const len = r.length();
  const stream = r.bytes(len);
  if (!r.done()) throw new DecodeError('bytes after the payload length');
  const recs = parseTlvStream(stream);
  const get = (t: bigint): TlvRecord | undefined => recs.find((x) => x.type === t);
  const amt = get(PAYLOAD_TLV.amtToForward);
  const cltv = get(PAYLOAD_TLV.outgoingCltvValue);
  const total = get(PAYLOAD_TLV.totalAmountMsat);
  const path = get(PAYLOAD_TLV.currentPathKey);
  if (path && path.value.length !== 33) throw new DecodeError('current_path_key must be 33 bytes');
  const enc = get(PAYLOAD_TLV.encryptedRecipientData);
  const invreq = get(PAYLOAD_TLV.invoiceRequest);
  const pre = get(PAYLOAD_TLV.keysendPreimage);
  return {
    ...(amt ? { amtToForward: decodeTu64(amt.value) } : {}),
    ...(cltv ? { outgoingCltvValue: decodeTu32(cltv.value) } : {}),
    ...(enc ? { encryptedRecipientData: enc.value } : {}),
    ...(path ? { currentPathKey: path.value } : {}),
    ...(total ? { totalAmountMsat: decodeTu64(total.value) } : {}),
    ...(invreq ? { invoiceRequest: invreq.value } : {}),
    ...(pre ? { preimage: pre.value } : {}),
    unknownEven: recs.filter((x) => !KNOWN.has(x.type) && x.type % 2n === 0n).map((x) => x.type),
  };
}

// Every check on one part of a static-invoice payment that lightningd leaves to us
// (payments.md §1 step 5, §2: it only compares sha256(preimage) with the hash).
// Pure: the payload, the HTLC, what we wrote into the payment path, the offer, the
// chain and the tip are inputs; the answer is ok (with what the MPP set needs) or a
// reason to fail.
import { equalBytes } from '../../codec/bytes.js';
import type { TlvRecord } from '../../codec/tlv.js';
import { sha256 } from '../../crypto/hash.js';
import { sameOfferRecords } from '../../bolt12/offer-id.js';
import { decodeInvoiceRequest, invreqChain, unknownRequiredInvreqFeatures, type InvoiceRequest } from '../../bolt12/invoice-request.js';
import type { ChainHash } from '../../bolt12/values.js';
import type { FailReason } from './failure.js';
import type { FinalPayload } from './final-payload.js';

/** What we wrote into the final hop of one of our static invoice's payment paths. */
export interface OurPathInfo {
  readonly offerId: string;
  readonly slot: number;
  /** payment_constraints.max_cltv_expiry of our hop. */
  readonly maxCltvExpiry: number;
  /** payment_constraints.htlc_minimum_msat of our hop. */
  readonly htlcMinimumMsat: bigint;
  /** The final part of the payinfo's cltv_expiry_delta: blocks we need after the tip. */
  readonly minFinalCltvDelta: number;
}

export interface HtlcPart {
  readonly amountMsat: bigint;
  readonly cltvExpiry: number;
  readonly paymentHash: Uint8Array;
}

export interface StaticPartArgs {
  readonly payload: FinalPayload;
  readonly htlc: HtlcPart;
  readonly path: OurPathInfo;
  /** The records of the offer the path belongs to. */
  readonly offerRecords: readonly TlvRecord[];
  readonly chain: ChainHash;
  /** Current block height (never `cltv_expiry_relative`: wrong on replays). */
  readonly tip: number;
}

export type PartVerdict =
  | {
      readonly ok: true;
      readonly invreq: InvoiceRequest;
      /** TLV 18, or the part's own amount for a single-part payment. */
      readonly total: bigint;
      /** What the payment must reach: the invreq amount (or the offer amount × quantity). */
      readonly need: bigint;
      readonly preimage: Uint8Array;
    }
  | { readonly ok: false; readonly reason: FailReason; readonly detail: string };

const no = (reason: FailReason, detail: string): PartVerdict => ({ ok: false, reason, detail });

export function checkStaticPart(a: StaticPartArgs): PartVerdict {
  const { payload: p, htlc } = a;
  if (p.unknownEven.length > 0) return no('unknown_even_type', `unknown even payload type ${p.unknownEven[0]}`);
  if (p.amtToForward === undefined || p.outgoingCltvValue === undefined) return no('malformed_payload', 'missing amt_to_forward or outgoing_cltv_value');
  if (!p.preimage) return no('no_preimage', 'no keysend preimage (TLV 5482373484)');
  if (p.preimage.length !== 32 || !equalBytes(sha256(p.preimage), htlc.paymentHash)) return no('wrong_preimage', 'preimage does not hash to the payment_hash');
  if (!p.invoiceRequest) return no('no_invoice_request', 'no invoice_request (TLV 77777)');
  const r = checkInvreqForOffer(p.invoiceRequest, a.offerRecords, a.chain);
  if (!r.ok) return r;
  const { invreq, need } = r;
  const total = p.totalAmountMsat ?? p.amtToForward;
  if (total < need) return no('underpaid', `total ${total} msat below the ${need} msat requested`);
  if (htlc.amountMsat < p.amtToForward) return no('part_below_forward', `HTLC carries ${htlc.amountMsat} msat, payload says ${p.amtToForward}`);
  if (htlc.cltvExpiry < p.outgoingCltvValue) return no('cltv_below_forward', `cltv_expiry ${htlc.cltvExpiry} below outgoing_cltv_value ${p.outgoingCltvValue}`);
  if (htlc.cltvExpiry < a.tip + a.path.minFinalCltvDelta) return no('cltv_too_soon', `cltv_expiry ${htlc.cltvExpiry} below tip ${a.tip} + ${a.path.minFinalCltvDelta}`);
  if (htlc.cltvExpiry > a.path.maxCltvExpiry) return no('cltv_too_far', `cltv_expiry ${htlc.cltvExpiry} above the path's max ${a.path.maxCltvExpiry}`);
  if (htlc.amountMsat < a.path.htlcMinimumMsat) return no('below_htlc_minimum', `HTLC of ${htlc.amountMsat} msat below the path's minimum ${a.path.htlcMinimumMsat}`);
  return { ok: true, invreq, total, need, preimage: p.preimage };
}

export type InvreqVerdict =
  | { readonly ok: true; readonly invreq: InvoiceRequest; readonly need: bigint }
  | { readonly ok: false; readonly reason: FailReason; readonly detail: string };

/**
 * An invoice_request (raw bytes from a payer) is for exactly our offer: it decodes
 * (payer signature included), its offer records equal the offer's byte for byte, it
 * names our chain, needs no feature we lack, and says how much to pay.
 */
export function checkInvreqForOffer(bytes: Uint8Array, offerRecords: readonly TlvRecord[], chain: ChainHash): InvreqVerdict {
  let invreq: InvoiceRequest;
  try {
    // Decoding verifies the payer signature and the invreq's own rules.
    invreq = decodeInvoiceRequest(bytes);
  } catch (e) {
    return { ok: false, reason: 'bad_invoice_request', detail: `invoice_request: ${(e as Error).message}` };
  }
  if (!sameOfferRecords(invreq.records, offerRecords)) return { ok: false, reason: 'wrong_offer', detail: 'invoice_request is not for this offer' };
  if (!equalBytes(invreqChain(invreq), chain)) return { ok: false, reason: 'wrong_chain', detail: 'invoice_request is for another chain' };
  if (unknownRequiredInvreqFeatures(invreq).length > 0) return { ok: false, reason: 'unknown_required_features', detail: 'invoice_request has unknown required features' };
  const need = amountDue(invreq);
  if (need === undefined || need === 0n) return { ok: false, reason: 'bad_invoice_request', detail: 'no amount in the invoice_request or the offer' };
  return { ok: true, invreq, need };
}

/** The amount a request asks for: its own, else the offer's (bitcoin) amount × quantity. */
export function amountDue(req: InvoiceRequest): bigint | undefined {
  if (req.amount !== undefined) return req.amount;
  if (req.offer.amount !== undefined && req.offer.currency === undefined) return req.offer.amount * (req.quantity ?? 1n);
  return undefined;
}

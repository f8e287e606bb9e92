// How an HTLC of ours is failed, and the reasons we count. BOLT 4 failure codes:
// incorrect_or_unknown_payment_details (PERM|15, with htlc_msat and height) and
// mpp_timeout (23). lightningd replaces either with invalid_onion_blinding when the
// HTLC came over a blinded path (payments.md §2): the payer learns nothing more.
import { concatBytes, toHex, u16, u32, u64 } from '../../codec/bytes.js';
import { FAILCODE } from '../../onion/failure.js';

export type FailReason =
  | 'no_preimage'
  | 'wrong_preimage'
  | 'no_invoice_request'
  | 'bad_invoice_request'
  | 'wrong_offer'
  | 'wrong_chain'
  | 'unknown_offer'
  | 'unknown_required_features'
  | 'underpaid'
  | 'part_below_forward'
  | 'cltv_below_forward'
  | 'cltv_too_soon'
  | 'cltv_too_far'
  | 'below_htlc_minimum'
  | 'mpp_mismatch'
  | 'mpp_too_many_parts'
  | 'mpp_timeout'
  | 'cltv_near_tip'
  | 'too_many_pending'
  | 'already_paid'
  | 'payment_failed_before'
  | 'unknown_offer_of_invoice'
  | 'malformed_payload'
  | 'unknown_even_type';


/** The hook answer that fails an HTLC. */
export function failAnswer(reason: FailReason, amountMsat: bigint, height: number): { result: 'fail'; failure_message: string } {
  const msg =
    reason === 'mpp_timeout'
      ? u16(FAILCODE.mpp_timeout)
      : concatBytes(u16(FAILCODE.incorrect_or_unknown_payment_details), u64(amountMsat < 0n ? 0n : amountMsat), u32(Math.max(0, Math.min(height, 0xffffffff))));
  return { result: 'fail', failure_message: toHex(msg) };
}

export function resolveAnswer(preimage: Uint8Array): { result: 'resolve'; payment_key: string } {
  return { result: 'resolve', payment_key: toHex(preimage) };
}

export const CONTINUE = { result: 'continue' } as const;

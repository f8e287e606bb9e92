// The payment of a static invoice, as LDK's recipients expect it (payments.md §1.4,
// async-protocol.md §8): over one of the invoice's blinded payment paths, the final
// hop reading 2 amount, 4 CLTV, 10 R's encrypted data, (12 path key when R is the
// introduction node), 18 total, 77777 our invoice_request (raw bytes), 5482373484
// the preimage. Pure: the amounts and CLTVs the introduction node must receive,
// from the path's blinded_payinfo (BOLT 4 route blinding, rounding fees up).
import type { PaymentPath } from '../bolt12/build.js';
import { FEATURE, hasFeature } from '../bolt12/features.js';
import { PAYLOAD_KEYSEND_PREIMAGE, PAYLOAD_LDK_INVOICE_REQUEST, type ExtraRecord } from '../onion/hop_payload.js';

export interface BlindedLeg {
  /** What the introduction node must receive (amount + the path's fees). */
  readonly introAmountMsat: bigint;
  /** CLTV delta from the introduction node to the end of the path (the payinfo's). */
  readonly introCltvDelta: number;
}

/** Fees and CLTV of reaching the recipient through `p`, or why the path cannot carry `amount`. */
export function blindedLeg(p: PaymentPath, amount: bigint): BlindedLeg | { readonly error: string } {
  const pi = p.payinfo;
  if (amount < pi.htlcMinimumMsat) return { error: `amount below the path's htlc_minimum_msat ${pi.htlcMinimumMsat}` };
  if (amount > pi.htlcMaximumMsat) return { error: `amount above the path's htlc_maximum_msat ${pi.htlcMaximumMsat}` };
  const prop = (amount * BigInt(pi.feeProportionalMillionths) + 999_999n) / 1_000_000n;
  return { introAmountMsat: amount + BigInt(pi.feeBaseMsat) + prop, introCltvDelta: pi.cltvExpiryDelta };
}

/** The two LDK records after the blinded-receive fields, ascending by type. */
export function asyncPaymentExtras(invreq: Uint8Array, preimage: Uint8Array): ExtraRecord[] {
  if (preimage.length !== 32) throw new RangeError('preimage must be 32 bytes');
  return [
    { type: PAYLOAD_LDK_INVOICE_REQUEST, value: invreq },
    { type: PAYLOAD_KEYSEND_PREIMAGE, value: preimage },
  ];
}

/** Whether the static invoice allows paying in parts (basic_mpp, bit 16 or 17). */
export function allowsMpp(features: Uint8Array | undefined): boolean {
  return hasFeature(features, FEATURE.basicMpp) || hasFeature(features, FEATURE.basicMpp + 1);
}

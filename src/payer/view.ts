// A payment record as the RPC methods and notifications show it (lightningd's field
// names where they exist: payment_hash, payment_preimage, amount_msat, …).
import type { PaymentRecord } from './types.js';

export function paymentView(r: PaymentRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    payment_id: r.payment_id,
    status: r.state,
    offer_id: r.offer_id,
    amount_msat: r.amount_msat,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
  if (r.invoice_kind !== undefined) out.invoice_kind = r.invoice_kind;
  if (r.payment_hash !== undefined) out.payment_hash = r.payment_hash;
  // The preimage of a static payment is ours before the payment completes: only
  // show it as proof once it is.
  if (r.state === 'complete' && r.payment_preimage !== undefined) out.payment_preimage = r.payment_preimage;
  if (r.amount_sent_msat !== undefined) out.amount_sent_msat = r.amount_sent_msat;
  if (r.release_deadline !== undefined && (r.state === 'static_invoice' || r.state === 'waiting_for_release')) out.release_deadline = r.release_deadline;
  if (r.held_htlc_sent !== undefined) out.held_htlc_sent = r.held_htlc_sent;
  if (r.released_at !== undefined) out.released_at = r.released_at;
  if (r.completed_at !== undefined) out.completed_at = r.completed_at;
  if (r.failure !== undefined) out.failure = r.failure;
  return out;
}

// The outcome of the payment itself (xpay, or sendonion + waitsendpay), including
// one found with listsendpays after a restart.
import { sha256 } from '../crypto/hash.js';
import { fromHex, toHex } from '../codec/bytes.js';
import { failed, ignore, update, type Decision } from './decision.js';
import type { PaymentRecord } from './types.js';

export type PayResult =
  | { readonly kind: 'complete'; readonly preimage: Uint8Array; readonly amountSentMsat?: number }
  | { readonly kind: 'failed'; readonly reason: string };

export function decideOnPayResult(rec: PaymentRecord, r: PayResult, now: number): Decision {
  if (rec.state !== 'paying') return ignore(`payment result for payment ${rec.payment_id} which is ${rec.state}`);
  if (r.kind === 'failed') return failed(rec, now, r.reason);
  // A preimage that does not match is no proof of payment: treat as a bug upstream.
  if (rec.payment_hash !== undefined && toHex(sha256(r.preimage)) !== rec.payment_hash) {
    return ignore(`payment ${rec.payment_id}: preimage does not match the payment hash`);
  }
  if (rec.payment_preimage !== undefined && toHex(fromHex(rec.payment_preimage)) !== toHex(r.preimage)) {
    return ignore(`payment ${rec.payment_id}: preimage differs from ours`);
  }
  return update(rec, 'complete', now, {
    payment_preimage: toHex(r.preimage),
    completed_at: now,
    ...(r.amountSentMsat !== undefined ? { amount_sent_msat: r.amountSentMsat } : {}),
  });
}

/** invoice → paying: just before handing the invoice to lightningd's payer. */
export function decidePayInvoice(rec: PaymentRecord, now: number): Decision {
  if (rec.state !== 'invoice') return ignore(`payment ${rec.payment_id} is ${rec.state}, not invoice`);
  return update(rec, 'paying', now, { attempts: (rec.attempts ?? 0) + 1 });
}

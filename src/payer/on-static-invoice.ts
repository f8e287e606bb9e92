// A `static_invoice` (70) on the reply path of one of our requests (LDK's payer,
// async-protocol.md §5.9): first invoice wins; checked; then we pick the preimage
// (the caller passes 32 random bytes) and keep it in the record before anything is
// sent, so the payment hash we announce never changes across a crash.
import { toHex } from '../codec/bytes.js';
import { sha256 } from '../crypto/hash.js';
import type { InvoiceRequest } from '../bolt12/invoice-request.js';
import { checkStaticInvoiceForRequest } from './check-static-invoice.js';
import { ignore, update, type Decision } from './decision.js';
import type { PaymentRecord } from './types.js';

export function decideOnStaticInvoice(
  rec: PaymentRecord | undefined,
  sent: InvoiceRequest | undefined,
  bytes: Uint8Array,
  now: number,
  preimage: Uint8Array,
  releaseTimeout: number,
): Decision {
  if (!rec) return ignore('static invoice for no payment of ours');
  if (rec.state !== 'requested' || !sent) return ignore(`static invoice for payment ${rec.payment_id} which is ${rec.state} (first invoice wins)`);
  if (preimage.length !== 32) throw new RangeError('preimage must be 32 bytes');
  const c = checkStaticInvoiceForRequest(bytes, sent, now);
  if (!c.ok) return ignore(`static invoice for payment ${rec.payment_id} rejected: ${c.reason}`);
  return update(rec, 'static_invoice', now, {
    invoice_kind: 'static_invoice',
    invoice: toHex(c.invoice.bytes),
    payment_preimage: toHex(preimage),
    payment_hash: toHex(sha256(preimage)),
    release_deadline: now + releaseTimeout,
  });
}

/** held_htlc_available went out (`sent` copies): now only a release moves the payment on. */
export function decideHeldHtlcSent(rec: PaymentRecord, sent: number, now: number): Decision {
  if (rec.state !== 'static_invoice') return ignore(`payment ${rec.payment_id} is ${rec.state}, not static_invoice`);
  return update(rec, 'waiting_for_release', now, { held_htlc_sent: (rec.held_htlc_sent ?? 0) + sent });
}

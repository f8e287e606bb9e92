// An `invoice` (66) on the reply path of one of our requests. First invoice wins: a
// payment still `requested` takes it, and so does one holding a static invoice whose
// held_htlc_available has not gone out yet (the grace of FRESH_INVOICE_GRACE_SECS: the
// recipient was online after all). Anything that fails the checks is ignored (the
// payment keeps waiting for a valid answer until its deadline).
import { toHex } from '../codec/bytes.js';
import type { InvoiceRequest } from '../bolt12/invoice-request.js';
import { checkInvoiceForRequest } from './check-invoice.js';
import { ignore, update, type Decision } from './decision.js';
import type { PaymentRecord } from './types.js';

export function decideOnInvoice(rec: PaymentRecord | undefined, sent: InvoiceRequest | undefined, bytes: Uint8Array, now: number): Decision {
  if (!rec) return ignore('invoice for no payment of ours');
  const open = rec.state === 'requested' || (rec.state === 'static_invoice' && rec.held_htlc_sent === undefined);
  if (!open || !sent) return ignore(`invoice for payment ${rec.payment_id} which is ${rec.state} (first invoice wins)`);
  const c = checkInvoiceForRequest(bytes, sent, now);
  if (!c.ok) return ignore(`invoice for payment ${rec.payment_id} rejected: ${c.reason}`);
  // The static invoice's preimage and deadline (if any) go: this payment is the payee's now.
  const { payment_preimage: _p, release_deadline: _d, ...base } = rec;
  return update(base as PaymentRecord, 'invoice', now, {
    invoice_kind: 'invoice',
    invoice: toHex(c.invoice.bytes),
    payment_hash: toHex(c.invoice.paymentHash),
  });
}

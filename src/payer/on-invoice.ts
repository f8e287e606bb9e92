// An `invoice` (66) on the reply path of one of our requests. First invoice wins: only
// a payment still `requested` takes it; anything that fails the checks is ignored
// (the payment keeps waiting for a valid answer until its deadline).
import { toHex } from '../codec/bytes.js';
import type { InvoiceRequest } from '../bolt12/invoice-request.js';
import { checkInvoiceForRequest } from './check-invoice.js';
import { ignore, update, type Decision } from './decision.js';
import type { PaymentRecord } from './types.js';

export function decideOnInvoice(rec: PaymentRecord | undefined, sent: InvoiceRequest | undefined, bytes: Uint8Array, now: number): Decision {
  if (!rec) return ignore('invoice for no payment of ours');
  if (rec.state !== 'requested' || !sent) return ignore(`invoice for payment ${rec.payment_id} which is ${rec.state} (first invoice wins)`);
  const c = checkInvoiceForRequest(bytes, sent, now);
  if (!c.ok) return ignore(`invoice for payment ${rec.payment_id} rejected: ${c.reason}`);
  return update(rec, 'invoice', now, {
    invoice_kind: 'invoice',
    invoice: toHex(c.invoice.bytes),
    payment_hash: toHex(c.invoice.paymentHash),
  });
}

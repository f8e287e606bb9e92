// Is this `static_invoice` (70) one we may pay? What LDK's payer checks
// (async-protocol.md §5.9): it parses (LDK's StaticInvoice::try_from rules, signature
// by the offer's issuer key), its offer records are byte-identical to our request's,
// no unknown required invoice feature, not expired. The amount comes from our request
// (async offers carry none), which `amountOf` gives. Pure: `now` is passed in.
import { DecodeError } from '../codec/errors.js';
import type { InvoiceRequest } from '../bolt12/invoice-request.js';
import { decodeStaticInvoice, type StaticInvoice } from '../bolt12/static-invoice.js';
import { checkStaticInvoiceForPayment } from '../bolt12/validate.js';

export type StaticInvoiceCheck = { readonly ok: true; readonly invoice: StaticInvoice } | { readonly ok: false; readonly reason: string };

const REASONS = {
  offer_mismatch: 'offer records differ from the offer we requested',
  unknown_required_features: 'unknown required invoice feature',
  expired: 'static invoice has expired',
} as const;

export function checkStaticInvoiceForRequest(bytes: Uint8Array, sent: InvoiceRequest, now: number): StaticInvoiceCheck {
  let invoice: StaticInvoice;
  try {
    invoice = decodeStaticInvoice(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, reason: e.message };
    throw e;
  }
  const c = checkStaticInvoiceForPayment(invoice, sent.records, now);
  if (!c.ok) return { ok: false, reason: REASONS[c.reason] };
  // Without a held-HTLC path nobody can ever release the payment.
  if (invoice.heldHtlcAvailablePaths.length === 0) return { ok: false, reason: 'static invoice has no held_htlc_available paths' };
  return { ok: true, invoice };
}

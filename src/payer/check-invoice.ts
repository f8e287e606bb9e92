// Is this `invoice` (66) an answer to our request that we may pay? BOLT 12's payer
// rules: it decodes (signature by the offer's issuer key, or by the final blinded
// node of an offer path when the offer has no issuer id; no unknown required
// feature), it mirrors our request record for record, its amount is what we asked
// for, and it has not expired. Pure: `now` is passed in.
import { equalBytes } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { isExpired } from '../bolt12/expiry.js';
import { decodeInvoice, invreqRecordsForInvoice, type Invoice } from '../bolt12/invoice.js';
import type { InvoiceRequest } from '../bolt12/invoice-request.js';
import { amountOf } from './request.js';

export type InvoiceCheck = { readonly ok: true; readonly invoice: Invoice } | { readonly ok: false; readonly reason: string };

export function checkInvoiceForRequest(bytes: Uint8Array, sent: InvoiceRequest, now: number): InvoiceCheck {
  let invoice: Invoice;
  try {
    invoice = decodeInvoice(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, reason: e.message };
    throw e;
  }
  const ours = invreqRecordsForInvoice(sent.records);
  const theirs = invreqRecordsForInvoice(invoice.records);
  if (ours.length !== theirs.length || !ours.every((r, i) => equalBytes(r.raw, theirs[i]!.raw))) {
    return { ok: false, reason: 'invoice does not mirror our invoice_request' };
  }
  if (invoice.amount !== amountOf(sent)) return { ok: false, reason: `invoice_amount ${invoice.amount} is not the ${amountOf(sent)} msat we asked for` };
  if (isExpired(invoice, now)) return { ok: false, reason: 'invoice has expired' };
  return { ok: true, invoice };
}

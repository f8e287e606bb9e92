// Expiry of offers and invoices. Pure: the caller passes `now` (Unix seconds).
// "Expired" is strictly after the last valid second, as LDK's is_expired_no_std:
// now > absolute_expiry, and now > created_at + relative_expiry.
import { INVOICE_DEFAULT_RELATIVE_EXPIRY, STATIC_INVOICE_DEFAULT_RELATIVE_EXPIRY } from './fields.js';
import type { Invoice } from './invoice.js';
import type { Offer, OfferFields } from './offer.js';
import type { StaticInvoice } from './static-invoice.js';

export type Seconds = bigint | number;
const big = (x: Seconds): bigint => (typeof x === 'bigint' ? x : BigInt(Math.floor(x)));

/** Relative expiry in seconds, applying each kind's default when TLV 166 is absent. */
export function relativeExpiryOf(inv: Pick<Invoice | StaticInvoice, 'kind' | 'relativeExpiry'>): number {
  if (inv.relativeExpiry !== undefined) return inv.relativeExpiry;
  return inv.kind === 'static_invoice' ? STATIC_INVOICE_DEFAULT_RELATIVE_EXPIRY : INVOICE_DEFAULT_RELATIVE_EXPIRY;
}

/** Last second at which the object is still valid; undefined = never expires. */
export function expiresAt(x: Offer | Invoice | StaticInvoice): bigint | undefined {
  if (x.kind === 'offer') return x.absoluteExpiry;
  return x.createdAt + BigInt(relativeExpiryOf(x));
}

export function offerExpired(offer: OfferFields, now: Seconds): boolean {
  return offer.absoluteExpiry !== undefined && big(now) > offer.absoluteExpiry;
}

/** Whether an offer, invoice or static invoice has expired at `now`. */
export function isExpired(x: Offer | Invoice | StaticInvoice, now: Seconds): boolean {
  const at = expiresAt(x);
  return at !== undefined && big(now) > at;
}

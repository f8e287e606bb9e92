// Checks that depend on context (time, what we sent), made after a successful
// decode. They return a reason rather than throwing: the object is well formed,
// the caller only decides whether to act on it.
import type { TlvRecord } from '../codec/tlv.js';
import { unknownRequiredBits } from './features.js';
import { MAX_STATIC_INVOICE_SIZE_BYTES } from './fields.js';
import { KNOWN_INVOICE_FEATURES } from './invoice.js';
import { isExpired, offerExpired, type Seconds } from './expiry.js';
import { sameOfferRecords } from './offer-id.js';
import type { StaticInvoice } from './static-invoice.js';

export type Check<R extends string> = { readonly ok: true } | { readonly ok: false; readonly reason: R };
const OK = { ok: true } as const;
const no = <R extends string>(reason: R): Check<R> => ({ ok: false, reason });

/**
 * What a static invoice server checks before persisting (LDK, async-protocol.md
 * §4.4, after parsing): not expired, then at most `maxBytes` (LDK: 5120).
 */
export function checkStaticInvoiceToPersist(
  inv: StaticInvoice,
  now: Seconds,
  maxBytes = MAX_STATIC_INVOICE_SIZE_BYTES,
): Check<'expired' | 'too_large'> {
  if (isExpired(inv, now)) return no('expired');
  if (inv.bytes.length > maxBytes) return no('too_large');
  return OK;
}

/** What the server checks before serving a stored invoice (LDK §6.4 4b). */
export function checkStaticInvoiceToServe(inv: StaticInvoice, now: Seconds): Check<'expired' | 'offer_expired'> {
  if (isExpired(inv, now)) return no('expired');
  if (offerExpired(inv.offer, now)) return no('offer_expired');
  return OK;
}

/** Unknown even bits of invoice_features: a payer must not pay (LDK abandons). */
export function unknownRequiredInvoiceFeatures(inv: { readonly features?: Uint8Array }): number[] {
  return unknownRequiredBits(inv.features, KNOWN_INVOICE_FEATURES);
}

/**
 * What an LDK payer checks on a static invoice for its request (§5.9): offer
 * records byte-identical to the request's, no unknown required feature, not expired.
 */
export function checkStaticInvoiceForPayment(
  inv: StaticInvoice,
  sentInvreqRecords: readonly TlvRecord[],
  now: Seconds,
): Check<'offer_mismatch' | 'unknown_required_features' | 'expired'> {
  if (!sameOfferRecords(inv.records, sentInvreqRecords)) return no('offer_mismatch');
  if (unknownRequiredInvoiceFeatures(inv).length > 0) return no('unknown_required_features');
  if (isExpired(inv, now)) return no('expired');
  return OK;
}

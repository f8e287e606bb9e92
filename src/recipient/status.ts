// How a slot looks in `asyncreceive-status`: lightningd's conventions (snake_case,
// Unix-second timestamps, null for "not yet"), the offer as a string a person can
// paste, and the last error so an operator sees why a slot is stuck.
import { fromHex } from '../codec/bytes.js';
import { offerToString } from '../bolt12/offer.js';
import type { SlotRecord } from './cache.js';

export function slotView(r: SlotRecord): Record<string, unknown> {
  const o = r.offer;
  return {
    invoice_slot: r.slot,
    state: r.state,
    offer_id: o?.offer_id ?? null,
    offer: o ? offerToString({ bytes: fromHex(o.offer) }) : null,
    created_at: o?.created_at ?? null,
    expires_at: o?.expires_at ?? null,
    invoice_created_at: o?.invoice_created_at ?? null,
    invoice_sent_at: o?.sent_at ?? null,
    sent_invoice_created_at: o?.sent_invoice_created_at ?? null,
    invoices_sent: o?.invoices_sent ?? 0,
    confirmations: o?.confirmations ?? 0,
    expired_offer_id: r.expired_offer_id,
    requested_at: r.requested_at,
    requests_sent: r.requests_sent,
    last_error: r.last_error,
    last_error_at: r.last_error_at,
    forwarded_invoice_requests: r.forwarded_invreqs,
    last_forwarded_invoice_request_at: r.last_forwarded_invreq_at,
    held_htlc_available: r.held_htlc_available,
  };
}

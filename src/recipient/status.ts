// How a slot looks in `asyncreceive-status`: lightningd's conventions (snake_case,
// Unix-second timestamps, null for "not yet"), the offer as a string a person can
// paste, and the last error so an operator sees why a slot is stuck.
import { fromHex } from '../codec/bytes.js';
import { offerToString } from '../bolt12/offer.js';
import type { RequestBackoff } from './backoff.js';
import type { SlotRecord } from './cache.js';

/** The timer period: ASYNCPAY_DEV_TICK_MS (a dev knob for tests) or `fallback`. */
export function devTickMs(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.ASYNCPAY_DEV_TICK_MS);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export interface StatusArgs {
  readonly configured: boolean;
  readonly serverPaths: number;
  readonly configError: string | null;
  readonly offerCount: number;
  readonly backoff: Pick<RequestBackoff, 'unanswered' | 'skipTicks'>;
  readonly ignored: number;
  readonly payments: Record<string, unknown>;
  readonly slots: readonly SlotRecord[];
}

/** `asyncreceive-status`. */
export function statusView(a: StatusArgs): Record<string, unknown> {
  return {
    server_configured: a.configured,
    server_paths: a.serverPaths,
    ...(a.configError ? { config_error: a.configError } : {}),
    offer_count: a.offerCount,
    unanswered_requests: a.backoff.unanswered,
    backoff_ticks: a.backoff.skipTicks,
    ignored_messages: a.ignored,
    forwarded_invoice_requests: a.slots.reduce((n, r) => n + r.forwarded_invreqs, 0),
    held_htlc_available: a.slots.reduce((n, r) => n + r.held_htlc_available, 0),
    payments: a.payments,
    slots: a.slots.map(slotView),
  };
}

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

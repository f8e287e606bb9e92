// The payer's payment record, as stored (one JSON value per payment in the `payer`
// store space) and as `listasyncpays` shows it. Every state change rewrites it in one
// atomic batch, so a crash leaves a payment either before or after a transition.
import type { Json } from '../store/store.js';

/**
 * requested → invoice → paying → complete | failed            (a fresh invoice, R online)
 * requested → static_invoice → waiting_for_release → paying → complete | failed
 * requested → failed                                           (no answer, invoice_error)
 */
export type PayState = 'requested' | 'invoice' | 'static_invoice' | 'waiting_for_release' | 'paying' | 'complete' | 'failed';

export const FINAL_STATES: readonly PayState[] = ['complete', 'failed'];
export const isFinal = (s: PayState): boolean => FINAL_STATES.includes(s);

export interface PaymentRecord {
  [k: string]: Json | undefined;
  /** 16 random bytes, hex: our key, and what our reply paths' contexts name. */
  payment_id: string;
  state: PayState;
  /** The offer as given (lno1…). */
  offer: string;
  /** CLN's offer_id (sha256 of the offer records). */
  offer_id: string;
  /** Our signed invoice_request, hex. It goes into the payment onion (TLV 77777) of a static payment. */
  invreq: string;
  /** What the payee gets (invreq amount, or offer amount × quantity). */
  amount_msat: number;
  created_at: number;
  updated_at: number;
  /** How many of the offer's paths the request went to so far. */
  paths_tried: number;
  /** Past this, a payment still `requested` fails. */
  invoice_deadline: number;
  /** Which invoice won. */
  invoice_kind?: 'invoice' | 'static_invoice';
  /** The winning invoice's bytes, hex. */
  invoice?: string;
  payment_hash?: string;
  /** Chosen by us for a static invoice (before anything is sent), or learnt from the payment. */
  payment_preimage?: string;
  /** Past this, a payment still waiting for release fails (LDK: 7 days). */
  release_deadline?: number;
  held_htlc_sent?: number;
  released_at?: number;
  /** Send attempts of the payment itself. */
  attempts?: number;
  amount_sent_msat?: number;
  completed_at?: number;
  failure?: string;
}

/** LDK's ASYNC_PAYMENT_TIMEOUT_RELATIVE_EXPIRY: how long a payer waits for release_held_htlc. */
export const DEFAULT_RELEASE_TIMEOUT = 7 * 86_400;
/** How long to wait for an invoice on one offer path before also trying the next. */
export const PATH_RETRY_SECS = 10;
/** A payment that got no invoice at all gives up after this (or the caller's timeout, if longer). */
export const MIN_INVOICE_WAIT_SECS = 60;
/** LDK's OFFERS_MESSAGE_REQUEST_LIMIT: copies of held_htlc_available (paths × reply paths). */
export const MAX_HELD_HTLC_COPIES = 10;
/**
 * A static invoice waits this long before held_htlc_available goes out: a recipient that
 * is online answers the request the server forwards with a fresh invoice within a
 * moment, and a fresh invoice (payee-chosen hash: proof of payment, no release round
 * trip) is then preferred. Past this, first invoice wins, as with LDK.
 */
export const FRESH_INVOICE_GRACE_SECS = 3;
/** The `asyncpay` command's default wait before answering `waiting_for_release`. */
export const DEFAULT_CALL_TIMEOUT = 60;

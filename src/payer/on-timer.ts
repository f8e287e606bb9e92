// Deadlines, checked on every tick and at start: no invoice in time, or no release
// within the release timeout (LDK: 7 days), fails the payment. Nothing was sent in
// either state, so failing is safe.
import { failed, ignore, type Decision } from './decision.js';
import { isFinal, type PaymentRecord } from './types.js';

export function decideOnTimer(rec: PaymentRecord, now: number): Decision {
  if (rec.state === 'requested' && now > rec.invoice_deadline) return failed(rec, now, 'no invoice received from the offer');
  if ((rec.state === 'waiting_for_release' || rec.state === 'static_invoice') && rec.release_deadline !== undefined && now > rec.release_deadline) {
    return failed(rec, now, 'the recipient did not release the payment in time');
  }
  return ignore('no deadline passed');
}

/** When to send the request over the next offer path (undefined: no path left). */
export function nextPathAt(rec: PaymentRecord, pathCount: number, retrySecs: number): number | undefined {
  if (rec.state !== 'requested' || rec.paths_tried >= pathCount) return undefined;
  return rec.created_at + rec.paths_tried * retrySecs;
}

/**
 * When the timer next has something to do for `rec` (issue 16: an idle payer must not
 * wake every second): every tick while a request, an invoice or a static invoice is in
 * play (deadlines, path retries, the fresh-invoice grace); for a payment waiting for its
 * release, only at its deadline; never for one being paid (its result comes back by
 * itself) or a final one.
 */
export function timerDue(rec: PaymentRecord): number | 'every_tick' | undefined {
  if (isFinal(rec.state) || rec.state === 'paying') return undefined;
  if (rec.state === 'waiting_for_release') return rec.release_deadline === undefined ? undefined : rec.release_deadline + 1;
  return 'every_tick';
}

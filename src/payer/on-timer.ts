// Deadlines, checked on every tick and at start: no invoice in time, or no release
// within the release timeout (LDK: 7 days), fails the payment. Nothing was sent in
// either state, so failing is safe.
import { failed, ignore, type Decision } from './decision.js';
import type { PaymentRecord } from './types.js';

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

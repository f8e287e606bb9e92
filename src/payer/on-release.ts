// `release_held_htlc` (74) on the reply path of our held_htlc_available. The path
// context is authenticated (transport/context.ts) and names the payment; the state
// decides the rest: only a payment waiting for release starts paying, exactly once.
// A replay (already paying or complete), a release for a failed or unknown payment,
// or one past the release deadline pays nothing.
import { ignore, update, type Decision } from './decision.js';
import type { PaymentRecord } from './types.js';

export function decideOnRelease(rec: PaymentRecord | undefined, now: number): Decision {
  if (!rec) return ignore('release_held_htlc for no payment of ours');
  // A release can overtake our own bookkeeping (it may answer the first copy of
  // held_htlc_available before we recorded sending the last one): take it then too.
  if (rec.state !== 'waiting_for_release' && rec.state !== 'static_invoice') {
    return ignore(`release_held_htlc for payment ${rec.payment_id} which is ${rec.state}`);
  }
  if (rec.release_deadline !== undefined && now > rec.release_deadline) return ignore(`release_held_htlc for payment ${rec.payment_id} after its release deadline`);
  return update(rec, 'paying', now, { released_at: now });
}

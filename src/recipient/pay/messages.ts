// The two onion messages of the payment phase that reach the recipient role:
// a forwarded invoice_request (checked, counted on its slot, answered with a fresh
// invoice) and held_htlc_available (counted, answered with release_held_htlc). Counting
// runs in the role's queue; answering does not (it needs RPC calls and a send, and the
// offer cache must not wait for them).
import type { Inbound } from '../../transport/transport.js';
import type { SlotRecord } from '../cache.js';
import type { HeldOffer } from './context.js';
import type { RecipientPayments } from './payments.js';

export interface PayMessageHost {
  /** Runs `f` in the role's queue (failures logged there). */
  job<T>(what: string, f: () => Promise<T>): Promise<T | undefined>;
  offerByTag(tag: Uint8Array): HeldOffer | undefined;
  /** Counts the message on the slot of `tag` and persists it; the offer if still held. */
  count(tag: Uint8Array, what: 'forwarded_invreq' | 'held_htlc_available'): Promise<HeldOffer | undefined>;
  ignore(why: string): void;
  readonly log: { unusual(m: string): void };
}

/** Handles `m` if it is a payment message on the path made for it; false otherwise. */
export async function handlePaymentMessage(host: PayMessageHost, pay: RecipientPayments, m: Inbound): Promise<boolean> {
  const c = m.context;
  const msg = m.message;
  const failed = (what: string) => (e: unknown) => host.log.unusual(`${what} failed: ${(e as Error).stack ?? String(e)}`);
  if (c.kind === 'forwarded_invreq' && msg.kind === 'invoice_request') {
    const offer = await host.job('looking up the offer of a forwarded invoice_request', async () => host.offerByTag(c.offerTag));
    if (!offer) {
      await host.job('ignoring', async () => host.ignore(`invoice_request forwarded for an offer we do not hold (slot ${c.slot})`));
      return true;
    }
    const v = await pay.checkForwardedInvreq(offer, msg.bytes);
    if (!v.ok) {
      await host.job('ignoring', async () => host.ignore(`forwarded invoice_request for slot ${c.slot}: ${v.reason}: ${v.detail}`));
      return true;
    }
    await host.job('counting a forwarded invoice_request', () => host.count(c.offerTag, 'forwarded_invreq'));
    await pay.answerForwardedInvreq(offer, v, m.replyPath).catch(failed('answering an invoice_request'));
    return true;
  }
  if (c.kind === 'held_htlc' && msg.kind === 'held_htlc_available') {
    const offer = await host.job('counting held_htlc_available', () => host.count(c.offerTag, 'held_htlc_available'));
    await pay.onHeldHtlc(offer, c.slot, m.replyPath).catch(failed('releasing a held HTLC'));
    return true;
  }
  return false;
}

/** A cache slot's offer as the payment code needs it. */
export function heldOffer(r: SlotRecord | undefined): HeldOffer | undefined {
  const o = r?.offer;
  return r && o ? { slot: r.slot, offerId: o.offer_id, offer: o.offer, nonce: o.nonce } : undefined;
}

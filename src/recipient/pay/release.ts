// held_htlc_available → release_held_htlc (async-protocol.md §4.6–4.7). The transport
// has already authenticated the held-HTLC path's context and refused expired ones;
// here: the offer must still be ours, a reply path is required (it leads to whoever
// holds the HTLC), and releases per offer are bounded. LDK checks nothing more.
import type { BlindedPath } from '../../onion/types.js';
import type { HeldOffer, PayState } from './context.js';
import type { RateBound } from './rate.js';

export async function releaseHeldHtlc(s: PayState, rate: RateBound, offer: HeldOffer | undefined, slot: number, replyPath: BlindedPath | undefined): Promise<void> {
  const { log } = s.d;
  if (!offer) return log.debug(`held_htlc_available for an offer we no longer hold (slot ${slot}): not releasing`);
  if (!replyPath) return log.debug(`held_htlc_available for offer ${offer.offerId} without a reply path: nothing to release to`);
  if (!rate.take(offer.offerId, s.d.now())) {
    log.debug(`held_htlc_available for offer ${offer.offerId}: more than ${rate.perWindow} releases in ${rate.windowSecs} s, dropped`);
    await s.serial.run(() => s.db.batch([s.failureOp('release_rate_limited')]));
    return;
  }
  try {
    await s.d.transport.send(replyPath, { kind: 'release_held_htlc' });
  } catch (e) {
    log.info(`could not send release_held_htlc for offer ${offer.offerId}: ${(e as Error).message}`);
    await s.serial.run(() => s.db.batch([s.failureOp('release_send_failed')]));
    return;
  }
  await s.serial.run(async () => {
    s.counters.releases_sent++;
    await s.db.batch([s.countersOp()]);
  });
  log.info(`released held HTLC for async offer ${offer.offerId} (slot ${offer.slot})`);
}

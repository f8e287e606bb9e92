// Backing off from a server that does not answer. LDK simply asks again on every
// tick; we do the same for the first few unanswered requests, then skip 1, 2, 4, …
// ticks (at most MAX_BACKOFF_TICKS) between requests, and start over at the first
// useful answer. Counted in ticks, not seconds, so it follows the timer. Not
// persisted (LDK's attempt counter is not either): a restart asks again at once.
import { BACKOFF_AFTER_UNANSWERED, MAX_BACKOFF_TICKS } from './constants.js';

export class RequestBackoff {
  /** offer_paths_request sent since the server last answered usefully. */
  unanswered = 0;
  /** Ticks still to skip before the next request. */
  skipTicks = 0;

  /** A timer tick: whether a request may go out on it (a skipped tick counts down). */
  tick(): boolean {
    if (this.skipTicks === 0) return true;
    this.skipTicks--;
    return false;
  }

  /** Outside ticks (peer connections, configuration): no request while backing off. */
  mayRequest(): boolean {
    return this.skipTicks === 0;
  }

  requestSent(): void {
    this.unanswered++;
    if (this.unanswered >= BACKOFF_AFTER_UNANSWERED) {
      this.skipTicks = Math.min(2 ** (this.unanswered - BACKOFF_AFTER_UNANSWERED), MAX_BACKOFF_TICKS);
    }
  }

  answered(): void {
    this.unanswered = 0;
    this.skipTicks = 0;
  }
}

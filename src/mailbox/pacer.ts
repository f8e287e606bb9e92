// Paces re-injection to one peer under its connectd's onion-message limit (a bucket of
// 4, refilled one per 250 ms; a message over it is dropped silently). We stay below
// it — a burst of 3, then one per 300 ms — so the peer's other traffic from us (a
// server's replies) still fits while its mailbox drains. The burst only right after a
// connection (connectd fills a new connection's bucket); one per 300 ms never empties
// a bucket that refills one per 250 ms, whatever state it was in.
export const PACE_BURST = 3;
export const PACE_INTERVAL_MS = 300;

export class Pacer {
  private tokens: number;
  private at = Date.now();

  constructor(
    /** The peer's bucket is known to be full (it has just connected). */
    fresh: boolean,
    private readonly burst = PACE_BURST,
    private readonly intervalMs = PACE_INTERVAL_MS,
  ) {
    this.tokens = fresh ? burst : 0;
  }

  /** Resolves when one more message may go. */
  async take(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + (now - this.at) / this.intervalMs);
      this.at = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil((1 - this.tokens) * this.intervalMs)));
    }
  }
}

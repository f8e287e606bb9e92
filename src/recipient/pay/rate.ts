// A per-key bound on events in a sliding window (fresh invoices minted per offer per
// minute, releases per offer per minute), so a payer who can reach our paths cannot
// make us sign, store and send without limit. Pure: `now` is passed in. The number
// of keys is bounded too (oldest forgotten first).
export class RateBound {
  private readonly seen = new Map<string, number[]>();

  constructor(
    readonly perWindow: number,
    readonly windowSecs: number,
    private readonly maxKeys = 4096,
  ) {}

  /** True (and counted) when `key` may act once more at `now`. */
  take(key: string, now: number): boolean {
    const from = now - this.windowSecs;
    const times = (this.seen.get(key) ?? []).filter((t) => t > from);
    if (times.length >= this.perWindow) {
      this.seen.set(key, times);
      return false;
    }
    times.push(now);
    this.seen.delete(key);
    this.seen.set(key, times);
    if (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}

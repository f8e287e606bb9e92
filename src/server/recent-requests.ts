// Invoice requests the server handled lately, so that one request is forwarded to the
// recipient once and served to one reply path once. A request that comes back to us
// unchanged — a forward path that leads back into one of our offer paths, directly or
// spliced through another node — is then dropped instead of going round for ever.
// Bounded in entries and in time; LDK payers' copies (same request, other reply paths)
// are still each answered.
import { sha256 } from '../crypto/hash.js';
import { byteKey } from '../generations.js';
import { encodeBlindedPath } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';

/** How long a request is remembered (seconds): longer than any loop round trip, shorter than payer retries matter. */
export const RECENT_REQUEST_SECONDS = 600;
export const RECENT_REQUEST_MAX = 50_000;

export class RecentRequests {
  /** key → time seen; Map order is insertion order, which is time order. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttl = RECENT_REQUEST_SECONDS,
    private readonly max = RECENT_REQUEST_MAX,
  ) {}

  /**
   * Both keys of one request. The request is hashed once: the reply key hashes its digest
   * with the encoded reply path (as collision-resistant as hashing the two together).
   * Keys are the first 16 digest bytes as latin1 (one char per byte), behind a letter that
   * keeps the two kinds apart.
   */
  static keys(invreq: Uint8Array, replyPath: BlindedPath): { readonly request: string; readonly reply: string } {
    const h = sha256(invreq);
    return {
      request: 'f' + byteKey(h.subarray(0, 16)),
      reply: 's' + byteKey(sha256(h, encodeBlindedPath(replyPath)).subarray(0, 16)),
    };
  }

  /** True the first time `key` is seen within the window (and records it). */
  firstTime(key: string): boolean {
    const now = this.now();
    this.expire(now);
    if (this.seen.has(key)) return false;
    this.seen.set(key, now);
    while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }

  private expire(now: number): void {
    for (const [k, t] of this.seen) {
      if (now - t <= this.ttl) break;
      this.seen.delete(k);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}

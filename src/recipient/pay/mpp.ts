// Multi-part payments: the parts of one payment_hash are held (their hook answers
// withheld) until they add up to the total, then all are claimed together. lightningd
// holds nothing for us here (payments.md §2): the timeout and the CLTV margin are
// ours. Pure state machine: time and the tip are passed in, nothing is answered here.
import type { FailReason } from './failure.js';

export interface MppPart {
  /** `<scid>/<htlc id>`: a replay of the same HTLC replaces it instead of counting twice. */
  readonly key: string;
  readonly amountMsat: bigint;
  readonly cltvExpiry: number;
}

export interface MppLimits {
  /** Seconds a set may wait for its remaining parts (LDK/lightningd: 60). */
  readonly timeoutSecs: number;
  /** A held part is failed once its cltv_expiry is within this many blocks of the tip. */
  readonly cltvMarginBlocks: number;
  readonly maxPartsPerSet: number;
  readonly maxSets: number;
}

export type AddResult =
  | { readonly kind: 'held'; readonly sum: bigint; readonly total: bigint }
  | { readonly kind: 'complete'; readonly parts: readonly MppPart[]; readonly sum: bigint }
  | { readonly kind: 'reject'; readonly reason: FailReason; readonly detail: string };

export interface Expired {
  readonly hash: string;
  readonly parts: readonly MppPart[];
  readonly reason: FailReason;
}

interface PartSet {
  readonly total: bigint;
  /** What every part must agree on besides the total (e.g. the invoice_request bytes). */
  readonly identity: string;
  readonly firstSeen: number;
  readonly parts: Map<string, MppPart>;
}

export class MppSets {
  private readonly sets = new Map<string, PartSet>();

  constructor(readonly limits: MppLimits) {}

  get size(): number {
    return this.sets.size;
  }

  has(hash: string): boolean {
    return this.sets.has(hash);
  }

  /** Held parts of every set, for status output. */
  heldParts(): number {
    let n = 0;
    for (const s of this.sets.values()) n += s.parts.size;
    return n;
  }

  /**
   * Adds a part. `firstSeen` lets a set rebuilt after a restart keep its original
   * start (so the timeout still counts from the first part ever seen).
   */
  add(hash: string, part: MppPart, total: bigint, identity: string, now: number, firstSeen = now): AddResult {
    let set = this.sets.get(hash);
    if (!set) {
      if (this.sets.size >= this.limits.maxSets) return { kind: 'reject', reason: 'too_many_pending', detail: `${this.sets.size} payments already waiting for parts` };
      set = { total, identity, firstSeen: Math.min(firstSeen, now), parts: new Map() };
      this.sets.set(hash, set);
    } else {
      if (set.total !== total) return { kind: 'reject', reason: 'mpp_mismatch', detail: `part says total ${total}, the set ${set.total}` };
      if (set.identity !== identity) return { kind: 'reject', reason: 'mpp_mismatch', detail: 'part carries a different invoice_request than the set' };
      if (!set.parts.has(part.key) && set.parts.size >= this.limits.maxPartsPerSet) {
        return { kind: 'reject', reason: 'mpp_too_many_parts', detail: `more than ${this.limits.maxPartsPerSet} parts` };
      }
    }
    set.parts.set(part.key, part);
    const sum = sumOf(set);
    if (sum >= set.total) {
      this.sets.delete(hash);
      return { kind: 'complete', parts: [...set.parts.values()], sum };
    }
    return { kind: 'held', sum, total: set.total };
  }

  /** Sets to fail now: timed out, or holding a part whose expiry is too close to the tip. Removed. */
  expire(now: number, tip: number | undefined): Expired[] {
    const out: Expired[] = [];
    for (const [hash, set] of this.sets) {
      let reason: FailReason | undefined;
      if (now - set.firstSeen >= this.limits.timeoutSecs) reason = 'mpp_timeout';
      else if (tip !== undefined && [...set.parts.values()].some((p) => p.cltvExpiry <= tip + this.limits.cltvMarginBlocks)) reason = 'cltv_near_tip';
      if (reason) {
        this.sets.delete(hash);
        out.push({ hash, parts: [...set.parts.values()], reason });
      }
    }
    return out;
  }

  /** Forgets a set (e.g. claimed another way); returns its parts. */
  remove(hash: string): MppPart[] {
    const set = this.sets.get(hash);
    this.sets.delete(hash);
    return set ? [...set.parts.values()] : [];
  }
}

function sumOf(set: PartSet): bigint {
  let s = 0n;
  for (const p of set.parts.values()) s += p.amountMsat;
  return s;
}

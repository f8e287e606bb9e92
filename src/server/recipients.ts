// The recipients a server knows: name, creation time, revocation and counters. LevelDB
// is the authority; they are read on demand (nothing at start, so a server for 100,000
// recipients starts in constant time) and only the recently used ones stay in memory
// (LRU), plus those with unwritten changes. Counters are bumped on every message, so
// they are written at most once every 10 s, and a flush writes only what changed: at a
// real server's pace (a payer every second or so) a flush per request would wake the
// process twice per request. A crash loses at most those 10 s of counts (statistics,
// not state); a shutdown writes them.
import { fromHex, toHex } from '../codec/bytes.js';
import { emptyCounters, type Counters, type RecipientRecord, type ServerStore } from './server-store.js';
import type { StoreOp } from '../store/store.js';

/** Longest time a counter change waits before it is written. */
export const COUNTER_FLUSH_MS = 10_000;

export interface ServerLog {
  debug(m: string): void;
  info(m: string): void;
  unusual(m: string): void;
}

export type RejectReason =
  | 'no_reply_path'
  | 'too_large'
  | 'bad_invoice'
  | 'bad_forward_path'
  | 'expired'
  | 'slot_over_quota'
  | 'wrong_paths'
  | 'replay'
  | 'revoked'
  | 'unknown_recipient'
  | 'bad_invoice_request'
  | 'duplicate_invoice_request'
  | 'nothing_stored'
  | 'wrong_message_for_path'
  | 'rate_limited'
  | 'storage_quota';

interface RecipientState {
  readonly name: string;
  readonly createdAt: number;
  revokedAt: number | null;
  readonly counters: Counters;
}

/** Recipients kept in memory beyond those with unwritten changes. */
export const RECIPIENT_CACHE = 16_384;

export class RecipientBook {
  /** LRU of loaded recipients (null: known not to exist). Map order = recency. */
  private readonly cache = new Map<string, RecipientState | null>();
  /** Recipients changed since the last flush: pinned (never evicted) until written. */
  private readonly dirty = new Map<string, RecipientState>();
  /** Per dirty recipient, how many changes it has had (a flush unpins only what it wrote). */
  private readonly versions = new Map<string, number>();
  /** Bumped by every add(), so a load that raced it does not cache a stale miss. */
  private generation = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ServerStore,
    private readonly log: ServerLog,
    private readonly capacity = RECIPIENT_CACHE,
  ) {}

  /**
   * Makes `rkHex` available to the synchronous accessors below and says whether it
   * exists. Every entry point (message, RPC) calls it first.
   */
  async load(rkHex: string): Promise<boolean> {
    const hit = this.dirty.get(rkHex) ?? this.touch(rkHex);
    if (hit !== undefined) return hit !== null;
    const gen = this.generation;
    const rec = await this.store.getRecipient(rkHex);
    // An add() or a concurrent load may have filled the entry meanwhile: it wins.
    const now = this.dirty.get(rkHex) ?? this.touch(rkHex);
    if (now !== undefined) return now !== null;
    const st = rec ? stateOf(rec) : null;
    if (st || gen === this.generation) this.remember(rkHex, st);
    return st !== null;
  }

  nameOf(rkHex: string): string | undefined {
    return this.peek(rkHex)?.name;
  }

  revokedAt(rkHex: string): number | null {
    return this.peek(rkHex)?.revokedAt ?? null;
  }

  /** Adds a recipient (in memory now; the returned op persists it). */
  add(rk: Uint8Array, name: string, now: number): StoreOp {
    const st: RecipientState = { name, createdAt: now, revokedAt: null, counters: emptyCounters() };
    this.generation++;
    this.remember(toHex(rk), st);
    return this.store.putRecipientOp(rk, record(st));
  }

  /**
   * Marks a loaded recipient revoked (in memory now, so messages already queued are
   * refused; pinned until flushed, so eviction cannot forget it); the op persists it.
   */
  revoke(rk: Uint8Array, now: number): StoreOp | undefined {
    const rkHex = toHex(rk);
    const st = this.peek(rkHex);
    if (!st) return undefined;
    st.revokedAt = now;
    this.markDirty(rkHex, st);
    return this.store.putRecipientOp(rk, record(st));
  }

  /** The op writing a recipient's current record (undefined if it is not loaded; a pending bump then flushes it). */
  putOp(rk: Uint8Array): StoreOp | undefined {
    const st = this.peek(toHex(rk));
    return st ? this.store.putRecipientOp(rk, record(st)) : undefined;
  }

  /** Every recipient (or one), read from the store with unwritten changes on top. */
  async list(only?: string): Promise<Array<{ recipient_id: string; counters: Counters; revoked_at?: number }>> {
    const stored = only === undefined ? await this.store.listRecipients() : await this.one(only);
    return stored.map(({ rk, rec }) => {
      const st = this.dirty.get(rk) ?? this.cache.get(rk) ?? stateOf(rec);
      return { recipient_id: st.name, counters: st.counters, ...(st.revokedAt !== null ? { revoked_at: st.revokedAt } : {}) };
    });
  }

  reject(rkHex: string, reason: RejectReason, why: string): void {
    this.bump(rkHex, 'rejected', reason);
    this.log.debug(`rejected (${reason}) from ${this.nameOf(rkHex) ?? rkHex}: ${why}`);
  }

  /** Counts one event; a recipient evicted meanwhile gets it once reloaded (not lost). */
  bump(rkHex: string, field: keyof Counters, reason?: string): void {
    const change = (c: Counters) => {
      if (field === 'rejected') c.rejected[reason!] = (c.rejected[reason!] ?? 0) + 1;
      else (c[field] as number)++;
    };
    const st = this.peek(rkHex);
    if (st) this.apply(rkHex, st, change);
    else {
      void this.load(rkHex).then(
        (exists) => {
          const again = exists ? this.peek(rkHex) : undefined;
          if (again) this.apply(rkHex, again, change);
        },
        (e) => this.log.unusual(`cannot read recipient ${rkHex} to count ${field}: ${(e as Error).message}`),
      );
    }
  }

  private apply(rkHex: string, st: RecipientState, change: (c: Counters) => void): void {
    change(st.counters);
    this.markDirty(rkHex, st);
    this.scheduleFlush();
  }

  private markDirty(rkHex: string, st: RecipientState): void {
    this.dirty.set(rkHex, st);
    this.versions.set(rkHex, (this.versions.get(rkHex) ?? 0) + 1);
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush().catch((e) => this.log.unusual(`cannot save server counters: ${(e as Error).message}`)), COUNTER_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Writes the recipients changed since the last flush (also at shutdown). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // A snapshot: a change made while the batch is written keeps its recipient pending.
    const taken = [...this.dirty].map(([rkHex, st]) => ({ rkHex, st, version: this.versions.get(rkHex) ?? 0 }));
    if (taken.length === 0) return;
    await this.store.batch(taken.map(({ rkHex, st }) => this.store.putRecipientOp(fromHex(rkHex), structuredClone(record(st)))));
    for (const { rkHex, st, version } of taken) {
      if ((this.versions.get(rkHex) ?? 0) !== version) continue;
      this.dirty.delete(rkHex);
      this.versions.delete(rkHex);
      if (!this.cache.has(rkHex)) this.remember(rkHex, st);
    }
  }

  /** How many recipients are held in memory (cached or pinned); for tests and the bench. */
  get held(): number {
    let n = this.cache.size;
    for (const k of this.dirty.keys()) if (!this.cache.has(k)) n++;
    return n;
  }

  private async one(rkHex: string): Promise<Array<{ rk: string; rec: RecipientRecord }>> {
    const rec = await this.store.getRecipient(rkHex);
    return rec ? [{ rk: rkHex, rec }] : [];
  }

  private peek(rkHex: string): RecipientState | undefined {
    return this.dirty.get(rkHex) ?? this.cache.get(rkHex) ?? undefined;
  }

  /** Looks up and refreshes recency. */
  private touch(rkHex: string): RecipientState | null | undefined {
    const st = this.cache.get(rkHex);
    if (st !== undefined) {
      this.cache.delete(rkHex);
      this.cache.set(rkHex, st);
    }
    return st;
  }

  private remember(rkHex: string, st: RecipientState | null): void {
    this.cache.delete(rkHex);
    this.cache.set(rkHex, st);
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
  }
}

function stateOf(rec: RecipientRecord): RecipientState {
  return { name: rec.recipient_id, createdAt: rec.created_at, revokedAt: rec.revoked_at ?? null, counters: { ...emptyCounters(), ...rec.counters } };
}

function record(st: RecipientState): RecipientRecord {
  return { recipient_id: st.name, created_at: st.createdAt, counters: st.counters, ...(st.revokedAt !== null ? { revoked_at: st.revokedAt } : {}) };
}

// The server's recipients (name, creation time, counters) without holding all of them
// in memory: a server for 100,000 recipients starts in constant time and keeps only the
// recently used ones (LRU) plus those whose counters changed since the last flush.
// LevelDB stays the authority; a flush writes only the changed recipients.
import { fromHex } from '../codec/bytes.js';
import type { StoreOp } from '../store/store.js';
import { emptyCounters, type Counters, type RecipientRecord, type ServerStore } from './server-store.js';

interface Entry {
  readonly name: string;
  readonly createdAt: number;
  readonly counters: Counters;
}

export class RecipientDirectory {
  /** LRU of loaded recipients (null: known not to exist). Map order = recency. */
  private readonly cache = new Map<string, Entry | null>();
  /** Recipients whose counters changed since the last flush: pinned until written. */
  private readonly dirty = new Map<string, Entry>();
  /** Per dirty recipient, how many bumps it has had (a flush unpins only what it wrote). */
  private readonly versions = new Map<string, number>();
  /** Bumped by every add(), so a load that raced it does not cache a stale miss. */
  private generation = 0;

  constructor(
    private readonly store: ServerStore,
    private readonly capacity = 16_384,
  ) {}

  /** Makes `rkHex` available to the sync accessors below; resolves whether it exists. */
  async load(rkHex: string): Promise<boolean> {
    const hit = this.dirty.get(rkHex) ?? this.touch(rkHex);
    if (hit !== undefined) return hit !== null;
    const gen = this.generation;
    const rec = await this.store.getRecipient(rkHex);
    // An add() or a concurrent load may have filled the entry meanwhile: it wins.
    const now = this.dirty.get(rkHex) ?? this.touch(rkHex);
    if (now !== undefined) return now !== null;
    const entry = rec ? { name: rec.recipient_id, createdAt: rec.created_at, counters: { ...emptyCounters(), ...rec.counters } } : null;
    if (entry || gen === this.generation) this.remember(rkHex, entry);
    return entry !== null;
  }

  name(rkHex: string): string | undefined {
    return this.peek(rkHex)?.name;
  }

  createdAt(rkHex: string): number | undefined {
    return this.peek(rkHex)?.createdAt;
  }

  /** A newly created recipient (its record is already written). */
  add(rkHex: string, rec: RecipientRecord): void {
    this.generation++;
    this.remember(rkHex, { name: rec.recipient_id, createdAt: rec.created_at, counters: rec.counters });
  }

  /**
   * Changes a recipient's counters and marks it for the next flush. Returns the counters
   * (undefined only if the recipient was evicted meanwhile; the change then lands on reload).
   */
  bump(rkHex: string, change: (c: Counters) => void): Counters | undefined {
    const e = this.peek(rkHex);
    if (e) {
      this.apply(rkHex, e, change);
      return e.counters;
    }
    void this.load(rkHex).then((exists) => {
      const again = exists ? this.peek(rkHex) : undefined;
      if (again) this.apply(rkHex, again, change);
    });
    return undefined;
  }

  private apply(rkHex: string, e: Entry, change: (c: Counters) => void): void {
    change(e.counters);
    this.dirty.set(rkHex, e);
    this.versions.set(rkHex, (this.versions.get(rkHex) ?? 0) + 1);
  }

  get hasChanges(): boolean {
    return this.dirty.size > 0;
  }

  /** Ops writing every changed recipient (a snapshot); `done` unpins what a later bump did not change again. */
  flushOps(): { ops: StoreOp[]; done: () => void } {
    const taken = [...this.dirty].map(([rkHex, e]) => ({ rkHex, e, version: this.versions.get(rkHex) ?? 0 }));
    const ops = taken.map(({ rkHex, e }) =>
      this.store.putRecipientOp(fromHex(rkHex), { recipient_id: e.name, created_at: e.createdAt, counters: structuredClone(e.counters) }),
    );
    const done = () => {
      for (const { rkHex, e, version } of taken) {
        if ((this.versions.get(rkHex) ?? 0) !== version) continue;
        this.dirty.delete(rkHex);
        this.versions.delete(rkHex);
        if (!this.cache.has(rkHex)) this.remember(rkHex, e);
      }
    };
    return { ops, done };
  }

  /** Every recipient (or one), counters included, read from the store with unflushed changes on top. */
  async list(rkHex?: string): Promise<Array<{ recipient_id: string; counters: Counters }>> {
    const stored = rkHex === undefined ? await this.store.listRecipients() : await this.one(rkHex);
    return stored.map(({ rk, rec }) => {
      const live = this.dirty.get(rk) ?? this.cache.get(rk);
      return { recipient_id: rec.recipient_id, counters: live ? live.counters : { ...emptyCounters(), ...rec.counters } };
    });
  }

  private async one(rkHex: string): Promise<Array<{ rk: string; rec: RecipientRecord }>> {
    const rec = await this.store.getRecipient(rkHex);
    return rec ? [{ rk: rkHex, rec }] : [];
  }

  private peek(rkHex: string): Entry | undefined {
    return this.dirty.get(rkHex) ?? this.cache.get(rkHex) ?? undefined;
  }

  /** Looks up and refreshes recency. */
  private touch(rkHex: string): Entry | null | undefined {
    const e = this.cache.get(rkHex);
    if (e !== undefined) {
      this.cache.delete(rkHex);
      this.cache.set(rkHex, e);
    }
    return e;
  }

  private remember(rkHex: string, e: Entry | null): void {
    this.cache.delete(rkHex);
    this.cache.set(rkHex, e);
    while (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value!;
      this.cache.delete(oldest);
    }
  }
}

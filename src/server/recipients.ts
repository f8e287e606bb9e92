// The recipients a server knows: name, creation time, revocation and counters, kept in
// memory (authoritative) and flushed to the store. Counters are bumped on every
// message, so they are written at most once a second, not once per message.
import { fromHex, toHex } from '../codec/bytes.js';
import { emptyCounters, type Counters, type RecipientRecord, type ServerStore } from './server-store.js';
import type { StoreOp } from '../store/store.js';

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
  name: string;
  createdAt: number;
  revokedAt: number | null;
  counters: Counters;
}

export class RecipientBook {
  private readonly byKey = new Map<string, RecipientState>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ServerStore,
    private readonly log: ServerLog,
  ) {}

  /** At start: every recipient (a book that loads on demand would make this a no-op). */
  async loadAll(): Promise<void> {
    for (const { rk, rec } of await this.store.listRecipients()) {
      this.byKey.set(rk, { name: rec.recipient_id, createdAt: rec.created_at, revokedAt: rec.revoked_at ?? null, counters: { ...emptyCounters(), ...rec.counters } });
    }
  }

  /**
   * Makes `rkHex` available to the synchronous accessors below and says whether it
   * exists. Every entry point (message, RPC) calls it first, so the book could load
   * recipients on demand instead of all at start.
   */
  async load(rkHex: string): Promise<boolean> {
    return this.byKey.has(rkHex);
  }

  nameOf(rkHex: string): string | undefined {
    return this.byKey.get(rkHex)?.name;
  }

  revokedAt(rkHex: string): number | null {
    return this.byKey.get(rkHex)?.revokedAt ?? null;
  }

  /** Adds a recipient (in memory now; the returned op persists it). */
  add(rk: Uint8Array, name: string, now: number): StoreOp {
    const st: RecipientState = { name, createdAt: now, revokedAt: null, counters: emptyCounters() };
    this.byKey.set(toHex(rk), st);
    return this.store.putRecipientOp(rk, this.record(st));
  }

  /** Marks a recipient revoked (in memory now, so messages already queued are refused); the op persists it. */
  revoke(rk: Uint8Array, now: number): StoreOp | undefined {
    const st = this.byKey.get(toHex(rk));
    if (!st) return undefined;
    st.revokedAt = now;
    return this.store.putRecipientOp(rk, this.record(st));
  }

  /** The op writing a recipient's current record. */
  putOp(rk: Uint8Array): StoreOp {
    return this.store.putRecipientOp(rk, this.record(this.byKey.get(toHex(rk))!));
  }

  async list(only?: string): Promise<Array<{ recipient_id: string; counters: Counters; revoked_at?: number }>> {
    return [...this.byKey.entries()]
      .filter(([k]) => only === undefined || k === only)
      .map(([, st]) => ({ recipient_id: st.name, counters: st.counters, ...(st.revokedAt !== null ? { revoked_at: st.revokedAt } : {}) }));
  }

  reject(rkHex: string, reason: RejectReason, why: string): void {
    this.bump(rkHex, 'rejected', reason);
    this.log.debug(`rejected (${reason}) from ${this.nameOf(rkHex) ?? rkHex}: ${why}`);
  }

  bump(rkHex: string, field: keyof Counters, reason?: string): void {
    const st = this.byKey.get(rkHex);
    if (!st) return;
    const c = st.counters;
    if (field === 'rejected') c.rejected[reason!] = (c.rejected[reason!] ?? 0) + 1;
    else (c[field] as number)++;
    this.scheduleFlush();
  }

  private record(st: RecipientState): RecipientRecord {
    return { recipient_id: st.name, created_at: st.createdAt, counters: st.counters, ...(st.revokedAt !== null ? { revoked_at: st.revokedAt } : {}) };
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush().catch((e) => this.log.unusual(`cannot save server counters: ${(e as Error).message}`)), 1000);
    this.flushTimer.unref();
  }

  /** Writes every recipient record (also at shutdown). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.store.batch([...this.byKey.entries()].map(([k, st]) => this.store.putRecipientOp(fromHex(k), this.record(st))));
  }
}

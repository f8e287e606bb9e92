// The server's persistent state in LevelDB: one record per (recipient, slot) holding
// the static invoice, its forward path and confirmation path; one record per
// recipient with its name and counters; and the offer paths issued per slot, so an
// invoice is only accepted for an offer built from paths we handed to that slot.
import { toHex } from '../codec/bytes.js';
import type { Store, StoreOp, Json } from '../store/store.js';
import { hexFieldsCodec } from '../store/hex-fields-codec.js';

export type InvoiceStatus = 'pending' | 'confirmed';

export interface InvoiceRecord {
  [k: string]: Json | undefined;
  recipient_id: string;
  invoice_slot: number;
  status: InvoiceStatus;
  invoice: string; // hex
  forward_invoice_request_path: string; // hex blinded path
  /** Where static_invoice_persisted goes (R's reply path of serve_static_invoice). */
  persisted_reply_path: string | null;
  offer_id: string;
  created_at: number;
  /** When the invoice expires (created_at + relative expiry). */
  expires_at: number;
  /** The offer's own absolute expiry, 0 when it has none. */
  offer_expires_at: number;
  stored_at: number;
  bytes: number;
}

export interface Counters {
  [k: string]: Json | undefined;
  served: number;
  forwarded: number;
  offer_paths_issued: number;
  invoices_stored: number;
  rejected: Record<string, number>;
}

export interface RecipientRecord {
  [k: string]: Json | undefined;
  recipient_id: string;
  created_at: number;
  counters: Counters;
  /** Set by asyncrecipient-revoke: every later message of this recipient is refused. */
  revoked_at?: number | null;
}

const INV = 'server-invoices';
/** Invoice records keep their hex fields as bytes on disk (half the size of hex in JSON). */
const INVOICE_CODEC = hexFieldsCodec<InvoiceRecord>('asyncpay-invoice-record', ['invoice', 'forward_invoice_request_path', 'persisted_reply_path', 'offer_id']);
const RCPT = 'server-recipients';
const ISSUED = 'server-issued-paths';
/** Offer path sets remembered per slot (R builds from whichever reply it processes first). */
export const ISSUED_PER_SLOT = 64;

const slotKey = (rk: Uint8Array, slot: number) => `${toHex(rk)}:${String(slot).padStart(5, '0')}`;

export function emptyCounters(): Counters {
  return { served: 0, forwarded: 0, offer_paths_issued: 0, invoices_stored: 0, rejected: {} };
}

export class ServerStore {
  /**
   * Invoice records read on every served invoice_request, cached. Every write goes
   * through the ops below, which keep the cache in step (after the batch succeeds).
   */
  private readonly cache = new Map<string, InvoiceRecord | undefined>();
  private static readonly CACHE_MAX = 4096;
  /** Bumped by every write, so a read that raced a write does not cache what it saw. */
  private generation = 0;
  private writesInFlight = 0;

  constructor(private readonly store: Store) {
    store.useCodec(INV, INVOICE_CODEC);
  }

  async listRecipients(): Promise<Array<{ rk: string; rec: RecipientRecord }>> {
    return (await this.store.list<RecipientRecord>(RCPT)).map((e) => ({ rk: e.key, rec: e.value }));
  }

  /** One recipient's record (RecipientBook loads recipients on demand). */
  async getRecipient(rkHex: string): Promise<RecipientRecord | undefined> {
    return this.store.get<RecipientRecord>(RCPT, rkHex);
  }

  putRecipientOp(rk: Uint8Array, rec: RecipientRecord): StoreOp {
    return { type: 'put', space: RCPT, key: toHex(rk), value: rec };
  }

  async getInvoice(rk: Uint8Array, slot: number): Promise<InvoiceRecord | undefined> {
    const key = slotKey(rk, slot);
    if (this.cache.has(key)) return clone(this.cache.get(key));
    const gen = this.generation;
    const rec = await this.store.get<InvoiceRecord>(INV, key);
    if (gen === this.generation && this.writesInFlight === 0) this.remember(key, rec);
    return clone(rec);
  }

  private remember(key: string, rec: InvoiceRecord | undefined): void {
    if (this.cache.size >= ServerStore.CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, rec);
  }

  async listInvoices(rk?: Uint8Array): Promise<InvoiceRecord[]> {
    return (await this.store.list<InvoiceRecord>(INV, rk ? `${toHex(rk)}:` : '')).map((e) => e.value);
  }

  putInvoiceOp(rk: Uint8Array, rec: InvoiceRecord): StoreOp {
    return { type: 'put', space: INV, key: slotKey(rk, rec.invoice_slot), value: rec };
  }

  delInvoiceOp(rk: Uint8Array, slot: number): StoreOp {
    return { type: 'del', space: INV, key: slotKey(rk, slot) };
  }

  async isIssued(rk: Uint8Array, slot: number, pathHash: string, now: number): Promise<boolean> {
    const e = await this.store.get<{ expires_at: number }>(ISSUED, `${slotKey(rk, slot)}:${pathHash}`);
    return e !== undefined && (e.expires_at === 0 || now <= e.expires_at);
  }

  /** Ops recording a newly issued offer path, dropping the oldest beyond ISSUED_PER_SLOT. */
  async issueOps(rk: Uint8Array, slot: number, pathHash: string, issuedAt: number, expiresAt: number): Promise<StoreOp[]> {
    const prefix = `${slotKey(rk, slot)}:`;
    const existing = await this.store.list<{ expires_at: number; issued_at: number }>(ISSUED, prefix);
    const ops: StoreOp[] = [{ type: 'put', space: ISSUED, key: prefix + pathHash, value: { expires_at: expiresAt, issued_at: issuedAt } }];
    const excess = existing.length + 1 - ISSUED_PER_SLOT;
    if (excess > 0) {
      const oldest = existing.sort((a, b) => a.value.issued_at - b.value.issued_at).slice(0, excess);
      for (const o of oldest) ops.push({ type: 'del', space: ISSUED, key: o.key });
    }
    return ops;
  }

  async batch(ops: StoreOp[]): Promise<void> {
    // Writes invalidate cached records whatever the outcome: a failed batch must not
    // leave the cache ahead of (or behind) the database.
    this.generation++;
    this.writesInFlight++;
    for (const op of ops) if (op.space === INV) this.cache.delete(op.key);
    try {
      await this.store.batch(ops);
    } finally {
      this.writesInFlight--;
      this.generation++;
    }
  }
}

/**
 * Callers mutate records they read (status changes); the cache keeps its own copy. An
 * InvoiceRecord holds only strings, numbers and null, so a shallow copy is a full one
 * (and far cheaper than structuredClone on every served request).
 */
function clone(v: InvoiceRecord | undefined): InvoiceRecord | undefined {
  return v === undefined ? v : { ...v };
}

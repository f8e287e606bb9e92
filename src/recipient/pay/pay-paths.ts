// The payment paths of our static invoices, by the bytes of their final hop's
// encrypted_recipient_data: a payer copies those bytes into TLV 10 of the final
// payload, so they identify our payments even on a replay after a restart, which
// carries no path key to decrypt them with (payments.md §2). Bounded: per slot only
// the newest invoices' paths are kept, and expired ones are pruned.
import { toHex } from '../../codec/bytes.js';
import { sha256 } from '../../crypto/hash.js';
import type { StoreOp } from '../../store/store.js';
import type { FinalHopInfo } from '../payment-paths.js';
import type { OurPathInfo } from './checks.js';
import type { PaymentsStore, PayPathRecord } from './payments-store.js';

/** Paths kept per slot: the payment paths of this many recent invoices (3 paths each). */
export const MAX_PATHS_PER_SLOT = 3 * 32;
/** A static invoice's payment may come a while after the invoice expired (held HTLC released late). */
export const PAY_PATH_GRACE = 2 * 3600;

const keyOf = (encryptedData: Uint8Array) => toHex(sha256(encryptedData));

export class PayPaths {
  private readonly byKey = new Map<string, PayPathRecord>();

  constructor(private readonly db: PaymentsStore) {}

  async load(): Promise<void> {
    for (const { key, value } of await this.db.listPaths()) this.byKey.set(key, value);
  }

  get size(): number {
    return this.byKey.size;
  }

  lookup(encryptedData: Uint8Array): OurPathInfo | undefined {
    const r = this.byKey.get(keyOf(encryptedData));
    if (!r) return undefined;
    return {
      offerId: r.offer_id,
      slot: r.slot,
      maxCltvExpiry: r.max_cltv_expiry,
      htlcMinimumMsat: BigInt(r.htlc_minimum_msat),
      minFinalCltvDelta: r.min_final_cltv_delta,
    };
  }

  /** Records the paths of a new invoice (and drops the slot's oldest beyond the bound). */
  async register(offerId: string, slot: number, paths: readonly FinalHopInfo[], createdAt: number, expiresAt: number): Promise<void> {
    const added = paths.map((p) => ({
      key: keyOf(p.encryptedData),
      value: {
        offer_id: offerId,
        slot,
        max_cltv_expiry: p.maxCltvExpiry,
        htlc_minimum_msat: p.htlcMinimumMsat.toString(),
        min_final_cltv_delta: p.minFinalCltvDelta,
        created_at: createdAt,
        expires_at: expiresAt + PAY_PATH_GRACE,
      } satisfies PayPathRecord,
    }));
    const inSlot = [...this.byKey].filter(([, v]) => v.slot === slot).sort((a, b) => a[1].created_at - b[1].created_at);
    const evict = inSlot.slice(0, Math.max(0, inSlot.length + added.length - MAX_PATHS_PER_SLOT)).map(([k]) => k);
    const ops: StoreOp[] = [...evict.map((k) => this.db.delPathOp(k)), ...added.map((a) => this.db.putPathOp(a.key, a.value))];
    await this.db.batch(ops);
    for (const k of evict) this.byKey.delete(k);
    for (const a of added) this.byKey.set(a.key, a.value);
  }

  /** Drops expired paths. */
  async prune(now: number): Promise<number> {
    const gone = [...this.byKey].filter(([, v]) => v.expires_at < now).map(([k]) => k);
    await this.db.batch(gone.map((k) => this.db.delPathOp(k)));
    for (const k of gone) this.byKey.delete(k);
    return gone.length;
  }
}

// The recipient's payment records in LevelDB: one record per payment_hash (space
// `payments`), the final-hop data of the payment paths we wrote into static invoices
// (space `payment-paths`, how we recognise our HTLCs, replays included), and the
// counters shown by `asyncreceive-status`. Claims are written in one atomic batch
// before the hook is answered.
import type { InvoiceRequest } from '../../bolt12/invoice-request.js';
import { toHex } from '../../codec/bytes.js';
import type { Json, Store, StoreOp } from '../../store/store.js';

export type PaymentKind = 'static' | 'invoice';
/** held: parts waiting for the rest; pending: a fresh invoice sent, unpaid; paid; failed. */
export type PaymentStatus = 'held' | 'pending' | 'paid' | 'failed';

export interface PaymentRecord {
  [k: string]: Json | undefined;
  payment_hash: string;
  kind: PaymentKind;
  offer_id: string;
  invoice_slot: number;
  /** What the payer asked to pay (invreq amount), msat, decimal string. */
  amount_msat: string;
  /** Sum of the claimed parts (paid), decimal string. */
  received_msat: string | null;
  parts: number;
  /** `<scid>/<htlc id>` of the parts we resolved: their replays are resolved again. */
  htlcs: string[];
  payer_note: string | null;
  payer_id: string | null;
  status: PaymentStatus;
  failure_reason: string | null;
  created_at: number;
  updated_at: number;
  paid_at: number | null;
  /** Hex; kept so a replayed HTLC can still be settled. */
  preimage: string | null;
  /** Fresh invoices: the createinvoice label and the invoice's expiry. */
  label: string | null;
  expires_at: number | null;
  /** asyncpay_payment_received sent (a claim replayed after a crash before it is announced then). */
  announced?: boolean;
}

/**
 * A payment nothing has been received for yet, from the checked invoice_request it pays:
 * the first record of a fresh invoice (pending) and of a static invoice's held parts.
 */
export function unpaidRecord(f: {
  payment_hash: string;
  kind: PaymentKind;
  offer_id: string;
  invoice_slot: number;
  need: bigint;
  invreq: Pick<InvoiceRequest, 'payerNote' | 'payerId'>;
  status: 'held' | 'pending';
  created_at: number;
  updated_at: number;
  preimage: string | null;
  label: string | null;
  expires_at: number | null;
}): PaymentRecord {
  return {
    payment_hash: f.payment_hash,
    kind: f.kind,
    offer_id: f.offer_id,
    invoice_slot: f.invoice_slot,
    amount_msat: f.need.toString(),
    received_msat: null,
    parts: 0,
    htlcs: [],
    payer_note: f.invreq.payerNote ?? null,
    payer_id: toHex(f.invreq.payerId),
    status: f.status,
    failure_reason: null,
    created_at: f.created_at,
    updated_at: f.updated_at,
    paid_at: null,
    preimage: f.preimage,
    label: f.label,
    expires_at: f.expires_at,
  };
}

/** Where a static invoice's payment path leads: what our final hop allowed. */
export interface PayPathRecord {
  [k: string]: Json | undefined;
  offer_id: string;
  slot: number;
  max_cltv_expiry: number;
  htlc_minimum_msat: string;
  min_final_cltv_delta: number;
  created_at: number;
  /** After this the invoice is gone (plus grace): the record may be pruned. */
  expires_at: number;
}

export interface PaymentCounters {
  [k: string]: Json | undefined;
  releases_sent: number;
  payments_received: number;
  received_msat: string;
  fresh_invoices_sent: number;
  failures: { [reason: string]: number };
}

export const emptyCounters = (): PaymentCounters => ({ releases_sent: 0, payments_received: 0, received_msat: '0', fresh_invoices_sent: 0, failures: {} });

const PAYMENTS = 'payments';
const PATHS = 'payment-paths';
const META = 'payments-meta';
const COUNTERS = 'counters';
const TIP = 'tip';

export class PaymentsStore {
  constructor(private readonly store: Store) {}

  get(hash: string): Promise<PaymentRecord | undefined> {
    return this.store.get<PaymentRecord>(PAYMENTS, hash);
  }

  async list(): Promise<PaymentRecord[]> {
    return (await this.store.list<PaymentRecord>(PAYMENTS)).map((e) => e.value);
  }

  putOp(r: PaymentRecord): StoreOp {
    return { type: 'put', space: PAYMENTS, key: r.payment_hash, value: r };
  }

  delOp(hash: string): StoreOp {
    return { type: 'del', space: PAYMENTS, key: hash };
  }

  async listPaths(): Promise<Array<{ key: string; value: PayPathRecord }>> {
    return this.store.list<PayPathRecord>(PATHS);
  }

  putPathOp(key: string, r: PayPathRecord): StoreOp {
    return { type: 'put', space: PATHS, key, value: r };
  }

  delPathOp(key: string): StoreOp {
    return { type: 'del', space: PATHS, key };
  }

  async counters(): Promise<PaymentCounters> {
    return { ...emptyCounters(), ...((await this.store.get<PaymentCounters>(META, COUNTERS)) ?? {}) };
  }

  countersOp(c: PaymentCounters): StoreOp {
    return { type: 'put', space: META, key: COUNTERS, value: c };
  }

  /** The highest block height seen (getinfo may say 0 right after a lightningd restart). */
  async lastTip(): Promise<number> {
    const v = await this.store.get<number>(META, TIP);
    return typeof v === 'number' ? v : 0;
  }

  tipOp(height: number): StoreOp {
    return { type: 'put', space: META, key: TIP, value: height };
  }

  batch(ops: readonly StoreOp[]): Promise<void> {
    return this.store.batch(ops);
  }
}

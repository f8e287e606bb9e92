// What the payment parts of the recipient share: dependencies, the store, the
// counters and one serial queue, so every read-check-write on payment records runs
// in turn (two parts of one payment never both decide to claim).
import type { Json, Store, StoreOp } from '../../store/store.js';
import type { Transport } from '../../transport/transport.js';
import type { ChainHash } from '../../bolt12/values.js';
import { Serial } from '../serial.js';
import type { FailReason } from './failure.js';
import { emptyCounters, PaymentsStore, type PaymentCounters, type PaymentRecord } from './payments-store.js';

/** An offer this node holds (a cache slot's offer), as the payment code needs it. */
export interface HeldOffer {
  readonly slot: number;
  readonly offerId: string;
  /** Offer TLV bytes, hex. */
  readonly offer: string;
  /** The nonce its signing key derives from, hex. */
  readonly nonce: string;
}

export interface OfferLookup {
  byOfferId(offerId: string): HeldOffer | undefined;
}

export interface PayLog {
  debug(m: string): void;
  info(m: string): void;
  unusual(m: string): void;
}

export interface PayDeps {
  readonly transport: Transport;
  readonly store: Store;
  readonly rpc: { call<T = any>(method: string, params?: Record<string, unknown>): Promise<T> };
  readonly log: PayLog;
  readonly now: () => number;
  readonly notify: (topic: string, payload: Json) => void;
  readonly offers: OfferLookup;
}

export class PayState {
  readonly db: PaymentsStore;
  readonly serial = new Serial();
  counters: PaymentCounters = emptyCounters();
  chain: ChainHash | undefined;
  private lastTip = 0;

  constructor(readonly d: PayDeps) {
    this.db = new PaymentsStore(d.store);
  }

  async load(): Promise<void> {
    this.counters = await this.db.counters();
    this.lastTip = await this.db.lastTip();
  }

  /** Counts a failure; the returned op persists the counters (put it in the same batch). */
  failureOp(reason: FailReason | string): StoreOp {
    this.counters.failures[reason] = (this.counters.failures[reason] ?? 0) + 1;
    return this.db.countersOp(this.counters);
  }

  countersOp(): StoreOp {
    return this.db.countersOp(this.counters);
  }

  /**
   * Current block height: lightningd's `getinfo`, never an HTLC's cltv_expiry_relative
   * (wrong on replays), and never below the highest height seen before (right after a
   * restart lightningd may report 0 until it has synced).
   */
  async tip(): Promise<number> {
    const info = await this.d.rpc.call<{ blockheight?: number }>('getinfo');
    const h = Number(info.blockheight ?? 0);
    if (Number.isSafeInteger(h) && h > this.lastTip) {
      this.lastTip = h;
      await this.db.batch([this.db.tipOp(h)]);
    }
    return this.lastTip;
  }

  /**
   * Tells subscribers a payment arrived, then notes that it did: a crash in between
   * means one more notification after the restart, never none. Inside the serial.
   */
  async announcePaid(r: PaymentRecord): Promise<void> {
    this.d.log.info(
      `received ${r.received_msat} msat for async offer ${r.offer_id} (slot ${r.invoice_slot}, ${r.kind === 'static' ? 'static invoice' : 'fresh invoice'}, ${r.parts} part(s)), payment_hash ${r.payment_hash}`,
    );
    this.d.notify('asyncpay_payment_received', {
      payment_hash: r.payment_hash,
      amount_msat: msatJson(r.received_msat ?? r.amount_msat),
      offer_id: r.offer_id,
      invoice_slot: r.invoice_slot,
      kind: r.kind,
      payer_note: r.payer_note,
    });
    await this.db.batch([this.db.putOp({ ...r, announced: true })]);
  }

  /** Adds a paid payment to the counters (the caller writes countersOp in its batch). */
  countPaid(received: bigint): void {
    this.counters.payments_received++;
    this.counters.received_msat = (BigInt(this.counters.received_msat) + received).toString();
  }
}

/** msat for JSON output: a number while exact, else the decimal string. */
export function msatJson(v: string | bigint): number | string {
  const b = BigInt(v);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
}

// The recipient getting paid: the one object the role and the entry point talk to.
// It owns the payment records, the registry of our static invoices' payment paths,
// the HTLC claims, releases and fresh invoices, and the timers that fail MPP sets
// and prune old paths.
import { JSONRPC_INVALID_PARAMS, RpcError } from '../../cln/errors.js';
import type { BlindedPath } from '../../onion/types.js';
import type { StoreOp } from '../../store/store.js';
import { chainHashOf } from '../chain.js';
import type { MadeInvoice } from '../invoice-maker.js';
import type { InvreqVerdict } from './checks.js';
import { msatJson, PayState, type HeldOffer, type PayDeps } from './context.js';
import { FreshInvoices } from './fresh-invoices.js';
import { HtlcClaims, type HookAnswer } from './htlc-claims.js';
import { PayPaths } from './pay-paths.js';
import type { PaymentRecord } from './payments-store.js';
import { RateBound } from './rate.js';
import { releaseHeldHtlc } from './release.js';

/** Fresh invoices one offer may mint per minute (each is signed, stored, registered, sent). */
export const FRESH_INVOICES_PER_MINUTE = 10;
/** release_held_htlc messages per offer per minute. */
export const RELEASES_PER_MINUTE = 60;
const SWEEP_MS = 1000;
const PRUNE_EVERY_SECS = 3600;
/** Failed payment records kept (newest first); older ones are deleted. */
export const MAX_FAILED_RECORDS = 1000;
/** A `held` record with no part held any more (the HTLCs went away while we were down) is failed after this. */
const STALE_HELD_SECS = 24 * 3600;
/** A fresh invoice unpaid this long after its expiry is failed as expired. */
const EXPIRED_GRACE_SECS = 3600;

export interface PaymentsOptions {
  readonly mppTimeoutSecs?: number;
  readonly stallAfterClaim?: boolean;
}

/** Dev knobs, like ASYNCPAY_DEV_TICK_MS: never set them on a real node. */
export function paymentsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentsOptions {
  const t = Number(env.ASYNCPAY_DEV_MPP_TIMEOUT_SECS);
  return {
    ...(Number.isInteger(t) && t > 0 ? { mppTimeoutSecs: t } : {}),
    ...(env.ASYNCPAY_DEV_STALL_AFTER_CLAIM === '1' ? { stallAfterClaim: true } : {}),
  };
}

export class RecipientPayments {
  private readonly s: PayState;
  private readonly paths: PayPaths;
  private readonly claims: HtlcClaims;
  private readonly fresh: FreshInvoices;
  private readonly releases = new RateBound(RELEASES_PER_MINUTE, 60);
  /** Runs every SWEEP_MS while MPP parts are held, and not at all otherwise (issue 16: idle CPU). */
  private sweepTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(d: PayDeps, opts: PaymentsOptions = paymentsOptionsFromEnv()) {
    this.s = new PayState(d);
    this.paths = new PayPaths(this.s.db);
    this.claims = new HtlcClaims(this.s, this.paths, opts, () => this.armSweep());
    this.fresh = new FreshInvoices(this.s, new RateBound(FRESH_INVOICES_PER_MINUTE, 60));
  }

  async start(): Promise<void> {
    await this.s.load();
    await this.paths.load();
    const info = await this.s.d.rpc.call<{ network?: string }>('getinfo');
    try {
      this.s.chain = chainHashOf(String(info.network));
    } catch (e) {
      this.s.d.log.unusual(`payments: ${(e as Error).message}; static-invoice payments will be failed`);
    }
    await this.fresh.start(await this.s.db.list());
    // The first prune soon after start (what expired or went stale while we were down), then hourly.
    this.schedulePrune(SWEEP_MS);
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.pruneTimer);
    this.sweepTimer = this.pruneTimer = undefined;
    return this.s.serial.run(async () => {});
  }

  /** A part is held: MPP timeouts and the CLTV margin are checked every SWEEP_MS until no set is left. */
  private armSweep(): void {
    if (this.stopped || this.sweepTimer) return;
    this.sweepTimer = setTimeout(() => {
      void this.s.serial
        .run(() => this.claims.sweep())
        .catch((e) => this.s.d.log.unusual(`payments timer: ${(e as Error).message}`))
        .finally(() => {
          this.sweepTimer = undefined;
          if (this.claims.holdsAny()) this.armSweep();
        });
    }, SWEEP_MS);
    this.sweepTimer.unref?.();
  }

  private schedulePrune(ms: number): void {
    if (this.stopped) return;
    this.pruneTimer = setTimeout(() => {
      void this.s.serial
        .run(async () => {
          const now = this.s.d.now();
          const n = await this.paths.prune(now);
          if (n) this.s.d.log.debug(`pruned ${n} expired static invoice payment path(s)`);
          await this.pruneRecords(now);
        })
        .catch((e) => this.s.d.log.unusual(`payments prune: ${(e as Error).message}`))
        .finally(() => this.schedulePrune(PRUNE_EVERY_SECS * 1000));
    }, ms);
    this.pruneTimer.unref?.();
  }

  /** Bounds the payments space: expired fresh invoices and stale held sets fail; old failures go. */
  private async pruneRecords(now: number): Promise<void> {
    const all = await this.s.db.list();
    const ops: StoreOp[] = [];
    for (const r of all) {
      const expired = r.status === 'pending' && r.expires_at !== null && r.expires_at + EXPIRED_GRACE_SECS < now;
      const stale = r.status === 'held' && !this.claims.holds(r.payment_hash) && r.updated_at + STALE_HELD_SECS < now;
      if (expired || stale) {
        r.status = 'failed';
        r.failure_reason = expired ? 'expired' : 'abandoned';
        r.updated_at = now;
        ops.push(this.s.db.putOp(r));
      }
    }
    const failed = all.filter((r) => r.status === 'failed').sort((a, b) => b.updated_at - a.updated_at);
    for (const r of failed.slice(MAX_FAILED_RECORDS)) ops.push(this.s.db.delOp(r.payment_hash));
    await this.s.db.batch(ops);
    this.fresh.recount(all);
    if (ops.length) this.s.d.log.debug(`payments: ${ops.length} record(s) expired, abandoned or pruned`);
  }

  // ---------------------------------------------------------------- events

  onHtlcAccepted(payload: unknown): Promise<HookAnswer> {
    return this.claims.onHtlcAccepted(payload);
  }

  onHeldHtlc(offer: HeldOffer | undefined, slot: number, replyPath: BlindedPath | undefined): Promise<void> {
    return releaseHeldHtlc(this.s, this.releases, offer, slot, replyPath);
  }

  /** A forwarded invoice_request: is it a valid request for `offer`? */
  checkForwardedInvreq(offer: HeldOffer, bytes: Uint8Array): Promise<InvreqVerdict> {
    return this.fresh.check(offer, bytes);
  }

  /** Answers a checked request with a fresh invoice over the payer's reply path. */
  answerForwardedInvreq(offer: HeldOffer, v: Extract<InvreqVerdict, { ok: true }>, replyPath: BlindedPath | undefined): Promise<void> {
    return this.fresh.mint(offer, v, replyPath);
  }

  onInvoicePayment(payload: unknown): Promise<void> {
    return this.fresh.onInvoicePayment(payload);
  }

  /** Our static invoice's payment paths, recorded before the invoice leaves this node. */
  registerInvoicePaths(offerId: string, slot: number, made: Pick<MadeInvoice, 'payPaths' | 'createdAt' | 'expiresAt'>): Promise<void> {
    return this.s.serial.run(() => this.paths.register(offerId, slot, made.payPaths, made.createdAt, made.expiresAt));
  }

  // ---------------------------------------------------------------- RPC

  /** `asyncreceive-listpayments [payment_hash] [offer_id]` */
  listPayments(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const hash = optHex(params.payment_hash, 'payment_hash');
    const offerId = optHex(params.offer_id, 'offer_id');
    return this.s.serial.run(async () => {
      const all = hash ? [await this.s.db.get(hash)].filter((r): r is PaymentRecord => r !== undefined) : await this.s.db.list();
      const out = all.filter((r) => !offerId || r.offer_id === offerId).sort((a, b) => a.created_at - b.created_at);
      return { payments: out.map(paymentView) };
    });
  }

  /** The payment part of `asyncreceive-status`. */
  status(): Record<string, unknown> {
    const c = this.s.counters;
    return {
      releases_sent: c.releases_sent,
      payments_received: c.payments_received,
      received_msat: msatJson(c.received_msat),
      fresh_invoices_sent: c.fresh_invoices_sent,
      failures: { ...c.failures },
      held_htlcs: this.claims.heldParts,
      payment_paths_known: this.paths.size,
    };
  }
}

function optHex(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{64}$/.test(v)) throw new RpcError(JSONRPC_INVALID_PARAMS, `${name} must be 32 bytes of hex`);
  return v.toLowerCase();
}

function paymentView(r: PaymentRecord): Record<string, unknown> {
  return {
    payment_hash: r.payment_hash,
    kind: r.kind,
    status: r.status,
    offer_id: r.offer_id,
    invoice_slot: r.invoice_slot,
    amount_msat: msatJson(r.amount_msat),
    ...(r.received_msat !== null ? { received_msat: msatJson(r.received_msat) } : {}),
    parts: r.parts,
    payer_note: r.payer_note,
    payer_id: r.payer_id,
    ...(r.failure_reason ? { failure_reason: r.failure_reason } : {}),
    ...(r.label ? { label: r.label } : {}),
    ...(r.expires_at !== null ? { expires_at: r.expires_at } : {}),
    created_at: r.created_at,
    updated_at: r.updated_at,
    ...(r.paid_at !== null ? { paid_at: r.paid_at } : {}),
    ...(r.status === 'paid' && r.preimage ? { payment_preimage: r.preimage } : {}),
  };
}

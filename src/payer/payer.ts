// The payer role (P): `asyncpay` pays any BOLT 12 offer. Receive → decide → act: the
// decisions are the pure on-*.ts modules; this class does the I/O around them (store,
// transport, lightningd's payer), runs every state change in turn (Serial), persists
// each as one batch before acting on it, and continues pending payments at start.
import { fromHex, toHex } from '../codec/bytes.js';
import { randomBytes } from '../crypto/secp.js';
import { decodeInvoiceRequest, type InvoiceRequest } from '../bolt12/invoice-request.js';
import { offerIdOf } from '../bolt12/offer-id.js';
import { decodeStaticInvoice } from '../bolt12/static-invoice.js';
import { JSONRPC_INVALID_PARAMS, RpcError } from '../cln/errors.js';
import { Serial } from '../recipient/serial.js';
import type { Store } from '../store/store.js';
import type { Inbound, Transport } from '../transport/transport.js';
import type { RpcLike } from '../transport/secrets.js';
import type { Decision } from './decision.js';
import { sendHeldHtlcAvailable } from './held-htlc.js';
import { decideOnInvoice } from './on-invoice.js';
import { decideOnInvoiceError } from './on-invoice-error.js';
import { decideOnPayResult, decidePayInvoice, type PayResult } from './on-pay-result.js';
import { decideOnRelease } from './on-release.js';
import { decideHeldHtlcSent, decideOnStaticInvoice } from './on-static-invoice.js';
import { decideOnTimer, nextPathAt, timerDue } from './on-timer.js';
import { parseAsyncpayParams, parsePaymentRef, parseWaitTimeout } from './params.js';
import { payInvoice } from './pay-invoice.js';
import { PayerStore } from './payer-store.js';
import { amountOf, buildPayerRequest, RequestRefused } from './request.js';
import { requestDestinations, sendInvoiceRequest } from './send-request.js';
import { DEFAULT_RELEASE_TIMEOUT, FRESH_INVOICE_GRACE_SECS, isFinal, MIN_INVOICE_WAIT_SECS, PATH_RETRY_SECS, type PaymentRecord } from './types.js';
import { paymentView } from './view.js';
import type { ChainHash } from '../bolt12/values.js';
import { parseOffer } from '../bolt12/offer.js';

export const ERR_CANNOT_PAY = 1940;
export const ERR_PAYMENT_FAILED = 1941;
export const ERR_UNKNOWN_PAYMENT = 1942;
export const ERR_TOO_MANY = 1943;
/** lightningd's PAY_IN_PROGRESS, which waitsendpay answers on timeout. */
export const ERR_WAIT_TIMEOUT = 200;
/** Longest single wait of the tick (a day); it re-arms itself. */
const MAX_TIMER_MS = 86_400_000;

/** Pays a static invoice's payment once released (sendonion + waitsendpay), or finds the earlier attempt. */
export type StaticPayFn = (rec: PaymentRecord) => Promise<PayResult>;

export interface PayerDeps {
  transport: Transport;
  store: Store;
  rpc: RpcLike;
  log: { debug(m: string): void; info(m: string): void; unusual(m: string): void };
  now: () => number;
  notify: (topic: string, payload: Record<string, unknown>) => void;
  /** Our chain (BOLT 12 internal byte order). */
  chain: ChainHash;
  payStatic: StaticPayFn;
  releaseTimeout?: number;
  /** How often deadlines and path retries are checked. */
  tickMs?: number;
  /** Seconds a static invoice waits for a fresh invoice before held_htlc_available goes out. */
  freshInvoiceGrace?: number;
  /** Most payments in progress at once (each one can make us send messages). */
  maxPending?: number;
}

export class Payer {
  private readonly db: PayerStore;
  private readonly serial = new Serial();
  /** Payments not final yet, by id (final ones only live in the store). */
  private readonly pending = new Map<string, PaymentRecord>();
  private readonly requests = new Map<string, InvoiceRequest>();
  /** Payments whose payment is running in this process (never two at once). */
  private readonly running = new Set<string>();
  private readonly waiters = new Map<string, Set<(r: PaymentRecord) => void>>();
  private timer: NodeJS.Timeout | undefined;
  /** When the armed tick fires (ms since the epoch). */
  private timerAt = 0;
  private stopped = false;
  private readonly releaseTimeout: number;
  private readonly crashAfter = process.env.ASYNCPAY_DEV_PAYER_CRASH_AFTER;
  private readonly freshGrace: number;

  constructor(private readonly d: PayerDeps) {
    this.db = new PayerStore(d.store);
    this.releaseTimeout = d.releaseTimeout ?? DEFAULT_RELEASE_TIMEOUT;
    this.freshGrace = d.freshInvoiceGrace ?? FRESH_INVOICE_GRACE_SECS;
  }

  // ------------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    for (const r of await this.db.list()) if (!isFinal(r.state)) this.pending.set(r.payment_id, r);
    if (this.pending.size) this.d.log.info(`async payer: resuming ${this.pending.size} payment(s)`);
    for (const r of [...this.pending.values()]) void this.job(`resuming ${r.payment_id}`, () => this.drive(r));
    this.armTimer();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.armTimer();
    await this.serial.run(async () => {});
  }

  /**
   * Arms the tick for the earliest pending payment that needs it (timerDue): an idle
   * payer, or one only waiting days for a release, does not wake every second (issue 16).
   * Called after every change of `pending` and after each tick; an armed tick that is
   * due sooner is kept, so a busy payer cannot push its deadlines back.
   */
  private armTimer(): void {
    if (this.stopped) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    let at = Infinity;
    for (const r of this.pending.values()) {
      const due = timerDue(r);
      if (due === 'every_tick') at = -Infinity;
      else if (due !== undefined) at = Math.min(at, due);
    }
    if (at === Infinity) return;
    const tickMs = this.d.tickMs ?? 1000;
    const fireAt = Date.now() + Math.min(MAX_TIMER_MS, Math.max(tickMs, (at - this.d.now()) * 1000));
    if (this.timer && this.timerAt <= fireAt) return;
    clearTimeout(this.timer);
    this.timerAt = fireAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.job('timer', () => this.tick()).finally(() => this.armTimer());
    }, fireAt - Date.now());
  }

  private job<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
    return this.serial.run(f).catch((e) => {
      this.d.log.unusual(`async payer: ${what} failed: ${(e as Error).stack ?? String(e)}`);
      return undefined;
    });
  }

  private invreqOf(rec: PaymentRecord): InvoiceRequest {
    let r = this.requests.get(rec.payment_id);
    if (!r) {
      r = decodeInvoiceRequest(fromHex(rec.invreq));
      this.requests.set(rec.payment_id, r);
    }
    return r;
  }

  // ------------------------------------------------------------------ state changes

  /** Persists a decision (one batch), then acts on the new state. */
  private async apply(d: Decision): Promise<PaymentRecord | undefined> {
    if (d.kind === 'ignore') {
      this.d.log.debug(`async payer ignored ${d.reason}`);
      return undefined;
    }
    const rec = d.record;
    await this.db.save(rec);
    if (this.crashAfter === rec.state) {
      // Dev only (like lightningd's dev options): die the hard way right after this
      // state is stored, so tests can restart the plugin in each state.
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => {});
    }
    const before = this.pending.get(rec.payment_id)?.state;
    if (isFinal(rec.state)) {
      this.pending.delete(rec.payment_id);
      this.requests.delete(rec.payment_id);
    } else this.pending.set(rec.payment_id, rec);
    this.armTimer();
    this.d.log.info(`async payment ${rec.payment_id}: ${before ?? 'new'} -> ${rec.state}${rec.failure ? ` (${rec.failure})` : ''}`);
    if (rec.state === 'complete') this.d.notify('asyncpay_payment_sent', paymentView(rec));
    if (rec.state === 'failed') this.d.notify('asyncpay_payment_failed', paymentView(rec));
    for (const w of this.waiters.get(rec.payment_id) ?? []) w(rec);
    await this.drive(rec);
    return rec;
  }

  /** Does what a state calls for. Runs inside the serial; long payments run beside it. */
  private async drive(rec: PaymentRecord): Promise<void> {
    switch (rec.state) {
      case 'requested':
        return this.sendDueRequests(rec);
      case 'invoice':
        await this.apply(decidePayInvoice(rec, this.d.now()));
        return;
      case 'static_invoice': {
        // A fresh invoice may still come (recipient online): the tick sends once the grace is over.
        if (this.d.now() < rec.updated_at + this.freshGrace) return;
        const inv = decodeStaticInvoice(fromHex(rec.invoice!));
        const r = await sendHeldHtlcAvailable(this.d.transport, rec, inv);
        for (const e of r.errors) this.d.log.unusual(`async payment ${rec.payment_id}: held_htlc_available not sent: ${e}`);
        await this.apply(decideHeldHtlcSent(rec, r.sent, this.d.now()));
        return;
      }
      case 'paying':
        this.startPaying(rec);
        return;
      default:
        return;
    }
  }

  /** Sends the request over the next offer path once its turn has come (the first at once). */
  private async sendDueRequests(rec: PaymentRecord): Promise<void> {
    const dests = requestDestinations(parseOffer(rec.offer));
    let cur = rec;
    // A path we could not send over at all gives its turn to the next one at once.
    let skipWait = false;
    for (;;) {
      const at = nextPathAt(cur, dests.length, PATH_RETRY_SECS);
      if (at === undefined || (!skipWait && at > this.d.now())) return;
      const i = cur.paths_tried;
      cur = { ...cur, paths_tried: i + 1, updated_at: this.d.now() };
      await this.db.save(cur);
      this.pending.set(cur.payment_id, cur);
      try {
        await sendInvoiceRequest(this.d.transport, cur, dests[i]!);
        this.d.log.debug(`async payment ${cur.payment_id}: invoice_request sent over offer path ${i}`);
        skipWait = false;
      } catch (e) {
        this.d.log.unusual(`async payment ${cur.payment_id}: invoice_request over offer path ${i} not sent: ${(e as Error).message}`);
        skipWait = true;
      }
    }
  }

  /** The payment itself runs outside the serial (it can take minutes); its result comes back through it. */
  private startPaying(rec: PaymentRecord): void {
    if (this.running.has(rec.payment_id)) return;
    this.running.add(rec.payment_id);
    const pay = rec.invoice_kind === 'static_invoice' ? this.d.payStatic(rec) : payInvoice(this.d.rpc, rec);
    void pay
      .catch((e): PayResult => ({ kind: 'failed', reason: (e as Error).message }))
      .then((res) =>
        this.job(`payment result of ${rec.payment_id}`, async () => {
          this.running.delete(rec.payment_id);
          const cur = this.pending.get(rec.payment_id);
          if (cur) await this.apply(decideOnPayResult(cur, res, this.d.now()));
        }),
      );
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.d.now();
    for (const rec of [...this.pending.values()]) {
      const d = decideOnTimer(rec, now);
      if (d.kind === 'update') await this.apply(d);
      else if (rec.state === 'requested') await this.sendDueRequests(rec);
      else if (rec.state === 'static_invoice') await this.drive(rec);
    }
  }

  // ------------------------------------------------------------------ inbound

  async handle(m: Inbound): Promise<boolean> {
    const c = m.context;
    if (c.kind !== 'payer_invoice' && c.kind !== 'payer_release') return false;
    const id = toHex(c.paymentId);
    await this.job(`handling ${m.message.kind}`, async () => {
      const msg = m.message;
      const rec = this.pending.get(id) ?? (await this.db.get(id));
      const sent = rec?.state === 'requested' || rec?.state === 'static_invoice' ? this.invreqOf(rec) : undefined;
      const now = this.d.now();
      if (c.kind === 'payer_invoice') {
        if (msg.kind === 'invoice') return void (await this.apply(decideOnInvoice(rec, sent, msg.bytes, now)));
        if (msg.kind === 'static_invoice') {
          return void (await this.apply(decideOnStaticInvoice(rec, sent, msg.bytes, now, randomBytes(32), this.releaseTimeout)));
        }
        if (msg.kind === 'invoice_error') return void (await this.apply(decideOnInvoiceError(rec, msg, now)));
      } else if (msg.kind === 'release_held_htlc') {
        return void (await this.apply(decideOnRelease(rec, now)));
      }
      this.d.log.debug(`async payer ignored ${msg.kind} on a ${c.kind} path`);
    });
    return true;
  }

  // ------------------------------------------------------------------ RPC

  /** `asyncpay offer [amount_msat] [payer_note] [quantity] [timeout]` */
  async asyncpay(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const p = parseAsyncpayParams(params);
    const now = this.d.now();
    if (this.pending.size >= (this.d.maxPending ?? 1000)) throw new RpcError(ERR_TOO_MANY, 'too many payments in progress');
    if (requestDestinations(p.offer).length === 0) throw new RpcError(ERR_CANNOT_PAY, 'offer has neither paths nor an issuer id to send a request to');
    let req: InvoiceRequest;
    try {
      req = buildPayerRequest(p.offer, this.d.chain, p, now);
    } catch (e) {
      if (e instanceof RequestRefused) throw new RpcError(ERR_CANNOT_PAY, e.message);
      throw e;
    }
    const amount = amountOf(req);
    if (amount > BigInt(Number.MAX_SAFE_INTEGER)) throw new RpcError(ERR_CANNOT_PAY, 'amount too large');
    const rec: PaymentRecord = {
      payment_id: toHex(randomBytes(16)),
      state: 'requested',
      offer: p.offerString,
      offer_id: toHex(offerIdOf(p.offer.records)),
      invreq: toHex(req.bytes),
      amount_msat: Number(amount),
      created_at: now,
      updated_at: now,
      paths_tried: 0,
      invoice_deadline: now + Math.max(MIN_INVOICE_WAIT_SECS, p.timeout),
    };
    this.requests.set(rec.payment_id, req);
    // Stored (and the request sent) before we wait: a store failure is the caller's error.
    await this.serial.run(() => this.apply({ kind: 'update', record: rec }));
    const r = await this.waitFor(rec.payment_id, p.timeout, (x) => isFinal(x.state));
    if (r.state === 'failed') throw new RpcError(ERR_PAYMENT_FAILED, `payment failed: ${r.failure}`, paymentView(r));
    return paymentView(r);
  }

  /** `listasyncpays [payment_hash] [offer]` */
  async list(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    let all = await this.db.list();
    const offerId = (v: string): string => {
      try {
        return toHex(offerIdOf(parseOffer(v).records));
      } catch {
        throw new RpcError(JSONRPC_INVALID_PARAMS, 'offer must be an lno1... string');
      }
    };
    const key = params.payment_hash;
    // `listasyncpays lno1…` (positional) lists an offer's payments too.
    if (typeof key === 'string' && key.startsWith('lno')) {
      const id = offerId(key);
      all = all.filter((r) => r.offer_id === id);
    } else if (key !== undefined && key !== null) {
      const ref = parsePaymentRef(key);
      all = all.filter((r) => (ref.hash ? r.payment_hash === ref.hash : r.payment_id === ref.id));
    }
    if (params.offer !== undefined && params.offer !== null) {
      const id = offerId(String(params.offer));
      all = all.filter((r) => r.offer_id === id);
    }
    all.sort((a, b) => a.created_at - b.created_at);
    return { asyncpays: all.map(paymentView) };
  }

  /** `waitasyncpay payment_hash [timeout]` */
  async wait(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ref = parsePaymentRef(params.payment_hash);
    const timeout = parseWaitTimeout(params.timeout);
    const rec = (await this.db.list()).find((r) => (ref.hash ? r.payment_hash === ref.hash : r.payment_id === ref.id));
    if (!rec) throw new RpcError(ERR_UNKNOWN_PAYMENT, 'no such async payment');
    const r = await this.waitFor(rec.payment_id, timeout, (x) => isFinal(x.state));
    if (r.state === 'failed') throw new RpcError(ERR_PAYMENT_FAILED, `payment failed: ${r.failure}`, paymentView(r));
    if (r.state !== 'complete') throw new RpcError(ERR_WAIT_TIMEOUT, `timed out; payment is ${r.state}`, paymentView(r));
    return paymentView(r);
  }

  /** Resolves with the record once `done` holds, or with its state after `timeoutSecs`. */
  private async waitFor(id: string, timeoutSecs: number, done: (r: PaymentRecord) => boolean): Promise<PaymentRecord> {
    const current = async () => this.pending.get(id) ?? (await this.db.get(id));
    const now = await current();
    if (now && done(now)) return now;
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const finish = (r: PaymentRecord) => {
        clearTimeout(t);
        set!.delete(w);
        if (set!.size === 0) this.waiters.delete(id);
        resolve(r);
      };
      const w = (r: PaymentRecord) => {
        if (done(r)) finish(r);
      };
      const t = setTimeout(() => void current().then((r) => finish(r ?? now!)), timeoutSecs * 1000);
      set.add(w);
    });
  }
}

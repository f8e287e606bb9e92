// The async recipient role (R), as LDK's recipient behaves (async-protocol.md §7):
// keeps a cache of offers built with a static invoice server, so that
// `lightning-cli asyncoffer` has an offer payers can use while this node is offline.
// Decides and persists here; the pure rules live in cache.ts, the offer_paths
// exchange with the server in offer-paths.ts, building in invoice-maker.ts, sending
// invoices in invoice-sender.ts; getting paid (releases, HTLC claims, fresh invoices) in pay/.
import { fromHex, toHex } from '../codec/bytes.js';
import { RpcError, JSONRPC_INVALID_PARAMS } from '../cln/errors.js';
import { decodeBlindedPath } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';
import type { Json, Store, StoreOp } from '../store/store.js';
import type { PathContext } from '../transport/context.js';
import type { Inbound, Transport } from '../transport/transport.js';
import { OfferCache, type SlotRecord } from './cache.js';
import { DEFAULT_OFFER_COUNT, DEFAULT_TICK_MS, MAX_OFFER_COUNT } from './constants.js';
import { InvoiceMaker } from './invoice-maker.js';
import { InvoiceSender } from './invoice-sender.js';
import { noOfferError, noServerError, offerAnswer } from './offer-answer.js';
import { OfferPathsExchange } from './offer-paths.js';
import { handlePaymentMessage, heldOffer, type PayMessageHost } from './pay/messages.js';
import { RecipientPayments } from './pay/payments.js';
import { RecipientStore, type ServerConfig } from './recipient-store.js';
import type { RecipientRole } from './role.js';
import { Serial } from './serial.js';
import { parseServerPaths, serverPathsToHex, ServerPathsError } from './server-paths.js';
import { devTickMs, statusView } from './status.js';

export interface RecipientDeps {
  transport: Transport;
  store: Store;
  rpc: { call<T = any>(method: string, params?: Record<string, unknown>): Promise<T> };
  log: { debug(m: string): void; info(m: string): void; unusual(m: string): void };
  now: () => number;
  options: Readonly<Record<string, unknown>>;
  /** Emits a notification declared in the manifest (asyncpay_payment_received). */
  notify: (topic: string, payload: Json) => void;
  /** Timer period; defaults to ASYNCPAY_DEV_TICK_MS or LDK's 60 s. */
  tickMs?: number;
}

export { ERR_NO_OFFER_YET, ERR_NO_SERVER } from './offer-answer.js';

type Ctx<K extends PathContext['kind']> = Extract<PathContext, { kind: K }>;

export function createRecipient(deps: RecipientDeps): RecipientRole {
  return new AsyncRecipient(deps);
}


class AsyncRecipient implements RecipientRole {
  private readonly db: RecipientStore;
  private readonly maker: InvoiceMaker;
  private readonly serial = new Serial();
  private readonly count: number;
  private readonly tickMs: number;
  private cache: OfferCache;
  private server: ServerConfig | undefined;
  private serverPaths: BlindedPath[] = [];
  private configError: string | null = null;
  private ignored = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Getting paid: releases, HTLC claims, fresh invoices, payment records. */
  readonly pay: RecipientPayments;
  private readonly sender: InvoiceSender;
  private readonly offerPaths: OfferPathsExchange;

  constructor(private readonly d: RecipientDeps) {
    this.db = new RecipientStore(d.store);
    this.maker = new InvoiceMaker(d.transport, d.rpc, d.now);
    this.tickMs = d.tickMs ?? devTickMs(DEFAULT_TICK_MS);
    const n = Number(d.options['asyncpay-offer-count'] ?? DEFAULT_OFFER_COUNT);
    if (!Number.isInteger(n) || n < 1 || n > MAX_OFFER_COUNT) {
      d.log.unusual(`asyncpay-offer-count must be 1..${MAX_OFFER_COUNT}; using ${DEFAULT_OFFER_COUNT}`);
      this.count = DEFAULT_OFFER_COUNT;
    } else this.count = n;
    this.cache = new OfferCache(this.count);
    this.pay = new RecipientPayments({
      transport: d.transport,
      store: d.store,
      rpc: d.rpc,
      log: d.log,
      now: d.now,
      notify: d.notify,
      offers: { byOfferId: (id) => heldOffer(this.cache.all().find((r) => r.offer?.offer_id === id)) },
    });
    this.sender = new InvoiceSender({
      transport: d.transport,
      maker: this.maker,
      pay: this.pay,
      cache: () => this.cache,
      now: d.now,
      log: d.log,
      persist: (recs) => this.persist(recs),
      slotError: (r, msg) => this.slotError(r, msg),
    });
    this.offerPaths = new OfferPathsExchange({
      transport: d.transport,
      maker: this.maker,
      sender: this.sender,
      cache: () => this.cache,
      serverPaths: () => (this.server ? this.serverPaths : undefined),
      now: d.now,
      log: d.log,
      persist: (recs) => this.persist(recs),
      prune: (now) => this.prune(now),
      slotError: (r, msg) => this.slotError(r, msg),
      ignore: (why) => this.ignore(why),
    });
  }

  // ------------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    this.server = await this.db.getServer();
    this.cache = new OfferCache(this.count, await this.db.listSlots());
    if (this.server) this.serverPaths = this.server.paths.map((h) => decodeBlindedPath(fromHex(h)));
    await this.pay.start();
    const opt = String(this.d.options['asyncpay-server-paths'] ?? '').trim();
    if (opt && opt !== this.server?.option_value) {
      try {
        await this.configure(serverPathsToHex(parseServerPaths(opt)), opt);
      } catch (e) {
        this.configError = `asyncpay-server-paths: ${(e as Error).message}`;
        this.d.log.unusual(`${this.configError}; not acting as async recipient with it`);
      }
    }
    if (this.server) {
      // Slots of an older, smaller or crashed configuration: make sure 0..count-1 exist.
      const created = this.cache.ensureSlots();
      await this.db.batch(created.map((r) => this.db.putSlotOp(r)));
      this.d.log.info(`async recipient: ${this.serverPaths.length} server path(s), ${this.count} offer slot(s)`);
    }
    // First check right away (LDK also checks on every peer connection), then every tick.
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.serial.run(async () => {});
    await this.pay.stop();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.job('timer tick', () => this.tick()).finally(() => this.schedule(this.tickMs));
    }, ms);
  }

  /** Runs a state-changing job in turn; a failure is logged, never thrown at the runtime. */
  private job<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
    return this.serial.run(f).catch((e) => {
      this.d.log.unusual(`async recipient: ${what} failed: ${(e as Error).stack ?? String(e)}`);
      return undefined;
    });
  }

  onPeerConnected(_peerId: string): void {
    // LDK re-checks offer paths on every connection (a server unreachable before may be now).
    if (this.server) void this.job('peer connection check', () => this.offerPaths.check(false));
  }

  // ------------------------------------------------------------------ persistence

  private async persist(changed: readonly SlotRecord[], deleted: readonly number[] = []): Promise<void> {
    const ops: StoreOp[] = [...changed.map((r) => this.db.putSlotOp(r)), ...deleted.map((s) => this.db.delSlotOp(s))];
    await this.db.batch(ops);
  }

  private async prune(now: number): Promise<boolean> {
    const { changed, deleted, removedOffer } = this.cache.prune(now);
    for (const r of changed) this.d.log.info(`async offer ${r.expired_offer_id} in slot ${r.slot} expired; requesting a replacement`);
    await this.persist(changed, deleted);
    return removedOffer;
  }

  private async slotError(r: SlotRecord, msg: string): Promise<void> {
    r.last_error = msg;
    r.last_error_at = this.d.now();
    await this.persist([r]);
    this.d.log.info(`async recipient slot ${r.slot}: ${msg}`);
  }

  /** Replaces the server configuration; new paths restart the cycle with an empty cache. */
  private async configure(paths: string[], optionValue: string | null): Promise<boolean> {
    const same = this.server !== undefined && this.server.paths.length === paths.length && this.server.paths.every((p, i) => p === paths[i]);
    if (same) {
      if (optionValue !== null && this.server!.option_value !== optionValue) {
        this.server = { ...this.server!, option_value: optionValue };
        await this.db.batch([this.db.putServerOp(this.server)]);
      }
      return false;
    }
    const cfg: ServerConfig = { paths, set_at: this.d.now(), option_value: optionValue ?? this.server?.option_value ?? null };
    const fresh = new OfferCache(this.count);
    const slots = fresh.ensureSlots();
    // One batch: the old cache and the new server never coexist on disk.
    await this.db.batch([
      ...this.cache.all().map((r) => this.db.delSlotOp(r.slot)),
      this.db.putServerOp(cfg),
      ...slots.map((r) => this.db.putSlotOp(r)),
    ]);
    this.server = cfg;
    this.serverPaths = paths.map((h) => decodeBlindedPath(fromHex(h)));
    this.cache = fresh;
    this.offerPaths.reset();
    this.configError = null;
    this.d.log.info(`static invoice server set (${paths.length} path(s)); offer cache restarted with ${this.count} slot(s)`);
    return true;
  }

  // ------------------------------------------------------------------ timers (LDK §7.3, §7.5)

  private async tick(): Promise<void> {
    if (!this.server) return;
    // A tick spent waiting counts down the backoff; the refresh of invoices goes on regardless.
    await this.offerPaths.tick();
    await this.sender.refresh();
  }

  // ------------------------------------------------------------------ inbound messages

  async handle(m: Inbound): Promise<boolean> {
    const c = m.context;
    switch (c.kind) {
      case 'offer_paths_reply':
      case 'persisted_reply':
      case 'forwarded_invreq':
      case 'held_htlc':
        break;
      default:
        return false;
    }
    if (await handlePaymentMessage(this.payHost, this.pay, m)) return true;
    const msg = m.message;
    await this.job(`handling ${msg.kind}`, async () => {
      if (c.kind === 'offer_paths_reply' && msg.kind === 'offer_paths') return this.offerPaths.onOfferPaths(c, msg, m.replyPath);
      if (c.kind === 'persisted_reply' && msg.kind === 'static_invoice_persisted') return this.onPersisted(c);
      return this.ignore(`${msg.kind} on a ${c.kind} path is not what that path is for`);
    });
    return true;
  }

  private ignore(why: string): void {
    this.ignored++;
    this.d.log.debug(`async recipient ignored ${why}`);
  }

  /** LDK §7.6. */
  private async onPersisted(ctx: Ctx<'persisted_reply'>): Promise<void> {
    const rec = this.cache.findByTag(toHex(ctx.offerTag));
    if (!rec) return this.ignore(`static_invoice_persisted for an offer we do not hold (tag ${toHex(ctx.offerTag)}, slot ${ctx.slot})`);
    const before = rec.state;
    this.cache.confirm(rec, ctx.createdAt);
    await this.persist([rec]);
    if (before === 'awaiting_confirmation') this.d.log.info(`async offer ${rec.offer!.offer_id} in slot ${rec.slot} is ready`);
    else this.d.log.debug(`static invoice of slot ${rec.slot} (${rec.state}) confirmed again, created_at ${ctx.createdAt}`);
  }

  /** What the payment messages need from the role (pay/messages.ts). */
  private readonly payHost: PayMessageHost = {
    job: (what, f) => this.job(what, f),
    offerByTag: (tag) => heldOffer(this.cache.findByTag(toHex(tag))),
    count: async (tag, what) => {
      const rec = this.cache.findByTag(toHex(tag));
      if (!rec) return undefined;
      if (what === 'held_htlc_available') rec.held_htlc_available++;
      else {
        rec.forwarded_invreqs++;
        rec.last_forwarded_invreq_at = this.d.now();
      }
      await this.persist([rec]);
      return heldOffer(rec);
    },
    ignore: (why) => this.ignore(why),
    log: { unusual: (m) => this.d.log.unusual(m) },
  };

  // ------------------------------------------------------------------ RPC

  asyncOffer(_params: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.serial.run(async () => {
      if (!this.server) throw noServerError(this.configError);
      await this.prune(this.d.now());
      const pick = this.cache.pickForAsyncOffer();
      if (!pick) throw await noOfferError(this.cache.waitingFor(), async () => (await this.maker.channels()).length);
      if (pick.fresh) await this.persist([pick.record]);
      return offerAnswer(pick.record, pick.fresh);
    });
  }

  async setServer(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    let paths: string[];
    try {
      paths = serverPathsToHex(parseServerPaths(params.paths));
    } catch (e) {
      if (e instanceof ServerPathsError) throw new RpcError(JSONRPC_INVALID_PARAMS, `paths: ${e.message}`);
      throw e;
    }
    return this.serial.run(async () => {
      const replaced = await this.configure(paths, null);
      // Start building at once (LDK sends its first request when the paths are set).
      await this.offerPaths.check(true);
      return { server_paths: paths.length, replaced, offer_count: this.count };
    });
  }

  status(_params: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.serial.run(async () => {
      if (this.server) await this.prune(this.d.now());
      return statusView({
        configured: this.server !== undefined,
        serverPaths: this.serverPaths.length,
        configError: this.configError,
        offerCount: this.count,
        backoff: this.offerPaths.backoff,
        ignored: this.ignored,
        payments: this.pay.status(),
        slots: this.cache.all(),
      });
    });
  }
}


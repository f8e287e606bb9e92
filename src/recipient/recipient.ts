// The async recipient role (R), as LDK's recipient behaves (async-protocol.md §7):
// keeps a cache of offers built with a static invoice server, so that
// `lightning-cli asyncoffer` has an offer payers can use while this node is offline.
// Decides and persists here; the pure rules live in cache.ts, building in
// invoice-maker.ts, sending invoices in invoice-sender.ts; getting paid (releases,
// HTLC claims, fresh invoices) in pay/.
import { fromHex, toHex } from '../codec/bytes.js';
import type { NonEmpty } from '../bolt12/build.js';
import { RpcError, JSONRPC_INVALID_PARAMS } from '../cln/errors.js';
import { sha256 } from '../crypto/hash.js';
import { randomBytes } from '../crypto/secp.js';
import type { OfferPathsMessage } from '../messages/types.js';
import { decodeBlindedPath, encodeBlindedPath, encodeBlindedPaths } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';
import type { Json, Store, StoreOp } from '../store/store.js';
import type { PathContext } from '../transport/context.js';
import type { Inbound, Transport } from '../transport/transport.js';
import { RequestBackoff } from './backoff.js';
import { OfferCache, type SlotRecord } from './cache.js';
import {
  DEFAULT_OFFER_COUNT, DEFAULT_TICK_MS, MAX_OFFER_COUNT, MAX_REQUEST_COPIES, MAX_UPDATE_ATTEMPTS, OFFER_PATHS_REPLY_LIFETIME,
} from './constants.js';
import { InvoiceMaker, offerIdHex, type MadeInvoice } from './invoice-maker.js';
import { InvoiceSender } from './invoice-sender.js';
import { newOfferNonce } from './keys.js';
import { noOfferError, noServerError, offerAnswer } from './offer-answer.js';
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
  /** LDK's offer_paths_request_attempts: checks that sent, since the last tick. Not persisted (LDK neither). */
  private attempts = 0;
  private backoff = new RequestBackoff();
  private ignored = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Getting paid: releases, HTLC claims, fresh invoices, payment records. */
  readonly pay: RecipientPayments;
  private readonly sender: InvoiceSender;

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
    if (this.server) void this.job('peer connection check', () => this.checkOffers(false));
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
    this.attempts = 0;
    this.backoff = new RequestBackoff();
    this.configError = null;
    this.d.log.info(`static invoice server set (${paths.length} path(s)); offer cache restarted with ${this.count} slot(s)`);
    return true;
  }

  // ------------------------------------------------------------------ timers (LDK §7.3, §7.5)

  private async tick(): Promise<void> {
    if (!this.server) return;
    // A tick spent waiting counts down the backoff; the refresh of invoices goes on regardless.
    await this.checkOffers(true, !this.backoff.tick());
    await this.sender.refresh();
  }

  /** One offer-paths check (LDK check_refresh_async_offers): at most one slot requested. */
  private async checkOffers(timerTick: boolean, backingOff = !this.backoff.mayRequest()): Promise<void> {
    if (!this.server) return;
    const now = this.d.now();
    const removed = await this.prune(now);
    if (timerTick || removed) this.attempts = 0;
    if (this.attempts >= MAX_UPDATE_ATTEMPTS || backingOff) return;
    const slot = this.cache.needsNewOfferSlot(now);
    if (slot === undefined) return;
    await this.requestOfferPaths(slot, now);
  }

  private async requestOfferPaths(slot: number, now: number): Promise<void> {
    const rec = this.cache.get(slot)!;
    const nonce = randomBytes(8);
    let reply: BlindedPath;
    try {
      reply = await this.d.transport.createPath({ kind: 'offer_paths_reply', slot, expiresAt: now + OFFER_PATHS_REPLY_LIFETIME, nonce });
    } catch (e) {
      // LDK: no reply path, nothing sent, no attempt counted.
      return this.slotError(rec, `cannot create a reply path for offer_paths_request: ${(e as Error).message}`);
    }
    this.attempts++;
    this.cache.recordRequest(slot, toHex(nonce), now);
    // Persist the nonce before sending: the answer may arrive at once.
    await this.persist([rec]);
    const errors: string[] = [];
    let sent = 0;
    for (const path of this.serverPaths.slice(0, MAX_REQUEST_COPIES)) {
      try {
        await this.d.transport.send(path, { kind: 'offer_paths_request', invoiceSlot: slot }, { replyPath: reply });
        sent++;
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    this.backoff.requestSent();
    if (sent === 0) return this.slotError(rec, `could not send offer_paths_request: ${errors[0] ?? 'no server path'}`);
    const { unanswered, skipTicks } = this.backoff;
    if (unanswered > 1) {
      await this.slotError(rec, `the server has not answered ${unanswered - 1} earlier offer_paths_request(s)${skipTicks ? `; backing off ${skipTicks} tick(s)` : ''}`);
    }
    this.d.log.debug(`sent offer_paths_request for slot ${slot} over ${sent} server path(s)`);
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
      if (c.kind === 'offer_paths_reply' && msg.kind === 'offer_paths') return this.onOfferPaths(c, msg, m.replyPath);
      if (c.kind === 'persisted_reply' && msg.kind === 'static_invoice_persisted') return this.onPersisted(c);
      return this.ignore(`${msg.kind} on a ${c.kind} path is not what that path is for`);
    });
    return true;
  }

  private ignore(why: string): void {
    this.ignored++;
    this.d.log.debug(`async recipient ignored ${why}`);
  }

  /** LDK handle_offer_paths (§4.3 checks, §7.4 building). */
  private async onOfferPaths(ctx: Ctx<'offer_paths_reply'>, msg: OfferPathsMessage, replyPath: BlindedPath | undefined): Promise<void> {
    const now = this.d.now();
    const slot = ctx.slot;
    const no = (why: string) => this.ignore(`offer_paths for slot ${slot}: ${why}`);
    if (!replyPath) return no('no reply path to send the invoice over');
    if (!this.server) return no('no static invoice server configured');
    if (!this.cache.isOutstanding(slot, toHex(ctx.nonce))) return no('not an answer to a request we are waiting on (stale or never sent)');
    await this.prune(now);
    if (!this.cache.slotNeedsOffer(slot, now)) return no(`slot is ${this.cache.get(slot)?.state ?? 'unknown'} and needs no offer`);
    if (!OfferCache.pathsExpiryAcceptable(msg.pathsAbsoluteExpiry, now)) {
      return no(`paths expire at ${msg.pathsAbsoluteExpiry}, less than 90 days from now (${now})`);
    }
    if (msg.paths.length === 0) return no('empty path list');
    const pathsHash = toHex(sha256(encodeBlindedPaths(msg.paths)));
    if (this.cache.hasOfferWithPaths(pathsHash)) return no('same paths as an offer we already hold');
    // A usable answer: the server is alive.
    this.backoff.answered();
    const rec = this.cache.get(slot)!;
    const nonce = newOfferNonce();
    let made: MadeInvoice;
    let offer;
    try {
      offer = await this.maker.buildOffer(msg.paths as NonEmpty<BlindedPath>, msg.pathsAbsoluteExpiry, nonce);
      made = await this.maker.makeInvoice(slot, offer, nonce, replyPath);
    } catch (e) {
      return this.slotError(rec, `cannot build an offer and static invoice: ${(e as Error).message}`);
    }
    this.cache.cachePending(slot, {
      offer: toHex(offer.bytes),
      offer_id: offerIdHex(offer),
      nonce: toHex(nonce),
      update_path: toHex(encodeBlindedPath(replyPath)),
      paths_hash: pathsHash,
      created_at: now,
      expires_at: offer.absoluteExpiry === undefined ? null : Number(offer.absoluteExpiry),
    });
    // Persisted before sending: after a crash the pending offer's invoice is re-sent.
    await this.persist([rec]);
    this.d.log.info(`built async offer ${rec.offer!.offer_id} for slot ${slot}; sending its static invoice to the server`);
    await this.sender.send(rec, made, replyPath);
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
      await this.checkOffers(true);
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
        backoff: this.backoff,
        ignored: this.ignored,
        payments: this.pay.status(),
        slots: this.cache.all(),
      });
    });
  }
}


// The offer_paths exchange with the static invoice server (LDK §7.3, §7.4): asking for
// paths for at most one slot per check (LDK's attempt limit, plus our backoff from a
// silent server), and turning a checked answer into an offer whose static invoice goes
// to the server. Runs inside the role's queue; the role owns the cache and the server.
import type { NonEmpty } from '../bolt12/build.js';
import { toHex } from '../codec/bytes.js';
import { sha256 } from '../crypto/hash.js';
import { randomBytes } from '../crypto/secp.js';
import type { OfferPathsMessage } from '../messages/types.js';
import { encodeBlindedPath, encodeBlindedPaths } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';
import type { PathContext } from '../transport/context.js';
import type { Transport } from '../transport/transport.js';
import { RequestBackoff } from './backoff.js';
import { OfferCache, type SlotRecord } from './cache.js';
import { MAX_REQUEST_COPIES, MAX_UPDATE_ATTEMPTS, OFFER_PATHS_REPLY_LIFETIME } from './constants.js';
import { offerIdHex, type InvoiceMaker, type MadeInvoice } from './invoice-maker.js';
import type { InvoiceSender } from './invoice-sender.js';
import { newOfferNonce } from './keys.js';

export interface OfferPathsDeps {
  readonly transport: Transport;
  readonly maker: InvoiceMaker;
  readonly sender: InvoiceSender;
  readonly cache: () => OfferCache;
  /** The configured server's paths; undefined while no server is configured. */
  readonly serverPaths: () => readonly BlindedPath[] | undefined;
  readonly now: () => number;
  readonly log: { debug(m: string): void; info(m: string): void };
  readonly persist: (recs: SlotRecord[]) => Promise<void>;
  /** Drops expired offers; whether one was removed. */
  readonly prune: (now: number) => Promise<boolean>;
  readonly slotError: (r: SlotRecord, msg: string) => Promise<void>;
  readonly ignore: (why: string) => void;
}

export class OfferPathsExchange {
  /** LDK's offer_paths_request_attempts: checks that sent, since the last tick. Not persisted (LDK neither). */
  private attempts = 0;
  private requestBackoff = new RequestBackoff();

  constructor(private readonly d: OfferPathsDeps) {}

  get backoff(): RequestBackoff {
    return this.requestBackoff;
  }

  /** A new server: its answers start from a clean slate. */
  reset(): void {
    this.attempts = 0;
    this.requestBackoff = new RequestBackoff();
  }

  /** The timer's check: a tick spent waiting counts down the backoff. */
  tick(): Promise<void> {
    return this.check(true, !this.requestBackoff.tick());
  }

  /** One offer-paths check (LDK check_refresh_async_offers): at most one slot requested. */
  async check(timerTick: boolean, backingOff = !this.requestBackoff.mayRequest()): Promise<void> {
    if (!this.d.serverPaths()) return;
    const now = this.d.now();
    const removed = await this.d.prune(now);
    if (timerTick || removed) this.attempts = 0;
    if (this.attempts >= MAX_UPDATE_ATTEMPTS || backingOff) return;
    const slot = this.d.cache().needsNewOfferSlot(now);
    if (slot === undefined) return;
    await this.request(slot, now);
  }

  private async request(slot: number, now: number): Promise<void> {
    const cache = this.d.cache();
    const rec = cache.get(slot)!;
    const nonce = randomBytes(8);
    let reply: BlindedPath;
    try {
      reply = await this.d.transport.createPath({ kind: 'offer_paths_reply', slot, expiresAt: now + OFFER_PATHS_REPLY_LIFETIME, nonce });
    } catch (e) {
      // LDK: no reply path, nothing sent, no attempt counted.
      return this.d.slotError(rec, `cannot create a reply path for offer_paths_request: ${(e as Error).message}`);
    }
    this.attempts++;
    cache.recordRequest(slot, toHex(nonce), now);
    // Persist the nonce before sending: the answer may arrive at once.
    await this.d.persist([rec]);
    const errors: string[] = [];
    let sent = 0;
    for (const path of (this.d.serverPaths() ?? []).slice(0, MAX_REQUEST_COPIES)) {
      try {
        await this.d.transport.send(path, { kind: 'offer_paths_request', invoiceSlot: slot }, { replyPath: reply });
        sent++;
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    this.requestBackoff.requestSent();
    if (sent === 0) return this.d.slotError(rec, `could not send offer_paths_request: ${errors[0] ?? 'no server path'}`);
    const { unanswered, skipTicks } = this.requestBackoff;
    if (unanswered > 1) {
      await this.d.slotError(rec, `the server has not answered ${unanswered - 1} earlier offer_paths_request(s)${skipTicks ? `; backing off ${skipTicks} tick(s)` : ''}`);
    }
    this.d.log.debug(`sent offer_paths_request for slot ${slot} over ${sent} server path(s)`);
  }

  /** LDK handle_offer_paths (§4.3 checks, §7.4 building). */
  async onOfferPaths(
    ctx: Extract<PathContext, { kind: 'offer_paths_reply' }>,
    msg: OfferPathsMessage,
    replyPath: BlindedPath | undefined,
  ): Promise<void> {
    const now = this.d.now();
    const slot = ctx.slot;
    const no = (why: string) => this.d.ignore(`offer_paths for slot ${slot}: ${why}`);
    if (!replyPath) return no('no reply path to send the invoice over');
    if (!this.d.serverPaths()) return no('no static invoice server configured');
    const cache = this.d.cache();
    if (!cache.isOutstanding(slot, toHex(ctx.nonce))) return no('not an answer to a request we are waiting on (stale or never sent)');
    await this.d.prune(now);
    if (!cache.slotNeedsOffer(slot, now)) return no(`slot is ${cache.get(slot)?.state ?? 'unknown'} and needs no offer`);
    if (!OfferCache.pathsExpiryAcceptable(msg.pathsAbsoluteExpiry, now)) {
      return no(`paths expire at ${msg.pathsAbsoluteExpiry}, less than 90 days from now (${now})`);
    }
    if (msg.paths.length === 0) return no('empty path list');
    const pathsHash = toHex(sha256(encodeBlindedPaths(msg.paths)));
    if (cache.hasOfferWithPaths(pathsHash)) return no('same paths as an offer we already hold');
    // A usable answer: the server is alive.
    this.requestBackoff.answered();
    const rec = cache.get(slot)!;
    const nonce = newOfferNonce();
    let made: MadeInvoice;
    let offer;
    try {
      offer = await this.d.maker.buildOffer(msg.paths as NonEmpty<BlindedPath>, msg.pathsAbsoluteExpiry, nonce);
      made = await this.d.maker.makeInvoice(slot, offer, nonce, replyPath);
    } catch (e) {
      return this.d.slotError(rec, `cannot build an offer and static invoice: ${(e as Error).message}`);
    }
    cache.cachePending(slot, {
      offer: toHex(offer.bytes),
      offer_id: offerIdHex(offer),
      nonce: toHex(nonce),
      update_path: toHex(encodeBlindedPath(replyPath)),
      paths_hash: pathsHash,
      created_at: now,
      expires_at: offer.absoluteExpiry === undefined ? null : Number(offer.absoluteExpiry),
    });
    // Persisted before sending: after a crash the pending offer's invoice is re-sent.
    await this.d.persist([rec]);
    this.d.log.info(`built async offer ${rec.offer!.offer_id} for slot ${slot}; sending its static invoice to the server`);
    await this.d.sender.send(rec, made, replyPath);
  }
}

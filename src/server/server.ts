// The static invoice server role (S): hands a recipient paths to ask for offer paths,
// answers offer_paths_request with fresh compact offer paths, validates and stores
// serve_static_invoice, confirms it, and serves the stored invoice to payers while
// forwarding their invoice_request to the recipient. Decides; the transport sends.
import { fromHex, toHex, utf8 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { sha256 } from '../crypto/hash.js';
import { decodeStaticInvoice, type StaticInvoice } from '../bolt12/static-invoice.js';
import { expiresAt as objectExpiresAt } from '../bolt12/expiry.js';
import { checkStaticInvoiceToPersist } from '../bolt12/validate.js';
import { offerIdOf } from '../bolt12/offer-id.js';
import { RpcError, JSONRPC_INVALID_PARAMS } from '../cln/errors.js';
import type {
  OfferPathsRequestMessage,
  ServeStaticInvoiceMessage,
} from '../messages/types.js';
import { decodeBlindedPath, encodeBlindedPath, encodeBlindedPathVec } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';
import { NEVER, type PathContext } from '../transport/context.js';
import type { Inbound, Transport } from '../transport/transport.js';
import { KeyedLock } from './keyed-lock.js';
import type { RecipientLimits } from './limits.js';
import { isAbsent, requireRecipientId, requireSlot } from './params.js';
import { InvoiceRequests } from './invoice-requests.js';
import { RecipientBook, type RejectReason, type ServerLog } from './recipients.js';
import { ServerStore, type InvoiceRecord } from './server-store.js';

export { MAX_RECIPIENT_ID_BYTES } from './params.js';
export type { RejectReason, ServerLog } from './recipients.js';

/** LDK's DEFAULT_ASYNC_RECEIVE_OFFER_EXPIRY: offer paths and S's serve reply path live a year. */
export const OFFER_PATHS_LIFETIME = 365 * 24 * 3600;
export const ERR_NOT_FOUND = 1901;
export const ERR_NO_PATHS = 1902;
export const ERR_SEND_FAILED = 1903;
export const ERR_REVOKED = 1904;

export interface ServerOptions {
  autoconfirm: boolean;
  maxSlots: number;
  maxInvoiceBytes: number;
  /** Per-recipient rate and storage limits (limits.ts); none when absent. */
  limits?: RecipientLimits;
}

/** 16 bytes naming a recipient inside path contexts: SHA256(recipient_id)[0..16]. */
export function recipientKey(recipientId: string): Uint8Array {
  return sha256(utf8(recipientId)).slice(0, 16);
}

/** Identifies an issued offer path: SHA256 of its encoding. */
function pathHash(p: BlindedPath): string {
  return toHex(sha256(encodeBlindedPath(p)).subarray(0, 16));
}

const slotLockKey = (rkHex: string, slot: number) => `${rkHex}:${slot}`;

export class StaticInvoiceServer {
  private readonly book: RecipientBook;
  /** Serve, confirm and delete of one (recipient, slot) never interleave. */
  private readonly slotLock = new KeyedLock();
  private readonly invoiceRequests: InvoiceRequests;

  constructor(
    private readonly transport: Transport,
    private readonly store: ServerStore,
    private readonly opts: ServerOptions,
    private readonly log: ServerLog,
    private readonly now: () => number,
    private readonly notify: (topic: string, payload: Record<string, unknown>) => void,
  ) {
    this.book = new RecipientBook(store, log);
    this.invoiceRequests = new InvoiceRequests(transport, store, this.book, log, now);
  }

  /** Nothing to preload: recipients are read when a message or command names them (issue 16). */
  async load(): Promise<void> {}

  /** Writes changed counters to the store (also at shutdown). */
  flush(): Promise<void> {
    return this.book.flush();
  }

  // ------------------------------------------------------------------ RPC methods

  /** `asyncrecipient-paths recipient_id [expiry]` */
  async recipientPaths(params: { recipient_id?: unknown; expiry?: unknown }): Promise<Record<string, unknown>> {
    const recipientId = requireRecipientId(params.recipient_id);
    let expiresAt = NEVER;
    if (!isAbsent(params.expiry)) {
      const e = Number(params.expiry);
      if (!Number.isInteger(e) || e <= 0 || e > 100 * 365 * 86400) throw new RpcError(JSONRPC_INVALID_PARAMS, 'expiry must be a positive number of seconds');
      expiresAt = this.now() + e;
    }
    const rk = recipientKey(recipientId);
    const rkHex = toHex(rk);
    const known = (await this.book.load(rkHex)) ? this.book.nameOf(rkHex) : undefined;
    if (known !== undefined && known !== recipientId) throw new RpcError(JSONRPC_INVALID_PARAMS, 'recipient_id collides with another recipient');
    if (this.book.revokedAt(rkHex) !== null) {
      throw new RpcError(ERR_REVOKED, `recipient ${recipientId} was revoked; its paths stay refused, enrol it under another recipient_id`);
    }
    let path: BlindedPath;
    try {
      path = await this.transport.createPath({ kind: 'recipient', recipient: rk, expiresAt });
    } catch (e) {
      throw new RpcError(ERR_NO_PATHS, `cannot create a path to this node: ${(e as Error).message}`);
    }
    if (known === undefined) await this.store.batch([this.book.add(rk, recipientId, this.now())]);
    this.log.info(`issued paths for recipient ${recipientId}${expiresAt ? ` expiring at ${expiresAt}` : ''}`);
    return {
      recipient_id: recipientId,
      expires_at: expiresAt === NEVER ? null : expiresAt,
      paths: [toHex(encodeBlindedPath(path))],
      paths_encoded: toHex(encodeBlindedPathVec([path])),
    };
  }

  /** `staticinvoice-list [recipient_id]` */
  async list(params: { recipient_id?: unknown }): Promise<Record<string, unknown>> {
    const rk = isAbsent(params.recipient_id) ? undefined : recipientKey(requireRecipientId(params.recipient_id));
    const invoices = await this.store.listInvoices(rk);
    return {
      invoices: invoices.map((r) => ({
        recipient_id: r.recipient_id,
        invoice_slot: r.invoice_slot,
        status: r.status,
        offer_id: r.offer_id,
        created_at: r.created_at,
        expires_at: r.expires_at,
        stored_at: r.stored_at,
        bytes: r.bytes,
        invoice: r.invoice,
      })),
      recipients: await this.book.list(rk ? toHex(rk) : undefined),
    };
  }

  /** `staticinvoice-confirm recipient_id invoice_slot` — idempotent; re-sends the confirmation. */
  async confirm(params: { recipient_id?: unknown; invoice_slot?: unknown }): Promise<Record<string, unknown>> {
    const recipientId = requireRecipientId(params.recipient_id);
    const slot = requireSlot(params.invoice_slot);
    const rk = recipientKey(recipientId);
    const rec = await this.slotLock.run(slotLockKey(toHex(rk), slot), async () => {
      const r = await this.store.getInvoice(rk, slot);
      if (!r) throw new RpcError(ERR_NOT_FOUND, `no static invoice stored for ${recipientId} slot ${slot}`);
      if (r.status !== 'confirmed') {
        r.status = 'confirmed';
        await this.store.batch([this.store.putInvoiceOp(rk, r)]);
      }
      return r;
    });
    const sent = await this.sendPersisted(rec);
    return { recipient_id: recipientId, invoice_slot: slot, status: rec.status, confirmation_sent: sent };
  }

  /** `staticinvoice-delete recipient_id [invoice_slot]` */
  async delete(params: { recipient_id?: unknown; invoice_slot?: unknown }): Promise<Record<string, unknown>> {
    const recipientId = requireRecipientId(params.recipient_id);
    const rk = recipientKey(recipientId);
    const one = !isAbsent(params.invoice_slot);
    const deleted = await this.deleteSlots(rk, one ? [requireSlot(params.invoice_slot)] : undefined);
    if (deleted.length === 0 && one) throw new RpcError(ERR_NOT_FOUND, `no static invoice stored for ${recipientId} slot ${requireSlot(params.invoice_slot)}`);
    this.log.info(`deleted ${deleted.length} static invoice(s) of ${recipientId}`);
    return { recipient_id: recipientId, deleted };
  }

  /**
   * `asyncrecipient-revoke recipient_id` — deletes every stored invoice of the recipient
   * and refuses, from now on, every message on its paths (offer_paths_request,
   * serve_static_invoice, payers' invoice_requests). Idempotent.
   */
  async revoke(params: { recipient_id?: unknown }): Promise<Record<string, unknown>> {
    const recipientId = requireRecipientId(params.recipient_id);
    const rk = recipientKey(recipientId);
    const rkHex = toHex(rk);
    if (!(await this.book.load(rkHex)) || this.book.nameOf(rkHex) !== recipientId) throw new RpcError(ERR_NOT_FOUND, `unknown recipient ${recipientId}`);
    const already = this.book.revokedAt(rkHex);
    const op = already === null ? this.book.revoke(rk, this.now()) : undefined;
    // The flag is set in memory first: serves waiting for a slot see it inside the lock.
    const deleted = await this.deleteSlots(rk, undefined, op ? [op] : []);
    if (already === null) this.log.info(`revoked recipient ${recipientId}; deleted ${deleted.length} static invoice(s)`);
    return { recipient_id: recipientId, revoked_at: this.book.revokedAt(rkHex), already_revoked: already !== null, deleted };
  }

  /** Deletes the given slots (all stored ones when undefined) in one batch, holding their locks. */
  private async deleteSlots(rk: Uint8Array, slots: number[] | undefined, extra: Parameters<ServerStore['batch']>[0] = []): Promise<number[]> {
    const rkHex = toHex(rk);
    const wanted = slots ?? (await this.store.listInvoices(rk)).map((r) => r.invoice_slot);
    return this.slotLock.runAll(
      wanted.map((s) => slotLockKey(rkHex, s)),
      async () => {
        const existing: number[] = [];
        for (const s of wanted) if (await this.store.getInvoice(rk, s)) existing.push(s);
        await this.store.batch([...existing.map((s) => this.store.delInvoiceOp(rk, s)), ...extra]);
        return existing;
      },
    );
  }

  // ------------------------------------------------------------- inbound messages

  /** Handles messages on the server's own paths; returns false for contexts it does not own. */
  async handle(m: Inbound): Promise<boolean> {
    const ctx = m.context;
    if (ctx.kind !== 'recipient' && ctx.kind !== 'offer' && ctx.kind !== 'serve') return false;
    const rkHex = toHex(ctx.recipient);
    if (!(await this.book.load(rkHex))) {
      // Paths of a recipient this node no longer knows (database replaced).
      this.log.debug(`dropped ${m.message.kind}: unknown recipient ${rkHex}`);
      return true;
    }
    if (this.book.revokedAt(rkHex) !== null) {
      this.reject(rkHex, 'revoked', `${m.message.kind} on a ${ctx.kind} path of a revoked recipient`);
      return true;
    }
    const kind = m.message.kind;
    if ((kind === 'offer_paths_request' || kind === 'serve_static_invoice') && this.opts.limits?.allow(rkHex, kind, this.now()) === false) {
      this.reject(rkHex, 'rate_limited', `${kind} over the recipient's rate limit`);
      return true;
    }
    if (ctx.kind === 'recipient' && m.message.kind === 'offer_paths_request') await this.onOfferPathsRequest(ctx, m.message, m.replyPath, m.local === true);
    else if (ctx.kind === 'serve' && m.message.kind === 'serve_static_invoice') await this.onServeStaticInvoice(ctx, m.message, m.replyPath);
    else if (ctx.kind === 'offer' && m.message.kind === 'invoice_request') await this.invoiceRequests.handle(ctx, m.message, m.replyPath, m.relayed === true);
    else this.reject(rkHex, 'wrong_message_for_path', `${m.message.kind} on a ${ctx.kind} path`);
    return true;
  }

  private async onOfferPathsRequest(
    ctx: Extract<PathContext, { kind: 'recipient' }>,
    msg: OfferPathsRequestMessage,
    replyPath: BlindedPath | undefined,
    local: boolean,
  ): Promise<void> {
    const rkHex = toHex(ctx.recipient);
    const name = this.book.nameOf(rkHex);
    if (!replyPath) return this.reject(rkHex, 'no_reply_path', 'offer_paths_request without reply path');
    const slot = msg.invoiceSlot;
    if (slot >= this.opts.maxSlots) return this.reject(rkHex, 'slot_over_quota', `offer_paths_request for slot ${slot} ≥ asyncpay-max-slots ${this.opts.maxSlots}`);
    const now = this.now();
    // Nothing derived from a recipient path outlives it.
    const expiry = ctx.expiresAt === NEVER ? now + OFFER_PATHS_LIFETIME : Math.min(now + OFFER_PATHS_LIFETIME, ctx.expiresAt);
    // Fresh random blinding on every request: LDK ignores paths it already holds.
    const offerPath = await this.transport.createPath({ kind: 'offer', recipient: ctx.recipient, slot, expiresAt: expiry }, { compact: true });
    // Only the recipient sends to its serve path: it needs in-process delivery only when
    // that recipient is this node itself.
    const servePath = await this.transport.createPath({ kind: 'serve', recipient: ctx.recipient, slot, expiresAt: expiry }, { remember: local });
    const ops = await this.store.issueOps(ctx.recipient, slot, pathHash(offerPath), now, expiry);
    await this.store.batch(ops);
    this.book.bump(rkHex, 'offer_paths_issued');
    try {
      await this.transport.send(replyPath, { kind: 'offer_paths', paths: [offerPath], pathsAbsoluteExpiry: BigInt(expiry) }, { replyPath: servePath });
      this.log.debug(`sent offer_paths for ${name} slot ${slot}`);
    } catch (e) {
      this.log.info(`could not send offer_paths to ${name}: ${(e as Error).message}`);
    }
  }

  private async onServeStaticInvoice(
    ctx: Extract<PathContext, { kind: 'serve' }>,
    msg: ServeStaticInvoiceMessage,
    replyPath: BlindedPath | undefined,
  ): Promise<void> {
    const rkHex = toHex(ctx.recipient);
    const name = this.book.nameOf(rkHex)!;
    const now = this.now();
    if (!replyPath) return this.reject(rkHex, 'no_reply_path', 'serve_static_invoice without reply path');
    if (msg.invoice.length > this.opts.maxInvoiceBytes) return this.reject(rkHex, 'too_large', `static invoice of ${msg.invoice.length} bytes > ${this.opts.maxInvoiceBytes}`);
    if (ctx.slot >= this.opts.maxSlots) return this.reject(rkHex, 'slot_over_quota', `slot ${ctx.slot}`);
    // A forward path into one of our own server paths would hand every payer's request
    // straight back to us (offer path) or to a role that refuses it (recipient, serve).
    const own = this.transport.ownPathKind(msg.forwardInvoiceRequestPath);
    if (own !== undefined && own !== 'forwarded_invreq') {
      return this.reject(rkHex, 'bad_forward_path', `forward_invoice_request_path is one of our own ${own} paths`);
    }
    let inv: StaticInvoice;
    try {
      inv = decodeStaticInvoice(msg.invoice);
    } catch (e) {
      return this.reject(rkHex, 'bad_invoice', `static invoice rejected: ${(e as DecodeError).message}`);
    }
    const check = checkStaticInvoiceToPersist(inv, now, this.opts.maxInvoiceBytes);
    if (!check.ok) return this.reject(rkHex, check.reason === 'expired' ? 'expired' : 'too_large', `static invoice ${check.reason}`);
    const offerPaths = inv.offer.paths ?? [];
    for (const p of offerPaths) {
      if (!(await this.store.isIssued(ctx.recipient, ctx.slot, pathHash(p), now))) {
        return this.reject(rkHex, 'wrong_paths', `static invoice's offer paths were not issued for ${name} slot ${ctx.slot}`);
      }
    }
    const invHex = toHex(inv.bytes);
    // Read, compare, write: one (recipient, slot) at a time, or an older invoice handled
    // concurrently with a newer one could be written last.
    const outcome = await this.slotLock.run(slotLockKey(rkHex, ctx.slot), async (): Promise<{ stored?: InvoiceRecord; resend?: InvoiceRecord }> => {
      // Reloaded (a cache hit unless evicted while waiting): the lock may have waited long.
      if (!(await this.book.load(rkHex)) || this.book.revokedAt(rkHex) !== null) {
        this.reject(rkHex, 'revoked', 'serve_static_invoice of a revoked recipient');
        return {};
      }
      const existing = await this.store.getInvoice(ctx.recipient, ctx.slot);
      if (existing && existing.invoice === invHex) {
        // LDK re-sends pending invoices every minute: no state change, but re-confirm if we already did.
        this.log.debug(`duplicate static invoice for ${name} slot ${ctx.slot}`);
        if (existing.status !== 'confirmed') return {};
        existing.persisted_reply_path = toHex(encodeBlindedPath(replyPath));
        return { resend: existing };
      }
      if (existing && existing.created_at > Number(inv.createdAt)) {
        this.reject(rkHex, 'replay', `static invoice for ${name} slot ${ctx.slot} older than the stored one`);
        return {};
      }
      const over = this.opts.limits?.storageOver(await this.store.listInvoices(ctx.recipient), ctx.slot, inv.bytes.length);
      if (over) {
        this.reject(rkHex, 'storage_quota', `static invoice for ${name} slot ${ctx.slot}: ${over}`);
        return {};
      }
      const rec: InvoiceRecord = {
        recipient_id: name,
        invoice_slot: ctx.slot,
        status: this.opts.autoconfirm ? 'confirmed' : 'pending',
        invoice: invHex,
        forward_invoice_request_path: toHex(encodeBlindedPath(msg.forwardInvoiceRequestPath)),
        persisted_reply_path: toHex(encodeBlindedPath(replyPath)),
        offer_id: toHex(offerIdOf(inv.records)),
        created_at: Number(inv.createdAt),
        expires_at: Number(objectExpiresAt(inv) ?? 0n),
        offer_expires_at: Number(inv.offer.absoluteExpiry ?? 0n),
        stored_at: now,
        bytes: inv.bytes.length,
      };
      this.book.bump(rkHex, 'invoices_stored');
      const counted = this.book.putOp(ctx.recipient);
      await this.store.batch([this.store.putInvoiceOp(ctx.recipient, rec), ...(counted ? [counted] : [])]);
      return { stored: rec };
    });
    if (outcome.resend) await this.sendPersisted(outcome.resend);
    const rec = outcome.stored;
    if (!rec) return;
    this.log.info(`stored static invoice for ${name} slot ${ctx.slot} (${rec.bytes} bytes, ${rec.status})`);
    this.notify('asyncpay_static_invoice', {
      recipient_id: name,
      invoice_slot: ctx.slot,
      offer_id: rec.offer_id,
      expires_at: rec.expires_at,
      status: rec.status,
    });
    if (this.opts.autoconfirm) await this.sendPersisted(rec);
  }

  private async sendPersisted(rec: InvoiceRecord): Promise<boolean> {
    if (!rec.persisted_reply_path) return false;
    try {
      await this.transport.send(decodeBlindedPath(fromHex(rec.persisted_reply_path)), { kind: 'static_invoice_persisted' });
      return true;
    } catch (e) {
      this.log.info(`could not send static_invoice_persisted to ${rec.recipient_id}: ${(e as Error).message}`);
      return false;
    }
  }

  private reject(rkHex: string, reason: RejectReason, why: string): void {
    this.book.reject(rkHex, reason, why);
  }
}

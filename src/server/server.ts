// The static invoice server role (S): hands a recipient paths to ask for offer paths,
// answers offer_paths_request with fresh compact offer paths, validates and stores
// serve_static_invoice, confirms it, and serves the stored invoice to payers while
// forwarding their invoice_request to the recipient. Decides; the transport sends.
import { fromHex, toHex, utf8 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { sha256 } from '../crypto/hash.js';
import { decodeInvoiceRequest } from '../bolt12/invoice-request.js';
import { decodeStaticInvoice, type StaticInvoice } from '../bolt12/static-invoice.js';
import { expiresAt as objectExpiresAt } from '../bolt12/expiry.js';
import { checkStaticInvoiceToPersist } from '../bolt12/validate.js';
import { offerIdOf } from '../bolt12/offer-id.js';
import { RpcError, JSONRPC_INVALID_PARAMS } from '../cln/errors.js';
import type {
  InvoiceRequestMessage,
  OfferPathsRequestMessage,
  ServeStaticInvoiceMessage,
} from '../messages/types.js';
import { decodeBlindedPath, encodeBlindedPath, encodeBlindedPathVec } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';
import { NEVER, type PathContext } from '../transport/context.js';
import type { Inbound, Transport } from '../transport/transport.js';
import { emptyCounters, ServerStore, type Counters, type InvoiceRecord, type RecipientRecord } from './server-store.js';
import { RecipientDirectory } from './recipient-directory.js';

/** LDK's DEFAULT_ASYNC_RECEIVE_OFFER_EXPIRY: offer paths and S's serve reply path live a year. */
export const OFFER_PATHS_LIFETIME = 365 * 24 * 3600;
/** LDK caps recipient ids at 1024 bytes. */
export const MAX_RECIPIENT_ID_BYTES = 1024;
export const ERR_NOT_FOUND = 1901;
export const ERR_NO_PATHS = 1902;
export const ERR_SEND_FAILED = 1903;

export interface ServerOptions {
  autoconfirm: boolean;
  maxSlots: number;
  maxInvoiceBytes: number;
}

export interface ServerLog {
  debug(m: string): void;
  info(m: string): void;
  unusual(m: string): void;
}

export type RejectReason =
  | 'no_reply_path'
  | 'too_large'
  | 'bad_invoice'
  | 'expired'
  | 'slot_over_quota'
  | 'wrong_paths'
  | 'replay'
  | 'unknown_recipient'
  | 'bad_invoice_request'
  | 'nothing_stored'
  | 'wrong_message_for_path';

/** 16 bytes naming a recipient inside path contexts: SHA256(recipient_id)[0..16]. */
export function recipientKey(recipientId: string): Uint8Array {
  return sha256(utf8(recipientId)).slice(0, 16);
}

/** Identifies an issued offer path: SHA256 of its encoding. */
function pathHash(p: BlindedPath): string {
  return toHex(sha256(encodeBlindedPath(p)).subarray(0, 16));
}

export class StaticInvoiceServer {
  /** Recipients loaded on demand; counter changes are flushed to the store (issue 16: no per-recipient state at start). */
  private readonly recipients: RecipientDirectory;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly store: ServerStore,
    private readonly opts: ServerOptions,
    private readonly log: ServerLog,
    private readonly now: () => number,
    private readonly notify: (topic: string, payload: Record<string, unknown>) => void,
  ) {
    this.recipients = new RecipientDirectory(store);
  }

  /** Nothing to preload: recipients are read when a message or command names them. */
  async load(): Promise<void> {}

  // ------------------------------------------------------------------ RPC methods

  /** `asyncrecipient-paths recipient_id [expiry]` */
  async recipientPaths(params: { recipient_id?: unknown; expiry?: unknown }): Promise<Record<string, unknown>> {
    const recipientId = requireRecipientId(params.recipient_id);
    let expiresAt = NEVER;
    if (params.expiry !== undefined && params.expiry !== null) {
      const e = Number(params.expiry);
      if (!Number.isInteger(e) || e <= 0 || e > 100 * 365 * 86400) throw new RpcError(JSONRPC_INVALID_PARAMS, 'expiry must be a positive number of seconds');
      expiresAt = this.now() + e;
    }
    const rk = recipientKey(recipientId);
    const rkHex = toHex(rk);
    const known = (await this.recipients.load(rkHex)) ? this.recipients.name(rkHex) : undefined;
    if (known !== undefined && known !== recipientId) throw new RpcError(JSONRPC_INVALID_PARAMS, 'recipient_id collides with another recipient');
    let path: BlindedPath;
    try {
      path = await this.transport.createPath({ kind: 'recipient', recipient: rk, expiresAt });
    } catch (e) {
      throw new RpcError(ERR_NO_PATHS, `cannot create a path to this node: ${(e as Error).message}`);
    }
    if (known === undefined) {
      const rec: RecipientRecord = { recipient_id: recipientId, created_at: this.now(), counters: emptyCounters() };
      await this.store.batch([this.store.putRecipientOp(rk, rec)]);
      this.recipients.add(rkHex, rec);
    }
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
    const rk = params.recipient_id === undefined || params.recipient_id === null ? undefined : recipientKey(requireRecipientId(params.recipient_id));
    const invoices = await this.store.listInvoices(rk);
    const recipients = await this.recipients.list(rk ? toHex(rk) : undefined);
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
      recipients,
    };
  }

  /** `staticinvoice-confirm recipient_id invoice_slot` — idempotent; re-sends the confirmation. */
  async confirm(params: { recipient_id?: unknown; invoice_slot?: unknown }): Promise<Record<string, unknown>> {
    const recipientId = requireRecipientId(params.recipient_id);
    const slot = requireSlot(params.invoice_slot);
    const rk = recipientKey(recipientId);
    const rec = await this.store.getInvoice(rk, slot);
    if (!rec) throw new RpcError(ERR_NOT_FOUND, `no static invoice stored for ${recipientId} slot ${slot}`);
    if (rec.status !== 'confirmed') {
      rec.status = 'confirmed';
      await this.store.batch([this.store.putInvoiceOp(rk, rec)]);
    }
    const sent = await this.sendPersisted(rec);
    return { recipient_id: recipientId, invoice_slot: slot, status: rec.status, confirmation_sent: sent };
  }

  /** `staticinvoice-delete recipient_id [invoice_slot]` */
  async delete(params: { recipient_id?: unknown; invoice_slot?: unknown }): Promise<Record<string, unknown>> {
    const recipientId = requireRecipientId(params.recipient_id);
    const rk = recipientKey(recipientId);
    const slots =
      params.invoice_slot === undefined || params.invoice_slot === null
        ? (await this.store.listInvoices(rk)).map((r) => r.invoice_slot)
        : [requireSlot(params.invoice_slot)];
    const existing = [];
    for (const s of slots) if (await this.store.getInvoice(rk, s)) existing.push(s);
    if (existing.length === 0 && params.invoice_slot !== undefined) throw new RpcError(ERR_NOT_FOUND, `no static invoice stored for ${recipientId} slot ${slots[0]}`);
    await this.store.batch(existing.map((s) => this.store.delInvoiceOp(rk, s)));
    this.log.info(`deleted ${existing.length} static invoice(s) of ${recipientId}`);
    return { recipient_id: recipientId, deleted: existing };
  }

  // ------------------------------------------------------------- inbound messages

  /** Handles messages on the server's own paths; returns false for contexts it does not own. */
  async handle(m: Inbound): Promise<boolean> {
    const ctx = m.context;
    if (ctx.kind !== 'recipient' && ctx.kind !== 'offer' && ctx.kind !== 'serve') return false;
    const rkHex = toHex(ctx.recipient);
    if (!(await this.recipients.load(rkHex))) {
      // Paths of a recipient this node no longer knows (database replaced).
      this.log.debug(`dropped ${m.message.kind}: unknown recipient ${rkHex}`);
      return true;
    }
    if (ctx.kind === 'recipient' && m.message.kind === 'offer_paths_request') await this.onOfferPathsRequest(ctx, m.message, m.replyPath);
    else if (ctx.kind === 'serve' && m.message.kind === 'serve_static_invoice') await this.onServeStaticInvoice(ctx, m.message, m.replyPath);
    else if (ctx.kind === 'offer' && m.message.kind === 'invoice_request') await this.onInvoiceRequest(ctx, m.message, m.replyPath);
    else this.reject(rkHex, 'wrong_message_for_path', `${m.message.kind} on a ${ctx.kind} path`);
    return true;
  }

  private async onOfferPathsRequest(
    ctx: Extract<PathContext, { kind: 'recipient' }>,
    msg: OfferPathsRequestMessage,
    replyPath: BlindedPath | undefined,
  ): Promise<void> {
    const rkHex = toHex(ctx.recipient);
    if (!replyPath) return this.reject(rkHex, 'no_reply_path', 'offer_paths_request without reply path');
    const slot = msg.invoiceSlot;
    if (slot >= this.opts.maxSlots) return this.reject(rkHex, 'slot_over_quota', `offer_paths_request for slot ${slot} ≥ asyncpay-max-slots ${this.opts.maxSlots}`);
    const now = this.now();
    const expiry = now + OFFER_PATHS_LIFETIME;
    // Fresh random blinding on every request: LDK ignores paths it already holds.
    const offerPath = await this.transport.createPath({ kind: 'offer', recipient: ctx.recipient, slot, expiresAt: expiry }, { compact: true });
    const servePath = await this.transport.createPath({ kind: 'serve', recipient: ctx.recipient, slot, expiresAt: expiry });
    const ops = await this.store.issueOps(ctx.recipient, slot, pathHash(offerPath), now, expiry);
    await this.store.batch(ops);
    this.bump(rkHex, 'offer_paths_issued');
    try {
      await this.transport.send(replyPath, { kind: 'offer_paths', paths: [offerPath], pathsAbsoluteExpiry: BigInt(expiry) }, { replyPath: servePath });
      this.log.debug(`sent offer_paths for ${this.recipients.name(rkHex)} slot ${slot}`);
    } catch (e) {
      this.log.info(`could not send offer_paths to ${this.recipients.name(rkHex)}: ${(e as Error).message}`);
    }
  }

  private async onServeStaticInvoice(
    ctx: Extract<PathContext, { kind: 'serve' }>,
    msg: ServeStaticInvoiceMessage,
    replyPath: BlindedPath | undefined,
  ): Promise<void> {
    const rkHex = toHex(ctx.recipient);
    const name = this.recipients.name(rkHex)!;
    const now = this.now();
    if (!replyPath) return this.reject(rkHex, 'no_reply_path', 'serve_static_invoice without reply path');
    if (msg.invoice.length > this.opts.maxInvoiceBytes) return this.reject(rkHex, 'too_large', `static invoice of ${msg.invoice.length} bytes > ${this.opts.maxInvoiceBytes}`);
    if (ctx.slot >= this.opts.maxSlots) return this.reject(rkHex, 'slot_over_quota', `slot ${ctx.slot}`);
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
    const existing = await this.store.getInvoice(ctx.recipient, ctx.slot);
    const invHex = toHex(inv.bytes);
    if (existing && existing.invoice === invHex) {
      // LDK re-sends pending invoices every minute: no state change, but re-confirm if we already did.
      this.log.debug(`duplicate static invoice for ${name} slot ${ctx.slot}`);
      if (existing.status === 'confirmed') {
        existing.persisted_reply_path = toHex(encodeBlindedPath(replyPath));
        await this.sendPersisted(existing);
      }
      return;
    }
    if (existing && existing.created_at > Number(inv.createdAt)) {
      return this.reject(rkHex, 'replay', `static invoice for ${name} slot ${ctx.slot} older than the stored one`);
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
    const counters = this.bump(rkHex, 'invoices_stored');
    await this.store.batch([
      this.store.putInvoiceOp(ctx.recipient, rec),
      this.store.putRecipientOp(ctx.recipient, { recipient_id: name, created_at: this.recipients.createdAt(rkHex) ?? now, counters }),
    ]);
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

  private async onInvoiceRequest(
    ctx: Extract<PathContext, { kind: 'offer' }>,
    msg: InvoiceRequestMessage,
    replyPath: BlindedPath | undefined,
  ): Promise<void> {
    const rkHex = toHex(ctx.recipient);
    const name = this.recipients.name(rkHex)!;
    if (!replyPath) return this.reject(rkHex, 'no_reply_path', 'invoice_request without reply path');
    try {
      decodeInvoiceRequest(msg.bytes); // BOLT 12 reader rules and the payer's signature
    } catch (e) {
      return this.reject(rkHex, 'bad_invoice_request', `invoice_request rejected: ${(e as Error).message}`);
    }
    const rec = await this.store.getInvoice(ctx.recipient, ctx.slot);
    if (!rec || rec.status !== 'confirmed') {
      // Never invoice_error: an LDK payer abandons the payment on one.
      this.log.debug(`invoice_request for ${name} slot ${ctx.slot}: nothing ${rec ? 'confirmed' : 'stored'}, not answering`);
      this.bump(rkHex, 'rejected', 'nothing_stored');
      return;
    }
    // Forward first (the recipient may be online and answer with a real invoice), as LDK does.
    try {
      await this.transport.send(decodeBlindedPath(fromHex(rec.forward_invoice_request_path)), msg, { replyPath, peerOnly: true });
      this.bump(rkHex, 'forwarded');
    } catch (e) {
      this.log.debug(`could not forward invoice_request to ${name}: ${(e as Error).message}`);
    }
    // The stored bytes were fully validated when accepted; only time can have changed.
    const now = this.now();
    const expired = now > rec.expires_at ? 'expired' : rec.offer_expires_at !== 0 && now > rec.offer_expires_at ? 'offer expired' : undefined;
    if (expired) {
      this.log.debug(`not serving ${name} slot ${ctx.slot}: stored invoice ${expired}`);
      return;
    }
    try {
      await this.transport.send(replyPath, { kind: 'static_invoice', bytes: fromHex(rec.invoice) });
      this.bump(rkHex, 'served');
      this.log.debug(`served static invoice of ${name} slot ${ctx.slot}`);
    } catch (e) {
      this.log.info(`could not send static_invoice for ${name}: ${(e as Error).message}`);
    }
  }

  // -------------------------------------------------------------------- counters

  private reject(rkHex: string, reason: RejectReason, why: string): void {
    this.bump(rkHex, 'rejected', reason);
    this.log.debug(`rejected (${reason}) from ${this.recipients.name(rkHex) ?? rkHex}: ${why}`);
  }

  private bump(rkHex: string, field: keyof Counters, reason?: string): Counters {
    const c = this.recipients.bump(rkHex, (c) => {
      if (field === 'rejected') c.rejected[reason!] = (c.rejected[reason!] ?? 0) + 1;
      else (c[field] as number)++;
    });
    this.scheduleFlush();
    return c ?? emptyCounters();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), 1000);
    this.flushTimer.unref();
  }

  /** Writes counters to the store (also at shutdown). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // Only the recipients whose counters changed since the last flush.
    const { ops, done } = this.recipients.flushOps();
    await this.store.batch(ops);
    done();
  }
}

function requireRecipientId(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw new RpcError(JSONRPC_INVALID_PARAMS, 'recipient_id must be a non-empty string');
  if (utf8(v).length > MAX_RECIPIENT_ID_BYTES) throw new RpcError(JSONRPC_INVALID_PARAMS, `recipient_id longer than ${MAX_RECIPIENT_ID_BYTES} bytes`);
  return v;
}

function requireSlot(v: unknown): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffff) throw new RpcError(JSONRPC_INVALID_PARAMS, 'invoice_slot must be an integer 0..65535');
  return n;
}


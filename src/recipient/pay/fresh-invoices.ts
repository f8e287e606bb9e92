// Answering an invoice_request the server forwarded while we are online (payments.md
// §3): check it against our offer, mint a fresh invoice whose payment paths
// lightningd recognises as its own, keep the preimage (record written before
// anything leaves), register it with `createinvoice`, send it to the payer. Then
// lightningd settles the payment and tells us with `invoice_payment`.
import { fromHex, toHex } from '../../codec/bytes.js';
import { sha256 } from '../../crypto/hash.js';
import { randomBytes } from '../../crypto/secp.js';
import type { NonEmpty, PaymentPath } from '../../bolt12/build.js';
import { decodeOffer } from '../../bolt12/offer.js';
import type { BlindedPath } from '../../onion/types.js';
import { offerSigningKey } from '../keys.js';
import { buildPaymentPaths, inboundChannels, type PeerChannelJson } from '../payment-paths.js';
import { checkInvreqForOffer, type InvreqVerdict } from './checks.js';
import type { HeldOffer, PayState } from './context.js';
import { buildFreshInvoice, FRESH_INVOICE_EXPIRY_SECS, INVOICE_BASE_LABEL, invoicePathId } from './fresh-invoice.js';
import { unpaidRecord, type PaymentRecord } from './payments-store.js';
import type { RateBound } from './rate.js';

/** Unpaid fresh invoices we keep at once (each holds a record and a lightningd invoice). */
export const MAX_PENDING_INVOICES = 1000;
export const LABEL_PREFIX = 'asyncpay-';

export class FreshInvoices {
  private base: Uint8Array | undefined;
  private pending = 0;

  constructor(
    private readonly s: PayState,
    private readonly rate: RateBound,
  ) {}

  /** Counts pending invoices and settles what lightningd settled while we were away. */
  async start(records: readonly PaymentRecord[]): Promise<void> {
    for (const r of records) {
      if (r.kind !== 'invoice' || r.status !== 'pending') continue;
      const inv = await this.s.d.rpc
        .call<{ invoices?: Array<{ status?: string; amount_received_msat?: unknown }> }>('listinvoices', { label: r.label })
        .catch(() => undefined);
      const li = inv?.invoices?.[0];
      if (li?.status === 'paid') await this.markPaid(r, li.amount_received_msat);
      else if (li?.status === 'expired' || (li === undefined && inv !== undefined) || (r.expires_at ?? 0) < this.s.d.now() - 3600) {
        await this.s.db.batch([this.s.db.putOp({ ...r, status: 'failed', failure_reason: 'expired', updated_at: this.s.d.now() })]);
      } else this.pending++;
    }
  }

  /** Recounts unpaid fresh invoices (after records expired). */
  recount(records: readonly PaymentRecord[]): void {
    this.pending = records.filter((r) => r.kind === 'invoice' && r.status === 'pending').length;
  }

  private async invoiceBase(): Promise<Uint8Array> {
    if (!this.base) {
      const r = await this.s.d.rpc.call<{ secret: string }>('makesecret', { string: INVOICE_BASE_LABEL });
      this.base = fromHex(r.secret);
    }
    return this.base;
  }

  /** Checks a forwarded request against our offer; a refusal is counted. */
  async check(offer: HeldOffer, bytes: Uint8Array): Promise<InvreqVerdict> {
    if (!this.s.chain) return { ok: false, reason: 'wrong_chain', detail: 'chain not known yet' };
    const v = checkInvreqForOffer(bytes, decodeOffer(fromHex(offer.offer)).records, this.s.chain);
    if (!v.ok) await this.s.serial.run(() => this.s.db.batch([this.s.failureOp(`invoice_request_${v.reason}`)]));
    else this.s.d.log.info(`invoice_request for async offer ${offer.offerId} (slot ${offer.slot}, ${v.need} msat) forwarded by the server; answering with a fresh invoice`);
    return v;
  }

  /** Answers a checked request with a fresh invoice, if the bounds allow. */
  async mint(offer: HeldOffer, v: Extract<InvreqVerdict, { ok: true }>, replyPath: BlindedPath | undefined): Promise<void> {
    const { log, now, rpc, transport } = this.s.d;
    const what = `forwarded invoice_request for offer ${offer.offerId} (slot ${offer.slot})`;
    if (!replyPath) return log.debug(`${what}: no reply path to answer over`);
    if (!this.rate.take(offer.offerId, now())) {
      log.info(`${what}: more than ${this.rate.perWindow} fresh invoices in ${this.rate.windowSecs} s for this offer; not answering (the payer has the static invoice)`);
      return this.s.serial.run(() => this.s.db.batch([this.s.failureOp('invoice_rate_limited')]));
    }
    if (this.pending >= MAX_PENDING_INVOICES) return log.info(`${what}: ${this.pending} fresh invoices unpaid already; not answering`);
    const [info, chans, base] = await Promise.all([
      rpc.call<{ blockheight: number }>('getinfo'),
      transport.topology.peerChannels(),
      this.invoiceBase(),
    ]);
    const preimage = randomBytes(32);
    const hash = sha256(preimage);
    const paths = buildPaymentPaths({
      channels: inboundChannels(chans as PeerChannelJson[]),
      ourId: transport.secrets.ourId,
      pathId: invoicePathId(base, hash),
      blockHeight: info.blockheight,
      relativeExpirySecs: FRESH_INVOICE_EXPIRY_SECS,
    });
    if (paths.length === 0) return log.info(`${what}: no channel to build payment paths from; not answering`);
    const createdAt = now();
    const built = buildFreshInvoice({
      req: v.invreq,
      paymentPaths: paths as unknown as NonEmpty<PaymentPath>,
      paymentHash: hash,
      createdAt,
      amountMsat: v.need,
      offerKey: offerSigningKey(transport.secrets.offerKeyBase, fromHex(offer.nonce)),
    });
    const label = `${LABEL_PREFIX}${toHex(hash)}`;
    const rec = unpaidRecord({
      payment_hash: toHex(hash),
      kind: 'invoice',
      offer_id: offer.offerId,
      invoice_slot: offer.slot,
      need: v.need,
      invreq: v.invreq,
      status: 'pending',
      created_at: createdAt,
      updated_at: createdAt,
      preimage: toHex(preimage),
      label,
      expires_at: createdAt + FRESH_INVOICE_EXPIRY_SECS,
    });
    // The preimage is on disk before lightningd or the payer ever see the hash.
    await this.s.serial.run(() => this.s.db.batch([this.s.db.putOp(rec)]));
    try {
      await rpc.call('createinvoice', { invstring: built.unsigned, label, preimage: toHex(preimage) });
    } catch (e) {
      log.unusual(`${what}: createinvoice failed: ${(e as Error).message}`);
      return this.s.serial.run(() =>
        this.s.db.batch([this.s.db.putOp({ ...rec, status: 'failed', failure_reason: 'createinvoice_failed', updated_at: now() }), this.s.failureOp('createinvoice_failed')]),
      );
    }
    this.pending++;
    try {
      await transport.send(replyPath, { kind: 'invoice', bytes: built.invoice.bytes });
    } catch (e) {
      log.info(`${what}: could not send the invoice: ${(e as Error).message}`);
      return;
    }
    await this.s.serial.run(async () => {
      this.s.counters.fresh_invoices_sent++;
      await this.s.db.batch([this.s.countersOp()]);
    });
    log.info(`answered ${what} with a fresh invoice for ${v.need} msat (payment_hash ${rec.payment_hash}, label ${label})`);
  }

  /** `invoice_payment`: lightningd settled one of our fresh invoices. */
  async onInvoicePayment(p: unknown): Promise<void> {
    const x = p as { label?: unknown; preimage?: unknown; msat?: unknown } | null;
    if (!x || typeof x.label !== 'string' || !x.label.startsWith(LABEL_PREFIX) || typeof x.preimage !== 'string' || !/^[0-9a-f]{64}$/.test(x.preimage)) return;
    const hash = toHex(sha256(fromHex(x.preimage)));
    await this.s.serial.run(async () => {
      const r = await this.s.db.get(hash);
      if (!r || r.kind !== 'invoice' || r.label !== x.label || r.status === 'paid') return;
      await this.markPaid(r, x.msat);
    });
  }

  private async markPaid(r: PaymentRecord, msat: unknown): Promise<void> {
    const now = this.s.d.now();
    const got = typeof msat === 'number' || (typeof msat === 'string' && /^[0-9]{1,20}(msat)?$/.test(msat)) ? BigInt(String(msat).replace('msat', '')) : BigInt(r.amount_msat);
    const paid: PaymentRecord = { ...r, status: 'paid', received_msat: got.toString(), updated_at: now, paid_at: now };
    this.s.countPaid(got);
    await this.s.db.batch([this.s.db.putOp(paid), this.s.countersOp()]);
    if (r.status === 'pending') this.pending = Math.max(0, this.pending - 1);
    await this.s.announcePaid(paid);
  }
}

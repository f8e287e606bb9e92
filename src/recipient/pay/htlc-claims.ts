// `htlc_accepted` for the recipient (payments.md §2–§3). An HTLC is ours when its
// final TLV 10 bytes are ones we wrote into a static invoice's payment path, or when
// it pays one of our fresh invoices and lightningd could not decode it (a replay
// after a restart). Everything else is answered `continue` at once. Ours are checked
// (checks.ts), held until their set is complete (mpp.ts), and claimed: the paid
// record is written in one batch, then every part is resolved with the preimage. A
// replayed part of a paid payment is resolved again.
import { fromHex, toHex } from '../../codec/bytes.js';
import { sha256 } from '../../crypto/hash.js';
import { decodeOffer } from '../../bolt12/offer.js';
import { MIN_FINAL_CLTV_EXPIRY_DELTA } from '../constants.js';
import { checkStaticPart, type OurPathInfo } from './checks.js';
import type { PayState } from './context.js';
import { CONTINUE, failAnswer, resolveAnswer, type FailReason } from './failure.js';
import { parseFinalPayload, type FinalPayload } from './final-payload.js';
import { parseHtlcHook, type HtlcIn } from './hook-payload.js';
import { MppSets, type MppPart } from './mpp.js';
import type { PayPaths } from './pay-paths.js';
import { unpaidRecord, type PaymentRecord } from './payments-store.js';

export type HookAnswer = Record<string, unknown>;
type Answer = (a: HookAnswer) => void;

/** lightningd and LDK wait 60 s for the rest of a multi-part payment. */
export const MPP_TIMEOUT_SECS = 60;
/** Fail held parts this many blocks before they expire (time to fail back upstream). */
export const CLTV_MARGIN_BLOCKS = 6;
export const MAX_PARTS_PER_PAYMENT = 32;
export const MAX_PENDING_PAYMENTS = 256;

export interface ClaimOptions {
  readonly mppTimeoutSecs?: number;
  /**
   * Dev only (crash tests): after writing a claim, never answer — the instant a
   * `kill -9` of the node must survive; the test then kills and restarts it.
   */
  readonly stallAfterClaim?: boolean;
}

export class HtlcClaims {
  private readonly mpp: MppSets;
  /** Withheld hook answers of held parts, by part key. */
  private readonly waiting = new Map<string, Answer[]>();

  constructor(
    private readonly s: PayState,
    private readonly paths: PayPaths,
    private readonly opts: ClaimOptions = {},
    /** Called whenever a part is left held (its set incomplete): the owner's timer must run. */
    private readonly onHeld: () => void = () => {},
  ) {
    this.mpp = new MppSets({
      timeoutSecs: opts.mppTimeoutSecs ?? MPP_TIMEOUT_SECS,
      cltvMarginBlocks: CLTV_MARGIN_BLOCKS,
      maxPartsPerSet: MAX_PARTS_PER_PAYMENT,
      maxSets: MAX_PENDING_PAYMENTS,
    });
  }

  get heldParts(): number {
    return this.mpp.heldParts();
  }

  /** Whether any set is waiting for parts. */
  holdsAny(): boolean {
    return this.mpp.size > 0;
  }

  /** Whether parts of `hash` are held right now. */
  holds(hash: string): boolean {
    return this.mpp.has(hash);
  }

  /** The hook: resolves with the answer, exactly once, whatever happens. */
  onHtlcAccepted(payload: unknown): Promise<HookAnswer> {
    const h = parseHtlcHook(payload);
    if (!h) return Promise.resolve(CONTINUE);
    let fp: FinalPayload | undefined;
    try {
      fp = parseFinalPayload(h.payload);
    } catch {
      fp = undefined;
    }
    const path = fp?.encryptedRecipientData ? this.paths.lookup(fp.encryptedRecipientData) : undefined;
    // The common case on a routing node: not over our paths, decoded by lightningd, and
    // no set of ours waiting for it. Passed on at once, without touching the database.
    if (!path && h.decodedByLightningd && !this.mpp.has(h.paymentHashHex)) return Promise.resolve(CONTINUE);
    return new Promise((resolve) => {
      let done = false;
      const answer: Answer = (a) => {
        if (!done) {
          done = true;
          resolve(a);
        }
      };
      this.s.serial
        .run(() => this.decide(h, fp, path, answer))
        .catch((e) => {
          this.s.d.log.unusual(`htlc_accepted ${h.key}: ${(e as Error).stack ?? String(e)}; answering continue`);
          answer(CONTINUE);
        });
    });
  }

  private async decide(h: HtlcIn, fp: FinalPayload | undefined, path: OurPathInfo | undefined, answer: Answer): Promise<void> {
    const rec = await this.s.db.get(h.paymentHashHex);
    if (rec?.status === 'paid' && rec.preimage && rec.htlcs.includes(h.key)) {
      this.s.d.log.info(`htlc ${h.key} of paid payment ${h.paymentHashHex} replayed: resolving it again`);
      answer(resolveAnswer(fromHex(rec.preimage)));
      if (!rec.announced) await this.s.announcePaid(rec);
      return;
    }
    if (path) {
      if (!fp) return this.reject(h, answer, 'malformed_payload', 'unreadable payload');
      return this.staticPart(h, fp, path, rec, answer);
    }
    // Ours to settle: lightningd cannot decode it (a replay after its restart), or a set
    // of such replays is waiting for this part.
    if (rec?.kind === 'invoice' && (!h.decodedByLightningd || this.mpp.has(h.paymentHashHex))) return this.freshPart(h, fp, rec, answer);
    // Not ours, or a payment lightningd decoded and settles itself (our fresh invoices).
    return answer(CONTINUE);
  }

  private async staticPart(h: HtlcIn, fp: FinalPayload, path: OurPathInfo, rec: PaymentRecord | undefined, answer: Answer): Promise<void> {
    if (rec?.status === 'paid') return this.reject(h, answer, 'already_paid', 'a new part for a payment already claimed');
    const offer = this.s.d.offers.byOfferId(path.offerId);
    if (!offer) return this.reject(h, answer, 'unknown_offer', `offer ${path.offerId} is no longer held`);
    if (!this.s.chain) return this.reject(h, answer, 'wrong_chain', 'chain not known yet');
    const tip = await this.s.tip();
    const v = checkStaticPart({
      payload: fp,
      htlc: h,
      path,
      offerRecords: decodeOffer(fromHex(offer.offer)).records,
      chain: this.s.chain,
      tip,
    });
    if (!v.ok) return this.reject(h, answer, v.reason, v.detail, tip);
    const now = this.s.d.now();
    const identity = toHex(sha256(fp.invoiceRequest!));
    const firstSeen = rec?.status === 'held' ? rec.created_at : now;
    const r = this.mpp.add(h.paymentHashHex, partOf(h), v.total, identity, now, firstSeen);
    if (r.kind === 'reject') return this.reject(h, answer, r.reason, r.detail, tip);
    const base = unpaidRecord({
      payment_hash: h.paymentHashHex,
      kind: 'static',
      offer_id: path.offerId,
      invoice_slot: path.slot,
      need: v.need,
      invreq: v.invreq,
      status: 'held',
      created_at: firstSeen,
      updated_at: now,
      preimage: null,
      label: null,
      expires_at: null,
    });
    if (r.kind === 'held') {
      this.hold(h.key, answer);
      // Informational (listpayments, the timeout's start after a restart): a failed write
      // must not leave this part answered while its set goes on.
      if (rec?.status !== 'held') await this.s.db.batch([this.s.db.putOp(base)]).catch((e) => this.s.d.log.unusual(`cannot record held payment ${base.payment_hash}: ${(e as Error).message}`));
      this.s.d.log.debug(`holding part ${h.key} of ${h.paymentHashHex}: ${r.sum} of ${r.total} msat`);
      return;
    }
    this.hold(h.key, answer);
    await this.claim(base, r.parts, v.preimage, r.sum);
  }

  /**
   * A part of one of our fresh invoices that we settle ourselves: a replay lightningd can
   * no longer decode (payments.md §3 step 6), or a part joining a set of such replays.
   */
  private async freshPart(h: HtlcIn, fp: FinalPayload | undefined, rec: PaymentRecord, answer: Answer): Promise<void> {
    if (rec.status === 'paid') return this.reject(h, answer, 'already_paid', 'a new part for an invoice already paid');
    if (rec.status === 'failed') return this.reject(h, answer, 'payment_failed_before', `invoice ${rec.label} ${rec.failure_reason ?? 'failed'}`);
    if (!rec.preimage) return this.reject(h, answer, 'wrong_preimage', 'no stored preimage');
    if (!fp || fp.amtToForward === undefined || fp.outgoingCltvValue === undefined) return this.reject(h, answer, 'malformed_payload', 'unreadable payload');
    if (fp.unknownEven.length > 0) return this.reject(h, answer, 'unknown_even_type', `unknown even payload type ${fp.unknownEven[0]}`);
    const tip = await this.s.tip();
    const total = fp.totalAmountMsat ?? fp.amtToForward;
    const need = BigInt(rec.amount_msat);
    if (total < need) return this.reject(h, answer, 'underpaid', `total ${total} below the invoice's ${need} msat`, tip);
    if (h.amountMsat < fp.amtToForward) return this.reject(h, answer, 'part_below_forward', `HTLC ${h.amountMsat} msat, payload ${fp.amtToForward}`, tip);
    if (h.cltvExpiry < fp.outgoingCltvValue) return this.reject(h, answer, 'cltv_below_forward', `cltv_expiry below outgoing_cltv_value`, tip);
    if (h.cltvExpiry < tip + MIN_FINAL_CLTV_EXPIRY_DELTA) return this.reject(h, answer, 'cltv_too_soon', `cltv_expiry ${h.cltvExpiry} below tip ${tip} + ${MIN_FINAL_CLTV_EXPIRY_DELTA}`, tip);
    const now = this.s.d.now();
    const r = this.mpp.add(h.paymentHashHex, partOf(h), total, 'invoice', now);
    if (r.kind === 'reject') return this.reject(h, answer, r.reason, r.detail, tip);
    this.hold(h.key, answer);
    this.s.d.log.info(`htlc ${h.key} of our fresh invoice ${rec.label}${h.decodedByLightningd ? ' joins replayed parts' : ' replayed: lightningd cannot decode it after its restart'}; settling it ourselves`);
    if (r.kind === 'complete') await this.claim({ ...rec, updated_at: now }, r.parts, fromHex(rec.preimage), r.sum);
  }

  private hold(key: string, answer: Answer): void {
    this.onHeld();
    const list = this.waiting.get(key) ?? [];
    list.push(answer);
    this.waiting.set(key, list);
  }

  private release(key: string, a: HookAnswer): void {
    for (const ans of this.waiting.get(key) ?? []) ans(a);
    this.waiting.delete(key);
  }

  /** The decision to claim is on disk before any part is resolved. */
  private async claim(base: PaymentRecord, parts: readonly MppPart[], preimage: Uint8Array, sum: bigint): Promise<void> {
    const now = this.s.d.now();
    const paid: PaymentRecord = {
      ...base,
      status: 'paid',
      received_msat: sum.toString(),
      parts: parts.length,
      htlcs: parts.map((p) => p.key),
      preimage: toHex(preimage),
      failure_reason: null,
      updated_at: now,
      paid_at: now,
    };
    const counted = { ...this.s.counters };
    this.s.countPaid(sum);
    try {
      await this.s.db.batch([this.s.db.putOp(paid), this.s.countersOp()]);
    } catch (e) {
      this.s.counters = counted;
      // Not recorded, so not claimed: every part fails, none is left waiting.
      this.s.d.log.unusual(`cannot record the claim of ${paid.payment_hash} (${(e as Error).message}); failing its ${parts.length} part(s)`);
      for (const p of parts) this.release(p.key, failAnswer('too_many_pending', p.amountMsat, 0));
      return;
    }
    if (this.opts.stallAfterClaim) return this.s.d.log.info(`dev: claim of ${paid.payment_hash} written; stalling before answering`);
    for (const p of parts) this.release(p.key, resolveAnswer(preimage));
    await this.s.announcePaid(paid);
  }

  private async reject(h: HtlcIn, answer: Answer, reason: FailReason, detail: string, tip?: number): Promise<void> {
    const height = tip ?? (await this.s.tip().catch(() => 0));
    answer(failAnswer(reason, h.amountMsat, height));
    this.s.d.log.info(`failed htlc ${h.key} (payment_hash ${h.paymentHashHex}): ${reason}: ${detail}`);
    await this.s.db.batch([this.s.failureOp(reason)]);
  }

  /** Fails sets that timed out or whose parts near expiry. Runs in the serial queue. */
  async sweep(): Promise<void> {
    if (this.mpp.size === 0) return;
    const tip = await this.s.tip().catch(() => undefined);
    for (const e of this.mpp.expire(this.s.d.now(), tip)) {
      for (const p of e.parts) this.release(p.key, failAnswer(e.reason, p.amountMsat, tip ?? 0));
      this.s.d.log.info(`failed ${e.parts.length} held part(s) of ${e.hash}: ${e.reason}`);
      const rec = await this.s.db.get(e.hash);
      const ops = [this.s.failureOp(e.reason)];
      if (rec && rec.status === 'held') ops.push(this.s.db.putOp({ ...rec, status: 'failed', failure_reason: e.reason, updated_at: this.s.d.now() }));
      await this.s.db.batch(ops);
    }
  }
}

function partOf(h: HtlcIn): MppPart {
  return { key: h.key, amountMsat: h.amountMsat, cltvExpiry: h.cltvExpiry };
}

// lightningd's own receive logic after the htlc_accepted chain said `continue` at the
// final hop (handle_localpay → htlc_set_add → invoice_check_payment → invoice_try_pay):
// amount and CLTV against the onion, cltv-final against the tip, the invoice by
// payment_hash, its bolt12 path secret SHA256(base ‖ H) or bolt11 payment secret,
// 1×–2× the invoice amount, MPP sets keyed by payment_hash with a 70 s timeout.
import { concatBytes, toHex, u32, u64, u16 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { FAILCODE, incorrectOrUnknownPaymentDetails } from '../../src/onion/failure.js';
import type { OnionPayload } from './htlc-decode.js';
import { fulfillHtlc, invalidOnionPayload, localFailHtlc, type HtlcIn } from './htlc-in.js';
import type { InvoiceBook, SimInvoice } from './invoices.js';

/** BOLT 4: wait at least 60 s for the rest of a set; lightningd uses 70 s. */
export const MPP_TIMEOUT_MS = 70_000;

export interface LocalPayHost {
  readonly invoices: InvoiceBook;
  blockheight(): number;
  readonly cltvFinal: number;
  /** `makesecret string=bolt12-invoice-base`. */
  bolt12InvoiceBase(): Uint8Array;
  /** invoice_payment notification to subscribed plugins. */
  notify(topic: string, payload: unknown): void;
  mppTimeoutMs?: number;
}

interface HtlcSet {
  readonly totalMsat: bigint;
  soFar: bigint;
  readonly parts: HtlcIn[];
  timer: NodeJS.Timeout | undefined;
}

export class LocalPay {
  private readonly sets = new Map<string, HtlcSet>();

  constructor(private readonly host: LocalPayHost) {}

  /** handle_localpay for a decoded final payload (invoiceMsat: a hook's invoice_msat override). */
  handle(hin: HtlcIn, p: OnionPayload, invoiceMsat?: bigint): void {
    const h = this.host;
    const msat = hin.htlc.amountMsat;
    const height = h.blockheight();
    if (msat < p.amtToForward) return localFailHtlc(hin, concatBytes(u16(FAILCODE.final_incorrect_htlc_amount), u64(msat)), `final incorrect amount: ${msat} in, ${p.amtToForward} expected`);
    if (hin.htlc.cltvExpiry < p.outgoingCltv) return localFailHtlc(hin, concatBytes(u16(FAILCODE.final_incorrect_cltv_expiry), u32(hin.htlc.cltvExpiry)), 'final incorrect cltv');
    if (height + h.cltvFinal > hin.htlc.cltvExpiry) return localFailHtlc(hin, incorrectOrUnknownPaymentDetails(msat, height), `Expiry cltv too soon ${hin.htlc.cltvExpiry} < ${height} + ${h.cltvFinal}`);
    if (p.paymentMetadata) return localFailHtlc(hin, invalidOnionPayload(16n, 0), 'Unexpected payment_metadata');
    this.setAdd(hin, msat, p.totalMsat ?? p.amtToForward, invoiceMsat, p.paymentSecret);
  }

  /** invoice_check_payment: the invoice the set pays, or why not. */
  private check(hash: Uint8Array, totalMsat: bigint, override: bigint | undefined, secret: Uint8Array | undefined): SimInvoice | string {
    this.host.invoices.refresh();
    const inv = this.host.invoices.byHash(hash);
    if (!inv) return `Unknown invoice ${toHex(hash)}`;
    if (inv.status !== 'unpaid') return `Already paid or expired invoice ${toHex(hash)}`;
    const bolt12 = inv.bolt12 !== undefined;
    // bolt11 invoices here always require var_onion, so a secret is always needed.
    if (!secret) return `Attempt to pay ${toHex(hash)} without secret`;
    const expected = bolt12 ? sha256(this.host.bolt12InvoiceBase(), hash) : inv.paymentSecret!;
    if (toHex(expected) !== toHex(secret)) return `Attempt to pay ${toHex(hash)} with wrong ${bolt12 ? 'path_' : 'payment_'}secret`;
    const want = override ?? inv.amountMsat;
    if (want !== undefined) {
      if (totalMsat < want) return `Attempt to pay ${toHex(hash)} with amount ${totalMsat} < ${want}`;
      if (totalMsat > 2n * want) return `Attempt to pay ${toHex(hash)} with amount ${totalMsat} > ${2n * want}`;
    }
    return inv;
  }

  private setAdd(hin: HtlcIn, msat: bigint, totalMsat: bigint, override: bigint | undefined, secret: Uint8Array | undefined): void {
    const hash = hin.htlc.paymentHash;
    const height = this.host.blockheight();
    const unknown = () => incorrectOrUnknownPaymentDetails(msat, height);
    const inv = this.check(hash, totalMsat, override, secret);
    if (typeof inv === 'string') return localFailHtlc(hin, unknown(), `payment failed: ${inv}`);
    const key = toHex(hash);
    let set = this.sets.get(key);
    if (!set) {
      set = { totalMsat, soFar: 0n, parts: [hin], timer: undefined };
      const s = set;
      s.timer = setTimeout(() => this.failSet(key, s, new Uint8Array([0x00, 0x17]), 'mpp timeout'), this.host.mppTimeoutMs ?? MPP_TIMEOUT_MS);
      s.timer.unref?.();
      this.sets.set(key, set);
    } else {
      if (!secret) return localFailHtlc(hin, unknown(), 'Missing payment_secret, but required for MPP');
      set.parts.push(hin);
    }
    if (totalMsat !== set.totalMsat) return this.failSet(key, set, concatBytes(u16(FAILCODE.final_incorrect_htlc_amount), u64(msat)), 'total_msat differs');
    set.soFar += msat;
    if (set.soFar >= totalMsat) {
      clearTimeout(set.timer);
      this.sets.delete(key);
      // invoice_try_pay: the invoice may have changed while parts were arriving.
      if (inv.status !== 'unpaid') return this.failAll(set, unknown(), 'invoice no longer unpaid');
      this.host.invoices.markPaid(inv, set.soFar);
      for (const part of set.parts) fulfillHtlc(part, inv.preimage);
      this.host.notify('invoice_payment', { msat: Number(set.soFar), preimage: toHex(inv.preimage), label: inv.label });
    }
  }

  private failSet(key: string, set: HtlcSet, failmsg: Uint8Array, why: string): void {
    clearTimeout(set.timer);
    if (this.sets.get(key) === set) this.sets.delete(key);
    this.failAll(set, failmsg, why);
  }

  private failAll(set: HtlcSet, failmsg: Uint8Array, why: string): void {
    for (const part of set.parts) if (!part.done) localFailHtlc(part, failmsg, why);
  }

  /** Held parts a restart drops (lightningd re-adds them when the replayed HTLCs arrive). */
  clear(): void {
    for (const s of this.sets.values()) clearTimeout(s.timer);
    this.sets.clear();
  }
}

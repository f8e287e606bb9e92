// Payment tests of the recipient role: a network with our plugin as S (server) and R
// (recipient, an unannounced node with a private channel to S), and an LDK-behaving
// payer P driven by the test through src/bolt12, src/messages and src/onion (not the
// plugin's code): invoice_request → static invoice (and R's fresh invoice when R is
// online) → held_htlc_available → release_held_htlc → the payment over R's blinded
// payment path with LDK's final payload (77777 invoice_request, 5482373484 preimage).
import assert from 'node:assert/strict';
import { toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey, randomBytes } from '../../src/crypto/secp.js';
import { buildInvoiceRequest } from '../../src/bolt12/build.js';
import { decodeInvoice, type Invoice } from '../../src/bolt12/invoice.js';
import type { InvoiceRequest } from '../../src/bolt12/invoice-request.js';
import { parseOffer, type Offer } from '../../src/bolt12/offer.js';
import { decodeStaticInvoice, type StaticInvoice } from '../../src/bolt12/static-invoice.js';
import { encodeMessage } from '../../src/messages/index.js';
import type { ExtraRecord } from '../../src/onion/hop_payload.js';
import { buildPaymentOnion } from '../../src/onion/payment_onion.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode } from '../sim/external-node.js';
import type { PaymentOutcome } from '../sim/external-payments.js';
import type { SimChannel, SimNetwork } from '../sim/network.js';
import { scidToBigInt } from '../sim/scid.js';
import { REGTEST_CHAIN, status, until } from './recipient-helpers.js';

export const T_INVOICE = 66n;
export const T_STATIC_INVOICE = 70n;
export const T_RELEASE = 74n;

export interface PayNet {
  s: ClnNode;
  r: ClnNode;
  p: ExternalNode;
  rs: SimChannel;
  ps: SimChannel;
  offer: Offer;
  offerId: string;
  slot: number;
}

/** S and R with our plugin, P external; R's offers ready; one offer handed out. */
export async function setupPayNet(net: SimNetwork, name: string, rEnv: Record<string, string> = {}): Promise<PayNet> {
  const s = await net.addClnNode(`${name}-S`);
  const r = await net.addClnNode(`${name}-R`, { announced: false, env: { ASYNCPAY_DEV_TICK_MS: '150', ...rEnv }, pluginOptions: { 'asyncpay-offer-count': 1 } });
  const p = net.addExternalNode(`${name}-P`);
  // Payments are the subject, not connectd's 4 messages/s per peer: R's set-up bursts
  // (requests, invoice refreshes) would otherwise eat the bucket a held_htlc_available needs.
  for (const x of [s, r, p]) x.rateLimit = false;
  const n = net.channels.length + 1;
  const rs = net.addChannel(r, s, { scid: `900x${n}x0`, public: false, aliasA: `4000x${n}x1`, aliasB: `4001x${n}x1` });
  const ps = net.addChannel(p, s, { scid: `900x${n + 1}x0` });
  const issued = await s.cli('asyncrecipient-paths', { recipient_id: name });
  await r.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
  await until(async () => (await status(r)).slots.every((x: any) => x.state === 'ready'), 'R’s offer ready');
  const got = await r.cli('asyncoffer', {});
  return { s, r, p, rs, ps, offer: parseOffer(got.offer), offerId: got.offer_id, slot: got.invoice_slot };
}

export interface Fetched {
  req: InvoiceRequest;
  staticInvoice: StaticInvoice;
  /** R's fresh invoice, when `wantInvoice` and R answered. */
  invoice?: Invoice;
}

/** LDK's payer (async-protocol.md §8): request, static invoice, held HTLC, release, pay. */
export class LdkPayer {
  readonly payerKey = asPrivKey(randomBytes(32));
  constructor(readonly pn: PayNet) {}

  invreq(amount: bigint, note?: string, offer: Offer = this.pn.offer): InvoiceRequest {
    return buildInvoiceRequest(offer, { metadata: randomBytes(16), payerKey: this.payerKey, chain: REGTEST_CHAIN, amount, ...(note ? { payerNote: note } : {}) });
  }

  /** invoice_request to the offer's path; the static invoice S answers (and R's invoice if asked). */
  async fetch(amount: bigint, o: { note?: string; wantInvoice?: boolean } = {}): Promise<Fetched> {
    const { p, offer } = this.pn;
    const req = this.invreq(amount, o.note);
    const reply = p.makePath();
    const sent = p.send(offer.paths![0]!, [encodeMessage({ kind: 'invoice_request', bytes: req.bytes })], { replyPath: reply.path });
    assert.ok(sent.ok, 'invoice_request sent');
    const si = await p.waitForType(T_STATIC_INVOICE, reply.pathId);
    const staticInvoice = decodeStaticInvoice(si.records.find((x) => x.type === T_STATIC_INVOICE)!.value);
    if (!o.wantInvoice) return { req, staticInvoice };
    const inv = await p.waitForType(T_INVOICE, reply.pathId, 15_000).catch((e) => this.dump(e));
    return { req, staticInvoice, invoice: decodeInvoice(inv.records.find((x) => x.type === T_INVOICE)!.value) };
  }

  /** held_htlc_available over the invoice's held-HTLC path with our reply path; resolves when released. */
  async holdAndWaitRelease(si: StaticInvoice, timeoutMs = 10_000): Promise<void> {
    const { p } = this.pn;
    const reply = p.makePath();
    const sent = p.send(si.heldHtlcAvailablePaths[0]!, [encodeMessage({ kind: 'held_htlc_available' })], { replyPath: reply.path });
    assert.ok(sent.ok, 'held_htlc_available sent');
    await p.waitForType(T_RELEASE, reply.pathId, timeoutMs).catch((e) => this.dump(e));
  }

  /** On a lost message: what the nodes dropped and logged, to tell a simulator drop from a bug. */
  private dump(e: unknown): never {
    const { r, s, p } = this.pn;
    const tail = (n: ClnNode) => (n.plugin?.logs ?? []).slice(-25).map((l) => `  ${l.message}`).join('\n');
    console.log(`DEBUG dropped S ${JSON.stringify(s.dropped)} R ${JSON.stringify(r.dropped)} P ${JSON.stringify(p.dropped)}\nR:\n${tail(r)}\nS:\n${tail(s)}`);
    throw e;
  }

  /**
   * Sends one part over payment path `pathIndex` of `inv`: HTLC P → S (the introduction
   * node), blinded S → R, final payload 2, 4, 10, 18 + `extra` (LDK: 77777, 5482373484).
   */
  sendPart(
    inv: StaticInvoice | Invoice,
    hash: Uint8Array,
    part: { amount: bigint; total: bigint; partid?: number; extra?: ExtraRecord[]; finalCltvOffset?: number; cltvExtra?: number; forwardAmount?: bigint },
  ): Promise<PaymentOutcome> {
    const { p, s, ps } = this.pn;
    const path = inv.paths[0]!;
    const pi = inv.blindedPay[0]!;
    const tip = s.net.blockheight;
    const fwd = part.forwardAmount ?? part.amount;
    const fee = BigInt(pi.feeBaseMsat) + (fwd * BigInt(pi.feeProportionalMillionths) + 999_999n) / 1_000_000n;
    const onion = buildPaymentOnion({
      route: [{ nodeId: s.id, shortChannelId: scidToBigInt(ps.scid), amountMsat: fwd + fee, cltvExpiry: tip + pi.cltvExpiryDelta + (part.cltvExtra ?? 0) }],
      paymentHash: hash,
      blinded: { path, amountMsat: part.amount, finalCltv: tip + (part.finalCltvOffset ?? 0), totalMsat: part.total, ...(part.extra ? { extra: part.extra } : {}) },
    });
    return p.payments.sendOnion(onion.packet, onion.firstHop, hash, onion.sharedSecrets, part.partid ?? 0);
  }

  /** LDK's static-invoice payment records: the invreq and the keysend preimage. */
  static extra(req: Uint8Array | null, preimage: Uint8Array | null): ExtraRecord[] {
    return [...(req ? [{ type: 77777n, value: req }] : []), ...(preimage ? [{ type: 5482373484n, value: preimage }] : [])];
  }
}

export async function payments(r: ClnNode, filter: Record<string, unknown> = {}): Promise<any[]> {
  return (await r.cli('asyncreceive-listpayments', filter)).payments;
}

export async function payStatus(r: ClnNode): Promise<any> {
  return (await status(r)).payments;
}

export function received(r: ClnNode): any[] {
  return (r.plugin?.notifications ?? []).filter((n) => n.method === 'asyncpay_payment_received').map((n) => n.params);
}

export const hex = toHex;
export const note = (s: string) => sha256(utf8(s));

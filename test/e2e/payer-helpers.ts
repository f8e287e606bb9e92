// Test-driven LDK peers for the payer's end-to-end tests: an LDK static invoice
// server S (answers invoice_requests on its offer path with the recipient's static
// invoice, forwards nothing) and an LDK async recipient R (builds the offer and static
// invoice, answers held_htlc_available with release_held_htlc when told to). They
// speak through src/bolt12, src/messages and src/onion with LDK's byte formats
// (async-protocol.md), never through the plugin's roles.
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { pubFromPriv, randomBytes, randomPrivKey, type PrivKey } from '../../src/crypto/secp.js';
import { buildInvoice, buildOffer, buildStaticInvoice, type PaymentPath } from '../../src/bolt12/build.js';
import { decodeInvoiceRequest, type InvoiceRequest } from '../../src/bolt12/invoice-request.js';
import { offerToString, type Offer } from '../../src/bolt12/offer.js';
import type { StaticInvoice } from '../../src/bolt12/static-invoice.js';
import { encodeMessage } from '../../src/messages/index.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import { incorrectOrUnknownPaymentDetails } from '../../src/onion/failure.js';
import { encodeHopPayload, extraRecord } from '../../src/onion/hop_payload.js';
import { sameOfferRecords } from '../../src/bolt12/offer-id.js';
import type { IncomingPayment } from '../sim/external-payments.js';
import type { BlindedPath } from '../../src/onion/types.js';
import type { ClnNode, ClnNodeOptions } from '../sim/cln-node.js';
import { SimNetwork } from '../sim/network.js';
import type { ExternalNode, Received } from '../sim/external-node.js';
import { msgOf, REGTEST } from './ldk-actors.js';

export const NOW = () => Math.floor(Date.now() / 1000);

export interface BuildOpts {
  createdAt?: number;
  relativeExpiry?: number;
  features?: Uint8Array;
  /** Build for another offer (same issuer) than the one payers see. */
  otherOffer?: boolean;
  payinfo?: Partial<PaymentPath['payinfo']>;
}

/** R: an LDK async recipient behind S (its channel peer), with one offer. */
export class LdkAsyncRecipient {
  readonly key: PrivKey = randomPrivKey();
  readonly heldPath: BlindedPath;
  readonly heldPathId: Uint8Array;
  /** TLV 10 of R's payment path's last hop (what R recognises its payments by). */
  readonly payPathId = sha256(randomBytes(32));
  offer!: Offer;
  private readonly handled = new Set<Received>();

  constructor(readonly node: ExternalNode, readonly server: ExternalNode, readonly serverScid: bigint) {
    const h = node.makePath({ via: [server] });
    this.heldPath = h.path;
    this.heldPathId = h.pathId;
  }

  makeOffer(offerPath: BlindedPath): Offer {
    this.offer = buildOffer({ chains: [REGTEST], paths: [offerPath], issuerId: pubFromPriv(this.key), absoluteExpiry: BigInt(NOW() + 365 * 86400) });
    return this.offer;
  }

  /** TLV 10 of the last hop of every payment path we built (what a payer must copy verbatim). */
  readonly lastHopData = new Set<string>();

  paymentPath(payinfo: Partial<PaymentPath['payinfo']> = {}): PaymentPath {
    const pp = this.buildPaymentPath(payinfo);
    this.lastHopData.add(toHex(pp.path.hops[pp.path.hops.length - 1]!.encryptedData));
    return pp;
  }

  private buildPaymentPath(payinfo: Partial<PaymentPath['payinfo']>): PaymentPath {
    return {
      path: createBlindedPath([
        { nodeId: this.server.id, data: { shortChannelId: this.serverScid, paymentRelay: { cltvExpiryDelta: 6, feeProportionalMillionths: 10, feeBaseMsat: 1000 }, paymentConstraints: { maxCltvExpiry: 10_000_000, htlcMinimumMsat: 0n } } },
        { nodeId: this.node.id, data: { pathId: this.payPathId } },
      ]),
      payinfo: { feeBaseMsat: 1000, feeProportionalMillionths: 10, cltvExpiryDelta: 6 + 18, htlcMinimumMsat: 0n, htlcMaximumMsat: 1_000_000_000n, features: new Uint8Array(), ...payinfo },
    };
  }

  staticInvoice(o: BuildOpts = {}): StaticInvoice {
    const offer = o.otherOffer
      ? buildOffer({ chains: [REGTEST], paths: this.offer.paths as [BlindedPath], issuerId: pubFromPriv(this.key), description: 'another offer' })
      : this.offer;
    return buildStaticInvoice(
      {
        offer,
        paymentPaths: [this.paymentPath(o.payinfo)],
        heldHtlcAvailablePaths: [this.heldPath],
        createdAt: BigInt(o.createdAt ?? NOW() - 10),
        ...(o.relativeExpiry !== undefined ? { relativeExpiry: o.relativeExpiry } : {}),
        ...(o.features ? { features: o.features } : {}),
      },
      this.key,
    );
  }

  /** A fresh invoice for `req`, as R answers a forwarded request while online. */
  freshInvoice(req: InvoiceRequest, paymentHash: Uint8Array, payinfo: Partial<PaymentPath['payinfo']> = {}) {
    return buildInvoice(req, { paymentPaths: [this.paymentPath(payinfo)], createdAt: BigInt(NOW()), paymentHash }, this.key);
  }

  /**
   * Takes payments as an LDK recipient does for a static invoice (async-protocol.md §8.5):
   * over our payment path (its TLV 10 decrypts to our path_id), the final payload exactly
   * 2, 4, 10, 18, 77777 = an invoice_request for our offer, 5482373484 = a preimage of the
   * payment hash, total ≥ the request's amount. Each check's verdict is kept for the test.
   */
  acceptPayments(opts: { hold?: Promise<void> } = {}): Array<{ payment: IncomingPayment; ok: boolean; why?: string; invreq?: InvoiceRequest; preimage?: Uint8Array }> {
    const seen: Array<{ payment: IncomingPayment; ok: boolean; why?: string; invreq?: InvoiceRequest; preimage?: Uint8Array }> = [];
    this.node.payments.onPayment = (pay) => {
      // A fresh invoice's payment (R was online): settled from the preimage table.
      const fresh = this.node.payments.preimages.get(toHex(pay.paymentHash));
      if (fresh && extraRecord(pay.payload, 77777n) === undefined) {
        seen.push({ payment: pay, ok: true, preimage: fresh });
        return pay.fulfill(fresh);
      }
      const no = (why: string) => {
        seen.push({ payment: pay, ok: false, why });
        pay.fail(incorrectOrUnknownPaymentDetails(pay.amountMsat, 800_000));
      };
      if (!pay.encrypted || !pay.encrypted.pathId || toHex(pay.encrypted.pathId) !== toHex(this.payPathId)) return no('not over our payment path');
      const pl = pay.payload;
      const reqBytes = extraRecord(pl, 77777n);
      const pre = extraRecord(pl, 5482373484n);
      if (!reqBytes || !pre) return no('no invoice_request or no keysend preimage');
      if (!pl.encryptedRecipientData || !this.lastHopData.has(toHex(pl.encryptedRecipientData))) return no('TLV 10 is not one we wrote');
      let req: InvoiceRequest;
      try {
        req = decodeInvoiceRequest(reqBytes);
      } catch (e) {
        return no(`invoice_request does not verify: ${(e as Error).message}`);
      }
      if (!sameOfferRecords(req.records, this.offer.records)) return no('invoice_request is not for our offer');
      if (toHex(sha256(pre)) !== toHex(pay.paymentHash)) return no('preimage does not match');
      if (pl.totalAmountMsat === undefined || pl.totalAmountMsat < (req.amount ?? 0n)) return no('underpaid');
      // The exact bytes LDK's payer writes: nothing else in the final payload.
      const expected = encodeHopPayload({
        amtToForward: pl.amtToForward!,
        outgoingCltvValue: pl.outgoingCltvValue!,
        encryptedRecipientData: pl.encryptedRecipientData,
        totalAmountMsat: req.amount!,
        extra: [
          { type: 77777n, value: req.bytes },
          { type: 5482373484n, value: pre },
        ],
      });
      if (toHex(pay.hin.peeled.payload) !== toHex(expected)) return no('final payload differs from 2, 4, 10, 18, 77777, 5482373484');
      seen.push({ payment: pay, ok: true, invreq: req, preimage: pre });
      if (opts.hold) void opts.hold.then(() => pay.fulfill(pre));
      else pay.fulfill(pre);
    };
    return seen;
  }

  /** held_htlc_available messages received (not yet answered). */
  heldMessages(): Received[] {
    return this.node.inbox.filter((m) => m.pathId && toHex(m.pathId) === toHex(this.heldPathId) && m.records.some((r) => r.type === 72n));
  }

  async nextHeld(timeoutMs = 15_000): Promise<Received> {
    const m = await this.node.waitFor((x) => !this.handled.has(x) && x.pathId !== undefined && toHex(x.pathId) === toHex(this.heldPathId) && x.records.some((r) => r.type === 72n), timeoutMs, 'held_htlc_available');
    this.handled.add(m);
    assert.equal(msgOf(m).kind, 'held_htlc_available');
    return m;
  }

  /** release_held_htlc over the held_htlc_available's reply path (LDK: body `00`). */
  release(held: Received): void {
    assert.ok(held.replyPath, 'held_htlc_available carries a reply path');
    const r = this.node.send(held.replyPath, [encodeMessage({ kind: "release_held_htlc" })], { prefix: [this.server] });
    assert.ok(r.ok, `release sent: ${r.ok ? '' : r.error}`);
  }
}

/** S: an LDK static invoice server with one offer path, serving whatever invoice the test sets. */
export class LdkInvoiceServer {
  readonly offerPath: BlindedPath;
  readonly offerPathId: Uint8Array;
  private readonly handled = new Set<Received>();

  constructor(readonly node: ExternalNode) {
    const p = node.makePath({});
    this.offerPath = p.path;
    this.offerPathId = p.pathId;
  }

  /** The next invoice_request on our offer path: its decoded request and reply path. */
  async nextRequest(timeoutMs = 15_000): Promise<{ req: InvoiceRequest; replyPath: BlindedPath; msg: Received }> {
    const m = await this.node.waitFor((x) => !this.handled.has(x) && x.pathId !== undefined && toHex(x.pathId) === toHex(this.offerPathId) && x.records.some((r) => r.type === 64n), timeoutMs, 'invoice_request');
    this.handled.add(m);
    const msg = msgOf(m);
    assert.equal(msg.kind, 'invoice_request');
    assert.ok(m.replyPath, 'invoice_request carries a reply path');
    return { req: decodeInvoiceRequest((msg as { bytes: Uint8Array }).bytes), replyPath: m.replyPath, msg: m };
  }

  requestsSeen(): number {
    return this.node.inbox.filter((x) => x.pathId !== undefined && toHex(x.pathId) === toHex(this.offerPathId) && x.records.some((r) => r.type === 64n)).length;
  }

  reply(replyPath: BlindedPath, kind: 'static_invoice' | 'invoice', bytes: Uint8Array): void {
    const r = this.node.send(replyPath, [encodeMessage({ kind, bytes })]);
    assert.ok(r.ok, `${kind} sent: ${r.ok ? '' : r.error}`);
  }
}

/** The plugin's virtual node id, from its start-up log line. */
export function virtualNodeOf(p: ClnNode): Uint8Array {
  const line = p.plugin!.logs.find((l) => /virtual node [0-9a-f]{66}/.test(l.message));
  assert.ok(line, 'plugin logged its virtual node');
  return fromHex(/virtual node ([0-9a-f]{66})/.exec(line.message)![1]!);
}

export async function pays(p: ClnNode): Promise<any[]> {
  return (await p.cli('listasyncpays', {})).asyncpays;
}

export { offerToString };

/**
 * P (this plugin) — S (an LDK-behaving static invoice server) — R (an LDK-behaving async
 * recipient whose offer leads to S). The network is pushed on `nets` for the file to close.
 */
export async function ldkPayerNetwork(nets: SimNetwork[], payer: ClnNodeOptions = {}) {
  const net = new SimNetwork();
  nets.push(net);
  const p = await net.addClnNode('payer', payer);
  const sNode = net.addExternalNode('ldk-server');
  const rNode = net.addExternalNode('ldk-recipient');
  net.addChannel(p, sNode, { scid: '101x1x0' });
  net.addChannel(rNode, sNode, { scid: '102x1x0' });
  const s = new LdkInvoiceServer(sNode);
  const r = new LdkAsyncRecipient(rNode, sNode, (102n << 40n) | (1n << 16n));
  const offer = r.makeOffer(s.offerPath);
  return { net, p, s, r, offer: offerToString(offer) };
}

/** The payment once it waits for release (asyncpay may return earlier on a loaded machine). */
export async function waitingForRelease(p: ClnNode, res: { payment_id: string; status: string }): Promise<any> {
  if (res.status === 'waiting_for_release') return res;
  const { until } = await import('./recipient-helpers.js');
  return until(async () => {
    const [x] = (await p.cli('listasyncpays', { payment_hash: res.payment_id })).asyncpays;
    return x?.status === 'waiting_for_release' ? x : undefined;
  }, 'waiting_for_release');
}

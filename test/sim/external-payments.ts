// Payments for a test-driven node (it plays an LDK payer, LSP or recipient): send any
// payment onion (e.g. LDK's static-invoice final payload) and learn lightningd's-style
// outcome; forward HTLCs like any BOLT 4 node; receive payments at its final hop, settled
// from a preimage table or by a handler the test installs.
import { toHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import type { PubKey } from '../../src/crypto/secp.js';
import { unblindHop } from '../../src/onion/blinding.js';
import { incorrectOrUnknownPaymentDetails } from '../../src/onion/failure.js';
import { decodeHopPayload, type ExtraRecord, type HopPayload } from '../../src/onion/hop_payload.js';
import { buildPaymentOnion, type PaymentOnionArgs } from '../../src/onion/payment_onion.js';
import type { BlindedPath, EncryptedData } from '../../src/onion/types.js';
import { findRoute, payinfoFee, routeSteps } from './routes.js';
import type { SimHtlc } from './channels.js';
import { forwardHtlc } from './htlc-forward.js';
import { fulfillHtlc, invalidOnionPayload, localFailHtlc, receiveHtlc, type HtlcIn } from './htlc-in.js';
import type { SimNodeBase } from './node-base.js';
import { SendPays, type SendPay } from './sendpays.js';

/** A payment that reached this node's final hop. */
export interface IncomingPayment {
  readonly amountMsat: bigint;
  readonly cltvExpiry: number;
  readonly paymentHash: Uint8Array;
  readonly payload: HopPayload;
  /** The decrypted encrypted_recipient_data, when the payment came over a blinded path. */
  readonly encrypted?: EncryptedData;
  readonly hin: HtlcIn;
  fulfill(preimage: Uint8Array): void;
  fail(failureMessage: Uint8Array): void;
}

export type PaymentOutcome =
  | { readonly ok: true; readonly preimage: Uint8Array; readonly payment: SendPay }
  | { readonly ok: false; readonly payment: SendPay; readonly erringIndex?: number; readonly failcode?: number };

export class ExternalPayments {
  readonly sendpays: SendPays;
  /** Preimages this node will settle with (by payment hash hex), LDK's inbound payments. */
  readonly preimages = new Map<string, Uint8Array>();
  readonly received: IncomingPayment[] = [];
  /** Installed by a test to decide each incoming payment itself (else: the preimage table). */
  onPayment: ((p: IncomingPayment) => void) | undefined;
  private waiters: Array<{ pred: (p: IncomingPayment) => boolean; resolve: (p: IncomingPayment) => void }> = [];

  constructor(private readonly node: SimNodeBase) {
    this.sendpays = new SendPays(node);
  }

  /** Registers `preimage`: payments to its hash of at least the onion's amount are settled. */
  expect(preimage: Uint8Array): Uint8Array {
    const hash = sha256(preimage);
    this.preimages.set(toHex(hash), preimage);
    return hash;
  }

  /** Builds the onion for `args`, sends it and waits for the outcome. */
  async pay(args: PaymentOnionArgs, partid = 0): Promise<PaymentOutcome> {
    const o = buildPaymentOnion(args);
    return this.sendOnion(o.packet, o.firstHop, args.paymentHash, o.sharedSecrets, partid);
  }

  /**
   * Pays over a recipient's blinded path (a BOLT 12 invoice's or static invoice's): a route
   * to its introduction node, the payinfo's fee and CLTV delta on top, final payload 2, 4, 10,
   * (12), 18 plus `extra` (LDK's static-invoice payment: 77777 invoice_request, 5482373484 preimage).
   */
  async payBlindedPath(o: {
    path: BlindedPath;
    payinfo: { feeBaseMsat: number; feeProportionalMillionths: number; cltvExpiryDelta: number };
    amountMsat: bigint;
    totalMsat?: bigint;
    paymentHash: Uint8Array;
    extra?: readonly ExtraRecord[];
    partid?: number;
  }): Promise<PaymentOutcome> {
    const net = this.node.net;
    const intro = o.path.intro.kind === 'pubkey' ? net.node(o.path.intro.nodeId) : net.nodeByScid(o.path.intro.scid, o.path.intro.direction);
    if (!intro) throw new Error('blinded path: unknown introduction node');
    const tip = net.blockheight;
    const introAmount = o.amountMsat + payinfoFee(o.payinfo.feeBaseMsat, o.payinfo.feeProportionalMillionths, o.amountMsat);
    const route = findRoute(net, this.node, intro, introAmount, tip + o.payinfo.cltvExpiryDelta);
    if (!route) throw new Error(`no route from ${this.node.name} to ${intro.name}`);
    return this.pay(
      {
        route: routeSteps(route),
        blinded: { path: o.path, introNodeId: intro.id, amountMsat: o.amountMsat, finalCltv: tip, totalMsat: o.totalMsat ?? o.amountMsat, ...(o.extra ? { extra: o.extra } : {}) },
        paymentHash: o.paymentHash,
      },
      o.partid ?? 0,
    );
  }

  /** Sends a ready onion (any payload) to `firstHop`; resolves with the HTLC's fate. */
  async sendOnion(onion: Uint8Array, firstHop: { id: PubKey; amountMsat: bigint; delay: number }, paymentHash: Uint8Array, sharedSecrets?: readonly Uint8Array[], partid = 0): Promise<PaymentOutcome> {
    const sp = this.sendpays.send({ onion, firstHop, paymentHash, partid, ...(sharedSecrets ? { sharedSecrets } : {}) });
    const done = await this.sendpays.wait(paymentHash, partid, sp.groupid);
    if (done.status === 'complete') return { ok: true, preimage: done.preimage!, payment: done };
    const f = done.failure!;
    return { ok: false, payment: done, ...(f.erringIndex !== undefined ? { erringIndex: f.erringIndex } : {}), ...(f.failcode !== undefined ? { failcode: f.failcode } : {}) };
  }

  /** The first payment received (past or future) satisfying `pred`. */
  waitForPayment(pred: (p: IncomingPayment) => boolean = () => true, timeoutMs = 10_000): Promise<IncomingPayment> {
    const seen = this.received.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no payment within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ pred, resolve: (p) => (clearTimeout(t), resolve(p)) });
    });
  }

  /** An HTLC offered to this node: forward it, or take it as a payment at the final hop. */
  onHtlc(htlc: SimHtlc): void {
    const hin = receiveHtlc(this.node, htlc);
    if (!hin) return;
    const d = hin.decoded;
    if (!hin.peeled.isFinal) {
      if (!d.ok) return localFailHtlc(hin, invalidOnionPayload(d.failTlvType, d.failTlvPos), d.explanation);
      return forwardHtlc(hin, d.payload, d.payload.nextPathKey, undefined);
    }
    let payload: HopPayload;
    let encrypted: EncryptedData | undefined;
    try {
      payload = decodeHopPayload(hin.peeled.payload);
      if (payload.encryptedRecipientData) {
        const pk = htlc.pathKey ?? payload.currentPathKey;
        if (!pk) throw new Error('blinded payload without a path key');
        encrypted = unblindHop(this.node.priv, pk, payload.encryptedRecipientData).data;
      }
    } catch (e) {
      return localFailHtlc(hin, invalidOnionPayload(10n, 0), `final payload: ${(e as Error).message}`);
    }
    const p: IncomingPayment = {
      amountMsat: htlc.amountMsat,
      cltvExpiry: htlc.cltvExpiry,
      paymentHash: htlc.paymentHash,
      payload,
      ...(encrypted ? { encrypted } : {}),
      hin,
      fulfill: (preimage) => fulfillHtlc(hin, preimage),
      fail: (msg) => localFailHtlc(hin, msg, 'test node failed it'),
    };
    this.received.push(p);
    this.waiters = this.waiters.filter((w) => (w.pred(p) ? (w.resolve(p), false) : true));
    if (this.onPayment) return this.onPayment(p);
    const pre = this.preimages.get(toHex(htlc.paymentHash));
    const enough = payload.amtToForward === undefined || htlc.amountMsat >= payload.amtToForward;
    if (pre && enough) p.fulfill(pre);
    else p.fail(incorrectOrUnknownPaymentDetails(htlc.amountMsat, this.node.net.blockheight));
  }
}

// Test-driven stand-ins for LDK peers of our server: a recipient that asks for offer
// paths, builds an offer + static invoice and serves it, and a payer that sends an
// invoice_request. They speak through the project's onion/messages/bolt12 modules,
// not through the plugin's server code, with LDK's byte formats (async-protocol.md).
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey, pubFromPriv, randomBytes, randomPrivKey, type PrivKey } from '../../src/crypto/secp.js';
import { buildOffer, buildStaticInvoice, buildInvoiceRequest, type PaymentPath } from '../../src/bolt12/build.js';
import type { Offer } from '../../src/bolt12/offer.js';
import type { StaticInvoice } from '../../src/bolt12/static-invoice.js';
import type { ChainHash } from '../../src/bolt12/values.js';
import { decodeMessage, encodeMessage, type OnionMessage } from '../../src/messages/index.js';
import { decodeBlindedPath, decodeBlindedPathVec } from '../../src/onion/blinded_path.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import type { BlindedPath } from '../../src/onion/types.js';
import type { ExternalNode, Received } from '../sim/external-node.js';
import type { SimNodeBase } from '../sim/node-base.js';

export const REGTEST = fromHex('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f') as ChainHash;

export function msgOf(r: Received): OnionMessage {
  const rec = r.records.find((x) => x.type >= 64n)!;
  return decodeMessage(rec.type, rec.value);
}

export function sendMsg(from: ExternalNode, path: BlindedPath, msg: OnionMessage, replyPath?: BlindedPath) {
  const r = from.send(path, [encodeMessage(msg)], replyPath ? { replyPath } : {});
  if (!r.ok) throw new Error(`send failed: ${r.error}`);
}

/** The paths printed by `asyncrecipient-paths`. */
export function serverPathsOf(res: { paths: string[]; paths_encoded: string }): BlindedPath[] {
  const vec = decodeBlindedPathVec(fromHex(res.paths_encoded));
  const list = res.paths.map((h) => decodeBlindedPath(fromHex(h)));
  if (toHex(fromHex(res.paths_encoded)) === '' || vec.length !== list.length) throw new Error('paths and paths_encoded disagree');
  return list;
}

export interface OfferPathsReply {
  paths: BlindedPath[];
  expiry: bigint | undefined;
  servePath: BlindedPath;
}

export class LdkRecipient {
  readonly offerKey: PrivKey = randomPrivKey();
  constructor(readonly node: ExternalNode, readonly via: SimNodeBase) {}

  /** offer_paths_request{slot} over a server path; resolves with the offer_paths reply (or rejects on timeout). */
  async requestOfferPaths(serverPath: BlindedPath, slot: number, timeoutMs = 5000): Promise<OfferPathsReply> {
    const reply = this.node.makePath({ via: [this.via] });
    sendMsg(this.node, serverPath, { kind: 'offer_paths_request', invoiceSlot: slot }, reply.path);
    const got = await this.node.waitForType(75542n, reply.pathId, timeoutMs);
    const m = msgOf(got);
    if (m.kind !== 'offer_paths' || !got.replyPath) throw new Error('bad offer_paths');
    return { paths: [...m.paths], expiry: m.pathsAbsoluteExpiry, servePath: got.replyPath };
  }

  /** Offer and static invoice as LDK's recipient builds them (§7.4). */
  build(paths: BlindedPath[], expiry: bigint | undefined, opts: { createdAt?: bigint; relativeExpiry?: number; key?: PrivKey } = {}): { offer: Offer; invoice: StaticInvoice } {
    const key = opts.key ?? this.offerKey;
    const offer = buildOffer({
      chains: [REGTEST],
      paths: paths as [BlindedPath, ...BlindedPath[]],
      issuerId: pubFromPriv(key),
      ...(expiry !== undefined ? { absoluteExpiry: expiry } : {}),
    });
    const createdAt = opts.createdAt ?? BigInt(Math.floor(Date.now() / 1000));
    const payPath: PaymentPath = {
      path: createBlindedPath([
        { nodeId: this.via.id, data: { shortChannelId: 1n << 40n, paymentRelay: { cltvExpiryDelta: 6, feeProportionalMillionths: 10, feeBaseMsat: 1000 } } },
        { nodeId: this.node.id, data: { pathId: sha256(fromHex('01')) } },
      ]),
      payinfo: { feeBaseMsat: 1000, feeProportionalMillionths: 10, cltvExpiryDelta: 18, htlcMinimumMsat: 0n, htlcMaximumMsat: 1_000_000_000n, features: new Uint8Array() },
    };
    const held = this.node.makePath({ via: [this.via] }).path;
    const invoice = buildStaticInvoice(
      { offer, paymentPaths: [payPath], heldHtlcAvailablePaths: [held], createdAt, ...(opts.relativeExpiry !== undefined ? { relativeExpiry: opts.relativeExpiry } : {}) },
      key,
    );
    return { offer, invoice };
  }

  /** serve_static_invoice over S's serve path; returns the path_id of our confirmation reply path. */
  serve(servePath: BlindedPath, invoiceBytes: Uint8Array, forwardPath?: BlindedPath): { persistedPathId: Uint8Array; forwardPathId: Uint8Array } {
    const fwd = forwardPath ? { path: forwardPath, pathId: new Uint8Array() } : this.node.makePath({ via: [this.via] });
    const reply = this.node.makePath({ via: [this.via] });
    sendMsg(this.node, servePath, { kind: 'serve_static_invoice', invoice: invoiceBytes, forwardInvoiceRequestPath: fwd.path }, reply.path);
    return { persistedPathId: reply.pathId, forwardPathId: fwd.pathId };
  }

  waitPersisted(pathId: Uint8Array, timeoutMs = 5000): Promise<Received> {
    return this.node.waitForType(75546n, pathId, timeoutMs);
  }
}

export class LdkPayer {
  readonly payerKey = asPrivKey(sha256(fromHex('7061796572')));
  constructor(readonly node: ExternalNode, readonly via: SimNodeBase) {}

  /** Sends an invoice_request for `offer` to its first path; returns the reply path id and the request bytes. */
  request(offer: Offer, amount = 50_000n): { replyPathId: Uint8Array; invreq: Uint8Array } {
    const q = this.prepare(offer, amount);
    const r = q.send();
    if (!r.ok) throw new Error(`send failed: ${r.error}`);
    return q;
  }

  /** Builds a request (invreq, reply path, onion) to send later. */
  prepare(offer: Offer, amount = 50_000n): { replyPathId: Uint8Array; invreq: Uint8Array; send: () => { ok: boolean; error?: string } } {
    const req = buildInvoiceRequest(offer, { metadata: randomBytes(16), payerKey: this.payerKey, chain: REGTEST, amount });
    const reply = this.node.makePath({ via: [this.via] });
    const send = this.node.prepareSend(offer.paths![0]!, [encodeMessage({ kind: 'invoice_request', bytes: req.bytes })], { replyPath: reply.path });
    return { replyPathId: reply.pathId, invreq: req.bytes, send };
  }
}

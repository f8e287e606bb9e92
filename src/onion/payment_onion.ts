// BOLT 4 payment onions: the 1300-byte Sphinx packet for a route of clear hops that may
// end in a blinded path, with the per-hop shared secrets `sendonion` takes; and peeling
// one layer as a receiving node does (lightningd's `next_onion` included).
import { DecodeError } from '../codec/errors.js';
import { sha256 } from '../crypto/hash.js';
import { asPubKey, ecdh, randomPrivKey, type PrivKey, type PubKey } from '../crypto/secp.js';
import { blindedPrivKey } from './blinding.js';
import { encodeHopPayload, frameHopPayload, type ExtraRecord, type HopPayload } from './hop_payload.js';
import { buildSphinxPacket, peelSphinxPacket, sphinxKeySchedule, SMALL_PAYLOAD_SIZE } from './sphinx.js';
import type { BlindedPath } from './types.js';

/** One layer: the key it is encrypted to and what that hop reads. */
export interface PaymentLayer {
  /** A clear hop's node id, the introduction node's real id, or a blinded hop's blinded id. */
  readonly pubkey: PubKey;
  readonly payload: HopPayload | Uint8Array;
}

export interface BuiltPaymentOnion {
  /** 1366 bytes: version ‖ E_0 ‖ 1300-byte hop_payloads ‖ hmac. */
  readonly packet: Uint8Array;
  /** ss_i per layer, in route order (what `sendonion shared_secrets` and failure decoding need). */
  readonly sharedSecrets: Uint8Array[];
}

/** Encrypts `layers` (first hop first) under `sessionKey` with the payment hash as associated data. */
export function buildPaymentOnionFromLayers(layers: readonly PaymentLayer[], paymentHash: Uint8Array, sessionKey: PrivKey = randomPrivKey()): BuiltPaymentOnion {
  if (paymentHash.length !== 32) throw new RangeError('payment_hash must be 32 bytes');
  const hopPubkeys = layers.map((l) => l.pubkey);
  const payloads = layers.map((l) => (l.payload instanceof Uint8Array ? l.payload : encodeHopPayload(l.payload)));
  const packet = buildSphinxPacket({ hopPubkeys, payloads, sessionKey, payloadSize: SMALL_PAYLOAD_SIZE, associatedData: paymentHash });
  const sharedSecrets = sphinxKeySchedule(hopPubkeys, sessionKey).map((k) => k.sharedSecret);
  return { packet, sharedSecrets };
}

/** One clear hop of a route, as `getroute` lists it: what that node receives, over which channel. */
export interface RouteStep {
  readonly nodeId: PubKey;
  /** The channel from the previous node (or the payer) to this node. */
  readonly shortChannelId: bigint;
  /** Amount this node receives. */
  readonly amountMsat: bigint;
  /** `cltv_expiry` of the HTLC this node receives. */
  readonly cltvExpiry: number;
}

/** What a clear final hop reads beyond amount and CLTV. */
export interface ClearFinal {
  readonly paymentSecret?: Uint8Array;
  /** MPP total (with paymentSecret: payment_data); defaults to the amount. */
  readonly totalMsat?: bigint;
  readonly paymentMetadata?: Uint8Array;
  readonly extra?: readonly ExtraRecord[];
}

/** The blinded tail: its final hop reads 2, 4, 10, (12), 18 and any extras. */
export interface BlindedTail {
  readonly path: BlindedPath;
  /** The introduction node's real id when `path.intro` is a sciddir (the caller resolved it). */
  readonly introNodeId?: PubKey;
  /** amt_to_forward / outgoing_cltv_value of the final hop (what the recipient checks). */
  readonly amountMsat: bigint;
  readonly finalCltv: number;
  readonly totalMsat: bigint;
  readonly extra?: readonly ExtraRecord[];
}

export interface PaymentOnionArgs {
  /** Clear hops in order; with a blinded tail the last step is the introduction node. */
  readonly route: readonly RouteStep[];
  readonly paymentHash: Uint8Array;
  readonly final?: ClearFinal;
  readonly blinded?: BlindedTail;
  readonly sessionKey?: PrivKey;
}

export interface PaymentOnion extends BuiltPaymentOnion {
  /** `sendonion first_hop`: the first step's node, amount and CLTV. */
  readonly firstHop: { readonly id: PubKey; readonly amountMsat: bigint; readonly delay: number };
  readonly layers: PaymentLayer[];
}

/** Layers of a blinded path: intro (its real id, TLV 10 + 12), then blinded ids; the last hop gets amounts. */
export function blindedTailLayers(t: BlindedTail): PaymentLayer[] {
  const { path } = t;
  const introId = path.intro.kind === 'pubkey' ? path.intro.nodeId : t.introNodeId;
  if (!introId) throw new RangeError('blinded path: sciddir introduction node needs introNodeId');
  return path.hops.map((h, i) => {
    const last = i === path.hops.length - 1;
    const p: HopPayload = {
      encryptedRecipientData: h.encryptedData,
      ...(i === 0 ? { currentPathKey: path.firstPathKey } : {}),
      ...(last ? { amtToForward: t.amountMsat, outgoingCltvValue: t.finalCltv, totalAmountMsat: t.totalMsat, ...(t.extra ? { extra: t.extra } : {}) } : {}),
    };
    return { pubkey: i === 0 ? introId : h.blindedNodeId, payload: p };
  });
}

/**
 * Builds a payment onion for `route` (clear hops), ending either at a clear recipient
 * (`final`) or in `blinded` (the route's last step is then its introduction node).
 */
export function buildPaymentOnion(a: PaymentOnionArgs): PaymentOnion {
  const { route } = a;
  if (route.length === 0) throw new RangeError('payment route needs at least one step');
  const layers: PaymentLayer[] = [];
  const clearCount = a.blinded ? route.length - 1 : route.length;
  for (let i = 0; i < clearCount; i++) {
    const step = route[i]!;
    const next = route[i + 1];
    if (next) {
      layers.push({ pubkey: step.nodeId, payload: { amtToForward: next.amountMsat, outgoingCltvValue: next.cltvExpiry, shortChannelId: next.shortChannelId } });
      continue;
    }
    const f = a.final ?? {};
    layers.push({
      pubkey: step.nodeId,
      payload: {
        amtToForward: step.amountMsat,
        outgoingCltvValue: step.cltvExpiry,
        ...(f.paymentSecret ? { paymentData: { paymentSecret: f.paymentSecret, totalMsat: f.totalMsat ?? step.amountMsat } } : {}),
        ...(f.paymentMetadata ? { paymentMetadata: f.paymentMetadata } : {}),
        ...(f.extra ? { extra: f.extra } : {}),
      },
    });
  }
  if (a.blinded) {
    const intro = route[route.length - 1]!;
    const introId = a.blinded.path.intro.kind === 'pubkey' ? a.blinded.path.intro.nodeId : a.blinded.introNodeId;
    if (introId && !Buffer.from(introId).equals(Buffer.from(intro.nodeId))) throw new RangeError('route must end at the blinded path introduction node');
    layers.push(...blindedTailLayers({ ...a.blinded, introNodeId: intro.nodeId }));
  }
  const built = buildPaymentOnionFromLayers(layers, a.paymentHash, a.sessionKey);
  const first = route[0]!;
  return { ...built, layers, firstHop: { id: first.nodeId, amountMsat: first.amountMsat, delay: first.cltvExpiry } };
}

/** One peeled layer of a payment onion, as lightningd's `process_onionpacket` sees it. */
export interface PeeledPayment {
  /** The payload stream, without its length prefix. */
  readonly payload: Uint8Array;
  /** bigsize(len) ‖ payload: `onion.payload` in the htlc_accepted hook. */
  readonly framedPayload: Uint8Array;
  readonly isFinal: boolean;
  /** The packet for the next hop; at the last hop the (unused) shifted packet lightningd still reports. */
  readonly nextOnion: Uint8Array;
  /** The layer's shared secret (`onion.shared_secret`). */
  readonly sharedSecret: Uint8Array;
}

/**
 * Peels one payment-onion layer at a node with `nodePriv`. With `pathKey` (update_add_htlc
 * TLV 0: a blinded hop after the introduction) the layer key is the blinded private key.
 * A bad version, key or HMAC is a DecodeError (lightningd: invalid_onion_hmac/key/version).
 */
export function peelPaymentOnion(nodePriv: PrivKey, packet: Uint8Array, paymentHash: Uint8Array, pathKey?: Uint8Array): PeeledPayment {
  if (packet.length !== 1366) throw new DecodeError('payment onion must be 1366 bytes');
  const priv = pathKey ? blindedPrivKey(nodePriv, ecdh(nodePriv, asPubKey(pathKey))) : nodePriv;
  const l = peelSphinxPacket(priv, packet, paymentHash);
  return { payload: l.payload, framedPayload: frameHopPayload(l.payload), isFinal: l.isFinal, nextOnion: l.nextOnion, sharedSecret: l.sharedSecret };
}

/** sha256 of the onion as received: the data of invalid_onion_blinding and BADONION failures. */
export function onionHash(packet: Uint8Array): Uint8Array {
  return sha256(packet);
}

// lightningd's onion_decode (common/onion_decode.c) for one peeled payment layer: the
// tlv_payload table with unknown even types refused, the blinded rules (path key from
// update_add_htlc or TLV 12, never both; encrypted_recipient_data decrypted with the node
// key; payment_constraints; payment_relay fees and CLTV for a forward; only 2, 4, 10, 12,
// 18 at a blinded final hop), path_id stashed as payment_secret.
import { DecodeError } from '../../src/codec/errors.js';
import { parseTlvStream } from '../../src/codec/tlv.js';
import type { PrivKey, PubKey } from '../../src/crypto/secp.js';
import { unblindHop } from '../../src/onion/blinding.js';
import {
  decodeHopPayload,
  KNOWN_PAYLOAD_TYPES,
  PayloadDecodeError,
  unframeHopPayload,
  type HopPayload,
} from '../../src/onion/hop_payload.js';
import type { EncryptedData } from '../../src/onion/types.js';

/** lightningd's `struct onion_payload`, as far as the hook and forwarding use it. */
export interface OnionPayload {
  readonly final: boolean;
  readonly amtToForward: bigint;
  readonly outgoingCltv: number;
  readonly forwardChannel?: bigint;
  readonly forwardNodeId?: PubKey;
  readonly totalMsat?: bigint;
  readonly paymentSecret?: Uint8Array;
  readonly paymentMetadata?: Uint8Array;
  /** The path key this hop used (update_add_htlc's or TLV 12's), when blinded. */
  readonly pathKey?: PubKey;
  /** The path key for the next hop (SHA256(E ‖ ss)·E, or the override). */
  readonly nextPathKey?: PubKey;
  readonly encrypted?: EncryptedData;
  readonly tlv: HopPayload;
}

export type DecodeOutcome =
  | { readonly ok: true; readonly payload: OnionPayload }
  | { readonly ok: false; readonly failTlvType: bigint; readonly failTlvPos: number; readonly explanation: string };

export interface DecodeInput {
  readonly nodePriv: PrivKey;
  /** bigsize(len) ‖ payload, as in the hook's `onion.payload`. */
  readonly rawPayload: Uint8Array;
  readonly final: boolean;
  /** update_add_htlc's path key (`hin->path_key`); absent at the intro and on a replay. */
  readonly pathKey?: PubKey;
  readonly amountIn: bigint;
  readonly cltvExpiry: number;
  /** `accept-htlc-tlv-type` values: even types lightningd is told to let through. */
  readonly acceptExtraTlvTypes?: readonly bigint[];
}

const BLINDED_FINAL_ALLOWED = new Set([2n, 4n, 10n, 12n, 18n]);
const BLINDED_FORWARD_ALLOWED = new Set([10n, 12n]);

function bad(failTlvType: bigint, explanation: string, failTlvPos = 0): DecodeOutcome {
  return { ok: false, failTlvType, failTlvPos, explanation };
}

export function lightningdOnionDecode(d: DecodeInput): DecodeOutcome {
  let stream: Uint8Array;
  try {
    stream = unframeHopPayload(d.rawPayload);
  } catch {
    return bad(0n, 'payload length is invalid');
  }
  let tlv: HopPayload;
  let types: bigint[];
  try {
    types = parseTlvStream(stream).map((r) => r.type);
    tlv = decodeHopPayload(stream);
  } catch (e) {
    if (e instanceof PayloadDecodeError) return bad(e.tlvType, e.message, e.offset);
    return bad(0n, (e as Error).message);
  }
  const accepted = new Set(d.acceptExtraTlvTypes ?? []);
  const unknownEven = types.find((t) => !KNOWN_PAYLOAD_TYPES.has(t) && t % 2n === 0n && !accepted.has(t));
  if (unknownEven !== undefined) return bad(unknownEven, `unknown even type ${unknownEven}`);

  if (tlv.encryptedRecipientData) {
    if (d.pathKey && tlv.currentPathKey) return bad(12n, 'current_path_key with update_add_htlc path_key');
    const pathKey = d.pathKey ?? tlv.currentPathKey;
    if (!pathKey) return bad(10n, 'current_path_key was not present');
    let enc: EncryptedData;
    let nextPathKey: PubKey;
    try {
      const u = unblindHop(d.nodePriv, pathKey, tlv.encryptedRecipientData);
      enc = u.data;
      nextPathKey = u.nextPathKey;
    } catch (e) {
      if (e instanceof DecodeError) return bad(10n, 'invalid encrypted_recipient_data');
      throw e;
    }
    const pc = enc.paymentConstraints;
    if (pc) {
      if (d.cltvExpiry > pc.maxCltvExpiry) return bad(10n, `cltv_expiry ${d.cltvExpiry} > max_cltv_expiry ${pc.maxCltvExpiry}`);
      if (d.amountIn < pc.htlcMinimumMsat) return bad(10n, `amount ${d.amountIn} < htlc_minimum_msat ${pc.htlcMinimumMsat}`);
    }
    if (enc.allowedFeatures && enc.allowedFeatures.some((b) => b !== 0)) return bad(10n, 'non-zero allowed_features');
    if (enc.shortChannelId !== undefined && enc.nextNodeId) return bad(10n, 'both scid and next_node_id present');
    const paymentSecret = enc.pathId && enc.pathId.length === 32 ? enc.pathId : undefined;
    const common = { pathKey, nextPathKey, encrypted: enc, tlv, ...(paymentSecret ? { paymentSecret } : {}) };
    if (!d.final) {
      const extra = types.find((t) => !BLINDED_FORWARD_ALLOWED.has(t));
      if (extra !== undefined) return bad(extra, `blinded forward carries type ${extra}`);
      if (enc.shortChannelId === undefined && !enc.nextNodeId) return bad(10n, 'blinded forward without next hop');
      const relay = enc.paymentRelay;
      if (!relay) return bad(10n, 'blinded forward without payment_relay');
      // amt_to_forward = ceil((amount_in − fee_base) · 10⁶ / (10⁶ + fee_ppm)), wrapping like lightningd's u64.
      const num = BigInt.asUintN(64, (d.amountIn - BigInt(relay.feeBaseMsat)) * 1_000_000n);
      const den = 1_000_000n + BigInt(relay.feeProportionalMillionths);
      return {
        ok: true,
        payload: {
          final: false,
          amtToForward: (num + den - 1n) / den,
          outgoingCltv: d.cltvExpiry - relay.cltvExpiryDelta,
          ...(enc.shortChannelId !== undefined ? { forwardChannel: enc.shortChannelId } : { forwardNodeId: enc.nextNodeId! }),
          ...common,
        },
      };
    }
    const extra = types.find((t) => !BLINDED_FINAL_ALLOWED.has(t));
    if (extra !== undefined) return bad(extra, `blinded final hop carries type ${extra}`);
    if (tlv.amtToForward === undefined) return bad(2n, 'missing amt_to_forward');
    if (tlv.outgoingCltvValue === undefined) return bad(4n, 'missing outgoing_cltv_value');
    if (tlv.totalAmountMsat === undefined) return bad(18n, 'missing total_amount_msat');
    return { ok: true, payload: { final: true, amtToForward: tlv.amtToForward, outgoingCltv: tlv.outgoingCltvValue, totalMsat: tlv.totalAmountMsat, ...common } };
  }
  if (d.pathKey || tlv.currentPathKey) return bad(10n, `${d.pathKey ? 'update_add_htlc->path_key' : 'current_path_key'} set outside blinded route`);
  if (tlv.amtToForward === undefined) return bad(2n, 'missing amt_to_forward');
  if (tlv.outgoingCltvValue === undefined) return bad(4n, 'missing outgoing_cltv_value');
  if (!d.final && tlv.shortChannelId === undefined) return bad(6n, 'missing short_channel_id');
  const base = { final: d.final, amtToForward: tlv.amtToForward, outgoingCltv: tlv.outgoingCltvValue, tlv };
  const fwd = d.final ? { totalMsat: tlv.paymentData?.totalMsat ?? tlv.amtToForward } : { forwardChannel: tlv.shortChannelId! };
  return {
    ok: true,
    payload: {
      ...base,
      ...fwd,
      ...(tlv.paymentData ? { paymentSecret: tlv.paymentData.paymentSecret, totalMsat: tlv.paymentData.totalMsat } : {}),
      ...(tlv.paymentMetadata ? { paymentMetadata: tlv.paymentMetadata } : {}),
    },
  };
}

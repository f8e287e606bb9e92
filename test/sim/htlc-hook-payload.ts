// The `htlc_accepted` hook payload exactly as lightningd v26.06 serializes it
// (htlc_accepted_hook_serialize): `onion.type` and the decoded fields only when
// onion_decode succeeded; total_msat/payment_secret only with a payment secret (a 32-byte
// path_id for blinded payments); extra_tlvs only when the HTLC carried update_add TLVs.
import { toHex } from '../../src/codec/bytes.js';
import type { OnionPayload } from './htlc-decode.js';
import { scidToString } from './scid.js';

export interface HookPayloadInput {
  readonly peerId?: string;
  /** bigsize(len) ‖ payload. */
  readonly rawPayload: Uint8Array;
  /** The decoded payload; undefined when lightningd could not decode it. */
  readonly payload?: OnionPayload;
  readonly nextOnion: Uint8Array;
  readonly sharedSecret: Uint8Array;
  /** The channel id lightningd picked for a forward (`forward_to`). */
  readonly forwardTo?: string;
  /** Incoming channel (scid or our local alias). */
  readonly shortChannelId: string;
  readonly htlcId: number;
  readonly amountMsat: bigint;
  readonly cltvExpiry: number;
  /** The tip lightningd knows: 0 right after a restart, before it synced. */
  readonly blockheight: number;
  readonly paymentHash: Uint8Array;
  readonly extraTlvs?: Uint8Array;
}

export function htlcAcceptedPayload(i: HookPayloadInput): Record<string, unknown> {
  const onion: Record<string, unknown> = { payload: toHex(i.rawPayload) };
  const p = i.payload;
  if (p) {
    onion.type = 'tlv';
    if (p.forwardChannel !== undefined) onion.short_channel_id = scidToString(p.forwardChannel);
    if (p.forwardNodeId) onion.next_node_id = toHex(p.forwardNodeId);
    onion.forward_msat = Number(p.amtToForward);
    onion.outgoing_cltv_value = p.outgoingCltv;
    if (p.paymentSecret) {
      onion.total_msat = Number(p.totalMsat);
      onion.payment_secret = toHex(p.paymentSecret);
    }
    if (p.paymentMetadata) onion.payment_metadata = toHex(p.paymentMetadata);
  }
  onion.next_onion = toHex(i.nextOnion);
  onion.shared_secret = toHex(i.sharedSecret);
  const out: Record<string, unknown> = {};
  if (i.peerId) out.peer_id = i.peerId;
  out.onion = onion;
  if (i.forwardTo) out.forward_to = i.forwardTo;
  const htlc: Record<string, unknown> = {
    short_channel_id: i.shortChannelId,
    id: i.htlcId,
    amount_msat: Number(i.amountMsat),
    cltv_expiry: i.cltvExpiry,
    cltv_expiry_relative: i.cltvExpiry - i.blockheight,
    payment_hash: toHex(i.paymentHash),
  };
  if (i.extraTlvs) htlc.extra_tlvs = toHex(i.extraTlvs);
  out.htlc = htlc;
  return out;
}

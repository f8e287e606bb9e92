// Forwarding an HTLC to the next channel (lightningd's forward_htlc) and offering HTLCs
// over a channel at all (also used by payers): channel choice by scid (real or alias) or
// by next node id, the outgoing channel's fee and htlc limits, the node's cltv-delta,
// expiry against the tip, then update_add_htlc to the peer with the next path key in TLV 0.
import { toHex, u32, u64, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { encodeTlvStream, parseTlvStream, tlvRecord } from '../../src/codec/tlv.js';
import type { PubKey } from '../../src/crypto/secp.js';
import { FAILCODE } from '../../src/onion/failure.js';
import type { HtlcResolution, SimHtlc } from './channels.js';
import type { OnionPayload } from './htlc-decode.js';
import { channelFailure, failHtlcFromDownstream, fulfillHtlc, localFailHtlc, type HtlcIn } from './htlc-in.js';
import type { SimChannel } from './network.js';
import type { SimNodeBase } from './node-base.js';
import { scidToBigInt } from './scid.js';

/** lightningd's max-htlc-cltv default: an outgoing CLTV further than this from the tip is refused. */
export const MAX_HTLC_CLTV = 2016;

/** Our channel that `scid` names (real scid or our local alias), or the best one to `nodeId`. */
export function findOutgoingChannel(node: SimNodeBase, target: { scid?: bigint; nodeId?: PubKey }): SimChannel | undefined {
  const mine = node.net.channelsOf(node);
  if (target.scid !== undefined) {
    return mine.find((c) => {
      const local = c.a === node ? c.aliasA : c.aliasB;
      return scidToBigInt(c.scid) === target.scid || (local !== undefined && scidToBigInt(local) === target.scid);
    });
  }
  const id = Buffer.from(target.nodeId!);
  const peerOf = (c: SimChannel) => (c.a === node ? c.b : c.a);
  const cands = mine.filter((c) => id.equals(Buffer.from(peerOf(c).id)));
  return cands.sort((x, y) => Number(node.net.ledger.spendable(y, node) - node.net.ledger.spendable(x, node)))[0];
}

/** The policy `node` set for sending over `ch`. */
export function policyOf(node: SimNodeBase, ch: SimChannel) {
  return ch.a === node ? ch.policyA : ch.policyB;
}

export interface OfferFields {
  amountMsat: bigint;
  cltvExpiry: number;
  paymentHash: Uint8Array;
  onion: Uint8Array;
  pathKey?: PubKey;
  /** Further update_add_htlc TLVs to send (a hook's extra_tlvs). */
  extraTlvs?: Uint8Array;
}

/**
 * Offers an HTLC over `ch` to the peer and returns its resolution, or a local failure
 * message when it cannot be sent (peer not connected, balance too low).
 */
export function offerHtlc(from: SimNodeBase, ch: SimChannel, f: OfferFields): { resolved: Promise<HtlcResolution>; htlc: SimHtlc } | { failmsg: Uint8Array; why: string } {
  const to = ch.a === from ? ch.b : ch.a;
  if (!from.net.isConnected(from, to) || !to.online) return { failmsg: channelFailure(FAILCODE.temporary_channel_failure), why: 'peer not connected' };
  // update_add_htlc TLV 0 carries the path key; the hook's extra TLVs come along.
  const recs = f.extraTlvs ? parseTlvStream(f.extraTlvs).filter((r) => r.type !== 0n) : [];
  if (f.pathKey) recs.push(tlvRecord(0n, f.pathKey));
  const extraTlvs = recs.length ? encodeTlvStream(recs) : undefined;
  const offered = from.net.ledger.offer(ch, from, {
    amountMsat: f.amountMsat,
    cltvExpiry: f.cltvExpiry,
    paymentHash: f.paymentHash,
    onion: f.onion,
    ...(f.pathKey ? { pathKey: f.pathKey } : {}),
    ...(extraTlvs ? { extraTlvs } : {}),
  });
  if (!offered) return { failmsg: channelFailure(FAILCODE.temporary_channel_failure), why: 'insufficient balance' };
  setImmediate(() => {
    if (!to.online || !from.net.isConnected(from, to)) {
      from.net.ledger.resolve(offered.htlc, { kind: 'fail', onion: new Uint8Array(0) });
      return;
    }
    to.receiveHtlc(offered.htlc);
  });
  return offered;
}

/** forward_htlc for a decoded, non-final payload. */
export function forwardHtlc(hin: HtlcIn, p: OnionPayload, nextPathKey: PubKey | undefined, extraTlvs: Uint8Array | undefined, forwardTo?: SimChannel): void {
  const node = hin.node;
  const height = node.net.blockheight;
  const next = forwardTo ?? findOutgoingChannel(node, p.forwardChannel !== undefined ? { scid: p.forwardChannel } : { nodeId: p.forwardNodeId! });
  if (!next) return localFailHtlc(hin, new Uint8Array([0x40, 0x0a]), 'unknown next peer');
  const pol = policyOf(node, next);
  const fee = BigInt(pol.fee_base_msat) + (p.amtToForward * BigInt(pol.fee_proportional_millionths)) / 1_000_000n;
  if (hin.htlc.amountMsat - fee < p.amtToForward) {
    return localFailHtlc(hin, channelFailure(FAILCODE.fee_insufficient, u64(hin.htlc.amountMsat)), `fee: ${hin.htlc.amountMsat} in, ${p.amtToForward} out, fee ${fee}`);
  }
  if (p.amtToForward > BigInt(pol.htlc_maximum_msat) || p.amtToForward < BigInt(pol.htlc_minimum_msat)) {
    return localFailHtlc(hin, channelFailure(FAILCODE.temporary_channel_failure), 'outside htlc minimum/maximum');
  }
  const delta = node.cltvDelta;
  if (!(delta < hin.htlc.cltvExpiry && hin.htlc.cltvExpiry - delta >= p.outgoingCltv)) {
    return localFailHtlc(hin, channelFailure(FAILCODE.incorrect_cltv_expiry, u32(hin.htlc.cltvExpiry)), `cltv: ${hin.htlc.cltvExpiry} in, ${p.outgoingCltv} out, delta ${delta}`);
  }
  if (height >= p.outgoingCltv) return localFailHtlc(hin, channelFailure(FAILCODE.expiry_too_soon), `expiry ${p.outgoingCltv} too close to ${height}`);
  if (height + MAX_HTLC_CLTV < p.outgoingCltv) return localFailHtlc(hin, new Uint8Array([0x00, 0x15]), `expiry ${p.outgoingCltv} too far`);
  const sent = offerHtlc(node, next, {
    amountMsat: p.amtToForward,
    cltvExpiry: p.outgoingCltv,
    paymentHash: hin.htlc.paymentHash,
    onion: hin.peeled.nextOnion,
    ...(nextPathKey ? { pathKey: nextPathKey } : {}),
    ...(extraTlvs ? { extraTlvs } : {}),
  });
  if ('failmsg' in sent) return localFailHtlc(hin, sent.failmsg, sent.why);
  node.forwards.push({ in: hin.htlc, out: sent.htlc });
  void sent.resolved.then((r) => {
    if (r.kind === 'fulfill') fulfillHtlc(hin, r.preimage);
    else if (r.kind === 'fail' && r.onion.length === 0) localFailHtlc(hin, channelFailure(FAILCODE.temporary_channel_failure), 'peer went away');
    else failHtlcFromDownstream(hin, r);
  });
}

/** A stable 32-byte channel id for `forward_to` (lightningd's is derived from the funding outpoint). */
export function channelIdOf(ch: SimChannel): string {
  return toHex(sha256(utf8(`channel ${ch.scid}`)));
}

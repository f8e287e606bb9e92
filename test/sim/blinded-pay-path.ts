// A recipient's blinded payment path through the simulated network (what a BOLT 12
// invoice carries), with the payinfo a payer needs: each forwarder's payment_relay from
// its channel policy, payment_constraints, the recipient's path_id, and the aggregate fee
// and CLTV delta (the recipient's `finalCltvDelta` included).
import type { PubKey } from '../../src/crypto/secp.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import type { BlindedPath, EncryptedData } from '../../src/onion/types.js';
import type { SimNodeBase } from './node-base.js';
import { scidToBigInt } from './scid.js';
import { policyOf } from './htlc-forward.js';

export interface SimPayPath {
  readonly path: BlindedPath;
  /** Aggregate payinfo (fees and CLTV of every forwarding hop, plus the final delta). */
  readonly feeBaseMsat: number;
  readonly feeProportionalMillionths: number;
  readonly cltvExpiryDelta: number;
}

/**
 * Path hops[0] (intro) → … → hops[last] (recipient), each forwarder pointing at the next
 * by the scid of their channel. Relay parameters equal the forwarder's channel policy
 * with its cltv-delta.
 */
export function simPaymentPath(hops: readonly SimNodeBase[], o: { pathId: Uint8Array; maxCltvExpiry: number; htlcMinimumMsat?: bigint; finalCltvDelta?: number }): SimPayPath {
  const constraints = { maxCltvExpiry: o.maxCltvExpiry, htlcMinimumMsat: o.htlcMinimumMsat ?? 1n };
  let base = 0;
  let ppm = 0;
  let cltv = o.finalCltvDelta ?? 12;
  const nodes: Array<{ nodeId: PubKey; data: EncryptedData }> = hops.map((n, i) => {
    const next = hops[i + 1];
    if (!next) return { nodeId: n.id, data: { pathId: o.pathId, paymentConstraints: constraints } };
    const ch = n.net.channelsOf(n).find((c) => c.a === next || c.b === next);
    if (!ch) throw new Error(`no channel ${n.name} → ${next.name}`);
    const pol = policyOf(n, ch);
    const relay = { cltvExpiryDelta: Math.max(pol.cltv_expiry_delta, n.cltvDelta), feeProportionalMillionths: pol.fee_proportional_millionths, feeBaseMsat: pol.fee_base_msat };
    base += relay.feeBaseMsat;
    ppm += relay.feeProportionalMillionths;
    cltv += relay.cltvExpiryDelta;
    return { nodeId: n.id, data: { shortChannelId: scidToBigInt(ch.scid), paymentRelay: relay, paymentConstraints: constraints } };
  });
  // Rounding up the aggregate keeps the payer above what each hop computes.
  return { path: createBlindedPath(nodes), feeBaseMsat: base + hops.length, feeProportionalMillionths: ppm, cltvExpiryDelta: cltv };
}

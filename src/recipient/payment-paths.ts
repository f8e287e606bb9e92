// Blinded payment paths to this node for a static invoice: one per channel peer
// (intro = the peer, which forwards over our channel to us), with the payinfo a
// payer needs. Pure: the channel list and block height are passed in.
//
// LDK's recipient (router.rs create_blinded_payment_paths) does the same with its
// usable channels, plus dummy hops; we add no dummy hops because lightningd would
// have to peel them and does not.
import type { PaymentPath } from '../bolt12/build.js';
import type { BlindedPayInfo } from '../bolt12/values.js';
import { fromHex } from '../codec/bytes.js';
import { asPubKey, type PubKey } from '../crypto/secp.js';
import { createBlindedPath } from '../onion/blinding.js';
import { parseScid } from '../transport/scid.js';
import {
  CLTV_FAR_FAR_AWAY, LATENCY_GRACE_PERIOD_BLOCKS, MAX_PAYMENT_PATHS, MIN_FINAL_CLTV_EXPIRY_DELTA, SECONDS_PER_BLOCK,
} from './constants.js';

export interface PaymentRelay {
  readonly feeBaseMsat: number;
  readonly feeProportionalMillionths: number;
  readonly cltvExpiryDelta: number;
}

/** A channel a peer can forward payments to us over, with the peer's policy for that direction. */
export interface InboundChannel {
  readonly peerId: PubKey;
  /** The scid the *peer* resolves: the real one, or for private channels the alias the peer gave. */
  readonly scid: bigint;
  readonly relay: PaymentRelay;
  readonly htlcMinimumMsat: bigint;
  readonly htlcMaximumMsat: bigint;
  readonly receivableMsat: bigint;
}

/** The subset of `listpeerchannels` we read (lightningd's field names). */
export interface PeerChannelJson {
  peer_id: string;
  peer_connected?: boolean;
  state?: string;
  short_channel_id?: string;
  private?: boolean;
  alias?: { local?: string; remote?: string };
  updates?: { remote?: Record<string, number | undefined> };
  receivable_msat?: number;
}

const U64_MAX = 0xffffffffffffffffn;
/** Our own hop's htlc_minimum_msat (the peer's minimum applies before us). */
const FINAL_HTLC_MINIMUM_MSAT = 1n;
/** LDK: 21 million BTC in msat, the cap of an aggregated htlc_maximum. */
const TOTAL_SUPPLY_MSAT = 21_000_000n * 100_000_000n * 1000n;

/**
 * Channels usable for receiving, like LDK's list_usable_channels: normal state, peer
 * connected, and the peer's channel_update toward us known (`updates.remote`, which
 * carries the fee and CLTV policy the peer applies when forwarding to us).
 */
export function inboundChannels(chans: readonly PeerChannelJson[]): InboundChannel[] {
  const out: InboundChannel[] = [];
  for (const c of chans) {
    if (c.state !== undefined && c.state !== 'CHANNELD_NORMAL') continue;
    if (c.peer_connected === false) continue;
    const remote = c.updates?.remote;
    if (!remote) continue;
    // The peer resolves the next hop with its own scid: for a private (or not yet
    // announced) channel the alias the peer assigned, which we see as alias.remote.
    const scidStr = (c.private || !c.short_channel_id) && c.alias?.remote ? c.alias.remote : c.short_channel_id ?? c.alias?.remote;
    if (!scidStr) continue;
    const num = (k: string): number | undefined => (typeof remote[k] === 'number' ? remote[k] : undefined);
    const base = num('fee_base_msat');
    const prop = num('fee_proportional_millionths');
    const delta = num('cltv_expiry_delta');
    if (base === undefined || prop === undefined || delta === undefined) continue;
    out.push({
      peerId: asPubKey(fromHex(c.peer_id)),
      scid: parseScid(scidStr),
      relay: { feeBaseMsat: base, feeProportionalMillionths: prop, cltvExpiryDelta: delta },
      htlcMinimumMsat: BigInt(num('htlc_minimum_msat') ?? 0),
      htlcMaximumMsat: BigInt(num('htlc_maximum_msat') ?? Number.MAX_SAFE_INTEGER),
      receivableMsat: BigInt(c.receivable_msat ?? 0),
    });
  }
  // Most inbound liquidity first: those paths are the likeliest to carry the payment.
  return out.sort((a, b) => (b.receivableMsat > a.receivableMsat ? 1 : b.receivableMsat < a.receivableMsat ? -1 : 0));
}

/**
 * The amount a hop forwards when it receives `inbound` (LDK amt_to_forward_msat):
 * the largest x with x + base + floor(x·prop/1e6) ≤ inbound; undefined if none > 0.
 */
export function amountToForward(inbound: bigint, relay: PaymentRelay): bigint | undefined {
  const base = BigInt(relay.feeBaseMsat);
  const prop = BigInt(relay.feeProportionalMillionths);
  if (inbound < base) return undefined;
  const fee = (x: bigint) => (x * prop) / 1_000_000n + base;
  let x = ((inbound - base) * 1_000_000n) / (prop + 1_000_000n);
  if (inbound >= x + 1n + fee(x + 1n)) x += 1n;
  return x === 0n ? undefined : x;
}

/**
 * BOLT 4 route blinding's fee aggregation (LDK compute_aggregated_base_prop_fee),
 * from the last hop back: base' = ceil(base'·(1e6+prop)/1e6) + base,
 * prop' = ceil((prop'+1e6)(prop+1e6)/1e6) − 1e6.
 */
export function aggregateFees(relays: readonly PaymentRelay[]): { feeBaseMsat: bigint; feeProportionalMillionths: bigint } {
  let base = 0n;
  let prop = 0n;
  for (const r of [...relays].reverse()) {
    const nb = BigInt(r.feeBaseMsat);
    const np = BigInt(r.feeProportionalMillionths);
    base = (base * (1_000_000n + np) + 999_999n) / 1_000_000n + nb;
    prop = ((prop + 1_000_000n) * (np + 1_000_000n) + 999_999n) / 1_000_000n - 1_000_000n;
  }
  return { feeBaseMsat: base, feeProportionalMillionths: prop };
}

export interface ForwardHopInfo {
  readonly relay: PaymentRelay;
  readonly htlcMinimumMsat: bigint;
  readonly htlcMaximumMsat: bigint;
}

/** The payinfo of a path with `hops` forwarding to the payee (LDK compute_payinfo, no dummy hops). */
export function computePayInfo(hops: readonly ForwardHopInfo[], payee: { htlcMinimumMsat: bigint; htlcMaximumMsat: bigint }, minFinalCltvExpiryDelta: number): BlindedPayInfo {
  const fees = aggregateFees(hops.map((h) => h.relay));
  let htlcMin = 1n;
  let htlcMax = TOTAL_SUPPLY_MSAT;
  let cltv = minFinalCltvExpiryDelta;
  for (const h of hops) {
    cltv += h.relay.cltvExpiryDelta;
    // A hop's minimum, less the fees of what follows: those fees arrive with the amount.
    htlcMin = amountToForward(h.htlcMinimumMsat > htlcMin ? h.htlcMinimumMsat : htlcMin, h.relay) ?? 1n;
    const fwdMax = amountToForward(h.htlcMaximumMsat < htlcMax ? h.htlcMaximumMsat : htlcMax, h.relay);
    if (fwdMax === undefined) throw new RangeError('a hop cannot forward its own maximum');
    htlcMax = fwdMax;
  }
  if (payee.htlcMinimumMsat > htlcMin) htlcMin = payee.htlcMinimumMsat;
  if (payee.htlcMaximumMsat < htlcMax) htlcMax = payee.htlcMaximumMsat;
  if (htlcMax < htlcMin) throw new RangeError('htlc_maximum below htlc_minimum');
  if (cltv > 0xffff || fees.feeBaseMsat > 0xffffffffn || fees.feeProportionalMillionths > 0xffffffffn) throw new RangeError('payinfo out of range');
  return {
    feeBaseMsat: Number(fees.feeBaseMsat),
    feeProportionalMillionths: Number(fees.feeProportionalMillionths),
    cltvExpiryDelta: cltv,
    htlcMinimumMsat: htlcMin,
    htlcMaximumMsat: htlcMax,
    features: new Uint8Array(),
  };
}

/**
 * LDK's max_cltv_expiry for the final hop: the invoice lifetime in (9-minute) blocks,
 * at least two weeks, plus a grace period, from the current height.
 */
export function finalMaxCltvExpiry(blockHeight: number, relativeExpirySecs: number): number {
  const blocks = Math.max(Math.floor(relativeExpirySecs / SECONDS_PER_BLOCK), CLTV_FAR_FAR_AWAY);
  return Math.min(blockHeight + blocks + LATENCY_GRACE_PERIOD_BLOCKS, 0xffffffff);
}

export interface PaymentPathArgs {
  readonly channels: readonly InboundChannel[];
  readonly ourId: PubKey;
  /** path_id of our final hop (derived per offer). */
  readonly pathId: Uint8Array;
  readonly blockHeight: number;
  /** The static invoice's lifetime, for max_cltv_expiry. */
  readonly relativeExpirySecs: number;
  readonly minFinalCltvExpiryDelta?: number;
}

/** Up to MAX_PAYMENT_PATHS paths peer → us; empty when no channel is usable. */
export function buildPaymentPaths(a: PaymentPathArgs): PaymentPath[] {
  const maxCltv = finalMaxCltvExpiry(a.blockHeight, a.relativeExpirySecs);
  const minFinal = a.minFinalCltvExpiryDelta ?? MIN_FINAL_CLTV_EXPIRY_DELTA;
  const out: PaymentPath[] = [];
  for (const ch of a.channels) {
    if (out.length >= MAX_PAYMENT_PATHS) break;
    let payinfo: BlindedPayInfo;
    try {
      payinfo = computePayInfo([ch], { htlcMinimumMsat: 1n, htlcMaximumMsat: U64_MAX }, minFinal);
    } catch {
      continue; // a policy no payment can satisfy (e.g. maximum below the fees)
    }
    const path = createBlindedPath(
      [
        {
          nodeId: ch.peerId,
          data: {
            shortChannelId: ch.scid,
            paymentRelay: ch.relay,
            // The peer must not forward an HTLC that expires after our own limit plus its delta.
            paymentConstraints: { maxCltvExpiry: Math.min(maxCltv + ch.relay.cltvExpiryDelta, 0xffffffff), htlcMinimumMsat: ch.htlcMinimumMsat },
          },
        },
        { nodeId: a.ourId, data: { pathId: a.pathId, paymentConstraints: { maxCltvExpiry: maxCltv, htlcMinimumMsat: FINAL_HTLC_MINIMUM_MSAT } } },
      ],
      undefined,
      // Equal hop sizes, so the payer cannot tell which hop is the recipient.
      { pad: true },
    );
    out.push({ path, payinfo });
  }
  return out;
}

/** What our own (final) hop of each path allows: how we recognise and check payments over it. */
export interface FinalHopInfo {
  /** The final hop's encrypted_recipient_data: the payer puts these exact bytes in TLV 10. */
  readonly encryptedData: Uint8Array;
  readonly maxCltvExpiry: number;
  readonly htlcMinimumMsat: bigint;
  readonly minFinalCltvDelta: number;
}

/** The final-hop constraints buildPaymentPaths wrote into `paths` (built with the same args). */
export function finalHopInfo(paths: readonly PaymentPath[], a: Pick<PaymentPathArgs, 'blockHeight' | 'relativeExpirySecs' | 'minFinalCltvExpiryDelta'>): FinalHopInfo[] {
  const maxCltvExpiry = finalMaxCltvExpiry(a.blockHeight, a.relativeExpirySecs);
  return paths.map((p) => ({
    encryptedData: p.path.hops[p.path.hops.length - 1]!.encryptedData,
    maxCltvExpiry,
    htlcMinimumMsat: FINAL_HTLC_MINIMUM_MSAT,
    minFinalCltvDelta: a.minFinalCltvExpiryDelta ?? MIN_FINAL_CLTV_EXPIRY_DELTA,
  }));
}

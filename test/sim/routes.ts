// `getroute` over the simulated channels (public ones, plus the caller's own private
// ones): fewest hops, amounts and delays accumulated backwards with each forwarder's
// policy, in lightningd's JSON shape.
import type { PubKey } from '../../src/crypto/secp.js';
import type { RouteStep } from '../../src/onion/payment_onion.js';
import type { SimChannel, SimNetwork } from './network.js';
import type { SimNodeBase } from './node-base.js';
import { scidToBigInt } from './scid.js';

export interface SimRouteHop {
  readonly node: SimNodeBase;
  readonly channel: SimChannel;
  readonly amountMsat: bigint;
  readonly delay: number;
}

/** Fee a forwarder charges to send `amount` on: base + amount·ppm/10⁶ (rounded down, as lightningd). */
export function forwardFee(base: number, ppm: number, amount: bigint): bigint {
  return BigInt(base) + (amount * BigInt(ppm)) / 1_000_000n;
}

/**
 * The fewest-hop route from `from` to `to` able to carry `amountMsat`, delivering
 * `amountMsat` with CLTV `finalCltv` (absolute). Undefined when there is none.
 */
export function findRoute(net: SimNetwork, from: SimNodeBase, to: SimNodeBase, amountMsat: bigint, finalCltv: number): SimRouteHop[] | undefined {
  const usable = (c: SimChannel) => c.public || c.a === from || c.b === from;
  const prev = new Map<SimNodeBase, { node: SimNodeBase; ch: SimChannel }>();
  const seen = new Set<SimNodeBase>([from]);
  let frontier = [from];
  while (frontier.length && !seen.has(to)) {
    const next: SimNodeBase[] = [];
    for (const n of frontier) {
      for (const c of net.channelsOf(n)) {
        if (!usable(c) || BigInt(c.capacityMsat) < amountMsat) continue;
        const m = c.a === n ? c.b : c.a;
        if (seen.has(m)) continue;
        seen.add(m);
        prev.set(m, { node: n, ch: c });
        next.push(m);
      }
    }
    frontier = next;
  }
  if (!seen.has(to) || to === from) return undefined;
  const path: Array<{ node: SimNodeBase; ch: SimChannel }> = [];
  for (let n = to; n !== from; n = prev.get(n)!.node) path.unshift({ node: n, ch: prev.get(n)!.ch });
  const out: SimRouteHop[] = new Array(path.length);
  let amount = amountMsat;
  let delay = finalCltv;
  for (let i = path.length - 1; i >= 0; i--) {
    out[i] = { node: path[i]!.node, channel: path[i]!.ch, amountMsat: amount, delay };
    if (i > 0) {
      // The node before hop i forwards over hop i's channel with its own policy.
      const fwd = path[i - 1]!.node;
      const ch = path[i]!.ch;
      const pol = ch.a === fwd ? ch.policyA : ch.policyB;
      amount += forwardFee(pol.fee_base_msat, pol.fee_proportional_millionths, amount);
      delay += pol.cltv_expiry_delta;
    }
  }
  return out;
}

/** Fee of a blinded path's payinfo on `amount`: base + ceil(amount·ppm/10⁶). */
export function payinfoFee(base: number, ppm: number, amount: bigint): bigint {
  return BigInt(base) + (amount * BigInt(ppm) + 999_999n) / 1_000_000n;
}

/** lightningd's getroute entry. */
export function routeJson(route: readonly SimRouteHop[], from: SimNodeBase): Array<Record<string, unknown>> {
  let prev = from;
  return route.map((h) => {
    const e = { id: h.node.idHex, channel: h.channel.scid, direction: prev.idHex < h.node.idHex ? 0 : 1, amount_msat: Number(h.amountMsat), delay: h.delay, style: 'tlv' };
    prev = h.node;
    return e;
  });
}

/** The route as the onion builder's steps. */
export function routeSteps(route: readonly SimRouteHop[]): RouteStep[] {
  return route.map((h) => ({ nodeId: h.node.id as PubKey, shortChannelId: scidToBigInt(h.channel.scid), amountMsat: h.amountMsat, cltvExpiry: h.delay }));
}

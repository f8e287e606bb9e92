// Sending the payment of a released static invoice (I/O around static-payment.ts):
// route to a blinded path's introduction node with `getroute`, build the payment
// onion with the blinded tail and LDK's final payload, `sendonion`, `waitsendpay`;
// on failure the next path (or the same one again, with a new route), a bounded
// number of times. Before every attempt lightningd's own records are consulted
// (`listsendpays`): a part still in flight is waited for and a completed payment is
// taken as is, so a restart or a repeated release never sends a second payment.
import { fromHex, toHex } from '../codec/bytes.js';
import { asPubKey, type PubKey } from '../crypto/secp.js';
import { paymentPathsOf } from '../bolt12/build.js';
import { decodeStaticInvoice } from '../bolt12/static-invoice.js';
import { buildPaymentOnion, type RouteStep } from '../onion/payment_onion.js';
import type { RpcLike } from '../transport/secrets.js';
import { parseScid } from '../transport/scid.js';
import type { Topology } from '../transport/topology.js';
import type { PayResult } from './on-pay-result.js';
import type { StaticPayFn } from './payer.js';
import { settleSent } from './sent-lookup.js';
import { asyncPaymentExtras, blindedLeg } from './static-payment.js';
import type { PaymentRecord } from './types.js';

/** Attempts per payment (over all paths): bounded so a hopeless payment ends. */
const MAX_ATTEMPTS = 6;

/** One entry of lightningd's `getroute`. */
interface RouteHop {
  id: string;
  channel: string;
  amount_msat: number | string;
  delay: number;
}

const msat = (v: number | string): bigint => BigInt(typeof v === 'number' ? v : v.replace(/msat$/, ''));

export interface StaticPayerDeps {
  rpc: RpcLike;
  topology: Topology;
  log: { debug(m: string): void; info(m: string): void; unusual(m: string): void };
}

export function makeStaticPayer(d: StaticPayerDeps): StaticPayFn {
  return (rec) => payStatic(d, rec);
}

async function payStatic(d: StaticPayerDeps, rec: PaymentRecord): Promise<PayResult> {
  const hash = rec.payment_hash!;
  const inv = decodeStaticInvoice(fromHex(rec.invoice!));
  const preimage = fromHex(rec.payment_preimage!);
  const extra = asyncPaymentExtras(fromHex(rec.invreq), preimage);
  const amount = BigInt(rec.amount_msat);
  const paths = paymentPathsOf(inv);
  const errors: string[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const sent = await settleSent(d.rpc, hash);
    if (sent.kind === 'complete') return { kind: 'complete', preimage: sent.preimage, ...(sent.amountSentMsat ? { amountSentMsat: sent.amountSentMsat } : {}) };
    const p = paths[attempt % paths.length]!;
    const leg = blindedLeg(p, amount);
    if ('error' in leg) {
      errors.push(`path ${attempt % paths.length}: ${leg.error}`);
      continue;
    }
    try {
      const intro = await d.topology.resolveIntro(p.path.intro);
      if (!intro) throw new Error('cannot resolve the introduction node');
      if (toHex(intro) === toHex(d.topology.ourId)) throw new Error('this node is the introduction node of the path');
      const groupid = await nextGroupId(d.rpc, hash);
      const info = await d.rpc.call<{ blockheight: number }>('getinfo');
      // lightningd sends the first HTLC with cltv_expiry = blockheight + 1 + first_hop.delay.
      const base = info.blockheight + 1;
      const route = await routeTo(d, intro, leg.introAmountMsat, leg.introCltvDelta, amount);
      const onion = buildPaymentOnion({
        route: route.map((h) => ({ ...h, cltvExpiry: base + h.cltvExpiry })),
        paymentHash: fromHex(hash),
        // BOLT 4: the final hop's outgoing_cltv_value is the current height; the path's
        // cltv_expiry_delta (the route's last delay) covers the recipient's needs.
        blinded: { path: p.path, introNodeId: intro, amountMsat: amount, finalCltv: base, totalMsat: amount, extra },
      });
      await d.rpc.call('sendonion', {
        onion: toHex(onion.packet),
        first_hop: { id: toHex(onion.firstHop.id), amount_msat: Number(onion.firstHop.amountMsat), delay: route[0]!.cltvExpiry },
        payment_hash: hash,
        shared_secrets: onion.sharedSecrets.map(toHex),
        groupid,
      });
      d.log.debug(`async payment ${rec.payment_id}: sent over payment path ${attempt % paths.length} (${route.length} hop(s) to its introduction node, groupid ${groupid})`);
      const r = await d.rpc.call<{ status: string; payment_preimage?: string; amount_sent_msat?: number }>('waitsendpay', { payment_hash: hash, groupid });
      if (r.status === 'complete' && r.payment_preimage) {
        return { kind: 'complete', preimage: fromHex(r.payment_preimage), ...(typeof r.amount_sent_msat === 'number' ? { amountSentMsat: r.amount_sent_msat } : {}) };
      }
      errors.push(`attempt ${attempt}: waitsendpay status ${r.status}`);
    } catch (e) {
      errors.push(`attempt ${attempt}: ${(e as Error).message}`);
      d.log.debug(`async payment ${rec.payment_id}: attempt ${attempt} failed: ${(e as Error).message}`);
    }
  }
  const last = await settleSent(d.rpc, hash);
  if (last.kind === 'complete') return { kind: 'complete', preimage: last.preimage };
  return { kind: 'failed', reason: errors.slice(-3).join('; ') || 'no usable payment path' };
}

/** A groupid lightningd has not seen for this hash (each attempt is its own group). */
async function nextGroupId(rpc: RpcLike, hash: string): Promise<number> {
  const r = await rpc.call<{ payments?: Array<{ groupid?: number }> }>('listsendpays', { payment_hash: hash });
  return (r.payments ?? []).reduce((m, p) => Math.max(m, (p.groupid ?? 0) + 1), 1);
}

/**
 * Clear hops from us to the introduction node (the last step) with `getroute`, whose
 * delays are relative to the tip (lightningd adds blockheight + 1 when it sends).
 */
async function routeTo(d: StaticPayerDeps, intro: PubKey, introAmount: bigint, introCltvDelta: number, amount: bigint): Promise<RouteStep[]> {
  const r = await d.rpc.call<{ route: RouteHop[] }>('getroute', {
    id: toHex(intro),
    amount_msat: Number(introAmount),
    riskfactor: 10,
    cltv: introCltvDelta,
  });
  const path = r.route ?? [];
  if (path.length === 0) throw new Error('getroute returned an empty route');
  // Fee budget for the clear part, like xpay's default: 5 sat or 1 %, whichever is more.
  const maxfee = amount / 100n > 5000n ? amount / 100n : 5000n;
  const fee = msat(path[0]!.amount_msat) - introAmount;
  if (fee > maxfee) throw new Error(`route fee ${fee} msat above the ${maxfee} msat budget`);
  return path.map((h) => ({
    nodeId: asPubKey(fromHex(h.id)),
    shortChannelId: parseScid(h.channel),
    amountMsat: msat(h.amount_msat),
    cltvExpiry: h.delay,
  }));
}

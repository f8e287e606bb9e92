// Shared by the simulator payment tests: a payer P (test-driven, plays LDK) → S (intro,
// simulated lightningd) → R (simulated lightningd, the recipient), both lightningds
// running test/sim/pay-plugin.js; a blinded path S → R; payments with LDK's
// static-invoice final payload; and the held htlc_accepted calls of a node.
import { randomBytes } from '../../src/crypto/secp.js';
import { sha256 } from '../../src/crypto/hash.js';
import { PAYLOAD_KEYSEND_PREIMAGE, PAYLOAD_LDK_INVOICE_REQUEST } from '../../src/onion/hop_payload.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode } from '../sim/external-node.js';
import type { PaymentOutcome } from '../sim/external-payments.js';
import { simPaymentPath, type SimPayPath } from '../sim/blinded-pay-path.js';
import { until } from './recipient-helpers.js';

export const PAYPLUG = new URL('../sim/pay-plugin.js', import.meta.url).pathname;

export interface PayNet {
  net: SimNetwork;
  p: ExternalNode;
  s: ClnNode;
  r: ClnNode;
}

export async function payNet(nets: SimNetwork[], env: Record<string, string> = {}): Promise<PayNet> {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('s', { plugin: PAYPLUG, env });
  const r = await net.addClnNode('r', { plugin: PAYPLUG, env });
  const p = net.addExternalNode('p');
  net.addChannel(p, s, { scid: '100x1x0' });
  net.addChannel(s, r, { scid: '100x2x0' });
  return { net, p, s, r };
}

/** R's blinded path through S, ending in `pathId` (random by default). */
export function pathToR(n: PayNet, pathId: Uint8Array = randomBytes(32)): SimPayPath {
  return simPaymentPath([n.s, n.r], { pathId, maxCltvExpiry: n.net.blockheight + 2000 });
}

export interface PayOptions {
  readonly amountMsat: bigint;
  readonly totalMsat?: bigint;
  readonly preimage?: Uint8Array;
  /** LDK's static-invoice records (77777 invoice_request, 5482373484 preimage). */
  readonly staticInvoice?: boolean;
  readonly path?: SimPayPath;
  readonly partid?: number;
}

/** P pays over `path` (default: a fresh one to R); resolves when the payment ends. */
export function payFromP(n: PayNet, o: PayOptions): { hash: Uint8Array; preimage: Uint8Array; done: Promise<PaymentOutcome> } {
  const preimage = o.preimage ?? randomBytes(32);
  const hash = sha256(preimage);
  const pp = o.path ?? pathToR(n);
  const extra = o.staticInvoice
    ? [
        { type: PAYLOAD_LDK_INVOICE_REQUEST, value: randomBytes(120) },
        { type: PAYLOAD_KEYSEND_PREIMAGE, value: preimage },
      ]
    : undefined;
  const done = n.p.payments.payBlindedPath({
    path: pp.path,
    payinfo: pp,
    amountMsat: o.amountMsat,
    ...(o.totalMsat !== undefined ? { totalMsat: o.totalMsat } : {}),
    paymentHash: hash,
    ...(extra ? { extra } : {}),
    ...(o.partid !== undefined ? { partid: o.partid } : {}),
  });
  return { hash, preimage, done };
}

export interface Held {
  key: string;
  params: any;
}

/** Waits until `node`'s pay plugin holds at least `n` htlc_accepted calls; returns them. */
export async function heldCalls(node: ClnNode, n: number): Promise<Held[]> {
  return until(async () => {
    const r = (await node.cli('payplug-held')) as { held: Held[] };
    return r.held.length >= n ? r.held : undefined;
  }, `${n} held htlc_accepted call(s) at ${node.name}`);
}

export function answer(node: ClnNode, key: string, a: Record<string, unknown>): Promise<unknown> {
  return node.cli('payplug-answer', { key, answer: a });
}

export async function notes(node: ClnNode): Promise<Array<{ method: string; params: any }>> {
  return ((await node.cli('payplug-notes')) as { notes: Array<{ method: string; params: any }> }).notes;
}

// `xpay invstring=lni1…` on the simulator's machinery: decode the BOLT 12 invoice, try
// each payment path in turn (a route to its introduction node, the payinfo's fee and
// CLTV delta on top of the amount, final payload 2, 4, 10, (12), 18), one part each.
import { toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { decodeBolt12As } from '../../src/bolt12/bech32.js';
import { decodeInvoice } from '../../src/bolt12/invoice.js';
import { buildPaymentOnion } from '../../src/onion/payment_onion.js';
import type { ClnNode } from './cln-node.js';
import type { SimNodeBase } from './node-base.js';
import { findRoute, payinfoFee, routeSteps } from './routes.js';
import { SimRpcError } from './rpc-server.js';
import type { SendPays } from './sendpays.js';

export async function xpay(node: ClnNode, sendpays: SendPays, p: Record<string, any>): Promise<unknown> {
  if (typeof p.invstring !== 'string' || !p.invstring.startsWith('lni1')) throw new SimRpcError(-32602, 'invstring: the simulator pays BOLT 12 invoices only');
  let inv;
  try {
    inv = decodeInvoice(decodeBolt12As(p.invstring, 'lni'));
  } catch (e) {
    if (e instanceof DecodeError) throw new SimRpcError(-32602, `Unparsable invoice: ${e.message}`);
    throw e;
  }
  const amount = inv.amount;
  const tip = node.net.blockheight;
  const errors: string[] = [];
  for (let i = 0; i < inv.paths.length; i++) {
    const path = inv.paths[i]!;
    const pay = inv.blindedPay[i]!;
    const intro: SimNodeBase | undefined =
      path.intro.kind === 'pubkey' ? node.net.node(path.intro.nodeId) : node.net.nodeByScid(path.intro.scid, path.intro.direction);
    if (!intro || intro === node) {
      errors.push(`path ${i}: introduction node unknown or ourselves`);
      continue;
    }
    const introAmount = amount + payinfoFee(pay.feeBaseMsat, pay.feeProportionalMillionths, amount);
    const route = findRoute(node.net, node, intro, introAmount, tip + pay.cltvExpiryDelta);
    if (!route) {
      errors.push(`path ${i}: no route to ${intro.name}`);
      continue;
    }
    const onion = buildPaymentOnion({
      route: routeSteps(route),
      blinded: { path, introNodeId: intro.id, amountMsat: amount, finalCltv: tip, totalMsat: amount },
      paymentHash: inv.paymentHash,
    });
    let sp;
    try {
      sp = sendpays.send({ onion: onion.packet, firstHop: onion.firstHop, paymentHash: inv.paymentHash, sharedSecrets: onion.sharedSecrets, amountMsat: amount, bolt12: p.invstring });
    } catch (e) {
      errors.push(`path ${i}: ${(e as Error).message}`);
      continue;
    }
    const done = await sendpays.wait(inv.paymentHash, 0, sp.groupid);
    if (done.status === 'complete') {
      return { payment_preimage: toHex(done.preimage!), failed_parts: i, successful_parts: 1, amount_msat: Number(amount), amount_sent_msat: Number(done.amountSentMsat) };
    }
    errors.push(`path ${i}: ${done.failure!.message}`);
  }
  throw new SimRpcError(209, `Failed after ${inv.paths.length} attempts. ${errors.join('; ')}`);
}

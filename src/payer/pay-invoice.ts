// Paying a fresh BOLT 12 invoice (66) with lightningd's own payer, which does routing
// and MPP: `xpay` with the invoice as an `lni1…` string. Before paying, and after a
// restart, what lightningd already sent for this hash is looked up first.
import { fromHex } from '../codec/bytes.js';
import { encodeBolt12, HRP } from '../bolt12/bech32.js';
import type { RpcLike } from '../transport/secrets.js';
import type { PayResult } from './on-pay-result.js';
import { settleSent } from './sent-lookup.js';
import type { PaymentRecord } from './types.js';

export async function payInvoice(rpc: RpcLike, rec: PaymentRecord): Promise<PayResult> {
  const hash = rec.payment_hash!;
  const before = await settleSent(rpc, hash);
  if (before.kind === 'complete') return { kind: 'complete', preimage: before.preimage, ...(before.amountSentMsat ? { amountSentMsat: before.amountSentMsat } : {}) };
  const invstring = encodeBolt12(HRP.invoice, fromHex(rec.invoice!));
  try {
    const r = await rpc.call<{ payment_preimage: string; amount_sent_msat?: number }>('xpay', { invstring });
    return { kind: 'complete', preimage: fromHex(r.payment_preimage), ...(typeof r.amount_sent_msat === 'number' ? { amountSentMsat: r.amount_sent_msat } : {}) };
  } catch (e) {
    // xpay may report failure for a payment another attempt completed: trust lightningd's records.
    const after = await settleSent(rpc, hash).catch(() => ({ kind: 'none' as const }));
    if (after.kind === 'complete') return { kind: 'complete', preimage: after.preimage, ...(after.amountSentMsat ? { amountSentMsat: after.amountSentMsat } : {}) };
    return { kind: 'failed', reason: `xpay: ${(e as Error).message}` };
  }
}

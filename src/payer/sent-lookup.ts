// What lightningd already did with a payment hash (`listsendpays`): after a restart a
// payment in `paying` is looked up here, and waited on, rather than sent again.
import { fromHex } from '../codec/bytes.js';
import type { RpcLike } from '../transport/secrets.js';

interface SendPay {
  status?: string;
  partid?: number;
  groupid?: number;
  payment_preimage?: string;
  amount_sent_msat?: number | string;
}

export type SentState =
  | { readonly kind: 'none' }
  | { readonly kind: 'complete'; readonly preimage: Uint8Array; readonly amountSentMsat?: number }
  | { readonly kind: 'pending'; readonly parts: ReadonlyArray<{ partid?: number; groupid?: number }> }
  | { readonly kind: 'failed' };

const msat = (v: number | string | undefined): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+(msat)?$/.test(v) ? Number.parseInt(v, 10) : undefined;

export async function lookupSent(rpc: RpcLike, paymentHash: string): Promise<SentState> {
  const r = await rpc.call<{ payments?: SendPay[] }>('listsendpays', { payment_hash: paymentHash });
  const pays = r.payments ?? [];
  if (pays.length === 0) return { kind: 'none' };
  const done = pays.filter((p) => p.status === 'complete');
  const withPreimage = done.find((p) => typeof p.payment_preimage === 'string');
  if (withPreimage) {
    const sent = done.reduce((n, p) => n + (msat(p.amount_sent_msat) ?? 0), 0);
    return { kind: 'complete', preimage: fromHex(withPreimage.payment_preimage!), amountSentMsat: sent };
  }
  const pending = pays.filter((p) => p.status === 'pending');
  if (pending.length > 0) {
    return { kind: 'pending', parts: pending.map((p) => ({ ...(p.partid !== undefined ? { partid: p.partid } : {}), ...(p.groupid !== undefined ? { groupid: p.groupid } : {}) })) };
  }
  return { kind: 'failed' };
}

/**
 * Waits for every pending part (waitsendpay per part), then reports what came of
 * the whole payment. A part failing is not the end: another part may complete it.
 */
export async function settleSent(rpc: RpcLike, paymentHash: string): Promise<SentState> {
  for (;;) {
    const s = await lookupSent(rpc, paymentHash);
    if (s.kind !== 'pending') return s;
    let quick = true;
    const started = Date.now();
    for (const part of s.parts) {
      try {
        await rpc.call('waitsendpay', { payment_hash: paymentHash, ...part });
        quick = false;
      } catch {
        // A failed part: the loop looks at the whole payment again.
      }
    }
    // waitsendpay refusing at once while lightningd still says pending must not spin.
    if (quick && Date.now() - started < 1000) await new Promise((res) => setTimeout(res, 1000));
  }
}

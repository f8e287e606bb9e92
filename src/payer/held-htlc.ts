// held_htlc_available (72) over each of the static invoice's held-HTLC paths, with a
// reply path whose authenticated context names this payment, so that R's
// release_held_htlc comes back to us and to nothing else. LDK sends one copy per
// (held path × reply path), at most 10, and does not retry; one reply path here.
import { fromHex } from '../codec/bytes.js';
import type { StaticInvoice } from '../bolt12/static-invoice.js';
import type { Transport } from '../transport/transport.js';
import { MAX_HELD_HTLC_COPIES, type PaymentRecord } from './types.js';

export interface HeldSendResult {
  readonly sent: number;
  readonly errors: string[];
}

export async function sendHeldHtlcAvailable(transport: Transport, rec: PaymentRecord, invoice: StaticInvoice): Promise<HeldSendResult> {
  const replyPath = await transport.createPath({
    kind: 'payer_release',
    paymentId: fromHex(rec.payment_id),
    expiresAt: rec.release_deadline ?? 0,
  });
  let sent = 0;
  const errors: string[] = [];
  for (const path of invoice.heldHtlcAvailablePaths.slice(0, MAX_HELD_HTLC_COPIES)) {
    try {
      await transport.send(path, { kind: 'held_htlc_available' }, { replyPath });
      sent++;
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { sent, errors };
}

// `invoice_error` (68) on the reply path of one of our requests: LDK's payer abandons
// the payment; so do we, but only while no invoice has won yet.
import type { InvoiceErrorMessage } from '../messages/types.js';
import { failed, ignore, type Decision } from './decision.js';
import type { PaymentRecord } from './types.js';

const MAX_SHOWN = 200;

export function decideOnInvoiceError(rec: PaymentRecord | undefined, msg: InvoiceErrorMessage, now: number): Decision {
  if (!rec) return ignore('invoice_error for no payment of ours');
  if (rec.state !== 'requested') return ignore(`invoice_error for payment ${rec.payment_id} which is ${rec.state}`);
  // The text is the peer's: shown to the operator, but bounded and printable only.
  const text = msg.error.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_SHOWN);
  return failed(rec, now, `invoice_error: ${text}`);
}

// What every pure payer decision returns: leave the payment alone (and say why, for
// the debug log), or its next record. The role persists the new record in one batch
// and then does what the new state calls for (payer.ts `drive`), so the same code
// continues a payment after a restart.
import type { PaymentRecord, PayState } from './types.js';

export type Decision = { readonly kind: 'ignore'; readonly reason: string } | { readonly kind: 'update'; readonly record: PaymentRecord };

export const ignore = (reason: string): Decision => ({ kind: 'ignore', reason });

export function update(rec: PaymentRecord, state: PayState, now: number, fields: Partial<PaymentRecord> = {}): Decision {
  return { kind: 'update', record: { ...rec, ...fields, state, updated_at: now } };
}

export function failed(rec: PaymentRecord, now: number, failure: string): Decision {
  return update(rec, 'failed', now, { failure, completed_at: now });
}

// The payer's records in LevelDB (space `payer`, one JSON value per payment keyed by
// payment_id). A state change is one put of the whole record: atomic, so a crash
// leaves the old or the new state.
import type { Store } from '../store/store.js';
import type { PaymentRecord } from './types.js';

const SPACE = 'payer';

export class PayerStore {
  constructor(private readonly store: Store) {}

  get(paymentId: string): Promise<PaymentRecord | undefined> {
    return this.store.get<PaymentRecord>(SPACE, paymentId);
  }

  async list(): Promise<PaymentRecord[]> {
    return (await this.store.list<PaymentRecord>(SPACE)).map((e) => e.value);
  }

  save(rec: PaymentRecord): Promise<void> {
    return this.store.batch([{ type: 'put', space: SPACE, key: rec.payment_id, value: rec }]);
  }
}

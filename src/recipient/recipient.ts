// Placeholder wiring until the recipient role lands: every recipient RPC answers with
// a clear error. Replaced by the real role (issue 5).
import { RpcError } from '../cln/errors.js';
import type { Store } from '../store/store.js';
import type { Transport } from '../transport/transport.js';
import type { RecipientRole } from './role.js';

export interface RecipientDeps {
  transport: Transport;
  store: Store;
  rpc: { call<T = any>(method: string, params?: Record<string, unknown>): Promise<T> };
  log: { debug(m: string): void; info(m: string): void; unusual(m: string): void };
  now: () => number;
  options: Readonly<Record<string, unknown>>;
}

export function createRecipient(_deps: RecipientDeps): RecipientRole {
  const notYet = async (): Promise<never> => {
    throw new RpcError(-1, 'the async recipient role is not implemented yet');
  };
  return {
    start: async () => {},
    stop: async () => {},
    handle: async () => false,
    onPeerConnected: () => {},
    asyncOffer: notYet,
    setServer: notYet,
    status: notYet,
  };
}

// The recipient's persistent state in LevelDB: the server configuration and one
// record per cache slot. Every state change is written as one atomic batch, so a
// crash leaves each slot either before or after a transition.
import type { Json, Store, StoreOp } from '../store/store.js';
import type { SlotRecord } from './cache.js';

export interface ServerConfig {
  [k: string]: Json | undefined;
  /** The server's paths, one hex blinded path each. */
  paths: string[];
  set_at: number;
  /**
   * The `asyncpay-server-paths` value these paths came from (null: from the RPC).
   * The option replaces the configuration only when its value changes, so a later
   * `asyncreceive-setserver` is not undone by the next restart.
   */
  option_value: string | null;
}

const SPACE = 'recipient';
const SLOTS = 'recipient-slots';
const SERVER_KEY = 'server';
const slotKey = (slot: number) => String(slot).padStart(5, '0');

export class RecipientStore {
  constructor(private readonly store: Store) {}

  getServer(): Promise<ServerConfig | undefined> {
    return this.store.get<ServerConfig>(SPACE, SERVER_KEY);
  }

  async listSlots(): Promise<SlotRecord[]> {
    return (await this.store.list<SlotRecord>(SLOTS)).map((e) => e.value);
  }

  putServerOp(cfg: ServerConfig): StoreOp {
    return { type: 'put', space: SPACE, key: SERVER_KEY, value: cfg };
  }

  putSlotOp(r: SlotRecord): StoreOp {
    return { type: 'put', space: SLOTS, key: slotKey(r.slot), value: r };
  }

  delSlotOp(slot: number): StoreOp {
    return { type: 'del', space: SLOTS, key: slotKey(slot) };
  }

  batch(ops: readonly StoreOp[]): Promise<void> {
    return this.store.batch(ops);
  }
}

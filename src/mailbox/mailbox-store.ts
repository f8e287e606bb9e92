// The mailbox's persistent state: one record per held message (key: peer, then a
// sequence number, so a peer's messages list oldest first) and the counters. Every
// change is one atomic batch: after a crash a message is either held or delivered.
import type { Json, Store, StoreOp } from '../store/store.js';
import type { Held } from './policy.js';

const MSGS = 'mailbox';
const META = 'mailbox-meta';

export interface HeldRecord {
  [k: string]: Json | undefined;
  peer: string;
  source: string;
  path_key: string;
  /** The packet as this node received it (hex): `injectonionmessage` processes it again. */
  incoming: string;
  received_at: number;
  hash: string;
}

export interface MailboxCounters {
  [k: string]: Json | undefined;
  stored: number;
  delivered: number;
  expired: number;
  evicted: number;
  purged: number;
  /** Packets already held when they came again (held once). */
  duplicates: number;
  /** Dropped after a delivery attempt lightningd refused for another reason than an absent peer. */
  failed: number;
  refused: Record<string, number>;
}

export function emptyMailboxCounters(): MailboxCounters {
  return { stored: 0, delivered: 0, expired: 0, evicted: 0, purged: 0, duplicates: 0, failed: 0, refused: {} };
}

export const heldKey = (peer: string, seq: number) => `${peer}:${String(seq).padStart(16, '0')}`;

const seqOf = (key: string) => Number(key.slice(key.indexOf(':') + 1));

export function heldOf(key: string, r: HeldRecord): Held {
  return { key, peer: r.peer, source: r.source, bytes: r.incoming.length / 2, receivedAt: r.received_at, seq: seqOf(key), hash: r.hash };
}

export class MailboxStore {
  constructor(private readonly store: Store) {}

  async load(): Promise<{ held: Held[]; counters: MailboxCounters; nextSeq: number }> {
    const rows = await this.store.list<HeldRecord>(MSGS);
    let nextSeq = 0;
    for (const r of rows) nextSeq = Math.max(nextSeq, seqOf(r.key) + 1);
    const counters = { ...emptyMailboxCounters(), ...((await this.store.get<MailboxCounters>(META, 'counters')) ?? {}) };
    // Per peer in arrival order (keys sort by peer, then sequence).
    return { held: rows.map((r) => heldOf(r.key, r.value)), counters, nextSeq };
  }

  get(key: string): Promise<HeldRecord | undefined> {
    return this.store.get<HeldRecord>(MSGS, key);
  }

  putOp(key: string, r: HeldRecord): StoreOp {
    return { type: 'put', space: MSGS, key, value: r };
  }

  delOp(key: string): StoreOp {
    return { type: 'del', space: MSGS, key };
  }

  countersOp(c: MailboxCounters): StoreOp {
    return { type: 'put', space: META, key: 'counters', value: c };
  }

  batch(ops: readonly StoreOp[]): Promise<void> {
    return this.store.batch(ops);
  }
}

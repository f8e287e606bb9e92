// Channel balances and the HTLCs in flight on them. Each side of a channel owns part of
// its capacity; offering an HTLC moves the amount out of the sender's balance until the
// HTLC is fulfilled (it goes to the receiver) or failed (it comes back).
import type { PubKey } from '../../src/crypto/secp.js';
import type { SimChannel } from './network.js';
import type { SimNodeBase } from './node-base.js';

/** How an offered HTLC ended, as the downstream peer reported it. */
export type HtlcResolution =
  | { readonly kind: 'fulfill'; readonly preimage: Uint8Array }
  /** update_fail_htlc: the obfuscated failure onion. */
  | { readonly kind: 'fail'; readonly onion: Uint8Array }
  /** update_fail_malformed_htlc: a BADONION code and sha256 of the onion the peer got. */
  | { readonly kind: 'malformed'; readonly failcode: number; readonly sha256OfOnion: Uint8Array };

/** One HTLC offered over a channel (update_add_htlc plus what the sender needs back). */
export interface SimHtlc {
  readonly channel: SimChannel;
  readonly from: SimNodeBase;
  readonly to: SimNodeBase;
  /** Per channel and direction, from 0, like lightningd's htlc id. */
  readonly id: number;
  readonly amountMsat: bigint;
  readonly cltvExpiry: number;
  readonly paymentHash: Uint8Array;
  readonly onion: Uint8Array;
  /** update_add_htlc TLV 0 (`blinded_path` / path key): set inside a blinded path after the intro. */
  readonly pathKey?: PubKey;
  /** Extra update_add_htlc TLVs as raw bytes (the path key's record included), as lightningd shows them. */
  readonly extraTlvs?: Uint8Array;
}

interface Side {
  balance: bigint;
}

/** Balances of every channel of a network, and ids of HTLCs per direction. */
export class ChannelLedger {
  private readonly sides = new Map<SimChannel, { a: Side; b: Side; nextIdAB: number; nextIdBA: number }>();
  private readonly waiters = new Map<SimHtlc, (r: HtlcResolution) => void>();

  open(ch: SimChannel, balanceAMsat: bigint): void {
    const cap = BigInt(ch.capacityMsat);
    if (balanceAMsat < 0n || balanceAMsat > cap) throw new RangeError('balance outside capacity');
    this.sides.set(ch, { a: { balance: balanceAMsat }, b: { balance: cap - balanceAMsat }, nextIdAB: 0, nextIdBA: 0 });
  }

  private state(ch: SimChannel) {
    const s = this.sides.get(ch);
    if (!s) throw new Error(`channel ${ch.scid} has no ledger`);
    return s;
  }

  /** What `node` can still send over `ch`. */
  spendable(ch: SimChannel, node: SimNodeBase): bigint {
    const s = this.state(ch);
    return ch.a === node ? s.a.balance : s.b.balance;
  }

  /** What `node` can still receive over `ch`. */
  receivable(ch: SimChannel, node: SimNodeBase): bigint {
    const s = this.state(ch);
    return ch.a === node ? s.b.balance : s.a.balance;
  }

  /**
   * Offers an HTLC from `from` over `ch`: the amount leaves `from`'s balance. Returns the
   * HTLC and a promise of its resolution; undefined if the balance does not cover it.
   */
  offer(ch: SimChannel, from: SimNodeBase, fields: Omit<SimHtlc, 'channel' | 'from' | 'to' | 'id'>): { htlc: SimHtlc; resolved: Promise<HtlcResolution> } | undefined {
    const s = this.state(ch);
    const side = ch.a === from ? s.a : s.b;
    if (side.balance < fields.amountMsat) return undefined;
    side.balance -= fields.amountMsat;
    const id = ch.a === from ? s.nextIdAB++ : s.nextIdBA++;
    const htlc: SimHtlc = { ...fields, channel: ch, from, to: ch.a === from ? ch.b : ch.a, id };
    const resolved = new Promise<HtlcResolution>((res) => this.waiters.set(htlc, res));
    return { htlc, resolved };
  }

  /** The receiver settles or fails `htlc` (exactly once; later calls are ignored and reported). */
  resolve(htlc: SimHtlc, r: HtlcResolution): boolean {
    const w = this.waiters.get(htlc);
    if (!w) return false;
    this.waiters.delete(htlc);
    const s = this.state(htlc.channel);
    const back = r.kind === 'fulfill' ? htlc.to : htlc.from;
    const side = htlc.channel.a === back ? s.a : s.b;
    side.balance += htlc.amountMsat;
    w(r);
    return true;
  }

  isPending(htlc: SimHtlc): boolean {
    return this.waiters.has(htlc);
  }
}

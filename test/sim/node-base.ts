// What every simulated node shares: its key, its peers, and connectd's onion message
// handling (onion-and-cln.md §8): peel one layer with the node key; forward only to a
// connected peer; at the final hop hand the message to the node's own logic.
import { toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { pubFromPriv, asPrivKey, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import type { SimNetwork, SimChannel } from './network.js';
import type { SimHtlc } from './channels.js';
import { simPeel, type SimFinal } from './onion-adapter.js';
import { scidToBigInt } from './scid.js';

/** connectd: one onion message per 250 ms per peer, burst of 4 (ONION_MSG_MSEC / ONION_MSG_TOKENS_MAX). */
export const ONION_MSG_MSEC = 250;
export const ONION_MSG_TOKENS_MAX = 4;

export type OnionOutcome =
  | { ok: true }
  | { ok: false; error: string };

export abstract class SimNodeBase {
  readonly priv: PrivKey;
  readonly id: PubKey;
  readonly idHex: string;
  online = true;
  /** Announced in gossip (listnodes/listchannels show it; routes may use it). */
  announced = true;
  supportsOnionMessages = true;
  readonly violations: string[] = [];
  /** Messages connectd dropped, with the reason (rate limit, bad onion...). */
  readonly dropped: Array<{ reason: string }> = [];
  /** Why this node failed HTLCs (lightningd's debug log lines about them). */
  readonly htlcLog: string[] = [];
  /** HTLCs this node forwarded: incoming → outgoing. */
  readonly forwards: Array<{ in: SimHtlc; out: SimHtlc }> = [];
  /** cltv-delta this node insists on when forwarding (lightningd's config). */
  cltvDelta = 6;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  rateLimit = true;

  constructor(readonly net: SimNetwork, readonly name: string, readonly seed: number, privKey?: PrivKey) {
    this.priv = privKey ?? asPrivKey(sha256(utf8(`cln-asyncpay simulated node ${seed}`)));
    this.id = pubFromPriv(this.priv);
    this.idHex = toHex(this.id);
  }

  onPeerConnected(_peer: SimNodeBase): void {}
  onBlock(_height: number): void {}
  /** An HTLC a channel peer offered us (update_add_htlc, committed). */
  abstract receiveHtlc(htlc: SimHtlc): void;
  onPeerDisconnected(_peer: SimNodeBase): void {}
  abstract shutdown(): Promise<void>;

  /** A packet from a connected peer, subject to connectd's per-peer rate limit. */
  receiveFromPeer(from: SimNodeBase, pathKey: PubKey, packet: Uint8Array): void {
    if (!this.online) return;
    if (this.rateLimit && !this.takeToken(from.idHex)) {
      this.dropped.push({ reason: `rate limit from ${from.name}` });
      return;
    }
    this.processOnion(from, pathKey, packet);
  }

  private takeToken(peer: string): boolean {
    const now = Date.now();
    const b = this.buckets.get(peer) ?? { tokens: ONION_MSG_TOKENS_MAX, at: now };
    b.tokens = Math.min(ONION_MSG_TOKENS_MAX, b.tokens + (now - b.at) / ONION_MSG_MSEC);
    b.at = now;
    this.buckets.set(peer, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** connectd's handle_onion: `source` is the peer it came from, or null when injected. */
  processOnion(source: SimNodeBase | null, pathKey: PubKey, packet: Uint8Array): OnionOutcome {
    let peeled;
    try {
      peeled = simPeel(this.priv, pathKey, packet);
    } catch (e) {
      this.dropped.push({ reason: `onion_message_parse: ${(e as Error).message}` });
      return { ok: false, error: `onion_message_parse: ${(e as Error).message}` };
    }
    if (peeled.kind === 'forward') {
      const next = peeled.nextNodeId ? this.net.node(peeled.nextNodeId) : this.resolveOwnScid(peeled.nextScid!);
      if (next && this.net.isConnected(this, next)) {
        this.net.deliver(this, next, peeled.nextPathKey, peeled.nextPacket);
        return { ok: true };
      }
      const nextDesc = peeled.nextNodeId ? toHex(peeled.nextNodeId) : `scid ${String(peeled.nextScid)}`;
      if (source) this.onForwardFail(source, pathKey, packet, peeled);
      this.dropped.push({ reason: `unknown next peer ${nextDesc}` });
      return { ok: false, error: `onion msg: unknown next peer ${nextDesc}` };
    }
    return this.onFinal(source, pathKey, packet, peeled);
  }

  /** A short channel id of one of our own channels: real scid or the alias we assigned. */
  resolveOwnScid(scid: bigint): SimNodeBase | undefined {
    for (const c of this.net.channelsOf(this)) {
      const mine: SimChannel = c;
      const local = c.a === this ? mine.aliasA : mine.aliasB;
      if (scidToBigInt(c.scid) === scid || (local && scidToBigInt(local) === scid)) return c.a === this ? c.b : c.a;
    }
    return undefined;
  }

  protected onForwardFail(
    _source: SimNodeBase,
    _pathKey: PubKey,
    _incoming: Uint8Array,
    _peeled: { nextNodeId?: PubKey; nextScid?: bigint; nextPathKey: PubKey; nextPacket: Uint8Array },
  ): void {}

  protected abstract onFinal(source: SimNodeBase | null, pathKey: PubKey, packet: Uint8Array, msg: SimFinal): OnionOutcome;
}

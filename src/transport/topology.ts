// What the node knows of the network, read from lightningd: which peers are connected
// and speak onion messages, whether we are announced, how to reach a node over gossip,
// and which node a sciddir introduction point names.
//
// Nothing here costs a full topology fetch per message. Connected peers are listed once
// (filtered) and kept up to date from connect/disconnect notifications; the gossip
// graph is fetched filtered and kept for GRAPH_TTL_MS; route answers (and failures) are
// cached per destination with one search in flight per destination; our own channels
// are kept briefly. Reaching a node that is neither a peer nor routable over gossip
// may `connect` to it, within a budget (see Reach).
import { fromHex, toHex } from '../codec/bytes.js';
import { asPubKey, type PubKey } from '../crypto/secp.js';
import type { IntroNode } from '../onion/types.js';
import { supportsOnionMessages } from './features.js';
import { GossipGraph } from './gossip-graph.js';
import { Reach } from './reach.js';
import { formatScid } from './scid.js';
import type { RpcLike } from './secrets.js';
import { TransportError } from './transport-error.js';

export { TransportError } from './transport-error.js';

interface PeerInfo {
  id: string;
  connected?: boolean;
  features?: string;
}
interface PeerChannel {
  peer_id: string;
  peer_connected?: boolean;
  state?: string;
  short_channel_id?: string;
  alias?: { local?: string; remote?: string };
  private?: boolean;
  updates?: { remote?: Record<string, number>; local?: Record<string, number> };
  spendable_msat?: number;
  receivable_msat?: number;
  total_msat?: number;
}
interface GossipChannel {
  source: string;
  destination: string;
  short_channel_id: string;
  direction: number;
  active?: boolean;
}

const PEERS_FILTER = { peers: [{ id: true, connected: true, features: true }] };
/** Safety net: the peer list is reloaded this often even without notifications. */
const PEERS_TTL_MS = 5 * 60_000;
/** Our channels and our announcement change rarely; brief caching spares one RPC per path made. */
const CHANNELS_TTL_MS = 30_000;
const ANNOUNCED_TTL_MS = 10 * 60_000;
const SCID_TTL_MS = 10 * 60_000;
const SCID_CACHE_MAX = 10_000;

/** One cached value with its load in flight shared by all callers. */
class Cached<T> {
  private value: { v: T; at: number } | undefined;
  private loading: Promise<T> | undefined;
  constructor(private readonly ttlMs: number, private readonly load: () => Promise<T>) {}
  get(): Promise<T> {
    if (this.isFresh()) return Promise.resolve(this.value!.v);
    if (!this.loading) {
      const p = this.load().then((v) => {
        if (this.loading === p) this.value = { v, at: Date.now() };
        return v;
      });
      this.loading = p;
      void p.finally(() => this.loading === p && (this.loading = undefined)).catch(() => undefined);
    }
    return this.loading;
  }
  peek(): T | undefined {
    return this.value?.v;
  }
  /** The value `get()` would resolve with right now without loading, if there is one. */
  fresh(): T | undefined {
    return this.isFresh() ? this.value!.v : undefined;
  }
  private isFresh(): boolean {
    return this.value !== undefined && Date.now() - this.value.at < this.ttlMs;
  }
  /** A load is in flight (its answer may predate a change just notified). */
  get busy(): boolean {
    return this.loading !== undefined;
  }
  invalidate(): void {
    this.value = undefined;
    this.loading = undefined;
  }
}

export class Topology {
  readonly graph: GossipGraph;
  private readonly reach: Reach;
  /** Connected peers → features. */
  private readonly peers: Cached<Map<string, string | undefined>>;
  private readonly channels: Cached<PeerChannel[]>;
  private readonly announced: Cached<boolean>;
  private readonly scids = new Map<string, { node: PubKey | undefined; at: number }>();
  /** `listpeers id=…` lookups started by `connect` notifications, not answered yet. */
  private readonly arriving = new Set<Promise<unknown>>();

  constructor(private readonly rpc: RpcLike, readonly ourId: PubKey) {
    this.graph = new GossipGraph(rpc);
    this.peers = new Cached(PEERS_TTL_MS, async () => {
      const r = await rpc.call<{ peers: PeerInfo[] }>('listpeers', {}, { filter: PEERS_FILTER });
      return new Map(r.peers.filter((p) => p.connected !== false).map((p) => [p.id, p.features] as const));
    });
    this.channels = new Cached(CHANNELS_TTL_MS, async () => (await rpc.call<{ channels: PeerChannel[] }>('listpeerchannels')).channels);
    this.announced = new Cached(ANNOUNCED_TTL_MS, async () => {
      const us = toHex(ourId);
      const r = await rpc.call<{ nodes: Array<{ nodeid: string; addresses?: unknown[] }> }>('listnodes', { id: us });
      return r.nodes.some((n) => n.nodeid === us && (n.addresses?.length ?? 0) > 0);
    });
    this.reach = new Reach(rpc, toHex(ourId), {
      isKnownOnionPeer: async (id) => supportsOnionMessages((await this.peerMap()).get(id)),
      isOnionPeer: (id) => this.isConnectedOnionPeer(id),
      onionPeers: () => this.connectedOnionPeers(),
      graph: this.graph,
    });
  }

  // ------------------------------------------------------------- notifications

  /** `connect` notification: the peer's features come with one small `listpeers id=…`. */
  onPeerConnected(id: string): void {
    this.channels.invalidate();
    this.reach.peersChanged();
    // The roles react to the same notification at once (the recipient asks its server
    // for offer paths on every connection): reads of the peer list wait for this lookup,
    // and a full listing already in flight, which may predate the peer, is dropped.
    if (this.peers.busy) return this.peers.invalidate();
    const p: Promise<unknown> = this.lookupPeer(id)
      .catch(() => undefined)
      .finally(() => this.arriving.delete(p));
    this.arriving.add(p);
  }

  /** The connected peers, once every peer notified so far is in the list. */
  private async peerMap(): Promise<Map<string, string | undefined>> {
    if (this.arriving.size) await Promise.all([...this.arriving]);
    return this.peers.get();
  }

  /** `disconnect` notification. */
  onPeerDisconnected(id: string): void {
    this.peers.peek()?.delete(id);
    this.channels.invalidate();
    this.reach.peersChanged();
  }

  // ------------------------------------------------------------------- peers

  /** One peer, asked directly (small): updates the cached list either way. */
  private async lookupPeer(id: string): Promise<{ connected: boolean; features: string | undefined }> {
    const r = await this.rpc.call<{ peers: PeerInfo[] }>('listpeers', { id }, { filter: PEERS_FILTER });
    const p = r.peers.find((x) => x.id === id && x.connected !== false);
    const cached = this.peers.peek();
    if (p) cached?.set(id, p.features);
    else cached?.delete(id);
    return { connected: p !== undefined, features: p?.features };
  }

  /**
   * The peer list as `peerMap()` would read it now, when that needs no waiting (no
   * notified peer still being looked up, list loaded and fresh); else undefined.
   * Lets a send whose answer is cached skip the promise round trips.
   */
  private peerMapNow(): Map<string, string | undefined> | undefined {
    return this.arriving.size ? undefined : this.peers.fresh();
  }

  /** True when the cached list already says `id` is connected; undefined: ask `isConnectedPeer`. */
  knownConnectedPeer(id: string): true | undefined {
    return this.peerMapNow()?.has(id) ? true : undefined;
  }

  /**
   * `routeTo`'s answer when the cached list already has `dest` as an onion-message peer ([]); else undefined.
   * Mirrors the first rule of `Reach.route` (reach.ts): change both together.
   */
  knownRouteTo(dest: PubKey): PubKey[] | undefined {
    const peers = this.peerMapNow();
    if (!peers) return undefined;
    const id = toHex(dest);
    return peers.has(id) && supportsOnionMessages(peers.get(id)) ? [] : undefined;
  }

  /** `resolveIntro`'s answer when it needs no lookup (a pubkey introduction point); else undefined. */
  knownIntro(intro: IntroNode): PubKey | undefined {
    return intro.kind === 'pubkey' ? intro.nodeId : undefined;
  }

  async connectedOnionPeers(): Promise<string[]> {
    return [...(await this.peerMap()).entries()].filter(([, f]) => supportsOnionMessages(f)).map(([id]) => id);
  }

  /** Cached when connected; a "no" is checked with one small call (a notification may be on its way). */
  async isConnectedOnionPeer(id: string): Promise<boolean> {
    const peers = await this.peerMap();
    if (peers.has(id)) return supportsOnionMessages(peers.get(id));
    const p = await this.lookupPeer(id);
    return p.connected && supportsOnionMessages(p.features);
  }

  async isConnectedPeer(id: string): Promise<boolean> {
    if ((await this.peerMap()).has(id)) return true;
    return (await this.lookupPeer(id)).connected;
  }

  /** Our channels, fresh from lightningd (callers build payment paths from them). */
  async peerChannels(): Promise<PeerChannel[]> {
    const r = await this.rpc.call<{ channels: PeerChannel[] }>('listpeerchannels');
    return r.channels;
  }

  /** Announced: we appear in gossip with an address. */
  isAnnounced(): Promise<boolean> {
    return this.announced.get();
  }

  /**
   * The introduction node for paths to us: ourselves when announced, else a connected
   * onion-message peer we have a channel with (the most capacity first).
   */
  async introPeerForOurPaths(): Promise<PubKey | undefined> {
    if (await this.isAnnounced()) return undefined;
    const peers = new Set(await this.connectedOnionPeers());
    const chans = (await this.channels.get())
      .filter((c) => peers.has(c.peer_id) && (c.state === undefined || c.state === 'CHANNELD_NORMAL'))
      .sort((a, b) => (b.total_msat ?? 0) - (a.total_msat ?? 0));
    const pick = chans[0]?.peer_id ?? [...peers][0];
    if (!pick) throw new TransportError('node is unannounced and has no connected peer that supports onion messages');
    return asPubKey(fromHex(pick));
  }

  /** The node a path's introduction point names; sciddir by our channels first, then gossip. */
  async resolveIntro(intro: IntroNode): Promise<PubKey | undefined> {
    if (intro.kind === 'pubkey') return intro.nodeId;
    const scid = formatScid(intro.scid);
    const us = toHex(this.ourId);
    for (const c of await this.channels.get()) {
      if (c.short_channel_id === scid || c.alias?.local === scid || c.alias?.remote === scid) {
        // Direction 0 is the lesser of the two node ids.
        const [n1, n2] = us < c.peer_id ? [us, c.peer_id] : [c.peer_id, us];
        return asPubKey(fromHex(intro.direction === 0 ? n1 : n2));
      }
    }
    const key = `${scid}/${intro.direction}`;
    const hit = this.scids.get(key);
    if (hit && Date.now() - hit.at < SCID_TTL_MS) return hit.node;
    const r = await this.rpc.call<{ channels: GossipChannel[] }>('listchannels', { short_channel_id: scid }, { filter: { channels: [{ source: true, direction: true }] } });
    const ch = r.channels.find((c) => c.direction === intro.direction);
    const node = ch ? asPubKey(fromHex(ch.source)) : undefined;
    if (this.scids.size >= SCID_CACHE_MAX) this.scids.delete(this.scids.keys().next().value!);
    this.scids.set(key, { node, at: Date.now() });
    return node;
  }

  /**
   * The nodes strictly between us and `dest` for an onion message: [] when dest is a
   * connected peer, else a shortest route over gossip through onion-message nodes,
   * else (unless `noconnect`, and within Reach's budget) `connect` to dest and go direct.
   */
  async routeTo(dest: PubKey, opts: { noconnect: boolean }): Promise<PubKey[]> {
    return (await this.reach.route(toHex(dest), opts)).map((h) => asPubKey(fromHex(h)));
  }
}

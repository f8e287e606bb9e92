// What the node knows of the network, read from lightningd: which peers are connected
// and speak onion messages, whether we are announced, how to reach a node over gossip,
// and which node a sciddir introduction point names.
import { fromHex, toHex } from '../codec/bytes.js';
import { asPubKey, type PubKey } from '../crypto/secp.js';
import type { IntroNode } from '../onion/types.js';
import { supportsOnionMessages } from './features.js';
import { formatScid } from './scid.js';
import type { RpcLike } from './secrets.js';

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

export class TransportError extends Error {
  override readonly name = 'TransportError';
}

/** Longest gossip route we try for the first hop (CLN's establish_onion_path has no limit; we keep it sane). */
const MAX_ROUTE_HOPS = 8;

export class Topology {
  constructor(private readonly rpc: RpcLike, readonly ourId: PubKey) {}

  async connectedOnionPeers(): Promise<string[]> {
    const r = await this.rpc.call<{ peers: PeerInfo[] }>('listpeers');
    return r.peers.filter((p) => p.connected !== false && supportsOnionMessages(p.features)).map((p) => p.id);
  }

  async isConnectedOnionPeer(id: string): Promise<boolean> {
    const r = await this.rpc.call<{ peers: PeerInfo[] }>('listpeers', { id });
    return r.peers.some((p) => p.id === id && p.connected !== false && supportsOnionMessages(p.features));
  }

  async isConnectedPeer(id: string): Promise<boolean> {
    const r = await this.rpc.call<{ peers: PeerInfo[] }>('listpeers', { id });
    return r.peers.some((p) => p.id === id && p.connected !== false);
  }

  async peerChannels(): Promise<PeerChannel[]> {
    const r = await this.rpc.call<{ channels: PeerChannel[] }>('listpeerchannels');
    return r.channels;
  }

  /** Announced: we appear in gossip with an address. */
  async isAnnounced(): Promise<boolean> {
    const r = await this.rpc.call<{ nodes: Array<{ nodeid: string; addresses?: unknown[] }> }>('listnodes', { id: toHex(this.ourId) });
    return r.nodes.some((n) => n.nodeid === toHex(this.ourId) && (n.addresses?.length ?? 0) > 0);
  }

  /**
   * The introduction node for paths to us: ourselves when announced, else a connected
   * onion-message peer we have a channel with (the most capacity first).
   */
  async introPeerForOurPaths(): Promise<PubKey | undefined> {
    if (await this.isAnnounced()) return undefined;
    const peers = new Set(await this.connectedOnionPeers());
    const chans = (await this.peerChannels())
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
    for (const c of await this.peerChannels()) {
      if (c.short_channel_id === scid || c.alias?.local === scid || c.alias?.remote === scid) {
        // Direction 0 is the lesser of the two node ids.
        const [n1, n2] = us < c.peer_id ? [us, c.peer_id] : [c.peer_id, us];
        return asPubKey(fromHex(intro.direction === 0 ? n1 : n2));
      }
    }
    const r = await this.rpc.call<{ channels: GossipChannel[] }>('listchannels', { short_channel_id: scid });
    const ch = r.channels.find((c) => c.direction === intro.direction);
    return ch ? asPubKey(fromHex(ch.source)) : undefined;
  }

  /**
   * The nodes strictly between us and `dest` for an onion message: [] when dest is a
   * connected peer, else a shortest route over gossip through onion-message nodes,
   * else (unless `noconnect`) `connect` to dest and go direct.
   */
  async routeTo(dest: PubKey, opts: { noconnect: boolean }): Promise<PubKey[]> {
    const destHex = toHex(dest);
    // The common case (a reply path introduced by a peer) with one small call; the whole
    // peer list (large on an LSP) only when a route has to be searched.
    if (await this.isConnectedOnionPeer(destHex)) return [];
    const peers = await this.connectedOnionPeers();
    const route = await this.gossipRoute(peers, destHex);
    if (route) return route.map((h) => asPubKey(fromHex(h)));
    if (opts.noconnect) throw new TransportError(`no route to ${destHex} and asyncpay-noconnect is set`);
    try {
      await this.rpc.call('connect', { id: destHex });
    } catch (e) {
      throw new TransportError(`no route to ${destHex}, and connect failed: ${(e as Error).message}`);
    }
    return [];
  }

  private async gossipRoute(peers: string[], dest: string): Promise<string[] | undefined> {
    if (peers.length === 0) return undefined;
    const [chans, nodes] = await Promise.all([
      this.rpc.call<{ channels: GossipChannel[] }>('listchannels'),
      this.rpc.call<{ nodes: Array<{ nodeid: string; features?: string }> }>('listnodes'),
    ]);
    const onion = new Set(nodes.nodes.filter((n) => supportsOnionMessages(n.features)).map((n) => n.nodeid));
    const adj = new Map<string, string[]>();
    for (const c of chans.channels) {
      if (c.active === false) continue;
      if (!adj.has(c.source)) adj.set(c.source, []);
      adj.get(c.source)!.push(c.destination);
    }
    // BFS from our onion-capable peers; every node on the way must speak onion messages.
    const prev = new Map<string, string | null>();
    let frontier = peers.filter((p) => p !== dest);
    for (const p of frontier) prev.set(p, null);
    for (let depth = 1; depth < MAX_ROUTE_HOPS && frontier.length; depth++) {
      const next: string[] = [];
      for (const n of frontier) {
        for (const m of adj.get(n) ?? []) {
          if (prev.has(m) || m === toHex(this.ourId)) continue;
          if (!onion.has(m)) continue;
          prev.set(m, n);
          if (m === dest) {
            const via: string[] = [];
            for (let x = prev.get(m); x; x = prev.get(x) ?? null) via.unshift(x);
            return via;
          }
          next.push(m);
        }
      }
      frontier = next;
    }
    return undefined;
  }
}


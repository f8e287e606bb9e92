// The public graph as gossip shows it, for finding an onion-message route to a node
// that is not our peer. Fetched with lightningd's output filters (only the fields the
// search needs: the unfiltered answers are tens of MB on mainnet), kept for a while,
// and loaded by one call at a time however many searches want it.
import type { RpcLike } from './secrets.js';
import { supportsOnionMessages } from './features.js';

/** How long a loaded graph is used before the next search reloads it (seconds of wall time). */
export const GRAPH_TTL_MS = 10 * 60_000;
/** Longest gossip route we try for the first hop (CLN's establish_onion_path has no limit; we keep it sane). */
export const MAX_ROUTE_HOPS = 8;

const CHANNELS_FILTER = { channels: [{ source: true, destination: true, active: true }] };
const NODES_FILTER = { nodes: [{ nodeid: true, features: true }] };

interface Graph {
  readonly adj: Map<string, string[]>;
  readonly onion: Set<string>;
  readonly at: number;
}

export class GossipGraph {
  private graph: Graph | undefined;
  private loading: Promise<Graph> | undefined;
  /** Full fetches made (for tests and status). */
  loads = 0;

  constructor(
    private readonly rpc: RpcLike,
    private readonly ttlMs = GRAPH_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Forgets the graph (the next search reloads it). */
  invalidate(): void {
    this.graph = undefined;
  }

  private async current(): Promise<Graph> {
    if (this.graph && this.clock() - this.graph.at < this.ttlMs) return this.graph;
    if (!this.loading) {
      this.loading = this.load().finally(() => (this.loading = undefined));
    }
    return this.loading;
  }

  private async load(): Promise<Graph> {
    this.loads++;
    const [chans, nodes] = await Promise.all([
      this.rpc.call<{ channels?: Array<{ source?: string; destination?: string; active?: boolean }> }>('listchannels', {}, { filter: CHANNELS_FILTER }),
      this.rpc.call<{ nodes?: Array<{ nodeid?: string; features?: string }> }>('listnodes', {}, { filter: NODES_FILTER }),
    ]);
    const onion = new Set<string>();
    for (const n of nodes.nodes ?? []) if (typeof n.nodeid === 'string' && supportsOnionMessages(n.features)) onion.add(n.nodeid);
    const adj = new Map<string, string[]>();
    for (const c of chans.channels ?? []) {
      if (c.active === false || typeof c.source !== 'string' || typeof c.destination !== 'string') continue;
      let out = adj.get(c.source);
      if (!out) adj.set(c.source, (out = []));
      out.push(c.destination);
    }
    const g = { adj, onion, at: this.clock() };
    this.graph = g;
    return g;
  }

  /**
   * The nodes strictly between us and `dest` (from one of `peers`, our onion-capable
   * peers), every one speaking onion messages; undefined when gossip knows no route.
   */
  async route(ourId: string, peers: readonly string[], dest: string): Promise<string[] | undefined> {
    if (peers.length === 0) return undefined;
    const { adj, onion } = await this.current();
    const prev = new Map<string, string | null>();
    let frontier = peers.filter((p) => p !== dest);
    for (const p of frontier) prev.set(p, null);
    for (let depth = 1; depth < MAX_ROUTE_HOPS && frontier.length; depth++) {
      const next: string[] = [];
      for (const n of frontier) {
        for (const m of adj.get(n) ?? []) {
          if (prev.has(m) || m === ourId || !onion.has(m)) continue;
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

// Reaching a node that is not (known to be) our peer, for the first hop of a message:
// a reply to a payer whose reply path starts far away, say. Payers choose that node,
// so the cost of every answer here is bounded:
//  - one search per destination at a time; its answer is kept ROUTE_TTL_MS (a route)
//    or FAILURE_TTL_MS (no way there), so N replies to one far-away payer cost one search;
//  - the search uses the cached gossip graph (GossipGraph), never a fetch per message;
//  - `connect` (unless asyncpay-noconnect) only when gossip has no route, at most
//    CONNECTS_PER_MINUTE and CONNECTS_AT_ONCE, each bounded by CONNECT_TIMEOUT_MS;
//    a failed connect is remembered, so a payer cannot make us dial it again and again.
// When none of that works the message is not sent (the caller logs it at debug level).
import type { GossipGraph } from './gossip-graph.js';
import type { RpcLike } from './secrets.js';
import { TransportError } from './transport-error.js';

export const ROUTE_TTL_MS = 60_000;
export const FAILURE_TTL_MS = 10 * 60_000;
export const CONNECTS_PER_MINUTE = 10;
export const CONNECTS_AT_ONCE = 2;
export const CONNECT_TIMEOUT_MS = 20_000;
const ROUTES_MAX = 10_000;

export interface ReachDeps {
  /** From the cached peer list only (no RPC). */
  isKnownOnionPeer(id: string): Promise<boolean>;
  /** Asks lightningd when the cache says no. */
  isOnionPeer(id: string): Promise<boolean>;
  onionPeers(): Promise<string[]>;
  readonly graph: GossipGraph;
}

type Answer = { via: string[]; at: number } | { error: string; at: number; sticky: boolean };

export class Reach {
  private readonly answers = new Map<string, Answer>();
  private readonly inFlight = new Map<string, Promise<string[]>>();
  private connecting = 0;
  private readonly connectTimes: number[] = [];
  /** Searches run (not answered from cache) and connects tried, for status and tests. */
  readonly stats = { searches: 0, connects: 0 };

  constructor(
    private readonly rpc: RpcLike,
    private readonly ourId: string,
    private readonly deps: ReachDeps,
  ) {}

  /** Peers came or went: routes may have changed; failures of `connect` stay remembered. */
  peersChanged(): void {
    for (const [k, a] of this.answers) if (!('error' in a) || !a.sticky) this.answers.delete(k);
  }

  async route(dest: string, opts: { noconnect: boolean }): Promise<string[]> {
    // The common case (a reply path introduced by a peer) from the peer cache.
    if (await this.deps.isKnownOnionPeer(dest)) return [];
    const now = Date.now();
    const a = this.answers.get(dest);
    if (a && now - a.at < ('error' in a ? FAILURE_TTL_MS : ROUTE_TTL_MS)) {
      if ('error' in a) throw new TransportError(`${a.error} (remembered)`);
      return a.via;
    }
    // Everything past the caches is one flight per destination: a second request that
    // arrives while the first is searching (or connecting) waits for its answer.
    let p = this.inFlight.get(dest);
    if (!p) {
      p = this.resolve(dest, opts).finally(() => this.inFlight.delete(dest));
      this.inFlight.set(dest, p);
    }
    return p;
  }

  private async resolve(dest: string, opts: { noconnect: boolean }): Promise<string[]> {
    // A peer whose connect notification we have not seen yet: one small call.
    if (await this.deps.isOnionPeer(dest)) return [];
    return this.search(dest, opts);
  }

  private remember(dest: string, a: Answer): void {
    this.answers.delete(dest);
    if (this.answers.size >= ROUTES_MAX) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(dest, a);
  }

  private fail(dest: string, error: string, sticky: boolean): never {
    this.remember(dest, { error, at: Date.now(), sticky });
    throw new TransportError(error);
  }

  private async search(dest: string, opts: { noconnect: boolean }): Promise<string[]> {
    this.stats.searches++;
    const route = await this.deps.graph.route(this.ourId, await this.deps.onionPeers(), dest);
    if (route) {
      this.remember(dest, { via: route, at: Date.now() });
      return route;
    }
    if (opts.noconnect) this.fail(dest, `no route to ${dest} and asyncpay-noconnect is set`, false);
    if (!this.takeConnectSlot()) {
      // Not remembered: the budget frees up, and this destination did nothing wrong yet.
      throw new TransportError(`no route to ${dest}, and the connect budget (${CONNECTS_PER_MINUTE}/min, ${CONNECTS_AT_ONCE} at once) is used up`);
    }
    this.stats.connects++;
    try {
      await this.rpc.call('connect', { id: dest }, { timeoutMs: CONNECT_TIMEOUT_MS });
    } catch (e) {
      this.fail(dest, `no route to ${dest}, and connect failed: ${(e as Error).message}`, true);
    } finally {
      this.connecting--;
    }
    return [];
  }

  private takeConnectSlot(): boolean {
    const now = Date.now();
    while (this.connectTimes.length && now - this.connectTimes[0]! > 60_000) this.connectTimes.shift();
    if (this.connecting >= CONNECTS_AT_ONCE || this.connectTimes.length >= CONNECTS_PER_MINUTE) return false;
    this.connecting++;
    this.connectTimes.push(now);
    return true;
  }
}

// The LSP mailbox: holds onion messages lightningd could not forward because the next
// peer — one we have a channel with — is offline, and re-injects them when that peer
// reconnects (payments.md §4). lightningd has no such feature; LDK recipients rely on
// their LSP for it. Durable (LevelDB, one batch per change), bounded (policy.ts),
// paced (pacer.ts); a peer's box going from empty to non-empty is announced with the
// `asyncpay_mailbox` notification so an LSP can push the wallet awake.
import { fromHex, toHex } from '../codec/bytes.js';
import { sha256 } from '../crypto/hash.js';
import { RpcError, JSONRPC_INVALID_PARAMS } from '../cln/errors.js';
import { Serial } from '../recipient/serial.js';
import type { StoreOp } from '../store/store.js';
import { emptyMailboxCounters, heldKey, heldOf, type HeldRecord, type MailboxCounters, type MailboxStore } from './mailbox-store.js';
import { parseStranded, resolveNextPeer, type ChannelView } from './next-hop.js';
import type { MailboxOptions } from './options.js';
import { Pacer } from './pacer.js';
import { admit, type Held } from './policy.js';

export interface MailboxDeps {
  readonly db: MailboxStore;
  readonly opts: MailboxOptions;
  readonly rpc: { call<T = any>(method: string, params?: Record<string, unknown>): Promise<T> };
  /** `listpeerchannels [id]`: one peer's channels, or all (with aliases) when no id is given. */
  readonly channels: (peerId?: string) => Promise<readonly ChannelView[]>;
  /** Our own id and our virtual node's: never mailbox owners. */
  readonly ourId: string;
  readonly virtualId: string;
  readonly log: { debug(m: string): void; info(m: string): void; unusual(m: string): void };
  readonly now: () => number;
  readonly notify: (topic: string, payload: Record<string, unknown>) => void;
}

const PUBKEY = /^0[23][0-9a-f]{64}$/;
/** How often held messages are checked for expiry (also on load, delivery and listing). */
const SWEEP_MS = 3600_000;

export class Mailbox {
  private readonly boxes = new Map<string, Held[]>();
  private counters: MailboxCounters = emptyMailboxCounters();
  private seq = 0;
  private readonly serial = new Serial();
  private readonly delivering = new Set<string>();
  /** Peers that (re)connected while a delivery to them was running: run again after it. */
  private readonly again = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly d: MailboxDeps) {}

  /** Loads what was held, drops the expired, and delivers to peers already connected. */
  async start(): Promise<void> {
    const { held, counters, nextSeq } = await this.d.db.load();
    this.counters = counters;
    this.seq = nextSeq;
    for (const h of held) this.box(h.peer).push(h);
    await this.serial.run(() => this.expire());
    this.sweepTimer = setInterval(() => void this.serial.run(() => this.expire()).catch((e) => this.d.log.unusual(`mailbox expiry failed: ${(e as Error).message}`)), SWEEP_MS);
    this.sweepTimer.unref();
    if (this.boxes.size === 0) return;
    let channels: readonly ChannelView[];
    try {
      channels = await this.d.channels();
    } catch (e) {
      // Not fatal: those peers get their messages at their next `connect`.
      this.d.log.unusual(`mailbox: cannot list channels at start: ${(e as Error).message}`);
      return;
    }
    for (const peer of this.boxes.keys()) if (channels.some((c) => c.peer_id === peer && c.peer_connected === true)) this.onPeerConnected(peer, false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.serial.run(() => this.flush());
  }

  // ------------------------------------------------------------------ storing

  /**
   * A stranded packet (transport/stranded.ts): held if its next hop is an offline
   * channel peer and the bounds allow. True when held (or already held).
   */
  async onStranded(payload: Record<string, unknown>, ours: boolean): Promise<boolean> {
    if (!this.d.opts.enabled) return false;
    const s = parseStranded(payload);
    if (typeof s === 'string') {
      // A forward that failed for a parse error (no next hop) is connectd's drop, not ours.
      if (s !== 'no next hop') this.refuse('malformed', `forward_fail: ${s}`);
      return false;
    }
    if ('nodeId' in s.next && (s.next.nodeId === this.d.virtualId || s.next.nodeId === this.d.ourId)) return false;
    let target;
    try {
      // One peer's channels when the next hop is a node id (an LSP has many channels).
      target = resolveNextPeer(await this.d.channels('nodeId' in s.next ? s.next.nodeId : undefined), s.next);
    } catch (e) {
      this.d.log.unusual(`mailbox: cannot list channels: ${(e as Error).message}`);
      return false;
    }
    const nextDesc = 'nodeId' in s.next ? s.next.nodeId : `scid ${s.next.scid}`;
    if (!target) return this.refuse('not_channel_peer', `next hop ${nextDesc} is not a channel peer`);
    // Ours failed to inject although the peer is there: some other fault, not for the mailbox.
    if (ours && target.connected) return this.refuse('peer_connected', `our message to connected peer ${target.peer} failed`);
    const hash = toHex(sha256(fromHex(s.pathKey), fromHex(s.incoming)).subarray(0, 16));
    const held = await this.serial.run(() => this.hold(target.peer, s.source, s.pathKey, s.incoming, hash));
    // Reconnected meanwhile (no `connect` will come for it): deliver now.
    if (held && target.connected) this.onPeerConnected(target.peer, false);
    return held;
  }

  private async hold(peer: string, source: string, pathKey: string, incoming: string, hash: string): Promise<boolean> {
    const bytes = incoming.length / 2;
    const a = admit(this.boxes, { peer, source, bytes, hash }, this.d.opts);
    if (!a.ok) {
      if (a.reason === 'duplicate') {
        this.d.log.debug(`mailbox: duplicate message for ${peer} (held once)`);
        this.bump('duplicate');
        return true;
      }
      return this.refuse(a.reason, `${bytes}-byte message for ${peer} from ${source}`);
    }
    const now = this.d.now();
    const key = heldKey(peer, this.seq++);
    const rec: HeldRecord = { peer, source, path_key: pathKey, incoming, received_at: now, hash };
    const wasEmpty = (this.boxes.get(peer)?.length ?? 0) === 0;
    await this.commit([...a.evict.map((h) => this.d.db.delOp(h.key)), this.d.db.putOp(key, rec)], (c) => {
      c.stored++;
      c.evicted += a.evict.length;
    });
    for (const h of a.evict) {
      this.remove(h);
      this.d.log.info(`mailbox: evicted a message for ${h.peer} from ${h.source} (the largest holder) to admit one from ${source}`);
    }
    this.box(peer).push(heldOf(key, rec));
    const box = this.boxes.get(peer)!;
    this.d.log.debug(`mailbox: holding a ${bytes}-byte message for offline peer ${peer} (${box.length} held)`);
    if (wasEmpty) {
      this.d.log.info(`mailbox: holding messages for offline peer ${peer}`);
      this.d.notify('asyncpay_mailbox', { peer_id: peer, messages: box.length, oldest_at: box[0]!.receivedAt });
    }
    return true;
  }

  // ------------------------------------------------------------------ delivering

  /**
   * The `connect` notification: re-inject the peer's messages, oldest first, paced.
   * connectd gives a new connection a full bucket; a peer connected for a while (found
   * at start-up) may have spent it, so then we start without a burst.
   */
  onPeerConnected(peer: string, fresh = true): void {
    if (this.stopped || !this.boxes.get(peer)?.length) return;
    if (this.delivering.has(peer)) {
      this.again.add(peer);
      return;
    }
    this.delivering.add(peer);
    void this.deliver(peer, fresh)
      .catch((e) => this.d.log.unusual(`mailbox: delivery to ${peer} failed: ${(e as Error).stack ?? String(e)}`))
      .finally(() => {
        this.delivering.delete(peer);
        // A reconnection during the run may have come after it gave up on the peer.
        if (this.again.delete(peer)) this.onPeerConnected(peer, false);
      });
  }

  private async deliver(peer: string, fresh: boolean): Promise<void> {
    const pacer = new Pacer(fresh);
    let sent = 0;
    for (;;) {
      await this.serial.run(() => this.expire());
      const h = this.boxes.get(peer)?.[0];
      if (!h || this.stopped) break;
      const rec = await this.d.db.get(h.key);
      await pacer.take();
      if (this.stopped) break;
      let error: string | undefined = rec ? undefined : 'record missing';
      if (rec) {
        try {
          await this.d.rpc.call('injectonionmessage', { path_key: rec.path_key, message: rec.incoming });
        } catch (e) {
          error = (e as Error).message;
        }
      }
      // The peer left again: keep the rest for its next visit.
      if (error !== undefined && /unknown next/.test(error)) {
        this.d.log.debug(`mailbox: ${peer} went away after ${sent} message(s): ${error}`);
        break;
      }
      if (error !== undefined) this.d.log.info(`mailbox: dropping a message lightningd would not take for ${peer}: ${error}`);
      else sent++;
      await this.serial.run(() => this.take(h, error === undefined ? 'delivered' : 'failed'));
    }
    if (sent) this.d.log.info(`mailbox: delivered ${sent} message(s) to ${peer}`);
  }

  // ------------------------------------------------------------------ RPC

  /** `asyncpay-mailbox [peer_id]` */
  async list(params: { peer_id?: unknown }): Promise<Record<string, unknown>> {
    const only = params.peer_id === undefined || params.peer_id === null ? undefined : requirePeer(params.peer_id);
    await this.serial.run(() => this.expire());
    const now = this.d.now();
    const peers = [...this.boxes.entries()]
      .filter(([p, b]) => b.length > 0 && (!only || p === only))
      .map(([peer_id, b]) => ({
        peer_id,
        messages: b.length,
        bytes: b.reduce((n, h) => n + h.bytes, 0),
        oldest_at: b[0]!.receivedAt,
        newest_at: b.at(-1)!.receivedAt,
        oldest_age: now - b[0]!.receivedAt,
        delivering: this.delivering.has(peer_id),
      }));
    if (only && peers.length === 0) peers.push({ peer_id: only, messages: 0, bytes: 0, oldest_at: 0, newest_at: 0, oldest_age: 0, delivering: false });
    let total = 0;
    for (const b of this.boxes.values()) for (const h of b) total += h.bytes;
    return {
      enabled: this.d.opts.enabled,
      limits: { max_per_peer: this.d.opts.maxPerPeer, max_bytes: this.d.opts.maxBytes, ttl: this.d.opts.ttl },
      total_messages: [...this.boxes.values()].reduce((n, b) => n + b.length, 0),
      total_bytes: total,
      peers,
      counters: this.counters,
    };
  }

  /** `asyncpay-mailbox-purge peer_id` — idempotent. */
  async purge(params: { peer_id?: unknown }): Promise<Record<string, unknown>> {
    const peer = requirePeer(params.peer_id);
    const purged = await this.serial.run(async () => {
      const box = [...(this.boxes.get(peer) ?? [])];
      if (box.length === 0) return 0;
      await this.commit(box.map((h) => this.d.db.delOp(h.key)), (c) => (c.purged += box.length));
      for (const h of box) this.remove(h);
      return box.length;
    });
    this.d.log.info(`mailbox: purged ${purged} message(s) held for ${peer}`);
    return { peer_id: peer, purged };
  }

  // ------------------------------------------------------------------ state (callers hold the serial)

  private box(peer: string): Held[] {
    let b = this.boxes.get(peer);
    if (!b) this.boxes.set(peer, (b = []));
    return b;
  }

  private remove(h: Held): void {
    const b = this.boxes.get(h.peer);
    if (!b) return;
    const i = b.indexOf(h);
    if (i >= 0) b.splice(i, 1);
    if (b.length === 0) this.boxes.delete(h.peer);
  }

  /** Deletes one message that left the box, with its counter, in one batch. */
  private async take(h: Held, how: 'delivered' | 'failed'): Promise<void> {
    if (!this.boxes.get(h.peer)?.includes(h)) return; // purged meanwhile
    await this.commit([this.d.db.delOp(h.key)], (c) => c[how]++);
    this.remove(h);
  }

  private async expire(): Promise<void> {
    const cutoff = this.d.now() - this.d.opts.ttl;
    const old = [...this.boxes.values()].flat().filter((h) => h.receivedAt < cutoff);
    if (old.length === 0) return;
    await this.commit(old.map((h) => this.d.db.delOp(h.key)), (c) => (c.expired += old.length));
    for (const h of old) this.remove(h);
    this.d.log.info(`mailbox: ${old.length} message(s) expired (older than ${this.d.opts.ttl} s)`);
  }

  // ------------------------------------------------------------------ counters

  /** Writes `ops` with the counters as `change` leaves them; the live counters change only once written. */
  private async commit(ops: StoreOp[], change: (c: MailboxCounters) => void): Promise<void> {
    const next = structuredClone(this.counters);
    change(next);
    await this.d.db.batch([...ops, this.d.db.countersOp(next)]);
    change(this.counters);
  }

  private refuse(reason: string, why: string): false {
    this.bump(reason);
    this.d.log.debug(`mailbox: not holding (${reason}): ${why}`);
    return false;
  }

  /** Refusals change nothing else, so they are written lazily. */
  private bump(reason: string): void {
    if (reason === 'duplicate') this.counters.duplicates++;
    else this.counters.refused[reason] = (this.counters.refused[reason] ?? 0) + 1;
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.serial.run(() => this.flush()).catch(() => {});
    }, 1000);
    this.flushTimer.unref();
  }

  private async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.d.db.batch([this.d.db.countersOp(this.counters)]);
  }
}

function requirePeer(v: unknown): string {
  if (typeof v !== 'string' || !PUBKEY.test(v)) throw new RpcError(JSONRPC_INVALID_PARAMS, 'peer_id must be a node id (66 hex characters)');
  return v;
}

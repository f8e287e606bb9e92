// Blinded paths to ourselves. Every one ends one hop past our node, at the virtual
// node V: our own hop only says `next_node_id = V`, connectd cannot forward to V, and
// lightningd hands us the whole next-hop packet in `onionmessage_forward_fail` — the
// only way to receive even-typed (async payments) messages on stock lightningd.
import { fromHex, toHex } from '../codec/bytes.js';
import type { PubKey } from '../crypto/secp.js';
import { createBlindedPath } from '../onion/blinding.js';
import type { BlindedPath } from '../onion/types.js';
import { decodeContext, type ContextKind, type PathContext } from './context.js';

export interface ReceivePathArgs {
  readonly ourId: PubKey;
  readonly virtualId: PubKey;
  /** The authenticated context (transport/context.ts) V's hop carries. */
  readonly pathId: Uint8Array;
  /** A peer to use as introduction node (when we are unannounced). */
  readonly introPeer?: PubKey;
  /** Pad every hop's data to one length (hides which hop is V); off for compact offer paths. */
  readonly pad?: boolean;
}

/** [introPeer?] → us → V, V's hop holding `pathId`. */
export function createReceivePath(a: ReceivePathArgs): BlindedPath {
  const nodes = [
    ...(a.introPeer ? [{ nodeId: a.introPeer, data: { nextNodeId: a.ourId } }] : []),
    { nodeId: a.ourId, data: { nextNodeId: a.virtualId } },
    { nodeId: a.virtualId, data: { pathId: a.pathId } },
  ];
  return createBlindedPath(nodes, undefined, { pad: a.pad ?? false });
}

/** Where remembered paths are kept across restarts (the entry point backs it with LevelDB). */
export interface OwnPathsJournal {
  put(firstPathKeyHex: string, entry: { path_id: string; expires_at: number; seq: number }): void;
  del(firstPathKeyHex: string): void;
}

export interface OwnPathEntry {
  readonly pathId: Uint8Array;
  readonly expiresAt: number;
  /** The context kind, when the path_id authenticates under our key (else undefined). */
  readonly kind: ContextKind | undefined;
}

interface Entry extends OwnPathEntry {
  readonly group: string;
  readonly owner: string;
  readonly seq: number;
}

export interface OwnPathsLimits {
  /** Entries kept per group: one (recipient, slot, kind) on the server, one (slot, kind) for our recipient. */
  readonly perGroup: number;
  /** Entries kept per server recipient (all its slots and kinds together). */
  readonly perRecipient: number;
  /** Entries kept for this node's own recipient role, for the operator's recipient paths, and for paths whose context we cannot read. */
  readonly perLocalOwner: number;
}

export const DEFAULT_OWN_PATHS_LIMITS: OwnPathsLimits = { perGroup: 4, perRecipient: 256, perLocalOwner: 4096 };

/**
 * Paths of ours whose introduction node is this node. A message we send to one never
 * leaves the node (lightningd gives no notification for injected messages), so the
 * sender hands it to the receiver directly. Keyed by first_path_key; journaled so that
 * long-lived paths (a server's recipient and serve paths) keep working after a restart.
 *
 * Bounded without one shared FIFO (where one recipient's requests would push out the
 * paths the node itself relies on): entries are grouped by what they are for (the
 * authenticated path context), each group keeps its newest few, each server recipient
 * a fixed number, and expired entries always go first. A recipient can only ever evict
 * its own older paths.
 */
export class OwnPaths {
  private readonly byKey = new Map<string, Entry>();
  /** Keys per group and per owner, oldest first (Sets iterate in insertion order). */
  private readonly groups = new Map<string, Set<string>>();
  private readonly owners = new Map<string, Set<string>>();
  private seq = Date.now() * 1000;
  private readonly limits: OwnPathsLimits;

  constructor(
    private readonly contextKey?: Uint8Array,
    private readonly journal?: OwnPathsJournal,
    limits: Partial<OwnPathsLimits> = {},
  ) {
    this.limits = { ...DEFAULT_OWN_PATHS_LIMITS, ...limits };
  }

  get size(): number {
    return this.byKey.size;
  }

  remember(path: BlindedPath, pathId: Uint8Array, expiresAt: number, now?: number): void {
    const key = toHex(path.firstPathKey);
    const seq = this.seq++;
    this.insert(key, pathId, expiresAt, seq);
    this.journal?.put(key, { path_id: toHex(pathId), expires_at: expiresAt, seq });
    this.enforce(key, now ?? Math.floor(Date.now() / 1000));
  }

  /** The path_id of our own path `path`, or undefined (unknown or expired). */
  lookup(path: BlindedPath, now: number): Uint8Array | undefined {
    return this.lookupEntry(path, now)?.pathId;
  }

  lookupEntry(path: BlindedPath, now: number): OwnPathEntry | undefined {
    const key = toHex(path.firstPathKey);
    const e = this.byKey.get(key);
    if (!e) return undefined;
    if (expired(e, now)) {
      this.remove(key);
      return undefined;
    }
    return e;
  }

  entries(): Array<[string, OwnPathEntry]> {
    return [...this.byKey.entries()];
  }

  /** Reloads journaled entries (oldest first, so eviction order survives the restart). */
  restore(entries: ReadonlyArray<{ key: string; path_id: string; expires_at: number; seq: number }>, now = Math.floor(Date.now() / 1000)): void {
    for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
      this.insert(e.key, fromHex(e.path_id), e.expires_at, e.seq);
      this.seq = Math.max(this.seq, e.seq + 1);
      this.enforce(e.key, now);
    }
  }

  private insert(key: string, pathId: Uint8Array, expiresAt: number, seq: number): void {
    if (this.byKey.has(key)) this.remove(key, false);
    const ctx = this.context(pathId);
    const { group, owner } = classify(ctx);
    this.byKey.set(key, { pathId, expiresAt, kind: ctx?.kind, group, owner, seq });
    setOf(this.groups, group).add(key);
    setOf(this.owners, owner).add(key);
  }

  private context(pathId: Uint8Array): PathContext | undefined {
    if (!this.contextKey) return undefined;
    try {
      return decodeContext(this.contextKey, pathId);
    } catch {
      return undefined;
    }
  }

  /** Brings the group and owner of `key` back under their limits: expired first, then oldest. */
  private enforce(key: string, now: number): void {
    const e = this.byKey.get(key);
    if (!e) return;
    this.trim(this.groups.get(e.group)!, e.kind === 'recipient' ? this.limits.perLocalOwner : this.limits.perGroup, now);
    const ownerLimit = e.owner.startsWith('recipient:') ? this.limits.perRecipient : this.limits.perLocalOwner;
    this.trim(this.owners.get(e.owner)!, ownerLimit, now);
  }

  private trim(keys: Set<string>, limit: number, now: number): void {
    if (keys.size <= limit) return;
    for (const k of [...keys]) {
      if (keys.size <= limit) return;
      if (expired(this.byKey.get(k)!, now)) this.remove(k);
    }
    for (const k of [...keys]) {
      if (keys.size <= limit) return;
      this.remove(k);
    }
  }

  private remove(key: string, journal = true): void {
    const e = this.byKey.get(key);
    if (!e) return;
    this.byKey.delete(key);
    dropFrom(this.groups, e.group, key);
    dropFrom(this.owners, e.owner, key);
    if (journal) this.journal?.del(key);
  }
}

function expired(e: { expiresAt: number }, now: number): boolean {
  return e.expiresAt !== 0 && now > e.expiresAt;
}

function setOf(m: Map<string, Set<string>>, k: string): Set<string> {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  return s;
}

function dropFrom(m: Map<string, Set<string>>, k: string, key: string): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(key);
  if (s.size === 0) m.delete(k);
}

/** What a path is for decides whose budget it counts against. */
function classify(ctx: PathContext | undefined): { group: string; owner: string } {
  if (!ctx) return { group: 'unknown', owner: 'unknown' };
  switch (ctx.kind) {
    case 'recipient':
      // Made only by the operator (asyncrecipient-paths): never counted against the recipient.
      return { group: `recipient:${toHex(ctx.recipient)}`, owner: 'operator' };
    case 'offer':
    case 'serve':
      return { group: `${ctx.kind}:${toHex(ctx.recipient)}:${ctx.slot}`, owner: `recipient:${toHex(ctx.recipient)}` };
    case 'payer_invoice':
    case 'payer_release':
      // The payer's reply paths, one group per payment, under their own budget.
      return { group: `${ctx.kind}:${toHex(ctx.paymentId)}`, owner: 'payer' };
    default:
      return { group: `${ctx.kind}:${ctx.slot}`, owner: 'self' };
  }
}

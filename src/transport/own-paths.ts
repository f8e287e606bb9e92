// Blinded paths to ourselves. Every one ends one hop past our node, at the virtual
// node V: our own hop only says `next_node_id = V`, connectd cannot forward to V, and
// lightningd hands us the whole next-hop packet in `onionmessage_forward_fail` — the
// only way to receive even-typed (async payments) messages on stock lightningd.
import { fromHex, toHex } from '../codec/bytes.js';
import type { PubKey } from '../crypto/secp.js';
import { createBlindedPath } from '../onion/blinding.js';
import type { BlindedPath } from '../onion/types.js';

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

/**
 * Paths of ours whose introduction node is this node. A message we send to one never
 * leaves the node (lightningd gives no notification for injected messages), so the
 * sender hands it to the receiver directly. Keyed by first_path_key; journaled so that
 * long-lived paths (a server's recipient and serve paths) keep working after a restart.
 */
export class OwnPaths {
  private readonly byKey = new Map<string, { pathId: Uint8Array; expiresAt: number }>();
  private seq = Date.now() * 1000;

  /** Bounded: paths without expiry (confirmation reply paths) would otherwise pile up. */
  constructor(
    private readonly capacity = 4096,
    private readonly journal?: OwnPathsJournal,
  ) {}

  remember(path: BlindedPath, pathId: Uint8Array, expiresAt: number): void {
    const key = toHex(path.firstPathKey);
    this.byKey.set(key, { pathId, expiresAt });
    this.journal?.put(key, { path_id: toHex(pathId), expires_at: expiresAt, seq: this.seq++ });
    this.evict();
  }

  lookup(path: BlindedPath, now: number): Uint8Array | undefined {
    const key = toHex(path.firstPathKey);
    const e = this.byKey.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== 0 && now > e.expiresAt) {
      this.byKey.delete(key);
      this.journal?.del(key);
      return undefined;
    }
    return e.pathId;
  }

  entries(): Array<[string, { pathId: Uint8Array; expiresAt: number }]> {
    return [...this.byKey.entries()];
  }

  /** Reloads journaled entries (oldest first, so eviction order survives the restart). */
  restore(entries: ReadonlyArray<{ key: string; path_id: string; expires_at: number; seq: number }>): void {
    for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
      this.byKey.set(e.key, { pathId: fromHex(e.path_id), expiresAt: e.expires_at });
      this.seq = Math.max(this.seq, e.seq + 1);
    }
    this.evict();
  }

  private evict(): void {
    // Maps iterate in insertion order: drop the oldest beyond capacity.
    for (const k of this.byKey.keys()) {
      if (this.byKey.size <= this.capacity) break;
      this.byKey.delete(k);
      this.journal?.del(k);
    }
  }
}

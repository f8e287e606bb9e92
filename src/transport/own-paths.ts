// Blinded paths to ourselves. Every one ends one hop past our node, at the virtual
// node V: our own hop only says `next_node_id = V`, connectd cannot forward to V, and
// lightningd hands us the whole next-hop packet in `onionmessage_forward_fail` — the
// only way to receive even-typed (async payments) messages on stock lightningd.
import { toHex } from '../codec/bytes.js';
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

/**
 * Paths of ours whose introduction node is this node. A message we send to one never
 * leaves the node (lightningd gives no notification for injected messages), so the
 * sender hands it to the receiver directly. Keyed by first_path_key.
 */
export class OwnPaths {
  private readonly byKey = new Map<string, { pathId: Uint8Array; expiresAt: number }>();

  /** Bounded: paths without expiry (confirmation reply paths) would otherwise pile up. */
  constructor(private readonly capacity = 4096) {}

  remember(path: BlindedPath, pathId: Uint8Array, expiresAt: number): void {
    this.byKey.set(toHex(path.firstPathKey), { pathId, expiresAt });
    // Maps iterate in insertion order: drop the oldest beyond capacity.
    for (const k of this.byKey.keys()) {
      if (this.byKey.size <= this.capacity) break;
      this.byKey.delete(k);
    }
  }

  lookup(path: BlindedPath, now: number): Uint8Array | undefined {
    const e = this.byKey.get(toHex(path.firstPathKey));
    if (!e) return undefined;
    if (e.expiresAt !== 0 && now > e.expiresAt) {
      this.byKey.delete(toHex(path.firstPathKey));
      return undefined;
    }
    return e.pathId;
  }

  /** All entries, for persisting long-lived ones. */
  entries(): Array<[string, { pathId: Uint8Array; expiresAt: number }]> {
    return [...this.byKey.entries()];
  }

  restore(firstPathKeyHex: string, pathId: Uint8Array, expiresAt: number): void {
    this.byKey.set(firstPathKeyHex, { pathId, expiresAt });
  }
}

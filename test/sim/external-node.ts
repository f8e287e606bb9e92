// A node the test drives by hand, speaking onion messages through the project's onion
// and messages modules: it plays an LDK recipient, server or payer without our
// plugin's roles. Like LDK it accepts any message type at its final hop.
import type { EncryptedData, BlindedPath } from '../../src/onion/types.js';
import { randomBytes, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import type { SimNetwork } from './network.js';
import { SimNodeBase, type OnionOutcome } from './node-base.js';
import { simBuildToPath, simCreatePath, type SimFinal } from './onion-adapter.js';
import type { SimHtlc } from './channels.js';
import { ExternalPayments } from './external-payments.js';

export interface Received {
  readonly pathId?: Uint8Array;
  readonly encryptedData?: EncryptedData;
  readonly replyPath?: BlindedPath;
  readonly records: ReadonlyArray<{ type: bigint; value: Uint8Array }>;
  readonly from: SimNodeBase | null;
}

export class ExternalNode extends SimNodeBase {
  readonly inbox: Received[] = [];
  private waiters: Array<{ pred: (m: Received) => boolean; resolve: (m: Received) => void }> = [];

  /** Paying and being paid (external-payments.ts). */
  readonly payments: ExternalPayments;

  constructor(net: SimNetwork, name: string, seed: number, privKey?: PrivKey) {
    super(net, name, seed, privKey);
    this.payments = new ExternalPayments(this);
  }

  override receiveHtlc(htlc: SimHtlc): void {
    this.payments.onHtlc(htlc);
  }

  override async shutdown(): Promise<void> {}

  protected override onFinal(source: SimNodeBase | null, _pathKey: PubKey, _packet: Uint8Array, msg: SimFinal): OnionOutcome {
    const m: Received = {
      ...(msg.pathId ? { pathId: msg.pathId } : {}),
      ...(msg.encryptedData ? { encryptedData: msg.encryptedData } : {}),
      ...(msg.replyPath ? { replyPath: msg.replyPath } : {}),
      records: msg.records,
      from: source,
    };
    this.inbox.push(m);
    this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    return { ok: true };
  }

  /** The first message (already received or future) that satisfies `pred`. */
  waitFor(pred: (m: Received) => boolean, timeoutMs = 10_000, what = 'message'): Promise<Received> {
    const seen = this.inbox.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  /** A message of onion type `type` that arrived over the path with `pathId`. */
  waitForType(type: bigint, pathId?: Uint8Array, timeoutMs = 10_000): Promise<Received> {
    return this.waitFor(
      (m) => m.records.some((r) => r.type === type) && (!pathId || (m.pathId !== undefined && Buffer.from(m.pathId).equals(Buffer.from(pathId)))),
      timeoutMs,
      `message of type ${type}`,
    );
  }

  /** A blinded path to this node through `via` (intro first), with a path_id (random 32 bytes by default). */
  makePath(opts: { via?: SimNodeBase[]; pathId?: Uint8Array } = {}): { path: BlindedPath; pathId: Uint8Array } {
    const pathId = opts.pathId ?? randomBytes(32);
    const hops = [...(opts.via ?? []), this];
    const path = simCreatePath(
      hops.map((n, i) => ({ nodeId: n.id, data: i === hops.length - 1 ? { pathId } : { nextNodeId: hops[i + 1]!.id } })),
    );
    return { path, pathId };
  }

  /** Sends `records` to a blinded path, through `prefix` nodes (from our first peer to their intro). */
  send(path: BlindedPath, records: Array<{ type: bigint; value: Uint8Array }>, opts: { replyPath?: BlindedPath; prefix?: SimNodeBase[] } = {}): OnionOutcome {
    return this.prepareSend(path, records, opts)();
  }

  /** Builds the packet now and returns a function that sends it (benchmarks build outside the timed part). */
  prepareSend(path: BlindedPath, records: Array<{ type: bigint; value: Uint8Array }>, opts: { replyPath?: BlindedPath; prefix?: SimNodeBase[] } = {}): () => OnionOutcome {
    const { pathKey, packet } = simBuildToPath(this.priv, (opts.prefix ?? []).map((n) => n.id), path, records, this.net, opts.replyPath);
    return () => this.processOnion(null, pathKey, packet);
  }
}

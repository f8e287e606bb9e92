// A network of simulated lightningd nodes (each running the built plugin as a child
// process) and test-driven external nodes, joined by peer connections and channels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../src/codec/bytes.js';
import type { PrivKey, PubKey } from '../../src/crypto/secp.js';
import { ClnNode, type ClnNodeOptions } from './cln-node.js';
import { ExternalNode } from './external-node.js';
import type { SimNodeBase } from './node-base.js';
import { ChannelLedger } from './channels.js';
import { scidToBigInt } from './scid.js';

export interface ChannelPolicy {
  fee_base_msat: number;
  fee_proportional_millionths: number;
  cltv_expiry_delta: number;
  htlc_minimum_msat: number;
  htlc_maximum_msat: number;
}
export const DEFAULT_POLICY: ChannelPolicy = {
  fee_base_msat: 1000,
  fee_proportional_millionths: 10,
  cltv_expiry_delta: 6,
  htlc_minimum_msat: 0,
  htlc_maximum_msat: 990_000_000,
};

export interface SimChannel {
  readonly a: SimNodeBase;
  readonly b: SimNodeBase;
  readonly scid: string;
  readonly public: boolean;
  /** Alias each side assigned (its `alias.local`). */
  readonly aliasA?: string;
  readonly aliasB?: string;
  /** Policy for forwarding a → b (set by a) and b → a (set by b). */
  readonly policyA: ChannelPolicy;
  readonly policyB: ChannelPolicy;
  readonly capacityMsat: number;
}

export class SimNetwork {
  readonly nodes = new Map<string, SimNodeBase>();
  readonly channels: SimChannel[] = [];
  private readonly links = new Set<string>();
  readonly dir: string;
  private seedCounter = 0;
  /** Channel balances and HTLCs in flight. */
  readonly ledger = new ChannelLedger();
  /** The chain tip every node sees (getinfo.blockheight); tests move it with setBlockheight. */
  blockheight = 800_000;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'asyncpay-sim-'));
  }

  private nextSeed(): number {
    return ++this.seedCounter;
  }

  /** A simulated lightningd running the built plugin. */
  async addClnNode(name: string, opts: ClnNodeOptions = {}): Promise<ClnNode> {
    const node = new ClnNode(this, name, opts.seed ?? this.nextSeed(), join(this.dir, name), opts);
    this.nodes.set(node.idHex, node);
    await node.start();
    return node;
  }

  /** A node driven by the test (plays an LDK recipient, server or payer). */
  addExternalNode(name: string, seed?: number, privKey?: PrivKey): ExternalNode {
    const node = new ExternalNode(this, name, seed ?? this.nextSeed(), privKey);
    this.nodes.set(node.idHex, node);
    return node;
  }

  node(id: PubKey | string): SimNodeBase | undefined {
    return this.nodes.get(typeof id === 'string' ? id : toHex(id));
  }

  private key(a: SimNodeBase, b: SimNodeBase): string {
    return a.idHex < b.idHex ? `${a.idHex}|${b.idHex}` : `${b.idHex}|${a.idHex}`;
  }

  isConnected(a: SimNodeBase, b: SimNodeBase): boolean {
    return this.links.has(this.key(a, b));
  }

  peersOf(n: SimNodeBase): SimNodeBase[] {
    return [...this.nodes.values()].filter((m) => m !== n && this.isConnected(n, m));
  }

  connect(a: SimNodeBase, b: SimNodeBase): void {
    if (!a.online || !b.online) throw new Error(`cannot connect ${a.name} and ${b.name}: offline`);
    const k = this.key(a, b);
    if (this.links.has(k)) return;
    this.links.add(k);
    a.onPeerConnected(b);
    b.onPeerConnected(a);
  }

  disconnect(a: SimNodeBase, b: SimNodeBase): void {
    const k = this.key(a, b);
    if (!this.links.delete(k)) return;
    a.onPeerDisconnected(b);
    b.onPeerDisconnected(a);
  }

  /** Opens a channel (and connects the peers). */
  addChannel(
    a: SimNodeBase,
    b: SimNodeBase,
    opts: {
      scid: string;
      public?: boolean;
      aliasA?: string;
      aliasB?: string;
      policyA?: Partial<ChannelPolicy>;
      policyB?: Partial<ChannelPolicy>;
      capacityMsat?: number;
      /** a's side of the capacity (default: half). */
      balanceAMsat?: number;
    },
  ): SimChannel {
    const ch: SimChannel = {
      a,
      b,
      scid: opts.scid,
      public: opts.public ?? true,
      ...(opts.aliasA ? { aliasA: opts.aliasA } : {}),
      ...(opts.aliasB ? { aliasB: opts.aliasB } : {}),
      policyA: { ...DEFAULT_POLICY, ...opts.policyA },
      policyB: { ...DEFAULT_POLICY, ...opts.policyB },
      capacityMsat: opts.capacityMsat ?? 1_000_000_000,
    };
    this.channels.push(ch);
    this.ledger.open(ch, BigInt(opts.balanceAMsat ?? Math.floor(ch.capacityMsat / 2)));
    if (a.online && b.online) this.connect(a, b);
    return ch;
  }

  channelsOf(n: SimNodeBase): SimChannel[] {
    return this.channels.filter((c) => c.a === n || c.b === n);
  }

  /**
   * The node a `sciddir_or_pubkey` names: the end of channel `scid` (real or an alias)
   * given by `direction` (0 = the lesser node id, 1 = the greater).
   */
  nodeByScid(scid: bigint, direction: 0 | 1 = 0): SimNodeBase | undefined {
    for (const c of this.channels) {
      const names = [c.scid, c.aliasA, c.aliasB].filter((x): x is string => x !== undefined);
      if (!names.some((n) => scidToBigInt(n) === scid)) continue;
      const [lo, hi] = c.a.idHex < c.b.idHex ? [c.a, c.b] : [c.b, c.a];
      return direction === 0 ? lo : hi;
    }
    return undefined;
  }

  /** Moves the chain tip; lightningd tells subscribed plugins with `block_added`. */
  setBlockheight(height: number): void {
    this.blockheight = height;
    for (const n of this.nodes.values()) n.onBlock(height);
  }

  /** Hands a packet to a peer, asynchronously, as the wire would. */
  deliver(from: SimNodeBase, to: SimNodeBase, pathKey: PubKey, packet: Uint8Array): void {
    setImmediate(() => {
      if (this.isConnected(from, to)) to.receiveFromPeer(from, pathKey, packet);
    });
  }

  /** Every protocol violation any node recorded (hooks unanswered, JSON-RPC errors to hooks, garbage on stdout…). */
  violations(): string[] {
    return [...this.nodes.values()].flatMap((n) => n.violations.map((v) => `${n.name}: ${v}`));
  }

  async close(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.shutdown()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

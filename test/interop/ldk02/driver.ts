// A thin driver for the ldk02 bridge: starts the Rust process hosting real LDK 0.2.5 nodes,
// joins each LDK node to a SimNetwork as a node (LdkSimNode) whose onion messages cross the
// process boundary as raw packets, and exposes LDK's API and events to tests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createWriteStream } from 'node:fs';
import { fromHex, toHex } from '../../../src/codec/bytes.js';
import { asPubKey, type PubKey } from '../../../src/crypto/secp.js';
import type { SimNetwork } from '../../sim/network.js';
import type { SimNodeBase, OnionOutcome } from '../../sim/node-base.js';
import { ExternalNode } from '../../sim/external-node.js';
import type { SimFinal } from '../../sim/onion-adapter.js';
import { scidToString } from '../../sim/scid.js';

export type Role = 'plain' | 'often_offline' | 'lsp' | 'server' | 'server_manual';
export interface Ldk02Spec {
  nodes: Array<{ name: string; role?: Role }>;
  /** `a` funds the channel. Channels are confirmed on LDK's test chain before `start` returns. */
  channels: Array<{ a: string; b: string; announced?: boolean; sats?: number }>;
}
export interface LdkEvent {
  ev: string;
  node?: string;
  kind?: string;
  [k: string]: any;
}

/**
 * An LDK node as the simulator sees it: packets to it go to LDK's OnionMessenger. It extends
 * ExternalNode only to be a concrete simulator node; its key lives in LDK, so the id the
 * simulator derived from a seed is replaced by LDK's node id before the node joins the network.
 */
export class LdkSimNode extends ExternalNode {
  constructor(net: SimNetwork, name: string, id: PubKey, readonly bridge: Ldk02) {
    super(net, name, 0);
    const self = this as unknown as { id: PubKey; idHex: string };
    self.id = id;
    self.idHex = toHex(id);
  }

  override async shutdown(): Promise<void> {}

  override receiveFromPeer(from: SimNodeBase, pathKey: PubKey, packet: Uint8Array): void {
    if (!this.online) return;
    const len = Uint8Array.of(packet.length >> 8, packet.length & 0xff);
    this.bridge.send('onion_in', { node: this.name, from: from.idHex, om: toHex(pathKey) + toHex(len) + toHex(packet) });
  }

  override onPeerConnected(peer: SimNodeBase): void {
    if (!(peer instanceof LdkSimNode)) this.bridge.send('connect_sim', { node: this.name, peer: peer.idHex });
  }

  override onPeerDisconnected(peer: SimNodeBase): void {
    if (!(peer instanceof LdkSimNode)) this.bridge.send('disconnect_sim', { node: this.name, peer: peer.idHex });
  }

  protected override onFinal(_s: SimNodeBase | null, _k: PubKey, _p: Uint8Array, _m: SimFinal): OnionOutcome {
    return { ok: false, error: 'LDK nodes peel their own onions' };
  }
}

export class Ldk02 {
  readonly events: LdkEvent[] = [];
  readonly nodes = new Map<string, LdkSimNode>();
  /** The last lines LDK logged (its test logger), for failure messages; LDK02_LOG=file keeps them all. */
  readonly log: string[] = [];
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; cmd: string }>();
  private waiters: Array<{ pred: (e: LdkEvent) => boolean; resolve: (e: LdkEvent) => void }> = [];
  private ready!: (e: LdkEvent) => void;
  private failed: Error | null = null;
  /** Simulator peers each LDK node had before it went offline. */
  private savedPeers = new Map<string, SimNodeBase[]>();

  private constructor(readonly net: SimNetwork, private readonly proc: ChildProcessWithoutNullStreams) {}

  /** Starts the bridge, builds the LDK network of `spec`, and joins its nodes to `net`. */
  static async start(net: SimNetwork, bin: string, spec: Ldk02Spec): Promise<Ldk02> {
    const proc = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const b = new Ldk02(net, proc);
    createInterface({ input: proc.stdout }).on('line', (l) => b.onLine(l));
    const logFile = process.env.LDK02_LOG ? createWriteStream(process.env.LDK02_LOG, { flags: 'a' }) : undefined;
    createInterface({ input: proc.stderr }).on('line', (l) => {
      logFile?.write(l + '\n');
      b.log.push(l);
      if (b.log.length > 400) b.log.shift();
    });
    proc.on('exit', (code) => b.fail(new Error(`ldk02 bridge exited (${code})\n${b.log.slice(-40).join('\n')}`)));
    const ready = new Promise<LdkEvent>((res, rej) => {
      b.ready = res;
      proc.on('exit', () => rej(b.failed));
    });
    proc.stdin.write(JSON.stringify({ nodes: spec.nodes, channels: spec.channels }) + '\n');
    const r = await ready;
    for (const n of r.nodes as Array<{ name: string; id: string }>) {
      const node = new LdkSimNode(net, n.name, asPubKey(fromHex(n.id)), b);
      // In gossip only if it has a public channel, as LDK's graph would say.
      node.announced = spec.channels.some((c) => c.announced && (c.a === n.name || c.b === n.name));
      b.nodes.set(n.name, node);
      net.nodes.set(node.idHex, node);
    }
    await b.mirrorChannels();
    return b;
  }

  node(name: string): LdkSimNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no LDK node ${name}`);
    return n;
  }

  /** The simulator learns LDK's channels (every scid and alias), so it can resolve sciddir intros. */
  private async mirrorChannels(): Promise<void> {
    const seen = new Set<string>();
    for (const [name, node] of this.nodes) {
      const { channels } = await this.cmd('channels', { node: name });
      for (const c of channels) {
        const peer = this.net.node(c.peer);
        if (!peer) continue;
        for (const scid of [c.short_channel_id, c.inbound_scid_alias, c.outbound_scid_alias]) {
          if (scid === null || scid === undefined) continue;
          const s = scidToString(BigInt(scid));
          if (seen.has(s)) continue;
          seen.add(s);
          this.net.addChannel(node, peer, { scid: s, public: c.announced });
        }
      }
    }
  }

  /** Sends a command and waits for its answer (after the LDK network has settled). */
  cmd(cmd: string, args: Record<string, unknown> = {}): Promise<any> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, cmd });
      this.proc.stdin.write(JSON.stringify({ id, cmd, ...args }) + '\n');
    });
  }

  /** A command whose failure is reported through `failed` (packets arriving from the simulator). */
  send(cmd: string, args: Record<string, unknown>): void {
    this.cmd(cmd, args).catch((e: Error) => this.events.push({ ev: 'command_failed', cmd, error: e.message }));
  }

  /** The first event (seen or future) matching `pred`. */
  waitEvent(pred: (e: LdkEvent) => boolean, what: string, timeoutMs = 20_000): Promise<LdkEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`LDK: no ${what} within ${timeoutMs} ms; events: ${this.events.map((e) => `${e.node}:${e.kind ?? e.ev}`).join(' ')}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  }

  /** An LDK event of `kind` at `node`. */
  waitLdk(node: string, kind: string, pred: (e: LdkEvent) => boolean = () => true, timeoutMs?: number): Promise<LdkEvent> {
    return this.waitEvent((e) => e.ev === 'ldk' && e.node === node && e.kind === kind && pred(e), `${kind} at ${node}`, timeoutMs);
  }

  /** What went wrong in the bridge itself: failed commands, undeliverable messages, channel errors. */
  problems(): LdkEvent[] {
    return this.events.filter((e) => ['command_failed', 'error', 'onion_dropped', 'channel_error', 'unhandled_message'].includes(e.ev));
  }

  ldkEvents(node: string, kind: string): LdkEvent[] {
    return this.events.filter((e) => e.ev === 'ldk' && e.node === node && e.kind === kind);
  }

  /** Takes an LDK node off every link (LDK and simulator), or brings it back with the same links. */
  async setOnline(name: string, online: boolean): Promise<void> {
    const node = this.node(name);
    if (!online) {
      const peers = this.net.peersOf(node).filter((p) => !(p instanceof LdkSimNode));
      this.savedPeers.set(name, peers);
      for (const p of peers) this.net.disconnect(node, p);
      node.online = false;
      await this.cmd('set_online', { node: name, online: false });
    } else {
      node.online = true;
      await this.cmd('set_online', { node: name, online: true });
      for (const p of this.savedPeers.get(name) ?? []) if (p.online) this.net.connect(node, p);
      this.savedPeers.delete(name);
    }
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((res) => this.proc.once('exit', res));
    this.failed = new Error('closed');
    this.proc.stdin.end();
    await exited;
  }

  private onLine(line: string): void {
    let m: LdkEvent;
    try {
      m = JSON.parse(line);
    } catch {
      this.fail(new Error(`ldk02: not JSON on the protocol stream: ${line.slice(0, 200)}`));
      return;
    }
    if (m.ev === 'ready') return this.ready(m);
    if (m.re !== undefined) {
      const p = this.pending.get(m.re);
      if (!p) return;
      this.pending.delete(m.re);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`ldk02 ${p.cmd}: ${m.error}`));
      return;
    }
    if (m.ev === 'onion_out') {
      const from = this.node(m.node!);
      const to = this.net.node(m.peer);
      const om = fromHex(m.om);
      const pathKey = asPubKey(om.slice(0, 33));
      const packet = om.slice(35, 35 + ((om[33]! << 8) | om[34]!));
      if (to) this.net.deliver(from, to, pathKey, packet);
      else this.events.push({ ev: 'onion_dropped', node: m.node, peer: m.peer, why: 'no such simulator node' });
    }
    // As ldk-node does: connect to the node LDK needs for an onion message, if it can be reached.
    if (m.ev === 'ldk' && m.kind === 'ConnectionNeeded' && !m.connected) {
      const from = this.node(m.node!);
      const to = this.net.node(m.peer);
      if (to && !(to instanceof LdkSimNode) && from.online && to.online && to.announced) this.net.connect(from, to);
    }
    this.events.push(m);
    this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

// One simulated lightningd: RPC socket, the built plugin as a child process, hook
// chains with a stand-in for the built-in `offers` plugin, and connectd's delivery
// rules (unknown even final types dropped; onionmessage_forward_fail for failed
// forwards of messages that came from a peer).
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, toHex, u16, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPubKey, type PubKey } from '../../src/crypto/secp.js';
import type { SimNetwork } from './network.js';
import { SimNodeBase, type OnionOutcome } from './node-base.js';
import { PluginHost } from './plugin-host.js';
import { RpcServer, SimRpcError } from './rpc-server.js';
import { simBuildToPath, type SimFinal, blindedPathToJson } from './onion-adapter.js';
import { scidToString } from './scid.js';
import type { SimHtlc } from './channels.js';
import { ClnPayments } from './cln-payments.js';
import { featuresHex, listChannels, listNodes, listPeerChannels, listPeers } from './network-views.js';

export const PLUGIN_SCRIPT = new URL('../../src/asyncpay.js', import.meta.url).pathname;

/** Types CLN's generated onionmsg_tlv parser knows (wire/onion_wire.csv). */
const CLN_KNOWN_ONIONMSG_TYPES = new Set([2n, 4n, 64n, 66n, 68n]);

export interface ClnNodeOptions {
  seed?: number;
  /** getinfo's network (default regtest); LDK's test nodes run on testnet. */
  network?: string;
  /** Plugin script to run; false for a node without our plugin. */
  plugin?: string | false;
  pluginOptions?: Record<string, unknown>;
  env?: Record<string, string>;
  announced?: boolean;
  /** How long a hook may stay unanswered before the test fails. */
  hookTimeoutMs?: number;
  /** `important-plugin`: lightningd stops when the plugin dies (HTLCs wait for restart()). */
  importantPlugin?: boolean;
}

export class ClnNode extends SimNodeBase {
  plugin: PluginHost | null = null;
  readonly rpc: RpcServer;
  readonly lightningDir: string;
  private readonly hsmSecret: Uint8Array;
  /** Replies the `offers` stand-in sent (invoice_error to payers it did not know). */
  readonly offersStandinReplies: Array<{ kind: string; message: string }> = [];
  /** Every hook call made, with the payload and the answers, for tests. */
  readonly hookCalls: Array<{ hook: string; payload: any; answers: string[] }> = [];
  /** Every onionmessage_forward_fail notification sent to the plugin. */
  readonly forwardFails: any[] = [];
  fatal: string | null = null;
  private pluginRestarts = 0;
  /** HTLCs, invoices, payments and their RPCs (cln-payments.ts). */
  readonly payments: ClnPayments;

  constructor(net: SimNetwork, name: string, seed: number, readonly baseDir: string, readonly opts: ClnNodeOptions) {
    super(net, name, seed);
    this.lightningDir = join(baseDir, 'regtest');
    mkdirSync(this.lightningDir, { recursive: true });
    this.hsmSecret = sha256(utf8(`hsm secret ${seed}`));
    this.announced = opts.announced ?? true;
    this.rpc = new RpcServer(join(this.lightningDir, 'lightning-rpc'), (m, p) => this.handleRpc(m, p));
    this.payments = new ClnPayments(this);
  }

  override receiveHtlc(htlc: SimHtlc): void {
    this.payments.onHtlc(htlc);
  }

  /** lightningd restarts on its data: unresolved HTLCs are replayed to the plugin's hook. */
  restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    return this.payments.restart(signal);
  }

  override onBlock(height: number): void {
    if (this.plugin?.manifest?.subscriptions?.includes('block_added')) this.plugin.notify('block_added', { hash: sha256(utf8(`block ${height}`)).reverse().reduce((h, b) => h + b.toString(16).padStart(2, '0'), ''), height });
  }

  async start(): Promise<void> {
    await this.rpc.listen();
    if (this.opts.plugin !== false) await this.startPlugin();
  }

  /** Starts (or restarts, on the same directory) the plugin, as lightningd would at boot. */
  async startPlugin(extraOptions: Record<string, unknown> = {}): Promise<void> {
    const script = typeof this.opts.plugin === 'string' ? this.opts.plugin : PLUGIN_SCRIPT;
    const host = new PluginHost(script, [], this.opts.env ?? {}, `${this.name}#${this.pluginRestarts++}`);
    this.plugin = host;
    await host.handshake({ ...this.opts.pluginOptions, ...extraOptions }, this.lightningDir);
  }

  /** Kills the plugin (default SIGKILL), as a crash would; lightningd carries on. */
  async killPlugin(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.plugin;
    this.plugin = null;
    if (p && this.opts.importantPlugin && this.online) this.payments.fatal('important plugin died');
    if (p) {
      this.violations.push(...p.violations);
      await p.kill(signal);
    }
  }

  /** The node goes offline: plugin stopped, all peers disconnected. */
  async goOffline(): Promise<void> {
    for (const peer of this.net.peersOf(this)) this.net.disconnect(this, peer);
    this.online = false;
    await this.killPlugin('SIGTERM');
  }

  /** Back online: plugin restarted on the same data directory, channel peers reconnected. */
  async comeOnline(): Promise<void> {
    this.online = true;
    if (this.opts.plugin !== false) await this.startPlugin();
    for (const c of this.net.channelsOf(this)) {
      const other = c.a === this ? c.b : c.a;
      if (other.online) this.net.connect(this, other);
    }
  }

  override async shutdown(): Promise<void> {
    if (this.plugin) {
      this.violations.push(...this.plugin.violations);
      await this.plugin.stop();
      this.plugin = null;
    }
    await this.rpc.close();
  }

  /** `lightning-cli <method>`: lightningd passes the call to the plugin that registered it. */
  async cli(method: string, params: Record<string, unknown> | unknown[] = {}): Promise<any> {
    if (!this.plugin) throw new Error(`${this.name}: plugin not running`);
    return this.plugin.request(method, params);
  }

  override onPeerConnected(peer: SimNodeBase): void {
    this.plugin?.notify('connect', { id: peer.idHex, direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port: 9735 } });
  }
  override onPeerDisconnected(peer: SimNodeBase): void {
    this.plugin?.notify('disconnect', { id: peer.idHex });
  }

  protected override onForwardFail(
    source: SimNodeBase,
    pathKey: PubKey,
    incoming: Uint8Array,
    peeled: { nextNodeId?: PubKey; nextScid?: bigint; nextPathKey: PubKey; nextPacket: Uint8Array },
  ): void {
    const payload: Record<string, unknown> = {
      source: source.idHex,
      incoming: toHex(incoming),
      path_key: toHex(pathKey),
      outgoing: toHex(concatBytes(u16(513), peeled.nextPathKey, u16(peeled.nextPacket.length), peeled.nextPacket)),
    };
    if (peeled.nextNodeId) payload.next_node_id = toHex(peeled.nextNodeId);
    else payload.next_short_channel_id_dir = `${scidToString(peeled.nextScid!)}/0`;
    this.notifyForwardFail(payload);
  }

  private notifyForwardFail(payload: Record<string, unknown>): void {
    this.forwardFails.push(payload);
    this.plugin?.notify('onionmessage_forward_fail', payload);
  }

  protected override onFinal(source: SimNodeBase | null, pathKey: PubKey, packet: Uint8Array, msg: SimFinal): OnionOutcome {
    // connectd parses the final payload with CLN's onionmsg_tlv table: an unknown even
    // type fails the parse and the message is dropped before any hook runs.
    const unknownEven = msg.records.find((r) => !CLN_KNOWN_ONIONMSG_TYPES.has(r.type) && r.type % 2n === 0n);
    if (unknownEven) {
      if (source) this.notifyForwardFail({ source: source.idHex, incoming: toHex(packet), path_key: toHex(pathKey) });
      this.dropped.push({ reason: `unknown even type ${unknownEven.type}` });
      return { ok: false, error: `onion_message_parse: invalid onionmsg_tlv` };
    }
    const om: Record<string, unknown> = {};
    const hook = msg.pathId && msg.pathId.length === 32 ? 'onion_message_recv_secret' : 'onion_message_recv';
    if (hook === 'onion_message_recv_secret') om.pathsecret = toHex(msg.pathId!);
    if (msg.replyPath) om.reply_blindedpath = blindedPathToJson(msg.replyPath);
    const names: Record<string, string> = { '64': 'invoice_request', '66': 'invoice', '68': 'invoice_error' };
    for (const r of msg.records) if (names[String(r.type)]) om[names[String(r.type)]!] = toHex(r.value);
    om.unknown_fields = msg.records
      .filter((r) => !CLN_KNOWN_ONIONMSG_TYPES.has(r.type))
      .map((r) => ({ number: Number(r.type), value: toHex(r.value) }));
    void this.runHookChain(hook, { onion_message: om }, msg);
    return { ok: true };
  }

  /** Runs the hook chain in order; the `offers` stand-in goes first unless our plugin asked to run before it. */
  private async runHookChain(hook: string, payload: any, msg: SimFinal): Promise<void> {
    const record = { hook, payload, answers: [] as string[] };
    this.hookCalls.push(record);
    const plugin = this.plugin;
    const reg = plugin?.manifest.hooks.find((h) => (typeof h === 'string' ? h : h.name) === hook);
    const before = reg && typeof reg !== 'string' && reg.before?.includes('offers');
    const chain: Array<'plugin' | 'offers'> = reg ? (before ? ['plugin', 'offers'] : ['offers', 'plugin']) : ['offers'];
    for (const who of chain) {
      let answer: string;
      if (who === 'offers') answer = this.offersStandin(msg);
      else {
        try {
          const res = await plugin!.request(hook, payload, this.opts.hookTimeoutMs ?? 15_000);
          answer = typeof res?.result === 'string' ? res.result : 'invalid';
          if (answer === 'invalid') this.violations.push(`hook ${hook} answered without a result string: ${JSON.stringify(res)}`);
        } catch (e) {
          const err = e as Error & { rpcError?: unknown; terminated?: boolean };
          if (err.terminated) answer = 'continue'; // plugin died: chain continues
          else if (err.rpcError) {
            // lightningd: fatal("Plugin ... returned non-result response")
            this.fatal = `hook ${hook} answered with a JSON-RPC error: ${JSON.stringify(err.rpcError)}`;
            this.violations.push(this.fatal);
            this.online = false;
            await this.killPlugin();
            return;
          } else {
            this.violations.push(`hook ${hook} not answered: ${err.message}`);
            return;
          }
        }
      }
      record.answers.push(`${who}:${answer}`);
      if (answer !== 'continue') return;
    }
  }

  /** The built-in offers plugin, as far as unknown offers go: answer invoice_error, continue. */
  private offersStandin(msg: SimFinal): string {
    const invreq = msg.records.find((r) => r.type === 64n);
    const inv = msg.records.find((r) => r.type === 66n);
    if ((invreq || inv) && msg.replyPath) {
      const text = invreq ? 'Unknown offer' : 'Unknown invoice';
      // BOLT 4 tlv_invoice_error: type 5 `error` (utf8).
      const body = concatBytes(new Uint8Array([5, utf8(text).length]), utf8(text));
      try {
        const { pathKey, packet } = simBuildToPath(this.priv, [], msg.replyPath, [{ type: 68n, value: body }], this.net);
        const r = this.processOnion(null, pathKey, packet);
        if (r.ok) this.offersStandinReplies.push({ kind: invreq ? 'invoice_request' : 'invoice', message: text });
      } catch {
        /* the real plugin gives up silently too */
      }
    }
    return 'continue';
  }

  makesecret(info: Uint8Array): string {
    return toHex(hkdf(nobleSha256, this.hsmSecret, new Uint8Array(0), info, 32));
  }

  private async handleRpc(method: string, p: Record<string, any>): Promise<unknown> {
    if (!this.online && method !== 'getinfo') throw new SimRpcError(-1, 'node offline');
    switch (method) {
      case 'getinfo':
        return {
          id: this.idHex,
          alias: this.name.toUpperCase(),
          color: '02bf81',
          num_peers: this.net.peersOf(this).length,
          num_pending_channels: 0,
          num_active_channels: this.net.channelsOf(this).length,
          num_inactive_channels: 0,
          address: this.announced ? [{ type: 'ipv4', address: '127.0.0.1', port: 9735 }] : [],
          binding: [{ type: 'ipv4', address: '127.0.0.1', port: 9735 }],
          version: 'v26.06-sim',
          blockheight: this.net.blockheight,
          network: this.opts.network ?? 'regtest',
          fees_collected_msat: 0,
          'lightning-dir': this.lightningDir,
          our_features: { init: featuresHex(true), node: featuresHex(true), channel: '', invoice: '02000002024100' },
        };
      case 'makesecret': {
        if (typeof p.hex === 'string') return { secret: this.makesecret(fromHex(p.hex)) };
        if (typeof p.string === 'string') return { secret: this.makesecret(utf8(p.string)) };
        throw new SimRpcError(-32602, 'Need exactly one of hex or string');
      }
      case 'injectonionmessage': {
        let pathKey: PubKey;
        let message: Uint8Array;
        try {
          pathKey = asPubKey(fromHex(String(p.path_key)));
          message = fromHex(String(p.message));
        } catch {
          throw new SimRpcError(-32602, 'invalid path_key or message');
        }
        if (message.length > 65535) throw new SimRpcError(-32602, 'message too long');
        const r = this.processOnion(null, pathKey, message);
        if (!r.ok) throw new SimRpcError(-1, r.error);
        return {};
      }
      case 'listpeers':
        return listPeers(this, p);
      case 'listpeerchannels':
        return listPeerChannels(this, p);
      case 'listchannels':
        return listChannels(this, p);
      case 'listnodes':
        return listNodes(this, p);
      case 'connect': {
        const idStr = String(p.id ?? '').split('@')[0]!;
        const target = this.net.node(idStr);
        if (!target) throw new SimRpcError(400, `Unable to connect, no address known for peer`);
        if (!target.online) throw new SimRpcError(401, `All addresses failed: Connection refused`);
        if (!target.announced && !this.net.isConnected(this, target)) throw new SimRpcError(400, 'Unable to connect, no address known for peer');
        this.net.connect(this, target);
        return { id: target.idHex, features: featuresHex(target.supportsOnionMessages), direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port: 9735 } };
      }
      case 'disconnect': {
        const target = this.net.node(String(p.id));
        if (!target || !this.net.isConnected(this, target)) throw new SimRpcError(-1, 'Peer not connected');
        this.net.disconnect(this, target);
        return {};
      }
      default:
        if (this.payments.handles(method)) return this.payments.rpc(method, p);
        throw new SimRpcError(-32601, `Unknown command '${method}'`);
    }
  }
}

// The transport as the roles see it: create paths to ourselves bound to a context,
// send a typed message over any blinded path, and receive typed messages with their
// authenticated context. How arrival works (virtual node, notification) stays here.
import type { OnionMessage } from '../messages/index.js';
import type { BlindedPath } from '../onion/types.js';
import { encodeContext, NEVER, type PathContext } from './context.js';
import { createReceivePath, OwnPaths, type OwnPathsJournal } from './own-paths.js';
import { Receiver, type InboundHandler, type ReceiverLog } from './receive.js';
import { loadNodeSecrets, type NodeSecrets, type RpcLike } from './secrets.js';
import { Sender, type SendOptions } from './send.js';
import { Topology } from './topology.js';
import type { StrandedHandler } from './stranded.js';

export interface TransportOptions {
  readonly noconnect: boolean;
  /** Keeps our own paths across restarts (see OwnPaths). */
  readonly ownPathsJournal?: OwnPathsJournal;
  /** Unix seconds; injectable so tests and the plugin's dev clock agree. */
  readonly now: () => number;
}

export class Transport {
  readonly ownPaths: OwnPaths;
  readonly topology: Topology;
  readonly receiver: Receiver;
  private readonly sender: Sender;
  private handler: InboundHandler = async () => {};

  private constructor(
    readonly secrets: NodeSecrets,
    rpc: RpcLike,
    log: ReceiverLog,
    readonly opts: TransportOptions,
  ) {
    this.ownPaths = new OwnPaths(secrets.contextKey, opts.ownPathsJournal);
    this.topology = new Topology(rpc, secrets.ourId);
    this.receiver = new Receiver(secrets, log, (m) => this.handler(m), opts.now);
    this.sender = new Sender(rpc, this.topology, this.ownPaths, (id, msg, reply, relayed) => void this.receiver.deliverLocal(id, msg, reply, relayed), opts);
  }

  static async start(rpc: RpcLike, log: ReceiverLog, opts: TransportOptions): Promise<Transport> {
    return new Transport(await loadNodeSecrets(rpc), rpc, log, opts);
  }

  /** Routes every authenticated inbound message to the roles. */
  onMessage(handler: InboundHandler): void {
    this.handler = handler;
  }

  /**
   * A blinded path to this node (ending at our virtual node) bound to `ctx`. `compact`
   * paths (offer paths, which end up inside payment onions) carry no padding.
   * `remember: false` for paths only another node will ever send to (a remote
   * recipient's serve path): they stay out of the own-path registry.
   */
  async createPath(ctx: PathContext, opts: { compact?: boolean; remember?: boolean } = {}): Promise<BlindedPath> {
    const pathId = encodeContext(this.secrets.contextKey, ctx);
    const introPeer = await this.topology.introPeerForOurPaths();
    const path = createReceivePath({
      ourId: this.secrets.ourId,
      virtualId: this.secrets.virtualId,
      pathId,
      ...(introPeer ? { introPeer } : {}),
      pad: !opts.compact,
    });
    if (!introPeer && opts.remember !== false) this.ownPaths.remember(path, pathId, 'expiresAt' in ctx ? ctx.expiresAt : NEVER, this.opts.now());
    return path;
  }

  /** The context kind of `path` if it is one of our own paths that lead to us in-process. */
  ownPathKind(path: BlindedPath): PathContext['kind'] | 'unreadable' | undefined {
    const e = this.ownPaths.lookupEntry(path, this.opts.now());
    return e ? (e.kind ?? 'unreadable') : undefined;
  }

  send(path: BlindedPath, msg: OnionMessage, opts: SendOptions = {}): Promise<void> {
    return this.sender.send(path, msg, opts);
  }

  /**
   * Packets stuck because their next peer is away: failed forwards not addressed to
   * our virtual node, and our own relayed sends (then `send` resolves once taken).
   */
  onStranded(handler: StrandedHandler): void {
    this.receiver.others = (p) => handler(p, false);
    this.sender.stranded = handler;
  }

  /** `connect` notification: keeps the topology caches current. */
  onPeerConnected(id: string): void {
    this.topology.onPeerConnected(id);
  }

  /** `disconnect` notification. */
  onPeerDisconnected(id: string): void {
    this.topology.onPeerDisconnected(id);
  }

  /** `onionmessage_forward_fail`: where our messages arrive. */
  onForwardFail(payload: unknown): Promise<void> {
    return this.receiver.onForwardFail(payload);
  }
}

export { TransportError } from './topology.js';
export type { Inbound } from './receive.js';
export type { PathContext } from './context.js';

// Sending an onion message from this node: reach the introduction node (a connected
// peer, a route over gossip, or `connect`), build the packet with our node as the
// outermost layer, and hand it to lightningd with `injectonionmessage`.
import { equalBytes, toHex } from '../codec/bytes.js';
import { HexParam } from '../cln/request-text.js';
import type { PubKey } from '../crypto/secp.js';
import { encodeMessage, type OnionMessage } from '../messages/index.js';
import { buildOnionMessageToBlindedPath } from '../onion/onion_message.js';
import { SelfHopBlinding } from '../onion/self_hop.js';
import { FirstHopSessions } from '../onion/first_hop_sessions.js';
import type { BlindedPath } from '../onion/types.js';
import type { OwnPaths } from './own-paths.js';
import type { RpcLike } from './secrets.js';
import { TransportError, type Topology } from './topology.js';
import { strandedOwnPacket, type StrandedHandler } from './stranded.js';

export interface SendOptions {
  readonly replyPath?: BlindedPath;
  /**
   * Relay semantics (forwarding an invoice_request to a recipient): the introduction
   * node must be us or a connected peer; no route search, no connect.
   */
  readonly peerOnly?: boolean;
}

/** Where a message to one of our own paths goes instead of lightningd (`relayed`: sent with relay semantics). */
export type LocalDelivery = (pathId: Uint8Array, msg: OnionMessage, replyPath: BlindedPath | undefined, relayed: boolean) => void;

export class Sender {
  /** Takes packets whose next hop is an offline peer (the mailbox); unset: such sends fail. */
  stranded: StrandedHandler | undefined;

  constructor(
    private readonly rpc: RpcLike,
    private readonly topology: Topology,
    private readonly ownPaths: OwnPaths,
    private readonly local: LocalDelivery,
    private readonly opts: { noconnect: boolean; now: () => number },
  ) {}

  private selfHop: SelfHopBlinding | undefined;
  /** Every packet we inject is first peeled by our own node: see first_hop_sessions.ts. */
  private readonly sessions = new FirstHopSessions();

  private get ourId(): PubKey {
    return this.topology.ourId;
  }

  private selfHopFor(ourId: PubKey): SelfHopBlinding {
    if (!this.selfHop || !equalBytes(this.selfHop.ourNodeId, ourId)) this.selfHop = new SelfHopBlinding(ourId);
    return this.selfHop;
  }

  /** Sends `msg` over `path`. Rejects with a TransportError saying why it could not. */
  async send(path: BlindedPath, msg: OnionMessage, opts: SendOptions = {}): Promise<void> {
    const own = this.ownPaths.lookupEntry(path, this.opts.now());
    if (own) {
      // Relaying third-party content (a payer's invoice_request) into one of our own
      // paths would hand it straight back to a role that acts on it: a loop. Only our
      // recipient's forwarded-request endpoint consumes it without sending it on.
      if (opts.peerOnly && own.kind !== 'forwarded_invreq') {
        throw new TransportError(`refusing to relay to our own ${own.kind ?? 'unreadable'} path`);
      }
      // Our own path with us as introduction: lightningd would not tell us about it.
      const reply = opts.replyPath;
      const relayed = opts.peerOnly === true;
      setImmediate(() => this.local(own.pathId, msg, reply, relayed));
      return;
    }
    // Each question is answered synchronously when the topology cache already knows
    // (the steady state): a served request then pays no promise round trips here.
    const intro = this.topology.knownIntro(path.intro) ?? (await this.topology.resolveIntro(path.intro));
    if (!intro) throw new TransportError('cannot resolve the introduction node of the path');
    let via: PubKey[] = [];
    let introAway: TransportError | undefined;
    if (!equalBytes(intro, this.ourId)) {
      if (opts.peerOnly) {
        const id = toHex(intro);
        if (!(this.topology.knownConnectedPeer(id) ?? (await this.topology.isConnectedPeer(id)))) introAway = new TransportError(`introduction node ${id} is not a connected peer`);
        if (introAway && !this.stranded) throw introAway;
      } else {
        via = this.topology.knownRouteTo(intro) ?? (await this.topology.routeTo(intro, { noconnect: this.opts.noconnect }));
      }
    }
    const { type, value } = encodeMessage(msg);
    const built = buildOnionMessageToBlindedPath({
      ourNodeId: this.ourId,
      path,
      via,
      introNodeId: intro,
      selfHop: this.selfHopFor(this.ourId),
      sessions: this.sessions,
      payload: { message: { type, value }, ...(opts.replyPath ? { replyPath: opts.replyPath } : {}) },
    });
    if (introAway) return this.strand(path, built, intro, introAway);
    try {
      await this.rpc.call('injectonionmessage', { path_key: new HexParam(built.pathKey), message: new HexParam(built.packet) });
    } catch (e) {
      const err = new TransportError(`injectonionmessage failed: ${(e as Error).message}`);
      if (this.stranded && equalBytes(intro, this.ourId)) return this.strand(path, built, intro, err);
      throw err;
    }
  }

  /** Offers an undeliverable packet of ours to the `stranded` handler; `err` if it is not taken. */
  private async strand(path: BlindedPath, built: { pathKey: PubKey; packet: Uint8Array }, intro: PubKey, err: TransportError): Promise<void> {
    const p = await strandedOwnPacket(this.rpc, this.ourId, path, built, equalBytes(intro, this.ourId), intro);
    if (!p || !(await this.stranded!(p, true))) throw err;
  }
}

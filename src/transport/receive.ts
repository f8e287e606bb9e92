// Receiving: lightningd drops even-typed final payloads before any hook, so our paths
// end at the virtual node V and messages arrive in `onionmessage_forward_fail`. Here we
// keep the notifications addressed to V, peel V's layer, authenticate the path context
// and hand the roles a typed message. Every failure is one debug log and nothing else.
import { fromHex, toHex } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { decodeMessage, type OnionMessage } from '../messages/index.js';
import { decodeOwnedOnionMessageWire, peelOnionMessage } from '../onion/onion_message.js';
import { HopSecretCache } from '../onion/hop_secrets.js';
import type { BlindedPath } from '../onion/types.js';
import { contextExpired, decodeContext, type PathContext } from './context.js';
import type { NodeSecrets } from './secrets.js';

export interface Inbound {
  readonly context: PathContext;
  readonly message: OnionMessage;
  readonly replyPath?: BlindedPath;
  /** Sent by this node's own roles and delivered in-process (never through lightningd). */
  readonly local?: boolean;
  /** Delivered in-process by a relay (a forwarded invoice_request): must never be relayed again. */
  readonly relayed?: boolean;
}

export type InboundHandler = (m: Inbound) => Promise<void>;

export interface ReceiverLog {
  debug(m: string): void;
  unusual(m: string): void;
}

export class Receiver {
  /** Counters by outcome, for status output and tests. */
  readonly stats = { accepted: 0, ignored: 0, rejected: 0 };
  /** Gets the failed forwards that are not for our virtual node (the mailbox). */
  others: ((payload: Record<string, unknown>) => Promise<unknown>) | undefined;
  /** V's secrets per path key: every payer of an offer path reaches V under the same one. */
  private readonly hopSecrets: HopSecretCache;
  /** Compared with every failed forward's next_node_id: hex once, not per notification. */
  private readonly virtualIdHex: string;

  constructor(
    private readonly secrets: NodeSecrets,
    private readonly log: ReceiverLog,
    private readonly handler: InboundHandler,
    private readonly now: () => number,
  ) {
    this.hopSecrets = new HopSecretCache(secrets.virtualPriv);
    this.virtualIdHex = toHex(secrets.virtualId);
  }

  /** The `onionmessage_forward_fail` notification (payload already unwrapped). */
  async onForwardFail(payload: unknown): Promise<void> {
    const p = payload as Record<string, unknown> | null;
    if (!p || typeof p !== 'object') return this.reject('forward_fail payload is not an object');
    if (p.next_node_id !== this.virtualIdHex) {
      this.stats.ignored++;
      await this.others?.(p); // Some other failed forward: not the receiver's to handle.
      return;
    }
    if (typeof p.outgoing !== 'string') return this.reject('forward_fail to our virtual node without outgoing');
    let peeled;
    try {
      // The hex-decoded array is ours alone: the packet is read in place, not copied.
      const wire = decodeOwnedOnionMessageWire(fromHex(p.outgoing));
      peeled = peelOnionMessage(this.secrets.virtualPriv, wire.pathKey, wire.packet, this.hopSecrets);
    } catch (e) {
      return this.reject(`cannot peel message for our virtual node: ${(e as Error).message}`);
    }
    if (peeled.kind !== 'final') return this.reject('message tries to continue past our virtual node');
    const { pathId } = peeled.encryptedData;
    const m = peeled.onionmsg.message;
    if (!pathId) return this.reject('message to our virtual node without path_id');
    if (!m) return this.reject('message to our virtual node without contents');
    let msg: OnionMessage;
    try {
      msg = decodeMessage(m.type, m.value);
    } catch (e) {
      return this.reject(`undecodable message of type ${m.type}: ${(e as Error).message}`);
    }
    return this.accept(pathId, msg, peeled.onionmsg.replyPath);
  }

  /** A message we sent to one of our own paths (never left the node). */
  async deliverLocal(pathId: Uint8Array, msg: OnionMessage, replyPath: BlindedPath | undefined, relayed = false): Promise<void> {
    return this.accept(pathId, msg, replyPath, relayed ? { local: true, relayed: true } : { local: true });
  }

  private async accept(pathId: Uint8Array, message: OnionMessage, replyPath: BlindedPath | undefined, how: { local?: boolean; relayed?: boolean } = {}): Promise<void> {
    let context: PathContext;
    try {
      context = decodeContext(this.secrets.contextKey, pathId);
    } catch (e) {
      return this.reject(`${message.kind} with unauthenticated path_id ${toHex(pathId).slice(0, 16)}…: ${(e as DecodeError).message}`);
    }
    if (contextExpired(context, this.now())) return this.reject(`${message.kind} on an expired ${context.kind} path`);
    this.stats.accepted++;
    // Offer paths carry every payer's invoice_request: the server logs one line for each
    // request's outcome, so a busy server does not write two.
    if (context.kind !== 'offer') this.log.debug(`received ${message.kind} on ${context.kind} path${replyPath ? ' with reply path' : ''}`);
    try {
      // Built field by field: conditional spreads cost shape migrations on every message.
      const inbound: { -readonly [K in keyof Inbound]: Inbound[K] } = { context, message };
      if (replyPath) inbound.replyPath = replyPath;
      if (how.local) inbound.local = true;
      if (how.relayed) inbound.relayed = true;
      await this.handler(inbound);
    } catch (e) {
      // A role bug must not take the plugin down with it.
      this.log.unusual(`handling ${message.kind} failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  private reject(why: string): void {
    this.stats.rejected++;
    this.log.debug(`dropped onion message: ${why}`);
  }
}

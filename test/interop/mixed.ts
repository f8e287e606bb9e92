// Walks one onion message through a network where each node is either LDK
// (peels with UtilMethods.peel_onion_message) or us (src/onion's
// peelOnionMessage), so a cross-check reads: who built it, who peeled each
// hop, what the final node got.
import { toHex } from '../../src/codec/bytes.js';
import type { PrivKey } from '../../src/crypto/secp.js';
import { encodeBlindedPath } from '../../src/onion/blinded_path.js';
import { peelOnionMessage } from '../../src/onion/onion_message.js';
import type { EncryptedData } from '../../src/onion/types.js';
import { CapturingHandler, expectForward, ldkPeel, LdkError, type LdkContext } from './ldk/index.js';

export type Impl = 'ldk' | 'ours';

export interface MixedNode {
  readonly name: string;
  readonly priv: PrivKey;
  readonly impl: Impl;
}

export interface MixedReceipt {
  /** Name of the node that received it, and whose code peeled the last layer. */
  readonly at: string;
  readonly by: Impl;
  readonly type: bigint;
  readonly body: Uint8Array;
  readonly replyPath?: Uint8Array;
  /** Ours only: the final hop's decrypted encrypted_data_tlv. */
  readonly encryptedData?: EncryptedData;
  /** LDK only: the path context it found. */
  readonly ldkContext?: LdkContext;
}

export interface MixedDelivery {
  /** "name:impl" for each node that peeled, in order. */
  readonly hops: readonly string[];
  readonly final: MixedReceipt;
}

export class MixedNet {
  private readonly byId = new Map<string, MixedNode>();
  readonly scids = new Map<bigint, Uint8Array>();

  add(nodeId: Uint8Array, node: MixedNode): this {
    this.byId.set(toHex(nodeId), node);
    return this;
  }

  channel(scid: bigint, to: Uint8Array): this {
    this.scids.set(scid, to);
    return this;
  }

  /** Peels from `firstNodeId` on until someone receives; any drop throws (with LDK's log). */
  deliver(msg: { readonly firstNodeId: Uint8Array; readonly pathKey: Uint8Array; readonly packet: Uint8Array }, handler = new CapturingHandler()): MixedDelivery {
    const hops: string[] = [];
    let at = msg.firstNodeId;
    let pathKey = msg.pathKey;
    let packet = msg.packet;
    for (let i = 0; i < 20; i++) {
      const node = this.byId.get(toHex(at));
      if (!node) throw new Error(`MixedNet: no node ${toHex(at)}`);
      hops.push(`${node.name}:${node.impl}`);
      let next: { nodeId: Uint8Array } | { scid: bigint };
      if (node.impl === 'ldk') {
        const r = ldkPeel({ node: node.priv, pathKey, packet, handler });
        if (r.kind === 'receive') {
          const final: MixedReceipt = {
            at: node.name,
            by: 'ldk',
            type: r.type,
            body: r.body,
            ...(r.replyPath ? { replyPath: r.replyPath } : {}),
            ...(r.context ? { ldkContext: r.context } : {}),
          };
          return { hops, final };
        }
        const f = expectForward(r);
        next = f.next;
        pathKey = f.pathKey;
        packet = f.packet;
      } else {
        let r;
        try {
          r = peelOnionMessage(node.priv, pathKey, packet);
        } catch (e) {
          throw new LdkError(`our peel at ${node.name} failed: ${(e as Error).message}`);
        }
        if (r.kind === 'final') {
          const m = r.onionmsg.message;
          if (!m) throw new Error(`final hop at ${node.name} carries no message`);
          const final: MixedReceipt = {
            at: node.name,
            by: 'ours',
            type: m.type,
            body: m.value,
            encryptedData: r.encryptedData,
            ...(r.onionmsg.replyPath ? { replyPath: encodeBlindedPath(r.onionmsg.replyPath) } : {}),
          };
          return { hops, final };
        }
        next = r.next;
        pathKey = r.nextPathKey;
        packet = r.nextPacket;
      }
      if ('nodeId' in next) at = next.nodeId;
      else {
        const to = this.scids.get(next.scid);
        if (!to) throw new Error(`MixedNet: unknown scid ${next.scid}`);
        at = to;
      }
    }
    throw new Error('MixedNet: too many hops');
  }
}

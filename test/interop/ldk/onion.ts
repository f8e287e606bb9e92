// LDK's onion-message entry points, wrapped so an interop test deals only in
// bytes: blinded paths in, blinded paths out (BOLT 4 `blinded_path` encoding),
// packets as the raw `onion_message_packet` (version ‖ key ‖ payloads ‖ hmac).
//
// LDK API used (lightningdevkit 0.1.2-0 = LDK v0.1.2):
//   BlindedMessagePath.constructor_new(intermediate_nodes, recipient_node_id, context, entropy)
//   BlindedMessagePath.constructor_one_hop(recipient_node_id, context, entropy)
//   BlindedMessagePath.use_compact_introduction_node(ReadOnlyNetworkGraph)
//   BlindedMessagePath.write() / constructor_read(bytes)
//   UtilMethods.constructor_create_onion_message(entropy, node_signer, node_id_lookup,
//       OnionMessagePath, OnionMessageContents, reply_path | null)
//   UtilMethods.constructor_peel_onion_message(OnionMessage, node_signer, logger, custom_handler)
import {
  BlindedMessagePath,
  ChannelFeatures,
  Destination,
  MessageContext,
  MessageForwardNode,
  NetworkGraph,
  Network,
  Nonce,
  OffersContext,
  OnionMessage,
  OnionMessageContents,
  OnionMessagePath,
  Option_CVec_SocketAddressZZ,
  Option_u64Z,
  Packet,
  ReadOnlyNetworkGraph,
  Result_BlindedMessagePathDecodeErrorZ_OK,
  Result_BlindedMessagePathNoneZ_OK,
  Result_C3Tuple_PublicKeyOnionMessageCOption_CVec_SocketAddressZZZSendErrorZ_Err,
  Result_C3Tuple_PublicKeyOnionMessageCOption_CVec_SocketAddressZZZSendErrorZ_OK,
  Result_OnionMessageDecodeErrorZ_OK,
  UtilMethods,
} from 'lightningdevkit';
import { compareBytes, concatBytes, toHex, u16 } from '../../../src/codec/bytes.js';
import type { PrivKey } from '../../../src/crypto/secp.js';
import {
  rawContents,
  TestEntropy,
  TestLogger,
  TestNodeIdLookUp,
  TestNodeSigner,
  testPriv,
} from './adapters.js';

export class LdkError extends Error {
  constructor(
    message: string,
    readonly log: readonly string[] = [],
  ) {
    super(log.length ? `${message}\n  LDK log:\n    ${log.join('\n    ')}` : message);
    this.name = 'LdkError';
  }
}

type Seed = string | Uint8Array | TestEntropy;
const entropyOf = (s: Seed | undefined, fallback: string): TestEntropy =>
  s instanceof TestEntropy ? s : new TestEntropy(s ?? fallback);
/** A node signer from a key, or the signer itself (peel.ts uses it too). */
export const signerOf = (s: PrivKey | TestNodeSigner | undefined, fallback: string): TestNodeSigner =>
  s instanceof TestNodeSigner ? s : new TestNodeSigner(s ?? testPriv(fallback));
const lookupOf = (l: TestNodeIdLookUp | Iterable<readonly [bigint, Uint8Array]> | undefined): TestNodeIdLookUp =>
  l instanceof TestNodeIdLookUp ? l : new TestNodeIdLookUp(l ?? []);

// ---------------------------------------------------------------------------
// Blinded message paths

/** Bytes (BOLT 4 `blinded_path`) → LDK object; throws on a decode error. */
export function ldkReadBlindedPath(bytes: Uint8Array): BlindedMessagePath {
  const r = BlindedMessagePath.constructor_read(bytes);
  if (!(r instanceof Result_BlindedMessagePathDecodeErrorZ_OK)) {
    throw new LdkError(`LDK rejected blinded path ${toHex(bytes)}: ${(r as { err?: object }).err?.constructor.name}`);
  }
  return r.res;
}

/** Whether LDK's reader accepts these bytes as one BlindedMessagePath (and nothing else). */
export function ldkAcceptsBlindedPath(bytes: Uint8Array): boolean {
  const r = BlindedMessagePath.constructor_read(bytes);
  return r instanceof Result_BlindedMessagePathDecodeErrorZ_OK && compareBytes(r.res.write(), bytes) === 0;
}

const pathOf = (p: Uint8Array | BlindedMessagePath): BlindedMessagePath =>
  p instanceof BlindedMessagePath ? p : ldkReadBlindedPath(p);

/**
 * MessageContext::Offers(InvoiceRequest{nonce}) — what LDK puts on its offer
 * paths. LDK 0.1 delivers a message only if its kind matches the path's
 * context kind (Offers messages 64/66/68 need an Offers context, custom ones a
 * Custom context; no context at all accepts anything) and otherwise logs
 * "Received message was sent on a blinded path with the wrong context".
 */
export function ldkOffersContext(seed: Seed = 'ldk offers context'): MessageContext {
  const nonce = Nonce.constructor_from_entropy_source(entropyOf(seed, '').source);
  return MessageContext.constructor_offers(OffersContext.constructor_invoice_request(nonce));
}

/** A context for an LDK-made path: raw bytes become MessageContext::Custom. */
export type LdkContextSpec = MessageContext | Uint8Array;
const contextOf = (c: LdkContextSpec | undefined): MessageContext =>
  c instanceof MessageContext ? c : MessageContext.constructor_custom(c ?? new Uint8Array(0));

export interface LdkForwardNodeSpec {
  readonly nodeId: Uint8Array;
  /** LDK then names the next hop after this one by scid instead of node id. */
  readonly scid?: bigint;
}

export interface LdkBlindedPathSpec {
  /** Nodes before the recipient; the first is the introduction node. Empty → constructor_one_hop. */
  readonly intermediate?: ReadonlyArray<Uint8Array | LdkForwardNodeSpec>;
  readonly recipient: Uint8Array;
  /** Final-hop context (LDK writes it at encrypted_data_tlv type 65537). Default: Custom(empty). */
  readonly context?: LdkContextSpec;
  readonly seed?: Seed;
  /**
   * Make the introduction node a sciddir: LDK's own use_compact_introduction_node,
   * fed a one-channel NetworkGraph holding `scid` between the intro node and `peer`.
   */
  readonly compactIntro?: { readonly scid: bigint; readonly peer: Uint8Array };
}

export interface LdkBlindedPath {
  readonly path: BlindedMessagePath;
  readonly bytes: Uint8Array;
}

/** LDK builds a blinded message path; returns it and its write() bytes. */
export function ldkBlindedPath(spec: LdkBlindedPathSpec): LdkBlindedPath {
  const entropy = entropyOf(spec.seed, 'ldk blinded path');
  const context = contextOf(spec.context);
  const inter = (spec.intermediate ?? []).map((n) => (n instanceof Uint8Array ? { nodeId: n } : n));
  const r =
    inter.length === 0
      ? BlindedMessagePath.constructor_one_hop(spec.recipient, context, entropy.source)
      : BlindedMessagePath.constructor_new(
          inter.map((n) =>
            MessageForwardNode.constructor_new(
              n.nodeId,
              n.scid === undefined ? Option_u64Z.constructor_none() : Option_u64Z.constructor_some(n.scid),
            ),
          ),
          spec.recipient,
          context,
          entropy.source,
        );
  if (!(r instanceof Result_BlindedMessagePathNoneZ_OK)) throw new LdkError('LDK could not build the blinded path');
  const path = r.res;
  if (spec.compactIntro) {
    const intro = inter[0]?.nodeId ?? spec.recipient;
    ldkUseCompactIntro(path, intro, spec.compactIntro.peer, spec.compactIntro.scid);
  }
  return { path, bytes: path.write() };
}

export interface LdkChannel {
  readonly scid: bigint;
  /** The two ends, any order (node_one is the lesser key, as in channel_announcement). */
  readonly nodes: readonly [Uint8Array, Uint8Array];
}

/** A NetworkGraph holding just these channels (added as partial announcements). */
export function ldkGraph(channels: readonly LdkChannel[]): NetworkGraph {
  const logger = new TestLogger();
  const graph = NetworkGraph.constructor_new(Network.LDKNetwork_Regtest, logger.logger);
  for (const c of channels) {
    const [a, b] = c.nodes;
    const [n1, n2] = compareBytes(a, b) < 0 ? [a, b] : [b, a];
    const added = graph.add_channel_from_partial_announcement(c.scid, 0n, ChannelFeatures.constructor_empty(), n1, n2);
    if (!added.is_ok()) throw new LdkError(`NetworkGraph refused channel ${c.scid}`, logger.lines);
  }
  return graph;
}

/** Runs `f` with a read-only view of the graph (LDK holds a lock until it is freed). */
export function withReadOnly<T>(graph: NetworkGraph, f: (ro: ReadOnlyNetworkGraph) => T): T {
  const ro = graph.read_only();
  try {
    return f(ro);
  } finally {
    ro.free();
  }
}

/**
 * Runs LDK's use_compact_introduction_node against a graph with one channel
 * (scid) between `intro` and `peer`, so the direction bit comes out as BOLT 7
 * defines it (0 = intro is node_one, the lesser key).
 */
export function ldkUseCompactIntro(path: BlindedMessagePath, intro: Uint8Array, peer: Uint8Array, scid: bigint): void {
  const graph = ldkGraph([{ scid, nodes: [intro, peer] }]);
  withReadOnly(graph, (ro) => path.use_compact_introduction_node(ro));
}

// ---------------------------------------------------------------------------
// Building onion messages

export interface LdkOnionMessage {
  /** Peer LDK would hand the message to. */
  readonly firstNodeId: Uint8Array;
  /** `path_key` (LDK: blinding_point) sent alongside the packet. */
  readonly pathKey: Uint8Array;
  /** `onion_message_packet`: 0x00 ‖ 33-byte key ‖ payloads ‖ 32-byte hmac. */
  readonly packet: Uint8Array;
  /** The peer message body after its type: path_key ‖ u16 len ‖ packet (OnionMessage.write()). */
  readonly wire: Uint8Array;
}

export interface LdkSendSpec {
  /** A node id (LDK blinds a path to it itself) or a blinded path (bytes or object). */
  readonly to: { readonly node: Uint8Array } | { readonly path: Uint8Array | BlindedMessagePath };
  /** Unblinded hops LDK prepends before the destination / introduction node. */
  readonly via?: readonly Uint8Array[];
  /** Data TLV type and exact value bytes; or give ready-made `contents`. */
  readonly type?: bigint | number;
  readonly body?: Uint8Array;
  readonly contents?: OnionMessageContents;
  readonly replyPath?: Uint8Array | BlindedMessagePath;
  /** The sending node (matters when it is itself the introduction node). */
  readonly sender?: PrivKey | TestNodeSigner;
  readonly seed?: Seed;
  /**
   * scid → node id of the *sender's* channel peers. LDK's create_onion_message
   * uses it only when the sender is itself one end of a sciddir introduction
   * channel (direction picks between sender and peer); if that resolves to the
   * sender it peels its own hop (advance_path_by_one).
   */
  readonly lookup?: TestNodeIdLookUp | Iterable<readonly [bigint, Uint8Array]>;
  /**
   * Channels LDK may use to resolve a sciddir introduction node it is not an
   * end of: switches to create_onion_message_resolving_destination with a
   * NetworkGraph of these channels. Without it, LDK answers
   * UnresolvedIntroductionNode for such paths.
   */
  readonly channels?: readonly LdkChannel[];
}

/** LDK's OnionMessage as bytes: its path key, its packet, and LDK's serialisation of the whole. */
export function omToBytes(om: OnionMessage, firstNodeId: Uint8Array): LdkOnionMessage {
  const wire = om.write();
  return { firstNodeId, pathKey: om.get_blinding_point(), packet: om.get_onion_routing_packet().write(), wire };
}

/** LDK's create_onion_message with raw contents; throws LdkError naming the SendError. */
export function ldkCreateOnionMessage(spec: LdkSendSpec): LdkOnionMessage {
  const entropy = entropyOf(spec.seed, 'ldk create onion message');
  const signer = signerOf(spec.sender, 'ldk sender');
  const lookup = lookupOf(spec.lookup);
  const dest =
    'node' in spec.to ? Destination.constructor_node(spec.to.node) : Destination.constructor_blinded_path(pathOf(spec.to.path));
  const omPath = OnionMessagePath.constructor_new([...(spec.via ?? [])], dest, Option_CVec_SocketAddressZZ.constructor_none());
  let contents = spec.contents;
  if (!contents) {
    if (spec.type === undefined || spec.body === undefined) throw new Error('ldkCreateOnionMessage: give type and body, or contents');
    contents = rawContents(spec.type, spec.body);
  }
  const reply = spec.replyPath === undefined ? null : pathOf(spec.replyPath);
  const r = spec.channels
    ? withReadOnly(ldkGraph(spec.channels), (ro) =>
        UtilMethods.constructor_create_onion_message_resolving_destination(
          entropy.source, signer.signer, lookup.lookup, ro, omPath, contents!, reply,
        ),
      )
    : UtilMethods.constructor_create_onion_message(entropy.source, signer.signer, lookup.lookup, omPath, contents, reply);
  if (r instanceof Result_C3Tuple_PublicKeyOnionMessageCOption_CVec_SocketAddressZZZSendErrorZ_OK) {
    return omToBytes(r.res.get_b(), r.res.get_a());
  }
  const err = (r as Result_C3Tuple_PublicKeyOnionMessageCOption_CVec_SocketAddressZZZSendErrorZ_Err).err;
  throw new LdkError(`LDK create_onion_message failed: ${err.constructor.name}`);
}

/** Splits a packet into LDK's Packet (hop_data is everything between the key and the hmac). */
export function ldkPacket(packet: Uint8Array): Packet {
  if (packet.length < 66) throw new Error(`packet too short: ${packet.length}`);
  return Packet.constructor_new(packet[0]!, packet.subarray(1, 34), packet.subarray(34, packet.length - 32), packet.subarray(packet.length - 32));
}

/** path_key ‖ u16 len ‖ packet → OnionMessage, through LDK's own reader. */
export function ldkOnionMessage(pathKey: Uint8Array, packet: Uint8Array): OnionMessage {
  const r = OnionMessage.constructor_read(concatBytes(pathKey, u16(packet.length), packet));
  if (!(r instanceof Result_OnionMessageDecodeErrorZ_OK)) throw new LdkError('LDK could not read the onion_message');
  return r.res;
}

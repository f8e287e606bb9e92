// Onion messages end to end: building a packet whose first layer is our own node (what
// lightningd's `injectonionmessage` expects), the 0x0201 peer wire form, and peeling
// one layer with the BOLT 4 reader rules.
import { concatBytes, equalBytes, u16 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { parseTlvStream, rejectUnknownEven } from '../codec/tlv.js';
import { aeadDecrypt } from '../crypto/chacha.js';
import { asPubKey, randomPrivKey, type PrivKey, type PubKey } from '../crypto/secp.js';
import { blindHops, createBlindedPath } from './blinding.js';
import { decodeEncryptedData } from './encrypted_data.js';
import { decodeOwnedOnionMsgTlv, encodeOnionMsgTlv, type OnionMsgTlv } from './onionmsg_tlv.js';
import { buildSphinxPacket, chooseOnionMessagePayloadSize, peelSphinxPayload } from './sphinx.js';
import type { SelfHopBlinding } from './self_hop.js';
import { FirstHopSessions } from './first_hop_sessions.js';
import { hopSecrets, type HopSecretCache } from './hop_secrets.js';
import type { BlindedHop, BlindedPath, EncryptedData } from './types.js';

/** Peer message type 513. */
export const ONION_MESSAGE_TYPE = 513;

/** What the final hop reads besides its encrypted data. */
export type OnionMessageFinalPayload = Omit<OnionMsgTlv, 'encryptedRecipientData'>;

/** A built onion message: what `injectonionmessage {path_key, message}` takes. */
export interface OnionMessagePacket {
  readonly pathKey: PubKey;
  readonly packet: Uint8Array;
}

/**
 * Sphinx over already-blinded hops: every layer holds only its encrypted data, the last
 * one also `payload`. Size is 1300 when the framed payloads fit, else 32768.
 */
export function buildOnionMessagePacketForHops(
  hops: readonly BlindedHop[],
  payload: OnionMessageFinalPayload,
  session: PrivKey | FirstHopSessions = randomPrivKey(),
): Uint8Array {
  if (hops.length === 0) throw new RangeError('onion message needs at least one hop');
  // Sessions are only for packets our own node peels first (see first_hop_sessions.ts).
  const first = session instanceof FirstHopSessions ? session.next(hops[0]!.blindedNodeId) : undefined;
  const sessionKey = first?.sessionKey ?? (session instanceof FirstHopSessions ? randomPrivKey() : session);
  const last = hops.length - 1;
  const payloads = hops.map((h, i) =>
    encodeOnionMsgTlv(i === last ? { ...payload, encryptedRecipientData: h.encryptedData } : { encryptedRecipientData: h.encryptedData }),
  );
  return buildSphinxPacket({
    hopPubkeys: hops.map((h) => h.blindedNodeId),
    payloads,
    sessionKey,
    payloadSize: chooseOnionMessagePayloadSize(payloads),
    ...(first ? { firstHop: first } : {}),
  });
}

export interface ToRouteArgs {
  /** [our node, …, destination]; consecutive nodes must be peers. */
  readonly route: readonly PubKey[];
  /** The destination's own encrypted_data_tlv (default: empty). */
  readonly finalData?: EncryptedData | Uint8Array;
  readonly payload: OnionMessageFinalPayload;
  /** e_0 of the blinding chain. */
  readonly pathKeySecret?: PrivKey;
  /** The Sphinx session key (independent of the blinding key). */
  readonly sessionKey?: PrivKey;
  /** Pad every hop's encrypted data to the same length. */
  readonly pad?: boolean;
}

/** (a) A message along a route we chose: blind [us, …, dest] and build. */
export function buildOnionMessageToRoute(args: ToRouteArgs): OnionMessagePacket {
  const { route } = args;
  if (route.length === 0) throw new RangeError('route must start with our node');
  const nodes = route.map((nodeId, i) => ({
    nodeId,
    data: i + 1 < route.length ? { nextNodeId: route[i + 1]! } : (args.finalData ?? {}),
  }));
  const path = createBlindedPath(nodes, args.pathKeySecret ?? randomPrivKey(), { pad: args.pad ?? false });
  return { pathKey: path.firstPathKey, packet: buildOnionMessagePacketForHops(path.hops, args.payload, args.sessionKey) };
}

export interface ToBlindedPathArgs {
  readonly ourNodeId: PubKey;
  /** Their path (a reply path, an offer path, …). */
  readonly path: BlindedPath;
  /** Nodes strictly between us and their introduction node (default: none). */
  readonly via?: readonly PubKey[];
  /** The introduction node's id; required when `path.intro` is a sciddir (resolve it first). */
  readonly introNodeId?: PubKey;
  readonly payload: OnionMessageFinalPayload;
  readonly pathKeySecret?: PrivKey;
  readonly sessionKey?: PrivKey;
  /** Reusable blinding of our own hop (see self_hop.ts); used when their introduction node is our next hop. */
  readonly selfHop?: SelfHopBlinding;
  /** Cheaper session keys for a first hop key that repeats (see first_hop_sessions.ts); not with `sessionKey`. */
  readonly sessions?: FirstHopSessions;
}

/**
 * (b) A message to a blinded path someone else made. If we are the introduction node
 * the packet is their path as is, under their first path key. Otherwise we blind
 * [us, …via] with a fresh key; the hop before theirs names the introduction node and
 * carries next_path_key_override = their first_path_key, and their hops follow.
 * Either way the outermost layer is ours, as `injectonionmessage` requires.
 */
export function buildOnionMessageToBlindedPath(args: ToBlindedPathArgs): OnionMessagePacket {
  const { ourNodeId, path } = args;
  const via = args.via ?? [];
  let introId: PubKey;
  if (path.intro.kind === 'pubkey') {
    introId = path.intro.nodeId;
    if (args.introNodeId && !equalBytes(args.introNodeId, introId)) throw new RangeError('introNodeId disagrees with the path');
  } else {
    if (!args.introNodeId) throw new RangeError('path starts at a sciddir: resolve it and pass introNodeId');
    introId = args.introNodeId;
  }
  if (path.hops.length === 0) throw new RangeError('blinded path has no hops');
  if (args.sessions && args.sessionKey) throw new RangeError('sessions and sessionKey are exclusive');
  const session = args.sessionKey ?? args.sessions;

  if (equalBytes(introId, ourNodeId)) {
    if (via.length > 0) throw new RangeError('we are the introduction node: there is nothing to route via');
    return { pathKey: path.firstPathKey, packet: buildOnionMessagePacketForHops(path.hops, args.payload, session) };
  }
  if (via.length === 0 && args.selfHop && args.pathKeySecret === undefined) {
    if (!equalBytes(args.selfHop.ourNodeId, ourNodeId)) throw new RangeError('selfHop is for another node');
    const own = args.selfHop.hop({ nextNodeId: introId, nextPathKeyOverride: path.firstPathKey });
    return { pathKey: own.pathKey, packet: buildOnionMessagePacketForHops([own.hop, ...path.hops], args.payload, session) };
  }
  const prefix = [ourNodeId, ...via];
  const nodes = prefix.map((nodeId, i) => ({
    nodeId,
    data: i + 1 < prefix.length ? { nextNodeId: prefix[i + 1]! } : { nextNodeId: introId, nextPathKeyOverride: path.firstPathKey },
  }));
  const ours = blindHops(nodes, args.pathKeySecret ?? randomPrivKey());
  const hops: BlindedHop[] = [...ours.map((h) => ({ blindedNodeId: h.blindedNodeId, encryptedData: h.encryptedData })), ...path.hops];
  // Our freshly blinded first hop never repeats: no stepper for it.
  return { pathKey: ours[0]!.pathKey, packet: buildOnionMessagePacketForHops(hops, args.payload, args.sessionKey) };
}

/** The peer message: u16 513 ‖ path_key ‖ u16 len ‖ packet. */
export function encodeOnionMessageWire(m: OnionMessagePacket): Uint8Array {
  if (m.packet.length > 0xffff) throw new RangeError('onion message packet longer than 65535 bytes');
  return concatBytes(u16(ONION_MESSAGE_TYPE), m.pathKey, u16(m.packet.length), m.packet);
}

/**
 * Parses a 513 peer message (e.g. `outgoing` of `onionmessage_forward_fail`). Bytes
 * after the packet are a BOLT 1 extension stream: unknown even types are refused.
 */
export function decodeOnionMessageWire(b: Uint8Array): OnionMessagePacket {
  return decodeWire(b, true);
}

/**
 * decodeOnionMessageWire for bytes the caller hands over (freshly hex-decoded, held and
 * written by nobody else): path key and packet are views into `b`, so the 1.4 KB packet
 * is not copied once more on every message received.
 */
export function decodeOwnedOnionMessageWire(b: Uint8Array): OnionMessagePacket {
  return decodeWire(b, false);
}

function decodeWire(b: Uint8Array, copy: boolean): OnionMessagePacket {
  const r = new Reader(b);
  const type = r.u16();
  if (type !== ONION_MESSAGE_TYPE) throw new DecodeError(`not an onion_message (type ${type})`);
  const key = r.bytes(33);
  const pathKey = asPubKey(copy ? key.slice() : key);
  const len = r.u16();
  const body = r.bytes(len);
  const packet = copy ? body.slice() : body;
  // Nearly always nothing follows: no TLV parse (and its empty array) for an empty stream.
  if (!r.done()) rejectUnknownEven(parseTlvStream(r.rest()), () => false);
  return { pathKey, packet };
}

export type OnionMessageNext = { readonly nodeId: PubKey } | { readonly scid: bigint };

export type PeeledOnionMessage =
  | {
      readonly kind: 'forward';
      readonly next: OnionMessageNext;
      readonly nextPathKey: PubKey;
      readonly nextPacket: Uint8Array;
      readonly encryptedData: EncryptedData;
    }
  | {
      readonly kind: 'final';
      readonly onionmsg: OnionMsgTlv;
      readonly encryptedData: EncryptedData;
    };

/**
 * (c) Peels one layer as a node does on receipt: unblind with `pathKey`, decrypt the
 * layer with the blinded key, decrypt `encrypted_recipient_data`, and apply the BOLT 4
 * reader rules. Any violation is a DecodeError (the caller drops the message):
 * - every hop needs `encrypted_recipient_data` that decrypts to a valid TLV stream;
 * - `allowed_features` may not set any bit (no onion-message features are defined);
 * - a forwarding hop holds only type 4, no `path_id`, and `next_node_id` or `short_channel_id`;
 * - a final hop holds at most one message type ≥ 64 and no unknown even type.
 */
export function peelOnionMessage(nodePriv: PrivKey, pathKey: Uint8Array, packet: Uint8Array, cache?: HopSecretCache): PeeledOnionMessage {
  const E = asPubKey(pathKey);
  const hop = cache ? cache.get(nodePriv, E) : hopSecrets(nodePriv, E);
  const layer = peelSphinxPayload(hop.blindedPriv, packet);
  // layer.payload is a fresh array nobody else holds: its fields can be views into it.
  const onionmsg = decodeOwnedOnionMsgTlv(layer.payload);
  if (onionmsg.encryptedRecipientData === undefined) throw new DecodeError('onion message: missing encrypted_recipient_data');
  const encryptedData = decodeEncryptedData(aeadDecrypt(hop.rho, onionmsg.encryptedRecipientData));
  if (encryptedData.allowedFeatures?.some((x) => x !== 0)) throw new DecodeError('onion message: allowed_features has unknown bits');

  if (layer.isFinal) return { kind: 'final', onionmsg, encryptedData };

  if (onionmsg.replyPath !== undefined || onionmsg.message !== undefined || onionmsg.unknown !== undefined) {
    throw new DecodeError('onion message: forwarding hop carries fields besides encrypted_recipient_data');
  }
  if (encryptedData.pathId !== undefined) throw new DecodeError('onion message: forwarding hop has a path_id');
  let next: OnionMessageNext;
  if (encryptedData.nextNodeId !== undefined) next = { nodeId: encryptedData.nextNodeId };
  else if (encryptedData.shortChannelId !== undefined) next = { scid: encryptedData.shortChannelId };
  else throw new DecodeError('onion message: forwarding hop names no next node');
  return {
    kind: 'forward',
    next,
    nextPathKey: encryptedData.nextPathKeyOverride ?? hop.nextPathKey,
    nextPacket: layer.nextPacket!,
    encryptedData,
  };
}

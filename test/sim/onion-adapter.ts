// The simulator's onion processing, composed from the project's vector-tested onion
// primitives but applying connectd's own rules (onion-and-cln.md §2.6, §8), so that
// the plugin's higher-level send/receive code is checked against an independent path.
import { toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { parseTlvStream, tlvRecord, encodeTlvStream } from '../../src/codec/tlv.js';
import { ecdh, pubFromPriv, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import { decodeBlindedPath, encodeBlindedPath } from '../../src/onion/blinded_path.js';
import { blindedPrivKey, createBlindedPath, unblindHop } from '../../src/onion/blinding.js';
import { buildSphinxPacket, peelSphinxPacket, chooseOnionMessagePayloadSize } from '../../src/onion/sphinx.js';
import type { BlindedPath, EncryptedData } from '../../src/onion/types.js';
import type { SimNetwork } from './network.js';
import { scidToBigInt, scidToString } from './scid.js';

export type SimPeel =
  | { kind: 'forward'; nextNodeId?: PubKey; nextScid?: bigint; nextPathKey: PubKey; nextPacket: Uint8Array }
  | SimFinal;

export interface SimFinal {
  kind: 'final';
  pathId?: Uint8Array;
  encryptedData?: EncryptedData;
  replyPath?: BlindedPath;
  /** Every onionmsg_tlv record but reply_path (2) and encrypted_recipient_data (4). */
  records: Array<{ type: bigint; value: Uint8Array }>;
}

/** connectd's handle_onion for one packet: unblind with path_key, peel, apply hop rules. */
export function simPeel(priv: PrivKey, pathKey: PubKey, packet: Uint8Array): SimPeel {
  // The layer is encrypted to our blinded id: derive its key from the path key first.
  const layer = peelSphinxPacket(blindedPrivKey(priv, ecdh(priv, pathKey)), packet);
  const recs = parseTlvStream(layer.payload);
  const enc = recs.find((r) => r.type === 4n)?.value;
  if (!layer.isFinal) {
    if (recs.length !== 1 || !enc) throw new DecodeError('forward hop must carry only encrypted_recipient_data');
    const hop = unblindHop(priv, pathKey, enc);
    if (hop.data.pathId) throw new DecodeError('forward hop carries path_id');
    if (!hop.data.nextNodeId && hop.data.shortChannelId === undefined) throw new DecodeError('forward hop without next hop');
    return {
      kind: 'forward',
      ...(hop.data.nextNodeId ? { nextNodeId: hop.data.nextNodeId } : { nextScid: hop.data.shortChannelId! }),
      nextPathKey: hop.nextPathKey,
      nextPacket: layer.nextPacket!,
    };
  }
  const out: SimFinal = { kind: 'final', records: [] };
  if (enc) {
    const hop = unblindHop(priv, pathKey, enc);
    out.encryptedData = hop.data;
    if (hop.data.pathId) out.pathId = hop.data.pathId;
  }
  for (const r of recs) {
    if (r.type === 2n) out.replyPath = decodeBlindedPath(r.value);
    else if (r.type !== 4n) out.records.push({ type: r.type, value: r.value.slice() });
  }
  return out;
}

/** Creates a blinded path over `nodes` (intro first). */
export function simCreatePath(nodes: Array<{ nodeId: PubKey; data: EncryptedData }>): BlindedPath {
  return createBlindedPath(nodes);
}

/** The node a path's introduction point names, resolving sciddir over the network's channels. */
export function resolveIntro(path: BlindedPath, net: SimNetwork): PubKey | undefined {
  if (path.intro.kind === 'pubkey') return path.intro.nodeId;
  const scid = path.intro.scid;
  const dir = path.intro.direction;
  const ch = net.channels.find((c) => scidToBigInt(c.scid) === scid);
  if (!ch) return undefined;
  const [n1, n2] = ch.a.idHex < ch.b.idHex ? [ch.a, ch.b] : [ch.b, ch.a];
  return dir === 0 ? n1.id : n2.id;
}

/**
 * Builds an onion message from the node with `priv` to a blinded path: our own layer
 * first (as injectonionmessage and connectd expect), then `prefix` nodes, then theirs.
 */
export function simBuildToPath(
  priv: PrivKey,
  prefix: PubKey[],
  path: BlindedPath,
  records: Array<{ type: bigint; value: Uint8Array }>,
  net: SimNetwork,
  replyPath?: BlindedPath,
): { pathKey: PubKey; packet: Uint8Array } {
  const us = pubFromPriv(priv);
  const intro = resolveIntro(path, net);
  if (!intro) throw new Error('cannot resolve introduction node');
  let hops = [...path.hops];
  let pathKey = path.firstPathKey;
  if (toHex(intro) !== toHex(us)) {
    const chain = [us, ...prefix];
    const blinded = createBlindedPath(
      chain.map((id, i) => ({
        nodeId: id,
        data: i === chain.length - 1 ? { nextNodeId: intro, nextPathKeyOverride: path.firstPathKey } : { nextNodeId: chain[i + 1]! },
      })),
    );
    hops = [...blinded.hops, ...hops];
    pathKey = blinded.firstPathKey;
  }
  const payloads = hops.map((h, i) => {
    const recs = [tlvRecord(4n, h.encryptedData)];
    if (i === hops.length - 1) {
      if (replyPath) recs.push(tlvRecord(2n, encodeBlindedPath(replyPath)));
      for (const r of records) recs.push(tlvRecord(r.type, r.value));
    }
    return encodeTlvStream(recs);
  });
  const packet = buildSphinxPacket({
    hopPubkeys: hops.map((h) => h.blindedNodeId),
    payloads,
    payloadSize: chooseOnionMessagePayloadSize(payloads),
  });
  return { pathKey, packet };
}

/** A blinded path as lightningd's hook payload shows it (`reply_blindedpath`). */
export function blindedPathToJson(p: BlindedPath): Record<string, unknown> {
  const first =
    p.intro.kind === 'pubkey'
      ? { first_node_id: toHex(p.intro.nodeId) }
      : { first_scid: scidToString(p.intro.scid), first_scid_dir: p.intro.direction };
  return {
    ...first,
    first_path_key: toHex(p.firstPathKey),
    hops: p.hops.map((h) => ({ blinded_node_id: toHex(h.blindedNodeId), encrypted_recipient_data: toHex(h.encryptedData) })),
  };
}


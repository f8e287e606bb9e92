// Route blinding (BOLT 4 "Route Blinding"): creating a blinded path from public keys
// only, and unblinding one hop with a node's private key.
import { encodeBigSize } from '../codec/bigsize.js';
import { DecodeError } from '../codec/errors.js';
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../codec/tlv.js';
import { aeadDecrypt, aeadEncrypt } from '../crypto/chacha.js';
import { deriveKey, sha256 } from '../crypto/hash.js';
import { asPubKey, ecdh, ecdhOnce, pointMul, privMul, pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../crypto/secp.js';
import { decodeEncryptedData, encryptedDataBytes, ENCDATA_PADDING } from './encrypted_data.js';
import type { BlindedHop, BlindedPath, EncryptedData } from './types.js';

/** One node of a path being blinded, with what its hop should read. */
export interface BlindingNode {
  readonly nodeId: PubKey;
  /** The hop's `encrypted_data_tlv`, structured or already serialized. */
  readonly data: EncryptedData | Uint8Array;
}

/** Every intermediate value of one blinded hop (the vectors check each of these). */
export interface BlindedHopDetail extends BlindedHop {
  readonly nodeId: PubKey;
  /** e_i: the creator's private path key for this hop. */
  readonly pathPrivKey: PrivKey;
  /** E_i = e_i·G: the `path_key` this hop receives. */
  readonly pathKey: PubKey;
  /** ss_i = ECDH(e_i, N_i). */
  readonly sharedSecret: Uint8Array;
  /** rho_i = HMAC("rho", ss_i), the AEAD key of the encrypted data. */
  readonly rho: Uint8Array;
  /** The serialized plaintext that was encrypted. */
  readonly plaintext: Uint8Array;
}

/** B = HMAC("blinded_node_id", ss)·N. */
export function blindedNodeId(nodeId: PubKey, sharedSecret: Uint8Array): PubKey {
  return pointMul(nodeId, deriveKey('blinded_node_id', sharedSecret));
}

/** The private key of B: k·HMAC("blinded_node_id", ss) mod n. */
export function blindedPrivKey(nodePriv: PrivKey, sharedSecret: Uint8Array): PrivKey {
  return privMul(nodePriv, deriveKey('blinded_node_id', sharedSecret));
}

/** E_{i+1} = SHA256(E_i ‖ ss_i)·E_i: the path key a hop derives when there is no override. */
export function nextPathKey(pathKey: PubKey, sharedSecret: Uint8Array): PubKey {
  return pointMul(pathKey, sha256(pathKey, sharedSecret));
}

/**
 * Blinds `nodes` under `sessionKey` (e_0) and returns every per-hop value.
 * The chain always continues with SHA256(E_i ‖ ss_i)·e_i: an override in a hop's data
 * is for joining a path someone else made, whose keys we do not hold.
 */
export function blindHops(nodes: readonly BlindingNode[], sessionKey: PrivKey = randomPrivKey(), opts: { pad?: boolean } = {}): BlindedHopDetail[] {
  if (nodes.length === 0) throw new RangeError('blinded path needs at least one node');
  const plaintexts = nodes.map((n) => encryptedDataBytes(n.data));
  const padded = opts.pad ? padToEqualLength(plaintexts) : plaintexts;
  const out: BlindedHopDetail[] = [];
  let e = sessionKey;
  for (let i = 0; i < nodes.length; i++) {
    const nodeId = nodes[i]!.nodeId;
    const E = pubFromPriv(e);
    const ss = ecdhOnce(e, nodeId);
    const rho = deriveKey('rho', ss);
    const plaintext = padded[i]!;
    out.push({
      nodeId,
      pathPrivKey: e,
      pathKey: E,
      sharedSecret: ss,
      rho,
      plaintext,
      blindedNodeId: blindedNodeId(nodeId, ss),
      encryptedData: aeadEncrypt(rho, plaintext),
    });
    if (i + 1 < nodes.length) e = privMul(e, sha256(E, ss));
  }
  return out;
}

/**
 * Creates a blinded path N_0 → … → N_r. Needs no private key but the fresh `sessionKey`.
 * With `pad`, every hop's plaintext is brought to the same length with type 1 padding
 * (the spec's SHOULD), so hop sizes do not reveal which hop is last.
 */
export function createBlindedPath(nodes: readonly BlindingNode[], sessionKey: PrivKey = randomPrivKey(), opts: { pad?: boolean } = {}): BlindedPath {
  const hops = blindHops(nodes, sessionKey, opts);
  return {
    intro: { kind: 'pubkey', nodeId: nodes[0]!.nodeId },
    firstPathKey: hops[0]!.pathKey,
    hops: hops.map((h) => ({ blindedNodeId: h.blindedNodeId, encryptedData: h.encryptedData })),
  };
}

/** Result of unblinding one hop. */
export interface UnblindedHop {
  /** ss = ECDH(k, path_key). */
  readonly sharedSecret: Uint8Array;
  /** The private key for this hop's blinded id (it decrypts the onion layer). */
  readonly blindedPriv: PrivKey;
  /** The decrypted `encrypted_data_tlv` bytes. */
  readonly plaintext: Uint8Array;
  readonly data: EncryptedData;
  /** The override if the data has one, otherwise SHA256(E ‖ ss)·E. */
  readonly nextPathKey: PubKey;
}

/**
 * Unblinds one hop: decrypts `encryptedData` with rho(ECDH(nodePriv, pathKey)) and
 * derives the next path key. A bad tag, a malformed TLV or an unknown even type is a
 * DecodeError, as is an invalid `pathKey`.
 */
export function unblindHop(nodePriv: PrivKey, pathKey: Uint8Array, encryptedData: Uint8Array): UnblindedHop {
  const E = asPubKey(pathKey);
  const ss = ecdh(nodePriv, E);
  const plaintext = aeadDecrypt(deriveKey('rho', ss), encryptedData);
  const data = decodeEncryptedData(plaintext);
  return {
    sharedSecret: ss,
    blindedPriv: blindedPrivKey(nodePriv, ss),
    plaintext,
    data,
    nextPathKey: data.nextPathKeyOverride ?? nextPathKey(E, ss),
  };
}

/** Size of a type-1 record whose value is `v` bytes. */
function paddingRecordSize(v: number): number {
  return 1 + encodeBigSize(v).length + v;
}

/** Value length that makes a record of `extra` total bytes, or undefined if no such length exists. */
function paddingValueFor(extra: number): number | undefined {
  for (const hdr of [2, 4, 6]) {
    const v = extra - hdr;
    if (v >= 0 && paddingRecordSize(v) === extra) return v;
  }
  return undefined;
}

/**
 * Re-pads serialized TLV streams to one common length with a type-1 record of zeros.
 * Existing padding is replaced. Some gaps cannot be filled (a 1-byte gap; the bigsize
 * width jumps at 253), so the target grows until every hop fits.
 */
export function padToEqualLength(plaintexts: readonly Uint8Array[]): Uint8Array[] {
  const stripped: TlvRecord[][] = plaintexts.map((p) => {
    try {
      return parseTlvStream(p).filter((r) => r.type !== ENCDATA_PADDING);
    } catch (e) {
      if (e instanceof DecodeError) throw new RangeError(`cannot pad a malformed encrypted_data_tlv: ${e.message}`);
      throw e;
    }
  });
  const bare = stripped.map((recs) => recs.reduce((n, r) => n + r.raw.length, 0));
  let target = Math.max(...plaintexts.map((p) => p.length), ...bare);
  for (;;) {
    const fits = bare.every((b) => b === target || paddingValueFor(target - b) !== undefined);
    if (fits) break;
    target++;
  }
  return stripped.map((recs, i) => {
    const gap = target - bare[i]!;
    if (gap === 0) return encodeTlvStream(recs);
    const v = paddingValueFor(gap)!;
    return encodeTlvStream([tlvRecord(ENCDATA_PADDING, new Uint8Array(v)), ...recs]);
  });
}

// BOLT 12 "Signature Calculation": a merkle tree over every TLV record except the
// signature range 240–1000, then a BIP 340 signature over
// H("lightning" ‖ messagename ‖ fieldname, root), checked against the x-only key.
import { compareBytes, concatBytes, utf8 } from '../codec/bytes.js';
import { encodeBigSize } from '../codec/bigsize.js';
import type { TlvRecord } from '../codec/tlv.js';
import { namedTag, tagOf, taggedHashPair, taggedHashWith, type Tag } from '../crypto/hash.js';
import { schnorrSign, schnorrVerify, type PrivKey } from '../crypto/secp.js';
import { isSignatureType, type MessageName } from './fields.js';

const LN_NONCE = utf8('LnNonce');
// Tags prepared once: each leaf, nonce and branch hash then starts from the tag's midstate.
const LEAF = namedTag('LnLeaf');
const BRANCH = namedTag('LnBranch');

export function leafHash(record: Uint8Array): Uint8Array {
  return taggedHashWith(LEAF, [record]);
}

/** The nonce tag "LnNonce" ‖ first-tlv: it includes the whole first record, so it is prepared once per message. */
const nonceTag = (firstRecord: Uint8Array): Tag => tagOf(concatBytes(LN_NONCE, firstRecord));

/** H("LnNonce" ‖ first-tlv, BigSize(type)). */
export function nonceHash(firstRecord: Uint8Array, type: bigint): Uint8Array {
  return taggedHashWith(nonceTag(firstRecord), [encodeBigSize(type)]);
}

/** Inner node: the two children ordered bytewise, smaller first. */
export function branchHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  return compareBytes(a, b) <= 0 ? taggedHashPair(BRANCH, a, b) : taggedHashPair(BRANCH, b, a);
}

/**
 * Merkle root of a record list. Leaves are branch(leaf, nonce) per record, then
 * neighbours are paired level by level, an odd last node moving up unchanged (the
 * same tree as CLN's power-of-two split). Needs at least one non-signature record.
 * `records` must be in stream (ascending type) order, as parseTlvStream returns them.
 */
export function merkleRoot(records: readonly TlvRecord[]): Uint8Array {
  const covered = records.filter((r) => !isSignatureType(r.type));
  if (covered.length === 0) throw new RangeError('merkle root of an empty stream');
  // The nonce tag is the first record of the stream as a whole; it is never in
  // 240–1000 for our objects, but follow the spec literally and use the first covered one.
  const nonce = nonceTag(covered[0]!.raw);
  let level = covered.map((r) => branchHash(leafHash(r.raw), taggedHashWith(nonce, [encodeBigSize(r.type)])));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? branchHash(level[i]!, level[i + 1]!) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}

export function signatureTag(message: MessageName, field = 'signature'): string {
  return `lightning${message}${field}`;
}

/** The 32-byte message BIP 340 signs: H(tag, merkle root). */
export function sigHash(message: MessageName, records: readonly TlvRecord[], field = 'signature'): Uint8Array {
  return taggedHashWith(namedTag(signatureTag(message, field)), [merkleRoot(records)]);
}

/** Signs the records (signature-range records are ignored). `aux` defaults to randomness. */
export function signRecords(message: MessageName, records: readonly TlvRecord[], key: PrivKey, aux?: Uint8Array): Uint8Array {
  return schnorrSign(sigHash(message, records), key, aux);
}

/** Never throws: an empty stream or a malformed key/signature simply fails. */
export function verifyRecords(message: MessageName, records: readonly TlvRecord[], sig: Uint8Array, pub: Uint8Array): boolean {
  if (!records.some((r) => !isSignatureType(r.type))) return false;
  return schnorrVerify(sig, sigHash(message, records), pub);
}

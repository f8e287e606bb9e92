// BOLT 4 `blinded_path` serialization (LDK's BlindedMessagePath writes the same bytes),
// the plain-concatenation lists used inside BOLT 12 TLVs, and LDK's counted Vec form.
import { concatBytes, u16, u64 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { asPubKey } from '../crypto/secp.js';
import type { BlindedPath, IntroNode } from './types.js';

/** Writes `sciddir_or_pubkey`: 33-byte point, or direction byte + 8-byte scid. */
export function encodeIntroNode(n: IntroNode): Uint8Array {
  if (n.kind === 'pubkey') return n.nodeId;
  if (n.direction !== 0 && n.direction !== 1) throw new RangeError('sciddir direction must be 0 or 1');
  if (n.scid < 0n || n.scid > 0xffffffffffffffffn) throw new RangeError('scid out of range');
  return concatBytes(new Uint8Array([n.direction]), u64(n.scid));
}

/** Reads `sciddir_or_pubkey`; the first byte says which (0/1 sciddir, 2/3 point). */
export function readIntroNode(r: Reader): IntroNode {
  if (r.done()) throw new DecodeError('sciddir_or_pubkey: unexpected end');
  const first = r.bytes(1)[0]!;
  if (first === 0 || first === 1) return { kind: 'sciddir', direction: first, scid: r.u64() };
  if (first === 2 || first === 3) {
    const rest = r.bytes(32);
    const k = new Uint8Array(33);
    k[0] = first;
    k.set(rest, 1);
    return { kind: 'pubkey', nodeId: asPubKey(k) };
  }
  throw new DecodeError(`sciddir_or_pubkey: bad first byte ${first}`);
}

/** Serializes one `blinded_path`, written once into its output. Refuses shapes no reader would accept. */
export function encodeBlindedPath(p: BlindedPath): Uint8Array {
  if (p.hops.length < 1 || p.hops.length > 255) throw new RangeError('blinded_path: num_hops must be 1..255');
  const intro = encodeIntroNode(p.intro);
  let n = intro.length + p.firstPathKey.length + 1;
  for (const h of p.hops) {
    if (h.encryptedData.length > 0xffff) throw new RangeError('blinded_path: encrypted_recipient_data too long');
    n += h.blindedNodeId.length + 2 + h.encryptedData.length;
  }
  const out = new Uint8Array(n);
  out.set(intro);
  let o = intro.length;
  out.set(p.firstPathKey, o);
  o += p.firstPathKey.length;
  out[o++] = p.hops.length;
  for (const h of p.hops) {
    out.set(h.blindedNodeId, o);
    o += h.blindedNodeId.length;
    const len = h.encryptedData.length;
    out[o++] = len >>> 8;
    out[o++] = len & 0xff;
    out.set(h.encryptedData, o);
    o += len;
  }
  return out;
}

/** Reads one `blinded_path` at the reader's position (for callers embedding it in other structures). */
export function readBlindedPath(r: Reader): BlindedPath {
  const intro = readIntroNode(r);
  const firstPathKey = asPubKey(r.bytes(33).slice());
  const n = r.u8();
  if (n === 0) throw new DecodeError('blinded_path: num_hops is 0');
  const hops = [];
  for (let i = 0; i < n; i++) {
    const blindedNodeId = asPubKey(r.bytes(33).slice());
    const len = r.u16();
    hops.push({ blindedNodeId, encryptedData: r.bytes(len).slice() });
  }
  return { intro, firstPathKey, hops };
}

/** Decodes exactly one `blinded_path`; trailing bytes are an error. */
export function decodeBlindedPath(b: Uint8Array): BlindedPath {
  const r = new Reader(b);
  const p = readBlindedPath(r);
  if (!r.done()) throw new DecodeError('blinded_path: trailing bytes');
  return p;
}

/** A list of paths as BOLT 12 stores it (offer_paths, invoice_paths, …): concatenated, no count. */
export function encodeBlindedPaths(paths: readonly BlindedPath[]): Uint8Array {
  return concatBytes(...paths.map(encodeBlindedPath));
}

/**
 * Reads paths until the bytes run out. Empty input gives an empty list: whether an
 * empty list is acceptable (e.g. offer_paths) is the caller's rule, not the codec's.
 */
export function decodeBlindedPaths(b: Uint8Array): BlindedPath[] {
  const r = new Reader(b);
  const out: BlindedPath[] = [];
  while (!r.done()) out.push(readBlindedPath(r));
  return out;
}

/**
 * LDK's generic `Vec<T>` form (ldk-node's out-of-band path lists): a u16 count —
 * 0xffff escapes to a following u64 — then the elements back to back.
 */
export function encodeBlindedPathVec(paths: readonly BlindedPath[]): Uint8Array {
  const count = paths.length < 0xffff ? u16(paths.length) : concatBytes(u16(0xffff), u64(BigInt(paths.length)));
  return concatBytes(count, ...paths.map(encodeBlindedPath));
}

/** Inverse of encodeBlindedPathVec; the count must match and nothing may follow. */
export function decodeBlindedPathVec(b: Uint8Array): BlindedPath[] {
  const r = new Reader(b);
  let count = BigInt(r.u16());
  if (count === 0xffffn) count = r.u64();
  // The smallest path (sciddir intro, one empty hop) is 9+33+1+33+2 = 78 bytes, so an
  // impossible count fails at once instead of after a long loop.
  if (count * 78n > BigInt(r.remaining)) throw new DecodeError('blinded path vec: count exceeds data');
  const out: BlindedPath[] = [];
  for (let i = 0n; i < count; i++) out.push(readBlindedPath(r));
  if (!r.done()) throw new DecodeError('blinded path vec: trailing bytes');
  return out;
}

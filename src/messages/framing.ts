// LDK's framing of message bodies (impl_ser_tlv_based!, async-protocol.md §3.2):
// BigSize(len(inner)) ‖ inner TLV stream. An empty body is the single byte 00; a
// zero-length value is a short read for LDK, so we reject it too. We also reject
// bytes after the inner stream (LDK skips them; no sender produces them).
import { encodeBigSize } from '../codec/bigsize.js';
import { concatBytes } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { encodeTlvStream, parseTlvStream, type TlvRecord } from '../codec/tlv.js';

export function readFramedStream(value: Uint8Array, what: string): TlvRecord[] {
  if (value.length === 0) throw new DecodeError(`${what}: empty value (expected a length prefix)`);
  const r = new Reader(value);
  let inner: Uint8Array;
  try {
    inner = r.bytes(r.length());
  } catch (e) {
    if (e instanceof DecodeError) throw new DecodeError(`${what}: bad length prefix: ${e.message}`);
    throw e;
  }
  if (!r.done()) throw new DecodeError(`${what}: trailing bytes after the framed stream`);
  return parseTlvStream(inner);
}

export function writeFramedStream(records: readonly TlvRecord[]): Uint8Array {
  const inner = encodeTlvStream(records);
  return concatBytes(encodeBigSize(inner.length), inner);
}

/**
 * The BOLT 1 rules for a message body: unknown even → reject, unknown odd → ignore.
 * Returns the known records by type.
 */
export function knownFields(records: readonly TlvRecord[], known: readonly bigint[], what: string): Map<bigint, Uint8Array> {
  const out = new Map<bigint, Uint8Array>();
  for (const rec of records) {
    if (known.includes(rec.type)) out.set(rec.type, rec.value);
    else if (rec.type % 2n === 0n) throw new DecodeError(`${what}: unknown even field ${rec.type}`);
  }
  return out;
}

export function required(fields: Map<bigint, Uint8Array>, type: bigint, what: string, name: string): Uint8Array {
  const v = fields.get(type);
  if (v === undefined) throw new DecodeError(`${what}: missing ${name}`);
  return v;
}

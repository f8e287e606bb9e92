import { bigSizeLength, encodeBigSize, writeBigSize } from './bigsize.js';
import { concatBytes } from './bytes.js';
import { DecodeError } from './errors.js';
import { Reader } from './reader.js';

/** One TLV record. `raw` is the record's exact encoding (type ‖ length ‖ value). */
export interface TlvRecord {
  readonly type: bigint;
  readonly value: Uint8Array;
  readonly raw: Uint8Array;
}

/**
 * Parses a TLV stream: framing, minimal BigSize, strictly increasing types.
 * Whether a type is known is the caller's business (see `rejectUnknownEven`).
 */
export function parseTlvStream(b: Uint8Array): TlvRecord[] {
  const r = new Reader(b);
  const out: TlvRecord[] = [];
  let last = -1n;
  while (!r.done()) {
    const start = r.offset;
    const type = r.bigSize();
    const len = r.length();
    const value = r.bytes(len);
    if (type <= last) throw new DecodeError(`tlv: type ${type} not strictly increasing`);
    last = type;
    out.push({ type, value, raw: b.subarray(start, r.offset) });
  }
  return out;
}

/** The BOLT 1 rule: an unknown even type fails the whole stream. */
export function rejectUnknownEven(records: readonly TlvRecord[], isKnown: (t: bigint) => boolean): void {
  for (const rec of records) {
    if (!isKnown(rec.type) && rec.type % 2n === 0n) throw new DecodeError(`tlv: unknown even type ${rec.type}`);
  }
}

export function tlvRecord(type: bigint | number, value: Uint8Array): TlvRecord {
  const t = BigInt(type);
  bigSizeLength(t); // refuses a type BigSize cannot encode now, not when `raw` is read
  // `raw` is built on first read: encodeTlvStream writes from type and value, so a record
  // made only to be encoded never gets a copy of its own.
  let raw: Uint8Array | undefined;
  return {
    type: t,
    value,
    get raw() {
      return (raw ??= concatBytes(encodeBigSize(t), encodeBigSize(value.length), value));
    },
  };
}

/**
 * Serializes records, sorting by type and refusing duplicates. Each record is written from
 * its type and value into one output array (the same bytes as its `raw`: tlvRecord and
 * parseTlvStream make only records whose raw is exactly that encoding).
 */
export function encodeTlvStream(records: readonly TlvRecord[]): Uint8Array {
  const sorted = [...records].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (i > 0 && r.type === sorted[i - 1]!.type) throw new RangeError(`duplicate tlv type ${r.type}`);
    n += bigSizeLength(r.type) + bigSizeLength(r.value.length) + r.value.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const r of sorted) {
    o += writeBigSize(out, o, r.type);
    o += writeBigSize(out, o, r.value.length);
    out.set(r.value, o);
    o += r.value.length;
  }
  return out;
}

export function findRecord(records: readonly TlvRecord[], type: bigint | number): TlvRecord | undefined {
  const t = BigInt(type);
  return records.find((r) => r.type === t);
}

import { DecodeError } from './errors.js';

/** BOLT 1 BigSize: big-endian, minimal. */
export function encodeBigSize(v: bigint | number): Uint8Array {
  const n = BigInt(v);
  const out = new Uint8Array(bigSizeLength(n));
  writeBigSize(out, 0, n);
  return out;
}

/** Bytes encodeBigSize(v) takes; a number must be a safe non-negative integer (a length). */
export function bigSizeLength(v: bigint | number): number {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError('bigsize out of range');
    return v < 0xfd ? 1 : v <= 0xffff ? 3 : v <= 0xffffffff ? 5 : 9;
  }
  if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError('bigsize out of range');
  return v < 0xfdn ? 1 : v <= 0xffffn ? 3 : v <= 0xffffffffn ? 5 : 9;
}

/** Writes encodeBigSize(v) into out at `at` (no temporary array); returns the bytes written. */
export function writeBigSize(out: Uint8Array, at: number, v: bigint | number): number {
  const size = bigSizeLength(v);
  if (size === 9) {
    out[at] = 0xff;
    new DataView(out.buffer, out.byteOffset, out.byteLength).setBigUint64(at + 1, BigInt(v));
    return size;
  }
  const n = Number(v);
  if (size === 1) out[at] = n;
  else if (size === 3) {
    out[at] = 0xfd;
    out[at + 1] = n >>> 8;
    out[at + 2] = n & 0xff;
  } else {
    out[at] = 0xfe;
    for (let i = 0; i < 4; i++) out[at + 1 + i] = (n >>> (24 - 8 * i)) & 0xff;
  }
  return size;
}

/** Decodes a BigSize at `offset`; rejects truncation and non-minimal encodings. */
export function decodeBigSize(b: Uint8Array, offset = 0): { value: bigint; size: number } {
  if (offset >= b.length) throw new DecodeError('bigsize: unexpected end');
  const first = b[offset]!;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (first < 0xfd) return { value: BigInt(first), size: 1 };
  if (first === 0xfd) {
    if (offset + 3 > b.length) throw new DecodeError('bigsize: unexpected end');
    const v = dv.getUint16(offset + 1);
    if (v < 0xfd) throw new DecodeError('bigsize: not minimal');
    return { value: BigInt(v), size: 3 };
  }
  if (first === 0xfe) {
    if (offset + 5 > b.length) throw new DecodeError('bigsize: unexpected end');
    const v = dv.getUint32(offset + 1);
    if (v <= 0xffff) throw new DecodeError('bigsize: not minimal');
    return { value: BigInt(v), size: 5 };
  }
  if (offset + 9 > b.length) throw new DecodeError('bigsize: unexpected end');
  const v = dv.getBigUint64(offset + 1);
  if (v <= 0xffffffffn) throw new DecodeError('bigsize: not minimal');
  return { value: v, size: 9 };
}

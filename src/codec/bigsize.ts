import { DecodeError } from './errors.js';

/** BOLT 1 BigSize: big-endian, minimal. */
export function encodeBigSize(v: bigint | number): Uint8Array {
  const n = BigInt(v);
  if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError('bigsize out of range');
  if (n < 0xfdn) return new Uint8Array([Number(n)]);
  if (n <= 0xffffn) return new Uint8Array([0xfd, Number(n >> 8n), Number(n & 0xffn)]);
  if (n <= 0xffffffffn) {
    const out = new Uint8Array(5);
    out[0] = 0xfe;
    new DataView(out.buffer).setUint32(1, Number(n));
    return out;
  }
  const out = new Uint8Array(9);
  out[0] = 0xff;
  new DataView(out.buffer).setBigUint64(1, n);
  return out;
}

/** Bytes encodeBigSize(n) takes, for a length (a safe non-negative integer). */
export function bigSizeLength(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('bigsize out of range');
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** Writes encodeBigSize(n) into out at `at` (no temporary array); returns the bytes written. */
export function writeBigSize(out: Uint8Array, at: number, n: number): number {
  const size = bigSizeLength(n);
  if (size === 1) out[at] = n;
  else if (size === 3) {
    out[at] = 0xfd;
    out[at + 1] = n >>> 8;
    out[at + 2] = n & 0xff;
  } else if (size === 5) {
    out[at] = 0xfe;
    for (let i = 0; i < 4; i++) out[at + 1 + i] = (n >>> (24 - 8 * i)) & 0xff;
  } else {
    out[at] = 0xff;
    const hi = Math.floor(n / 2 ** 32);
    const lo = n >>> 0;
    for (let i = 0; i < 4; i++) {
      out[at + 1 + i] = (hi >>> (24 - 8 * i)) & 0xff;
      out[at + 5 + i] = (lo >>> (24 - 8 * i)) & 0xff;
    }
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

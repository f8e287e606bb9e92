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

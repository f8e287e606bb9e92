import { DecodeError } from './errors.js';

/** Truncated big-endian unsigned integer (tu16/tu32/tu64): no leading zero bytes; 0 is empty. */
export function encodeTu(v: bigint | number): Uint8Array {
  let n = BigInt(v);
  if (n < 0n) throw new RangeError('negative tu');
  const out: number[] = [];
  while (n > 0n) {
    out.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return new Uint8Array(out);
}

export function decodeTu(b: Uint8Array, maxBytes: 2 | 4 | 8): bigint {
  if (b.length > maxBytes) throw new DecodeError(`tu${maxBytes * 8}: too long`);
  if (b.length > 0 && b[0] === 0) throw new DecodeError(`tu${maxBytes * 8}: not minimal`);
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export const decodeTu16 = (b: Uint8Array): number => Number(decodeTu(b, 2));
export const decodeTu32 = (b: Uint8Array): number => Number(decodeTu(b, 4));
export const decodeTu64 = (b: Uint8Array): bigint => decodeTu(b, 8);

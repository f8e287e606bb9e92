// Feature bit fields (BOLT 9): big-endian bytes, bit 0 is the least significant bit
// of the last byte. BOLT 12 fields carry them raw (no length prefix). We keep the
// bytes as received so re-encoding is exact, and answer questions about them here.

/** Whether bit `n` is set. */
export function hasFeature(f: Uint8Array | undefined, n: number): boolean {
  if (!f) return false;
  const byte = f.length - 1 - (n >> 3);
  return byte >= 0 && (f[byte]! & (1 << (n & 7))) !== 0;
}

/** Minimal big-endian bytes with exactly the given bits set. */
export function featureBits(...bits: number[]): Uint8Array {
  if (bits.length === 0) return new Uint8Array(0);
  const max = Math.max(...bits);
  const out = new Uint8Array((max >> 3) + 1);
  for (const n of bits) out[out.length - 1 - (n >> 3)]! |= 1 << (n & 7);
  return out;
}

/** Every set bit, ascending. */
export function setBits(f: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < f.length * 8; i++) if (hasFeature(f, i)) out.push(i);
  return out;
}

/**
 * The "it's OK to be odd" rule for features: an even (compulsory) bit we do not
 * know means we cannot proceed. `known` lists the bits (either of a pair) we do know.
 */
export function unknownRequiredBits(f: Uint8Array | undefined, known: readonly number[] = []): number[] {
  if (!f) return [];
  return setBits(f).filter((b) => b % 2 === 0 && !known.includes(b) && !known.includes(b + 1));
}

/** Features the BOLT 12 objects understand. */
export const FEATURE = {
  /** basic_mpp, the only invoice feature LDK and BOLT 12 define (16 compulsory / 17 optional). */
  basicMpp: 16,
} as const;

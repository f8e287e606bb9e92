/**
 * Seeded randomness for the cln runtime tests: reproducible splits, sizes
 * and JSON content that stresses a byte-level scanner (multi-byte UTF-8,
 * escapes, brackets and quotes inside strings).
 */

/** mulberry32: tiny, fast, good enough for test data. */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  /** Integer in [lo, hi], log-uniform: as many small sizes as large ones. */
  logRange(lo: number, hi: number): number {
    return Math.min(hi, Math.floor(Math.exp(Math.log(lo) + this.next() * (Math.log(hi + 1) - Math.log(lo)))));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

/** Pieces that are hard for a byte scanner: 2-, 3- and 4-byte UTF-8, escapes, structural characters in strings. */
const NASTY = ['é', '€', '𝄞', '😀', '"', '\\', '\\"', '{', '}', '[', ']', '\n', '\t', '\u0000', '\u2028', '"}', '\\\\"', ' ', 'a', '0', ':', ','];

/** A string of about `bytes` UTF-8 bytes with nasty pieces sprinkled in. */
export function nastyString(r: Rand, bytes: number): string {
  const out: string[] = [];
  let n = 0;
  while (n < bytes) {
    if (r.int(4) === 0) {
      const p = r.pick(NASTY);
      out.push(p);
      n += Buffer.byteLength(p);
    } else {
      // runs of plain hex, like the onion payloads the plugin really gets
      const len = Math.min(bytes - n, 1 + r.int(64));
      let s = '';
      for (let i = 0; i < len; i++) s += '0123456789abcdef'[r.int(16)];
      out.push(s);
      n += len;
    }
  }
  return out.join('');
}

/** A random JSON value (objects, arrays, numbers, nasty strings), depth-limited. */
export function randomJson(r: Rand, depth = 0): unknown {
  const k = depth > 3 ? r.int(4) : r.int(7);
  switch (k) {
    case 0:
      return nastyString(r, r.int(40));
    case 1:
      return r.int(2) === 0 ? r.int(1e9) - 5e8 : r.next() * 1e6;
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return '';
    case 4:
    case 5: {
      const o: Record<string, unknown> = {};
      const n = r.int(5);
      for (let i = 0; i < n; i++) o[nastyString(r, 1 + r.int(8))] = randomJson(r, depth + 1);
      return o;
    }
    default: {
      const n = r.int(5);
      return Array.from({ length: n }, () => randomJson(r, depth + 1));
    }
  }
}

/** Splits `buf` at random byte boundaries; `maxChunk` bounds piece size. */
export function randomSplit(r: Rand, buf: Buffer, maxChunk: number): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    // Mix single bytes, small pieces and large ones, so splits fall inside
    // characters and escapes as well as between many whole messages.
    const kind = r.int(4);
    const size = kind === 0 ? 1 : kind === 1 ? 1 + r.int(16) : 1 + r.int(maxChunk);
    out.push(buf.subarray(i, i + size));
    i += size;
  }
  return out;
}

/** A small seeded PRNG (xorshift128+) so fuzz runs are reproducible. */
export class Prng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: number) {
    this.s0 = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
    this.s1 = (BigInt(seed) ^ 0xdeadbeefn) * 0xbf58476d1ce4e5b9n + 7n;
    for (let i = 0; i < 8; i++) this.next();
  }
  next(): number {
    const M = 0xffffffffffffffffn;
    let s1 = this.s0;
    const s0 = this.s1;
    this.s0 = s0;
    s1 = (s1 ^ (s1 << 23n)) & M;
    this.s1 = s1 ^ s0 ^ (s1 >> 17n) ^ (s0 >> 26n);
    return Number(((this.s1 + s0) & M) >> 11n) / 2 ** 53;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
  /** A random mutation of `b`: flip, insert, delete, truncate or extend. */
  mutate(b: Uint8Array): Uint8Array {
    const a = Array.from(b);
    const ops = 1 + this.int(4);
    for (let k = 0; k < ops; k++) {
      const op = this.int(6);
      const i = a.length ? this.int(a.length) : 0;
      if (op === 0 && a.length) a[i] = a[i]! ^ (1 << this.int(8));
      else if (op === 1) a.splice(i, 0, this.int(256));
      else if (op === 2 && a.length) a.splice(i, 1);
      else if (op === 3) a.length = this.int(a.length + 1);
      else if (op === 4) a.push(...this.bytes(this.int(8)));
      else if (a.length) a[i] = [0, 0xff, 0xfd, 0xfe, 0x7f, 0x80][this.int(6)]!;
    }
    return new Uint8Array(a);
  }
}

/** Runs `decode` over `count` random and mutated inputs; fails on anything but `ErrorType`. */
export function fuzz(
  seeds: readonly Uint8Array[],
  decode: (b: Uint8Array) => unknown,
  isExpected: (e: unknown) => boolean,
  { count = 20000, seed = 1, maxLen = 256 } = {},
): { ok: number; rejected: number } {
  const rng = new Prng(seed);
  let ok = 0;
  let rejected = 0;
  for (let i = 0; i < count; i++) {
    const input = seeds.length && i % 4 !== 0 ? rng.mutate(seeds[rng.int(seeds.length)]!) : rng.bytes(rng.int(maxLen));
    try {
      decode(input);
      ok++;
    } catch (e) {
      if (!isExpected(e)) throw new Error(`unexpected ${String(e)} on input ${Buffer.from(input).toString('hex')}`, { cause: e });
      rejected++;
    }
  }
  return { ok, rejected };
}

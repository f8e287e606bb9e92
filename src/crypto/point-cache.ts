// A bounded memory of compressed points that already passed validation, keyed by their
// 33 bytes (not by the Uint8Array object): a served request decodes the same points
// (the offer path's blinded node ids, introduction nodes, a recipient's stored paths)
// into fresh arrays every time, and re-decompressing each costs a square root.
//
// Two generations instead of an exact LRU: new points go into `young`; when it holds
// max/2 points it becomes `old` and the previous `old` is dropped whole. A hit in `old`
// is copied into `young`, so points in use survive and points unused for max/2..max
// insertions are forgotten. An LRU on one Map (delete + re-set on every hit, evict the
// first key) measured 2–7 µs per operation at 4096 entries in V8 — as slow as the
// validation it saves — because deleted slots pile up; this is O(1) per operation.
// A peer sending a stream of new points can only cause forgetting, never growth past `max`.

export class PointCache {
  private young = new Set<string>();
  private old = new Set<string>();
  private readonly generation: number;

  constructor(readonly max: number) {
    if (!(max >= 2)) throw new RangeError('PointCache needs room for at least two points');
    this.generation = Math.floor(max / 2);
  }

  /** Entries held (a point can be in both generations, so this bounds the distinct count from above). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** True when these 33 bytes were added and not forgotten since. */
  has(p: Uint8Array): boolean {
    return p.length === 33 && this.hasKey(keyOf(p));
  }

  /** has(p), else validate(p), remembering p when that says it is valid (one key computed). */
  check(p: Uint8Array, validate: (p: Uint8Array) => boolean): boolean {
    if (p.length !== 33) return validate(p);
    const k = keyOf(p);
    if (this.hasKey(k)) return true;
    if (!validate(p)) return false;
    this.insert(k);
    return true;
  }

  /** Records a point the caller has VALIDATED. */
  add(p: Uint8Array): void {
    if (p.length !== 33) return;
    this.insert(keyOf(p));
  }

  clear(): void {
    this.young = new Set();
    this.old = new Set();
  }

  private hasKey(k: string): boolean {
    if (this.young.has(k)) return true;
    if (!this.old.has(k)) return false;
    this.insert(k); // still in use: keep it past the next rotation
    return true;
  }

  private insert(k: string): void {
    this.young.add(k);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Set();
    }
  }
}

/** The bytes as a one-byte-per-char string: a compact, exact key (no hex doubling). */
const keyOf = (p: Uint8Array): string => Buffer.from(p.buffer, p.byteOffset, p.length).toString('latin1');

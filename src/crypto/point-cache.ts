// A bounded memory of compressed points that already passed validation, keyed by their
// 33 bytes (not by the Uint8Array object): a served request decodes the same points
// (the offer path's blinded node ids, introduction nodes, a recipient's stored paths)
// into fresh arrays every time, and re-decompressing each costs a square root.
// Least recently used entries go first, so a peer sending a stream of new points can
// only evict, never grow memory past `max` entries (~100 B each).

export class PointCache {
  // Map iterates in insertion order: a hit is re-inserted, so the first key is the LRU.
  private readonly seen = new Map<string, true>();

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError('PointCache needs room for at least one point');
  }

  get size(): number {
    return this.seen.size;
  }

  /** True when these 33 bytes were added and not evicted since. */
  has(p: Uint8Array): boolean {
    if (p.length !== 33) return false;
    const k = keyOf(p);
    if (!this.seen.delete(k)) return false;
    this.seen.set(k, true);
    return true;
  }

  /** Records a point the caller has VALIDATED; evicts the least recently used beyond `max`. */
  add(p: Uint8Array): void {
    if (p.length !== 33) return;
    const k = keyOf(p);
    this.seen.delete(k);
    this.seen.set(k, true);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
  }

  clear(): void {
    this.seen.clear();
  }
}

/** The bytes as a one-byte-per-char string: a compact, exact Map key (no hex doubling). */
const keyOf = (p: Uint8Array): string => Buffer.from(p.buffer, p.byteOffset, p.length).toString('latin1');

// A bounded memory of compressed points that already passed validation, keyed by their
// 33 bytes (not by the Uint8Array object): a served request decodes the same points
// (the offer path's blinded node ids, introduction nodes, a recipient's stored paths)
// into fresh arrays every time, and re-decompressing each costs a square root.
//
// Bounded in two generations (src/generations.ts): points in use survive, a peer sending
// a stream of new points can only cause forgetting, never growth past `max`.
import { byteKey as keyOf, Generations } from '../generations.js';

export class PointCache {
  private readonly seen: Generations<true>;

  constructor(readonly max: number) {
    if (!(max >= 2)) throw new RangeError('PointCache needs room for at least two points');
    this.seen = new Generations(max);
  }

  /** Entries held (a point can be in both generations, so this bounds the distinct count from above). */
  get size(): number {
    return this.seen.size;
  }

  /** True when these 33 bytes were added and not forgotten since. */
  has(p: Uint8Array): boolean {
    return p.length === 33 && this.seen.get(keyOf(p)) === true;
  }

  /** has(p), else validate(p), remembering p when that says it is valid (one key computed). */
  check(p: Uint8Array, validate: (p: Uint8Array) => boolean): boolean {
    if (p.length !== 33) return validate(p);
    const k = keyOf(p);
    if (this.seen.get(k)) return true;
    if (!validate(p)) return false;
    this.seen.set(k, true);
    return true;
  }

  /** Records a point the caller has VALIDATED. */
  add(p: Uint8Array): void {
    if (p.length !== 33) return;
    this.seen.set(keyOf(p), true);
  }

  clear(): void {
    this.seen.clear();
  }
}

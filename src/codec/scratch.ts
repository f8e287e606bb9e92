// A reused work array for code that fills a buffer, reads it and copies the result out
// before returning (hash inputs, Sphinx payload areas): no allocation per call. Sound only
// where the user is synchronous between taking the array and its last read, so no other
// caller can take it meanwhile. Sizes up to `keep` grow the kept array; a larger, unusual
// size gets a one-off array rather than a retained one.
export class Scratch {
  private buf: Uint8Array;

  constructor(
    initial: number,
    private readonly keep: number,
  ) {
    this.buf = new Uint8Array(initial);
  }

  /** An `n`-byte array to overwrite: a view of the kept one (old contents), or a fresh one. */
  take(n: number): Uint8Array {
    if (n === this.buf.length) return this.buf;
    if (n < this.buf.length) return this.buf.subarray(0, n);
    if (n > this.keep) return new Uint8Array(n);
    this.buf = new Uint8Array(n);
    return this.buf;
  }
}

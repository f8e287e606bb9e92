// A critical section per key: jobs on one key run one after another, jobs on
// different keys run freely. The server keys it by (recipient, slot) so that serve,
// confirm and delete each read, check and write one record without interleaving.
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `job` once every earlier job on `key` has finished. */
  async run<T>(key: string, job: () => Promise<T>): Promise<T> {
    return this.runAll([key], job);
  }

  /** Runs `job` holding every key in `keys` (taken in sorted order, so two callers never deadlock). */
  async runAll<T>(keys: readonly string[], job: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const waits: Array<Promise<void>> = [];
    const tails: Array<[string, Promise<void>]> = [];
    for (const k of sorted) {
      const prev = this.tails.get(k) ?? Promise.resolve();
      waits.push(prev);
      const tail = prev.then(() => mine);
      this.tails.set(k, tail);
      tails.push([k, tail]);
    }
    await Promise.all(waits);
    try {
      return await job();
    } finally {
      release();
      for (const [k, tail] of tails) if (this.tails.get(k) === tail) this.tails.delete(k);
    }
  }

  /** Keys with a job running or waiting (for tests: the map does not grow without bound). */
  get size(): number {
    return this.tails.size;
  }
}

// LevelDB through `level`: typed JSON sublevels (or a space's own value codec),
// atomic batches across them, and a schema version key so a layout change can
// refuse or migrate old data.
import { Level } from 'level';
import { mkdirSync } from 'node:fs';
import type { ValueCodec } from './hex-fields-codec.js';

/**
 * 2: a space may store its values with its own codec (the server's invoice records,
 * hex fields as bytes). Version 1 databases hold only JSON values, which those codecs
 * still read, so they are upgraded in place; a version 1 plugin refuses a version 2
 * database instead of misreading it.
 */
export const SCHEMA_VERSION = 2;
const UPGRADABLE = [1];

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

type Db = Level<string, Json>;
type Sub = ReturnType<Db['sublevel']>;

/** One write of an atomic batch. */
export type StoreOp =
  | { readonly type: 'put'; readonly space: string; readonly key: string; readonly value: Json }
  | { readonly type: 'del'; readonly space: string; readonly key: string };

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

export class Store {
  private readonly subs = new Map<string, Sub>();
  private readonly codecs = new Map<string, ValueCodec<never>>();
  private constructor(private readonly db: Db, readonly dir: string) {}

  /** Opens (creating if needed) the database in `dir` and checks its schema version. */
  static async open(dir: string): Promise<Store> {
    mkdirSync(dir, { recursive: true });
    const db = new Level<string, Json>(dir, { valueEncoding: 'json' });
    try {
      await db.open();
    } catch (e) {
      throw new StoreError(`cannot open database at ${dir}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`);
    }
    const store = new Store(db, dir);
    const meta = store.space('meta');
    const v = await meta.get('schema');
    if (v === undefined || (typeof v === 'number' && UPGRADABLE.includes(v))) await meta.put('schema', SCHEMA_VERSION);
    else if (v !== SCHEMA_VERSION) {
      await db.close();
      throw new StoreError(`database at ${dir} has schema version ${String(v)}, this plugin understands ${SCHEMA_VERSION}`);
    }
    return store;
  }

  /**
   * Values of `space` are written with `codec` from now on (set before the space is
   * used). The codec must also read whatever the space already holds.
   */
  useCodec<T extends Json>(space: string, codec: ValueCodec<T>): void {
    const had = this.codecs.get(space);
    if (had === codec) return;
    if (had || this.subs.has(space)) throw new StoreError(`space ${space} already in use with another value encoding`);
    this.codecs.set(space, codec as unknown as ValueCodec<never>);
  }

  private space(name: string): Sub {
    let s = this.subs.get(name);
    if (!s) {
      const codec = this.codecs.get(name);
      const valueEncoding = codec ? { name: codec.name, format: 'view' as const, encode: codec.encode, decode: codec.decode } : 'json';
      s = this.db.sublevel<string, Json>(name, { valueEncoding: valueEncoding as 'json' }) as Sub;
      this.subs.set(name, s);
    }
    return s;
  }

  async get<T extends Json>(space: string, key: string): Promise<T | undefined> {
    return (await this.space(space).get(key)) as T | undefined;
  }

  /** All entries of a space whose key starts with `prefix`, in key order. */
  async list<T extends Json>(space: string, prefix = '', limit = -1): Promise<Array<{ key: string; value: T }>> {
    const out: Array<{ key: string; value: T }> = [];
    const opts = prefix ? { gte: prefix, lt: prefix + '\uffff', limit } : { limit };
    for await (const [key, value] of this.space(space).iterator(opts)) out.push({ key, value: value as T });
    return out;
  }

  /** Applies all ops atomically: after a crash either all or none are visible. */
  async batch(ops: readonly StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.db.batch(
      ops.map((op) =>
        op.type === 'put'
          ? { type: 'put' as const, sublevel: this.space(op.space), key: op.key, value: op.value }
          : { type: 'del' as const, sublevel: this.space(op.space), key: op.key },
      ) as never,
    );
  }

  async put(space: string, key: string, value: Json): Promise<void> {
    await this.batch([{ type: 'put', space, key, value }]);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

// RecipientBook: recipients are read from LevelDB on demand (nothing at start), only a
// bounded number stay cached, counter changes and revocations survive eviction, and a
// flush writes only the recipients that changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, type StoreOp } from '../../src/store/store.js';
import { emptyCounters, ServerStore } from '../../src/server/server-store.js';
import { RecipientBook } from '../../src/server/recipients.js';
import { toHex } from '../../src/codec/bytes.js';

const rk = (i: number) => new Uint8Array(16).fill(0).map((_, j) => (j === 0 ? i >> 8 : j === 1 ? i & 0xff : 7));
const log = { debug() {}, info() {}, unusual(m: string) { throw new Error(`unexpected: ${m}`); } };

async function withStore(f: (ss: ServerStore, writes: StoreOp[][]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'asyncpay-rb-'));
  const store = await Store.open(dir);
  const ss = new ServerStore(store);
  const writes: StoreOp[][] = [];
  const batch = ss.batch.bind(ss);
  ss.batch = async (ops) => {
    writes.push(ops);
    return batch(ops);
  };
  try {
    await f(ss, writes);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true });
  }
}

async function seed(ss: ServerStore, n: number, served = (i: number) => i): Promise<void> {
  const ops = [];
  for (let i = 0; i < n; i++) ops.push(ss.putRecipientOp(rk(i), { recipient_id: `r${i}`, created_at: 1000 + i, counters: { ...emptyCounters(), served: served(i) } }));
  await ss.batch(ops);
}

test('recipient book: loads on demand, caches at most its capacity, unknown recipients are misses', async () => {
  await withStore(async (ss) => {
    await seed(ss, 50);
    const book = new RecipientBook(ss, log, 8);
    assert.equal(book.nameOf(toHex(rk(3))), undefined, 'nothing loaded before it is asked for');
    assert.equal(book.held, 0);
    for (let i = 0; i < 50; i++) {
      assert.equal(await book.load(toHex(rk(i))), true);
      assert.equal(book.nameOf(toHex(rk(i))), `r${i}`);
    }
    assert.equal(book.held, 8, 'at most the capacity held');
    assert.equal(book.nameOf(toHex(rk(0))), undefined, 'the oldest were evicted (capacity 8)');
    assert.equal(book.nameOf(toHex(rk(49))), 'r49');
    assert.equal(await book.load(toHex(rk(999))), false);
    assert.equal(book.nameOf(toHex(rk(999))), undefined);
    const all = await book.list();
    assert.equal(all.length, 50);
    assert.equal(all.find((r) => r.recipient_id === 'r7')!.counters.served, 7);
    assert.deepEqual(await book.list(toHex(rk(3))), [{ recipient_id: 'r3', counters: { ...emptyCounters(), served: 3 } }]);
    assert.deepEqual(await book.list(toHex(rk(999))), []);
  });
});

test('recipient book: a flush writes only changed recipients; a bump during the write stays pending; bumps survive eviction', async () => {
  await withStore(async (ss, writes) => {
    await seed(ss, 20, () => 0);
    const book = new RecipientBook(ss, log, 4);
    for (let i = 0; i < 20; i++) await book.load(toHex(rk(i)));
    book.bump(toHex(rk(19)), 'served');
    book.reject(toHex(rk(18)), 'replay', 'test');
    // rk(0) was evicted: its bump is applied once reloaded, not lost.
    assert.equal(book.nameOf(toHex(rk(0))), undefined);
    book.bump(toHex(rk(0)), 'forwarded');
    while (book.nameOf(toHex(rk(0))) === undefined) await new Promise((r) => setImmediate(r));
    writes.length = 0;
    // A bump landing while the batch is written keeps that recipient pending.
    const batch = ss.batch;
    ss.batch = async (ops) => {
      ss.batch = batch;
      book.bump(toHex(rk(19)), 'served');
      return batch(ops);
    };
    await book.flush();
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0]!.map((o) => o.key).sort(), [toHex(rk(0)), toHex(rk(18)), toHex(rk(19))].sort(), 'only the three changed recipients');
    await book.flush();
    assert.deepEqual(writes[1]!.map((o) => o.key), [toHex(rk(19))]);
    await book.flush();
    assert.equal(writes.length, 2, 'nothing left to write');
    const fresh = new RecipientBook(ss, log);
    const stored = await fresh.list();
    assert.equal(stored.find((r) => r.recipient_id === 'r19')!.counters.served, 2);
    assert.equal(stored.find((r) => r.recipient_id === 'r0')!.counters.forwarded, 1);
    assert.deepEqual(stored.find((r) => r.recipient_id === 'r18')!.counters.rejected, { replay: 1 });
    assert.equal(stored.find((r) => r.recipient_id === 'r5')!.counters.served, 0);
    assert.equal(book.held, 4, 'written recipients are no longer pinned beyond the capacity');
  });
});

test('recipient book: a revocation is pinned until written, listed, and read back after eviction', async () => {
  await withStore(async (ss) => {
    await seed(ss, 10);
    const book = new RecipientBook(ss, log, 2);
    await book.load(toHex(rk(1)));
    assert.equal(book.revokedAt(toHex(rk(1))), null);
    assert.equal(book.revoke(rk(5), 77), undefined, 'an unloaded recipient is not revoked blindly');
    const op = book.revoke(rk(1), 1234);
    assert.ok(op);
    // Not yet written: evicting every cached entry must not forget it.
    for (let i = 2; i < 10; i++) await book.load(toHex(rk(i)));
    assert.equal(book.revokedAt(toHex(rk(1))), 1234, 'pinned while unwritten');
    assert.deepEqual((await book.list(toHex(rk(1))))[0]!.revoked_at, 1234, 'listed before it is written');
    await book.flush();
    for (let i = 2; i < 10; i++) await book.load(toHex(rk(i)));
    assert.equal(book.nameOf(toHex(rk(1))), undefined, 'evicted once written');
    assert.equal(await book.load(toHex(rk(1))), true);
    assert.equal(book.revokedAt(toHex(rk(1))), 1234, 'read back from the store');
    assert.equal(new RecipientBook(ss, log).revokedAt(toHex(rk(1))), null, 'nothing known before load');
  });
});

test('recipient book: an add is visible at once and wins over a load that raced it', async () => {
  await withStore(async (ss) => {
    const book = new RecipientBook(ss, log);
    const racing = book.load(toHex(rk(3)));
    const op = book.add(rk(3), 'late', 5);
    assert.equal(await racing, true, 'the add landed while the load read the store');
    assert.equal(book.nameOf(toHex(rk(3))), 'late');
    await ss.batch([op]);
    assert.deepEqual(await new RecipientBook(ss, log).list(), [{ recipient_id: 'late', counters: emptyCounters() }]);
  });
});

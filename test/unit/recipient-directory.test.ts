// RecipientDirectory: recipients are read from LevelDB on demand (nothing at start),
// only a bounded number stay cached, counter changes survive eviction, and a flush
// writes only the recipients whose counters changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, type StoreOp } from '../../src/store/store.js';
import { emptyCounters, ServerStore } from '../../src/server/server-store.js';
import { RecipientDirectory } from '../../src/server/recipient-directory.js';
import { toHex } from '../../src/codec/bytes.js';

const rk = (i: number) => new Uint8Array(16).fill(0).map((_, j) => (j === 0 ? i >> 8 : j === 1 ? i & 0xff : 7));

async function withStore(f: (ss: ServerStore, writes: StoreOp[][]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'asyncpay-rd-'));
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

test('recipient directory: loads on demand, caches at most its capacity, unknown recipients are misses', async () => {
  await withStore(async (ss) => {
    const ops = [];
    for (let i = 0; i < 50; i++) ops.push(ss.putRecipientOp(rk(i), { recipient_id: `r${i}`, created_at: 1000 + i, counters: { ...emptyCounters(), served: i } }));
    await ss.batch(ops);
    const dir = new RecipientDirectory(ss, 8);
    assert.equal(dir.name(toHex(rk(3))), undefined, 'nothing loaded before it is asked for');
    for (let i = 0; i < 50; i++) {
      assert.equal(await dir.load(toHex(rk(i))), true);
      assert.equal(dir.name(toHex(rk(i))), `r${i}`);
      assert.equal(dir.createdAt(toHex(rk(i))), 1000 + i);
    }
    assert.equal(dir.name(toHex(rk(0))), undefined, 'the oldest were evicted (capacity 8)');
    assert.equal(dir.name(toHex(rk(49))), 'r49');
    assert.equal(await dir.load(toHex(rk(999))), false);
    assert.equal(dir.name(toHex(rk(999))), undefined);
    const all = await dir.list();
    assert.equal(all.length, 50);
    assert.equal(all.find((r) => r.recipient_id === 'r7')!.counters.served, 7);
  });
});

test('recipient directory: flush writes only changed recipients; a bump after the snapshot stays pending; bumps survive eviction', async () => {
  await withStore(async (ss, writes) => {
    const ops = [];
    for (let i = 0; i < 20; i++) ops.push(ss.putRecipientOp(rk(i), { recipient_id: `r${i}`, created_at: 1, counters: emptyCounters() }));
    await ss.batch(ops);
    const dir = new RecipientDirectory(ss, 4);
    for (let i = 0; i < 20; i++) await dir.load(toHex(rk(i)));
    assert.equal(dir.bump(toHex(rk(19)), (c) => c.served++)?.served, 1);
    assert.equal(dir.bump(toHex(rk(18)), (c) => (c.rejected.replay = 1)) !== undefined, true);
    // rk(0) was evicted: its bump is applied once reloaded, not lost.
    assert.equal(dir.bump(toHex(rk(0)), (c) => (c.forwarded += 5)), undefined);
    // (flushOps has no effect until done() is called: poll it until the reload landed.)
    while (dir.flushOps().ops.length < 3) await new Promise((r) => setImmediate(r));
    writes.length = 0;
    const f1 = dir.flushOps();
    assert.deepEqual(f1.ops.map((o) => o.key).sort(), [toHex(rk(0)), toHex(rk(18)), toHex(rk(19))].sort(), 'only the three changed recipients');
    // A bump between the snapshot and the end of the write keeps that recipient pending.
    dir.bump(toHex(rk(19)), (c) => c.served++);
    await ss.batch(f1.ops);
    f1.done();
    const f2 = dir.flushOps();
    assert.deepEqual(f2.ops.map((o) => o.key), [toHex(rk(19))]);
    await ss.batch(f2.ops);
    f2.done();
    assert.equal(dir.flushOps().ops.length, 0, 'nothing left to write');
    const fresh = new RecipientDirectory(ss);
    const stored = await fresh.list();
    assert.equal(stored.find((r) => r.recipient_id === 'r19')!.counters.served, 2);
    assert.equal(stored.find((r) => r.recipient_id === 'r0')!.counters.forwarded, 5);
    assert.deepEqual(stored.find((r) => r.recipient_id === 'r18')!.counters.rejected, { replay: 1 });
    assert.equal(stored.find((r) => r.recipient_id === 'r5')!.counters.served, 0);
  });
});

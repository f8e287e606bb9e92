import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { Store, StoreError, SCHEMA_VERSION } from '../../src/store/store.js';
import { crashCodec } from '../helpers/store-crash-codec.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'asyncpay-store-'));

test('store: put/get/list/batch/delete and persistence across reopen', async () => {
  const dir = tmp();
  let s = await Store.open(dir);
  await s.put('inv', 'r1:00001', { a: 1 });
  await s.batch([
    { type: 'put', space: 'inv', key: 'r1:00002', value: { a: 2 } },
    { type: 'put', space: 'inv', key: 'r2:00000', value: { a: 3 } },
    { type: 'put', space: 'ctr', key: 'r1', value: 7 },
  ]);
  assert.deepEqual((await s.list('inv', 'r1:')).map((e) => e.key), ['r1:00001', 'r1:00002']);
  await s.batch([{ type: 'del', space: 'inv', key: 'r1:00001' }]);
  await s.close();
  s = await Store.open(dir);
  assert.equal(await s.get('inv', 'r1:00001'), undefined);
  assert.deepEqual(await s.get('inv', 'r1:00002'), { a: 2 });
  assert.equal(await s.get('ctr', 'r1'), 7);
  assert.equal(await s.get('meta', 'schema'), SCHEMA_VERSION);
  await s.close();
  rmSync(dir, { recursive: true });
});

test('store: refuses a database with another schema version', async () => {
  const dir = tmp();
  const s = await Store.open(dir);
  await s.put('meta', 'schema', SCHEMA_VERSION + 1);
  await s.close();
  await assert.rejects(Store.open(dir), StoreError);
  rmSync(dir, { recursive: true });
});

test('store: kill -9 during batches never leaves a torn batch', async () => {
  const dir = tmp();
  const writer = new URL('../helpers/store-writer.js', import.meta.url).pathname;
  for (let round = 0; round < 15; round++) {
    const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res) => child.stdout!.once('data', () => res()));
    await new Promise((r) => setTimeout(r, 20 + ((round * 37) % 120)));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const s = await Store.open(dir);
    s.useCodec('c', crashCodec);
    const x = await s.get<number>('a', 'x');
    const y = await s.get<{ gen: number }>('a', 'y');
    const z = await s.get<number[]>('b', 'z');
    const w = await s.get<{ gen: number; h: string }>('c', 'w');
    if (x !== undefined) {
      assert.equal(y?.gen, x, `round ${round}`);
      assert.deepEqual(z, [x, x]);
      assert.deepEqual(w, { gen: x, h: x.toString(16).padStart(8, '0').repeat(1 + (x % 300)) });
    } else {
      assert.equal(y, undefined);
      assert.equal(z, undefined);
      assert.equal(w, undefined);
    }
    await s.close();
  }
  rmSync(dir, { recursive: true });
});

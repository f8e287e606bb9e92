import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Level } from 'level';
import { Store, StoreError, SCHEMA_VERSION, type Json } from '../../src/store/store.js';
import { hexFieldsCodec, CorruptValueError } from '../../src/store/hex-fields-codec.js';
import { ServerStore, type InvoiceRecord } from '../../src/server/server-store.js';
import { utf8 } from '../../src/codec/bytes.js';

type Rec = { [k: string]: Json | undefined };
const codec = hexFieldsCodec<Rec>('t', ['a', 'b', 'c', 'd']);
const hex = (n: number) => randomBytes(n).toString('hex');

test('hex fields codec: round trips canonical hex, null, absent, non-canonical hex and other fields', () => {
  const cases: Rec[] = [
    { a: hex(964), b: hex(319), c: null, name: 'x', n: 1.5, nested: { k: 2 } },
    { a: '', b: hex(1), d: hex(32) },
    // Not canonical: kept in the JSON part, returned exactly.
    { a: 'ABCD', b: '0', c: 'zz', d: 7 as unknown as string },
    {},
    { a: hex(70_000) },
    { a: 'ab', nested: { a: 'cd', b: null } }, // only top-level fields are taken out
  ];
  for (const v of cases) assert.deepEqual(codec.decode(codec.encode(v)), v);
});

test('hex fields codec: a real-shaped invoice record takes about half its JSON size', () => {
  const v: Rec = { a: hex(964), b: hex(319), c: hex(239), d: hex(32), recipient_id: 'recipient-12345', invoice_slot: 3, status: 'confirmed', created_at: 1_795_825_205 };
  const bin = codec.encode(v).length;
  const json = utf8(JSON.stringify(v)).length;
  assert.ok(bin < json * 0.55, `${bin} vs ${json}`);
});

test('hex fields codec: reads values stored as JSON text before', () => {
  const v: Rec = { a: 'ab', c: null, n: 3 };
  assert.deepEqual(codec.decode(utf8(JSON.stringify(v))), v);
});

test('hex fields codec: every truncation or corruption of the framing is a CorruptValueError', () => {
  const enc = codec.encode({ a: hex(20), b: null, d: hex(3), n: 1 });
  for (let len = 0; len < enc.length; len++) assert.throws(() => codec.decode(enc.subarray(0, len)), CorruptValueError, `length ${len}`);
  const badTag = enc.slice();
  badTag[1] = 9;
  assert.throws(() => codec.decode(badTag), CorruptValueError);
  const longLen = enc.slice();
  new DataView(longLen.buffer).setUint32(2, 1000); // field a claims 1000 bytes
  assert.throws(() => codec.decode(longLen), CorruptValueError);
  assert.throws(() => codec.decode(Uint8Array.of(2, 0, 0, 0, 0)), CorruptValueError);
  const notObject = new Uint8Array([1, 0, 0, 0, 0, ...utf8('[1]')]);
  assert.throws(() => codec.decode(notObject), CorruptValueError);
});

const record = (slot: number): InvoiceRecord => ({
  recipient_id: 'alice', invoice_slot: slot, status: 'confirmed', invoice: hex(964), forward_invoice_request_path: hex(319),
  persisted_reply_path: slot % 2 ? null : hex(239), offer_id: hex(32), created_at: 1, expires_at: 2, offer_expires_at: 0, stored_at: 1, bytes: 964,
});

test('server store: a schema 1 database (JSON invoice records) is read as before, upgraded, and new writes are stored as bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asyncpay-codec-'));
  const rk = new Uint8Array(32).fill(7);
  const old = [record(0), record(1)];
  // A database as the previous plugin wrote it: schema 1, every value JSON.
  const raw = new Level<string, unknown>(dir, { valueEncoding: 'json' });
  await raw.open();
  await raw.sublevel<string, unknown>('meta', { valueEncoding: 'json' }).put('schema', 1);
  const inv = raw.sublevel<string, unknown>('server-invoices', { valueEncoding: 'json' });
  for (const r of old) await inv.put(`${Buffer.from(rk).toString('hex')}:${String(r.invoice_slot).padStart(5, '0')}`, r);
  await raw.close();

  let store = await Store.open(dir);
  assert.equal(await store.get('meta', 'schema'), SCHEMA_VERSION);
  let ss = new ServerStore(store);
  assert.deepEqual(await ss.listInvoices(rk), old);
  const fresh = record(2);
  await ss.batch([ss.putInvoiceOp(rk, fresh)]);
  await store.close();

  // On disk: the old records still JSON text, the new one in the byte format.
  const check = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' });
  await check.open();
  const bytes = check.sublevel<string, Uint8Array>('server-invoices', { valueEncoding: 'view' });
  const values = await bytes.values().all();
  assert.deepEqual(values.map((v) => v[0]), [0x7b, 0x7b, 0x01]);
  assert.ok(values[2]!.length < values[0]!.length * 0.55);
  await check.close();

  store = await Store.open(dir);
  ss = new ServerStore(store);
  assert.deepEqual(await ss.listInvoices(rk), [...old, fresh]);
  assert.deepEqual(await ss.getInvoice(rk, 2), fresh);
  await store.close();
  rmSync(dir, { recursive: true });
});

test('store: a space cannot change its value codec once in use', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asyncpay-codec-'));
  const store = await Store.open(dir);
  await store.put('s', 'k', { a: 'ab' });
  assert.throws(() => store.useCodec('s', codec), StoreError);
  store.useCodec('t', codec);
  store.useCodec('t', codec); // the same codec again is fine
  assert.throws(() => store.useCodec('t', hexFieldsCodec('other', ['a'])), StoreError);
  await store.close();
  rmSync(dir, { recursive: true });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import { ServerStore, type InvoiceRecord } from '../../src/server/server-store.js';

const rec = (n: number): InvoiceRecord => ({
  recipient_id: 'r', invoice_slot: 0, status: 'pending', invoice: `0${n}`, forward_invoice_request_path: '', persisted_reply_path: null,
  offer_id: '', created_at: n, expires_at: 0, offer_expires_at: 0, stored_at: n, bytes: 1,
});

test('server store cache: reads never return a record older than the last completed write, even when racing writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asyncpay-ss-'));
  const store = await Store.open(dir);
  const ss = new ServerStore(store);
  const rk = new Uint8Array(16).fill(1);
  for (let i = 0; i < 200; i++) {
    await ss.batch([ss.putInvoiceOp(rk, rec(2 * i))]); // leaves nothing cached for the key
    // A read from the database races the next write: it sees the old record and must
    // not leave it in the cache.
    const r0 = ss.getInvoice(rk, 0);
    const w = ss.batch([ss.putInvoiceOp(rk, rec(2 * i + 1))]);
    await Promise.all([r0, w]);
    const got = await ss.getInvoice(rk, 0);
    assert.equal(got?.created_at, 2 * i + 1, `round ${i}`);
    // A caller mutating what it read does not change the cached copy.
    got!.status = 'confirmed';
    assert.equal((await ss.getInvoice(rk, 0))?.status, 'pending');
  }
  await store.close();
  rmSync(dir, { recursive: true });
});

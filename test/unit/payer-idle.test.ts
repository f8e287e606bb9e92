// Issue 16 (idle CPU): the payer's tick runs only while a payment is pending. With no
// pending payment it arms no timer; a pending payment found in the store at start arms
// it (so its deadline still fails it after a restart), and the payment's final state
// disarms it; a payment waiting for its release wakes it only at its deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Payer } from '../../src/payer/payer.js';
import { decideOnTimer, timerDue } from '../../src/payer/on-timer.js';
import type { PaymentRecord } from '../../src/payer/types.js';
import { chainHashOf } from '../../src/recipient/chain.js';
import { Store } from '../../src/store/store.js';
import type { Transport } from '../../src/transport/transport.js';
import { until } from '../e2e/recipient-helpers.js';

const NOW = 1_800_000_000;
/** Ref'd timers of this process (the payer's tick is one; LevelDB's work is not a Timeout). */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

function payer(store: Store, notes: unknown[]): Payer {
  return new Payer({
    transport: {} as Transport,
    store,
    rpc: { call: async () => ({}) as any },
    log: { debug() {}, info() {}, unusual() {} },
    now: () => NOW,
    notify: (_t, p) => void notes.push(p),
    chain: chainHashOf('regtest'),
    payStatic: async () => ({ kind: 'failed', reason: 'not in this test' }),
    tickMs: 10,
  });
}

test('payer: no timer while nothing is pending; a stored pending payment arms it at start, and failing it disarms it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asyncpay-payer-idle-'));
  const store = await Store.open(dir);
  const started: Payer[] = [];
  try {
    const base = timers();
    const notes: unknown[] = [];
    const idle = payer(store, notes);
    started.push(idle);
    await idle.start();
    assert.equal(timers(), base, 'an idle payer arms no timer');
    await idle.stop();

    // As if stored before a restart: waiting for a release whose deadline has passed.
    const rec: PaymentRecord = {
      payment_id: '11'.repeat(16),
      state: 'waiting_for_release',
      offer: 'lno1',
      offer_id: '22'.repeat(32),
      invreq: '00',
      amount_msat: 1000,
      created_at: NOW - 100,
      updated_at: NOW - 50,
      paths_tried: 1,
      invoice_deadline: NOW - 40,
      release_deadline: NOW - 1,
    };
    await store.batch([{ type: 'put', space: 'payer', key: rec.payment_id, value: rec }]);
    const p = payer(store, notes);
    started.push(p);
    await p.start();
    assert.equal(timers(), base + 1, 'the tick runs for the pending payment');
    const failed = await until(async () => (await store.get<PaymentRecord>('payer', rec.payment_id))?.state === 'failed', 'the tick fails the payment');
    assert.ok(failed);
    await until(() => timers() === base, 'the tick stops once nothing is pending');
    assert.equal(notes.length, 1, 'asyncpay_payment_failed once');
    await p.stop();
    assert.equal(timers(), base);
  } finally {
    for (const x of started) await x.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('timerDue: every tick while a request or invoice is in play, the deadline only while waiting for a release, never while paying or final', () => {
  const rec = (state: PaymentRecord['state'], extra: Partial<PaymentRecord> = {}): PaymentRecord => ({
    payment_id: '33'.repeat(16),
    state,
    offer: 'lno1',
    offer_id: '44'.repeat(32),
    invreq: '00',
    amount_msat: 1,
    created_at: NOW,
    updated_at: NOW,
    paths_tried: 0,
    invoice_deadline: NOW + 60,
    ...extra,
  });
  assert.equal(timerDue(rec('requested')), 'every_tick');
  assert.equal(timerDue(rec('invoice')), 'every_tick');
  assert.equal(timerDue(rec('static_invoice', { release_deadline: NOW + 86_400 })), 'every_tick');
  assert.equal(timerDue(rec('waiting_for_release', { release_deadline: NOW + 86_400 })), NOW + 86_401, 'decideOnTimer fails it once now > deadline');
  assert.equal(timerDue(rec('waiting_for_release')), undefined);
  assert.equal(timerDue(rec('paying')), undefined);
  assert.equal(timerDue(rec('complete')), undefined);
  assert.equal(timerDue(rec('failed')), undefined);
  // The tick's decision agrees: nothing before that second, a failure at it.
  const w = rec('waiting_for_release', { release_deadline: NOW + 86_400 });
  assert.equal(decideOnTimer(w, NOW + 86_400).kind, 'ignore');
  assert.equal(decideOnTimer(w, timerDue(w) as number).kind, 'update');
});

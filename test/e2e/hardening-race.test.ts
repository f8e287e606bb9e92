// Issue 17, finding 2: serve, confirm and delete are read-check-write on one
// (recipient, slot) record. Messages are handled concurrently, so without a critical
// section an older invoice sent right after a newer one is stored last (and confirmed),
// and a confirm racing a serve writes the old record back over the new one.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { LdkRecipient, serverPathsOf } from './ldk-actors.js';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
let net: SimNetwork;
let s: ClnNode;
let sManual: ClnNode;
let r: LdkRecipient;
let rm: LdkRecipient;

before(async () => {
  net = new SimNetwork();
  s = await net.addClnNode('server');
  sManual = await net.addClnNode('server-manual', { pluginOptions: { 'asyncpay-autoconfirm': false } });
  const rNode = net.addExternalNode('recipient');
  const rmNode = net.addExternalNode('recipient-m');
  net.addChannel(rNode, s, { scid: '1x1x0' });
  net.addChannel(rmNode, sManual, { scid: '2x1x0' });
  for (const n of [s, sManual, rNode, rmNode]) n.rateLimit = false;
  r = new LdkRecipient(rNode, s);
  rm = new LdkRecipient(rmNode, sManual);
});
after(() => net.close());

async function slotOf(node: ClnNode, recipient: string, slot: number) {
  const l = await node.cli('staticinvoice-list', { recipient_id: recipient });
  return l.invoices.find((x: { invoice_slot: number }) => x.invoice_slot === slot);
}

test('newer then older invoice back to back: the newer stays stored, the older is refused as a replay (both orders of arrival)', async () => {
  const [path] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'alice' })) as [BlindedPath];
  const now = BigInt(Math.floor(Date.now() / 1000));
  for (let trial = 0; trial < 6; trial++) {
    const slot = trial;
    const op = await r.requestOfferPaths(path, slot);
    const older = r.build(op.paths, op.expiry, { createdAt: now - 100n + BigInt(trial) });
    const newer = r.build(op.paths, op.expiry, { createdAt: now - 10n + BigInt(trial) });
    const first = trial % 2 === 0 ? newer : older;
    const second = trial % 2 === 0 ? older : newer;
    const logsBefore = s.plugin!.logs.length;
    r.serve(op.servePath, first.invoice.bytes);
    r.serve(op.servePath, second.invoice.bytes);
    // Both messages handled: one stored; when the newer came first the older is a replay.
    await s.plugin!.waitForLog(new RegExp(`stored static invoice for alice slot ${slot}`), 5000, logsBefore);
    if (trial % 2 === 0) await s.plugin!.waitForLog(new RegExp(`rejected \\(replay\\).*slot ${slot}`), 5000, logsBefore);
    else await until(async () => s.plugin!.logs.slice(logsBefore).filter((l) => new RegExp(`stored static invoice for alice slot ${slot} `).test(l.message)).length === 2 || s.plugin!.logs.slice(logsBefore).some((l) => /rejected \(replay\)/.test(l.message)));
    await sleep(100);
    const stored = await slotOf(s, 'alice', slot);
    assert.equal(stored.invoice, toHex(newer.invoice.bytes), `trial ${trial}: the newer invoice is stored`);
    assert.equal(stored.created_at, Number(newer.invoice.createdAt));
  }
  const c = (await s.cli('staticinvoice-list', { recipient_id: 'alice' })).recipients[0].counters;
  assert.ok(c.rejected.replay >= 3, JSON.stringify(c));
  assert.deepEqual(net.violations(), []);
});

test('staticinvoice-confirm racing a newer serve never writes the older invoice back', async () => {
  const [path] = serverPathsOf(await sManual.cli('asyncrecipient-paths', { recipient_id: 'bob' })) as [BlindedPath];
  const now = BigInt(Math.floor(Date.now() / 1000));
  for (let trial = 0; trial < 5; trial++) {
    const slot = trial;
    const op = await rm.requestOfferPaths(path, slot);
    const older = rm.build(op.paths, op.expiry, { createdAt: now - 100n });
    const newer = rm.build(op.paths, op.expiry, { createdAt: now - 10n });
    const logsBefore = sManual.plugin!.logs.length;
    rm.serve(op.servePath, older.invoice.bytes);
    await sManual.plugin!.waitForLog(new RegExp(`stored static invoice for bob slot ${slot}`), 5000, logsBefore);
    const l2 = sManual.plugin!.logs.length;
    // The newer invoice and the operator's confirmation of the older one, at once.
    rm.serve(op.servePath, newer.invoice.bytes);
    const confirmed = sManual.cli('staticinvoice-confirm', { recipient_id: 'bob', invoice_slot: slot });
    await confirmed;
    await sManual.plugin!.waitForLog(new RegExp(`stored static invoice for bob slot ${slot}`), 5000, l2);
    await sleep(100);
    const stored = await slotOf(sManual, 'bob', slot);
    assert.equal(stored.invoice, toHex(newer.invoice.bytes), `trial ${trial}: the newer invoice survives the confirmation`);
  }
  assert.deepEqual(net.violations(), []);
});

test('staticinvoice-delete racing a serve: the slot ends either deleted or holding the newer invoice, never a mix', async () => {
  const [path] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'carol' })) as [BlindedPath];
  const now = BigInt(Math.floor(Date.now() / 1000));
  for (let trial = 0; trial < 4; trial++) {
    const slot = trial;
    const op = await r.requestOfferPaths(path, slot);
    const older = r.build(op.paths, op.expiry, { createdAt: now - 100n });
    const newer = r.build(op.paths, op.expiry, { createdAt: now - 10n });
    const { persistedPathId } = r.serve(op.servePath, older.invoice.bytes);
    await r.waitPersisted(persistedPathId);
    const logsBefore = s.plugin!.logs.length;
    r.serve(op.servePath, newer.invoice.bytes);
    const del = await s.cli('staticinvoice-delete', { recipient_id: 'carol', invoice_slot: slot });
    assert.deepEqual(del.deleted, [slot]);
    await until(() => s.plugin!.logs.slice(logsBefore).some((l) => /stored static invoice for carol|rejected/.test(l.message)));
    await sleep(100);
    const stored = await slotOf(s, 'carol', slot);
    if (stored) assert.equal(stored.invoice, toHex(newer.invoice.bytes), `trial ${trial}: never the older invoice`);
  }
});

async function until(f: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

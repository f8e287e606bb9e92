// Issue 14: the server's per-recipient protections (bLIP 66 "SHOULD limit storage"):
// token buckets on offer_paths_request and serve_static_invoice, a cap on the bytes a
// recipient keeps stored; each refusal logged and counted for that recipient alone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { LdkRecipient, msgOf, sendMsg, serverPathsOf } from './ldk-actors.js';
import { until } from './recipient-helpers.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));

async function setup(pluginOptions: Record<string, unknown>) {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('server', { pluginOptions });
  s.rateLimit = false; // connectd's own limit would drop the flood before the plugin sees it
  const mk = (name: string, scid: string) => {
    const n = net.addExternalNode(name);
    n.rateLimit = false;
    net.addChannel(n, s, { scid });
    return new LdkRecipient(n, s);
  };
  return { net, s, alice: mk('alice', '1x1x0'), bob: mk('bob', '2x1x0') };
}

async function countersOf(s: ClnNode, id: string) {
  return (await s.cli('staticinvoice-list', { recipient_id: id })).recipients[0].counters;
}

async function pathOf(s: ClnNode, id: string): Promise<BlindedPath> {
  return serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: id }))[0]!;
}

test('a flood of offer_paths_request from one recipient is refused past its bucket; another recipient is served normally', async () => {
  const { net, s, alice, bob } = await setup({ 'asyncpay-server-rate-burst': 5, 'asyncpay-server-rate-per-minute': 1 });
  const [ap, bp] = [await pathOf(s, 'alice'), await pathOf(s, 'bob')];
  const logsBefore = s.plugin!.logs.length;
  for (let i = 0; i < 12; i++) sendMsg(alice.node, ap, { kind: 'offer_paths_request', invoiceSlot: i % 4 }, alice.node.makePath({ via: [s] }).path);
  const c = await until(async () => {
    const x = await countersOf(s, 'alice');
    return x.offer_paths_issued + (x.rejected.rate_limited ?? 0) === 12 ? x : undefined;
  }, 'flood handled');
  assert.equal(c.offer_paths_issued, 5);
  assert.equal(c.rejected.rate_limited, 7);
  await until(() => alice.node.inbox.filter((m) => m.records.some((r) => r.type === 75542n)).length === 5, 'five answers');
  const refusals = s.plugin!.logs.slice(logsBefore).filter((l) => /rejected \(rate_limited\) from alice/.test(l.message));
  assert.equal(refusals.length, 7, 'each refusal logged');
  // Bob is unaffected: his requests are answered and nothing is counted against him.
  for (let k = 0; k < 3; k++) await bob.requestOfferPaths(bp, k);
  const b = await countersOf(s, 'bob');
  assert.equal(b.offer_paths_issued, 3);
  assert.deepEqual(b.rejected, {});
  // serve_static_invoice has its own bucket: alice can still store her invoice.
  const op = await until(async () => alice.node.inbox.find((m) => m.records.some((r) => r.type === 75542n)), 'an answer');
  assert.ok(op.replyPath);
  const paths = msgOf(op);
  assert.ok(paths.kind === 'offer_paths');
  const { invoice } = alice.build([...paths.paths], paths.pathsAbsoluteExpiry);
  await alice.waitPersisted(alice.serve(op.replyPath, invoice.bytes).persistedPathId);
  assert.deepEqual(net.violations(), []);
});

test('serve_static_invoice: rate-limited per recipient, and a per-recipient cap on stored bytes (a replaced slot does not count twice)', async () => {
  const { net, s, alice, bob } = await setup({ 'asyncpay-server-rate-burst': 40, 'asyncpay-server-rate-per-minute': 1 });
  const ap = await pathOf(s, 'alice');
  const slots = [];
  for (let k = 0; k < 3; k++) slots.push(await alice.requestOfferPaths(ap, k));
  const sizeOf = alice.build(slots[0]!.paths, slots[0]!.expiry).invoice.bytes.length;
  // Restart with a cap that holds two of alice's invoices but not three.
  await s.killPlugin('SIGTERM');
  await s.startPlugin({ 'asyncpay-server-max-recipient-bytes': Math.floor(2.5 * sizeOf), 'asyncpay-server-rate-burst': 4 });
  for (let k = 0; k < 2; k++) {
    const { invoice } = alice.build(slots[k]!.paths, slots[k]!.expiry);
    await alice.waitPersisted(alice.serve(slots[k]!.servePath, invoice.bytes).persistedPathId);
  }
  const third = alice.build(slots[2]!.paths, slots[2]!.expiry);
  alice.serve(slots[2]!.servePath, third.invoice.bytes);
  await until(async () => (await countersOf(s, 'alice')).rejected.storage_quota === 1, 'storage quota refusal');
  // Replacing slot 0 with a newer invoice still fits (slot 0's old bytes are not counted).
  const newer = alice.build(slots[0]!.paths, slots[0]!.expiry, { createdAt: BigInt(Math.floor(Date.now() / 1000) + 1) });
  await alice.waitPersisted(alice.serve(slots[0]!.servePath, newer.invoice.bytes).persistedPathId);
  let list = await s.cli('staticinvoice-list', { recipient_id: 'alice' });
  assert.deepEqual(list.invoices.map((i: any) => i.invoice_slot).sort(), [0, 1]);
  // The serve bucket (4 after the restart) is now empty: one more is refused, and counted.
  alice.serve(slots[1]!.servePath, third.invoice.bytes);
  const c = await until(async () => {
    const x = await countersOf(s, 'alice');
    return x.rejected.rate_limited === 1 ? x : undefined;
  }, 'serve rate limited');
  assert.equal(c.rejected.storage_quota, 1);
  // Bob stores his invoice normally.
  const bp = await pathOf(s, 'bob');
  const bo = await bob.requestOfferPaths(bp, 0);
  const bi = bob.build(bo.paths, bo.expiry);
  await bob.waitPersisted(bob.serve(bo.servePath, bi.invoice.bytes).persistedPathId);
  assert.deepEqual((await countersOf(s, 'bob')).rejected, {});
  list = await s.cli('staticinvoice-list', {});
  assert.equal(list.invoices.filter((i: any) => i.recipient_id === 'bob').length, 1);
  assert.deepEqual(net.violations(), []);
});

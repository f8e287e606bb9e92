// Issue 4: the static invoice server role, end to end through the simulated
// lightningd with the real plugin process. R and P are external nodes behaving as
// LDK does (test/e2e/ldk-actors.ts), never this plugin's own recipient role.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { encodeBlindedPath } from '../../src/onion/blinded_path.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import { LdkPayer, LdkRecipient, msgOf, serverPathsOf } from './ldk-actors.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));

async function setup(pluginOptions: Record<string, unknown> = {}) {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('server', { pluginOptions });
  const rNode = net.addExternalNode('ldk-recipient');
  const pNode = net.addExternalNode('ldk-payer');
  net.addChannel(rNode, s, { scid: '101x1x0' });
  net.addChannel(pNode, s, { scid: '102x1x0' });
  const r = new LdkRecipient(rNode, s);
  const p = new LdkPayer(pNode, s);
  return { net, s, r, p };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

async function listSlot(s: ClnNode, recipient: string, slot: number) {
  const l = await s.cli('staticinvoice-list', { recipient_id: recipient });
  return l.invoices.find((x: { invoice_slot: number }) => x.invoice_slot === slot);
}

test('server flow, autoconfirm on: paths → offer_paths (fresh each time) → serve → persisted → payer gets the stored invoice, recipient gets the forwarded request', async () => {
  const { net, s, r, p } = await setup();
  const res = await s.cli('asyncrecipient-paths', { recipient_id: 'alice' });
  assert.equal(res.recipient_id, 'alice');
  assert.equal(res.expires_at, null);
  const [serverPath] = serverPathsOf(res);

  const first = await r.requestOfferPaths(serverPath!, 0);
  const second = await r.requestOfferPaths(serverPath!, 0);
  assert.notEqual(toHex(encodeBlindedPath(first.paths[0]!)), toHex(encodeBlindedPath(second.paths[0]!)), 'offer paths must be fresh');
  const now = Math.floor(Date.now() / 1000);
  assert.ok(first.expiry! >= BigInt(now + 90 * 86400), 'LDK ignores offer_paths expiring within 90 days');
  // Offer paths end up in payment onions: intro + our node + V, small path_id.
  assert.ok(encodeBlindedPath(first.paths[0]!).length < 250, `offer path is ${encodeBlindedPath(first.paths[0]!).length} bytes`);

  const { offer, invoice } = r.build(first.paths, first.expiry);
  const { persistedPathId, forwardPathId } = r.serve(first.servePath, invoice.bytes);
  const persisted = await r.waitPersisted(persistedPathId);
  assert.equal(msgOf(persisted).kind, 'static_invoice_persisted');
  assert.equal(persisted.replyPath, undefined);

  const stored = await listSlot(s, 'alice', 0);
  assert.equal(stored.status, 'confirmed');
  assert.equal(stored.invoice, toHex(invoice.bytes));
  assert.equal(stored.bytes, invoice.bytes.length);
  const notes = s.plugin!.notifications.filter((n) => n.method === 'asyncpay_static_invoice');
  assert.equal(notes.length, 1);
  assert.deepEqual(Object.keys(notes[0]!.params).sort(), ['expires_at', 'invoice_slot', 'offer_id', 'recipient_id', 'status']);
  assert.equal(notes[0]!.params.recipient_id, 'alice');
  assert.equal(notes[0]!.params.invoice_slot, 0);
  assert.equal(notes[0]!.params.offer_id, stored.offer_id);

  const { replyPathId, invreq } = p.request(offer);
  const served = await p.node.waitForType(70n, replyPathId);
  const si = msgOf(served);
  assert.equal(si.kind, 'static_invoice');
  assert.equal(toHex((si as { bytes: Uint8Array }).bytes), toHex(invoice.bytes));
  assert.equal(served.replyPath, undefined);
  const fwd = await r.node.waitForType(64n, forwardPathId);
  assert.equal(toHex((msgOf(fwd) as { bytes: Uint8Array }).bytes), toHex(invreq));
  // The forwarded request carries the payer's reply path, so R can answer P directly.
  assert.ok(fwd.replyPath);
  assert.equal(fwd.replyPath.hops.at(-1)!.blindedNodeId.length, 33);
  // The recipient answers over it; the payer receives it on its own reply path.
  r.node.send(fwd.replyPath, [{ type: 66n, value: new Uint8Array([0xf0, 0x00]) }]);
  await p.node.waitForType(66n, replyPathId);

  assert.equal(s.offersStandinReplies.length, 0, 'the built-in offers plugin must never answer our payers');
  const list = await s.cli('staticinvoice-list', {});
  assert.deepEqual(list.recipients[0].counters.served, 1);
  assert.deepEqual(list.recipients[0].counters.forwarded, 1);
  assert.deepEqual(net.violations(), []);
});

test('server flow, autoconfirm off: pending until staticinvoice-confirm, which is idempotent and re-sends', async () => {
  const { net, s, r, p } = await setup({ 'asyncpay-autoconfirm': false });
  const [serverPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'bob' }));
  const op = await r.requestOfferPaths(serverPath!, 3);
  const { offer, invoice } = r.build(op.paths, op.expiry);
  const { persistedPathId } = r.serve(op.servePath, invoice.bytes);
  await s.plugin!.waitForLog(/stored static invoice for bob slot 3/);
  assert.equal((await listSlot(s, 'bob', 3)).status, 'pending');
  assert.equal(s.plugin!.notifications.at(-1)!.params.status, 'pending');
  // Not confirmed: a payer gets nothing (and no invoice_error).
  const q = p.request(offer);
  await sleep(300);
  assert.equal(p.node.inbox.filter((m) => m.records.some((x) => x.type === 70n)).length, 0);
  assert.equal(r.node.inbox.filter((m) => m.records.some((x) => x.type === 75546n)).length, 0);

  const c1 = await s.cli('staticinvoice-confirm', { recipient_id: 'bob', invoice_slot: 3 });
  assert.deepEqual(c1, { recipient_id: 'bob', invoice_slot: 3, status: 'confirmed', confirmation_sent: true });
  await r.waitPersisted(persistedPathId);
  const c2 = await s.cli('staticinvoice-confirm', ['bob', 3]);
  assert.equal(c2.status, 'confirmed');
  await sleep(200);
  assert.equal(r.node.inbox.filter((m) => m.records.some((x) => x.type === 75546n)).length, 2);
  const q2 = p.request(offer);
  await p.node.waitForType(70n, q2.replyPathId);
  assert.equal(p.node.inbox.filter((m) => m.pathId && toHex(m.pathId) === toHex(q.replyPathId)).length, 0);
  assert.deepEqual(net.violations(), []);
});

test('RPC parameter validation gives clear JSON-RPC errors; help text comes from plugin-manifest.json', async () => {
  const { s } = await setup();
  const cases: Array<[string, unknown, RegExp]> = [
    ['asyncrecipient-paths', {}, /recipient_id/],
    ['asyncrecipient-paths', { recipient_id: 'x'.repeat(1025) }, /1024/],
    ['asyncrecipient-paths', { recipient_id: 'a', expiry: -5 }, /expiry/],
    ['staticinvoice-confirm', { recipient_id: 'a', invoice_slot: 'x' }, /invoice_slot/],
    ['staticinvoice-confirm', { recipient_id: 'nobody', invoice_slot: 0 }, /no static invoice/],
    ['staticinvoice-delete', { recipient_id: 'nobody', invoice_slot: 1 }, /no static invoice/],
    ['staticinvoice-list', { recipient_id: 7 }, /recipient_id/],
  ];
  for (const [method, params, re] of cases) {
    await assert.rejects(s.cli(method, params as Record<string, unknown>), (e: Error & { rpcError?: { code: number; message: string } }) => {
      assert.ok(e.rpcError, `${method} should fail with a JSON-RPC error`);
      assert.match(e.rpcError.message, re);
      assert.equal(typeof e.rpcError.code, 'number');
      return true;
    });
  }
  for (const m of s.plugin!.manifest.rpcmethods) {
    assert.ok(m.description.length > 20, `${m.name} has help text`);
    assert.equal(typeof m.usage, 'string');
  }
});

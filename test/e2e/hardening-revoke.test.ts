// Issue 17, finding 6: a recipient path's expiry bounds everything derived from it,
// and `asyncrecipient-revoke` stops a recipient for good: its invoices are deleted and
// every later message on its paths (requests for offer paths, uploads, payers'
// invoice_requests) is refused and counted — across a restart too.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { LdkPayer, LdkRecipient, sendMsg, serverPathsOf } from './ldk-actors.js';
import { rpcError } from './recipient-helpers.js';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
let net: SimNetwork;
let s: ClnNode;
let r: LdkRecipient;
let p: LdkPayer;

before(async () => {
  net = new SimNetwork();
  s = await net.addClnNode('server');
  const rNode = net.addExternalNode('recipient');
  const pNode = net.addExternalNode('payer');
  net.addChannel(rNode, s, { scid: '1x1x0' });
  net.addChannel(pNode, s, { scid: '2x1x0' });
  for (const n of [s, rNode, pNode]) n.rateLimit = false;
  r = new LdkRecipient(rNode, s);
  p = new LdkPayer(pNode, s);
});
after(() => net.close());

async function counters(id: string) {
  return (await s.cli('staticinvoice-list', { recipient_id: id })).recipients[0];
}

test('offer and upload paths expire no later than the recipient path they were requested over', async () => {
  const res = await s.cli('asyncrecipient-paths', { recipient_id: 'shortlived', expiry: 3600 });
  const [path] = serverPathsOf(res) as [BlindedPath];
  const op = await r.requestOfferPaths(path, 0);
  assert.ok(op.expiry !== undefined && Number(op.expiry) <= res.expires_at, `offer paths expire at ${op.expiry}, the recipient path at ${res.expires_at}`);
  // Without an expiry they still get LDK's year.
  const [forever] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'forever' })) as [BlindedPath];
  const op2 = await r.requestOfferPaths(forever, 0);
  assert.ok(Number(op2.expiry) > Math.floor(Date.now() / 1000) + 300 * 86400);
});

test('asyncrecipient-revoke: invoices deleted; uploads, offer path requests and invoice_requests refused and counted, also after a restart', async () => {
  const [path] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'alice' })) as [BlindedPath];
  const op = await r.requestOfferPaths(path, 0);
  const { offer, invoice } = r.build(op.paths, op.expiry);
  const { persistedPathId } = r.serve(op.servePath, invoice.bytes);
  await r.waitPersisted(persistedPathId);
  const first = p.request(offer);
  await p.node.waitForType(70n, first.replyPathId);

  const res = await s.cli('asyncrecipient-revoke', { recipient_id: 'alice' });
  assert.deepEqual(res.deleted, [0]);
  assert.equal(res.already_revoked, false);
  assert.equal(typeof res.revoked_at, 'number');
  assert.deepEqual((await s.cli('staticinvoice-list', { recipient_id: 'alice' })).invoices, []);

  for (let round = 0; round < 2; round++) {
    const inboxR = r.node.inbox.length;
    const inboxP = p.node.inbox.length;
    const before = (await counters('alice')).counters.rejected.revoked ?? 0;
    // An upload over the serve path it already has, a request for offer paths, a payer's request.
    const newer = r.build(op.paths, op.expiry, { createdAt: BigInt(Math.floor(Date.now() / 1000)) + 1n });
    r.serve(op.servePath, newer.invoice.bytes);
    const reply = r.node.makePath({ via: [s] });
    sendMsg(r.node, path, { kind: 'offer_paths_request', invoiceSlot: 1 }, reply.path);
    p.request(offer);
    await sleep(800);
    const after = await counters('alice');
    assert.equal(after.counters.rejected.revoked - before, 3, `round ${round}: three refusals counted ${JSON.stringify(after.counters)}`);
    assert.equal(typeof after.revoked_at, 'number');
    assert.equal(r.node.inbox.length, inboxR, 'nothing sent to the recipient');
    assert.equal(p.node.inbox.length, inboxP, 'nothing sent to the payer');
    assert.deepEqual((await s.cli('staticinvoice-list', { recipient_id: 'alice' })).invoices, []);
    if (round === 0) {
      await s.killPlugin();
      await s.startPlugin();
    }
  }
  const again = await s.cli('asyncrecipient-revoke', { recipient_id: 'alice' });
  assert.equal(again.already_revoked, true);
  assert.deepEqual(again.deleted, []);
  const e = await rpcError(s, 'asyncrecipient-paths', { recipient_id: 'alice' });
  assert.match(e.message, /revoked/);
  assert.equal((await rpcError(s, 'asyncrecipient-revoke', { recipient_id: 'nobody' })).code, 1901);
  assert.deepEqual(net.violations(), []);
});

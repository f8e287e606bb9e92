// Issue 17, finding 1: a recipient must not be able to make the server forward an
// invoice_request to the server itself. One payer request over a self-referential
// forward path causes at most one forward and no loop — whether the forward path is
// the offer path the server just gave (delivered in-process on an announced server),
// another recipient's offer path, or a path through a peer that leads back to us
// (which goes through lightningd and comes back as onionmessage_forward_fail).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode } from '../sim/external-node.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { LdkPayer, LdkRecipient, serverPathsOf } from './ldk-actors.js';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
let net: SimNetwork;
let s: ClnNode;
let relay: ExternalNode;
let r: LdkRecipient;
let p: LdkPayer;

before(async () => {
  net = new SimNetwork();
  s = await net.addClnNode('server'); // announced: its paths start at itself
  s.rateLimit = false; // connectd's limit would only slow a loop down, not stop it
  const rNode = net.addExternalNode('recipient');
  const pNode = net.addExternalNode('payer');
  relay = net.addExternalNode('relay');
  for (const [n, scid] of [[rNode, '1x1x0'], [pNode, '2x1x0'], [relay, '3x1x0']] as const) {
    net.addChannel(n, s, { scid });
    n.rateLimit = false;
  }
  r = new LdkRecipient(rNode, s);
  p = new LdkPayer(pNode, s);
});
after(() => net.close());

async function counters(recipient: string) {
  const l = await s.cli('staticinvoice-list', { recipient_id: recipient });
  return l.recipients[0].counters;
}

async function served(recipient: string, slot: number) {
  const l = await s.cli('staticinvoice-list', { recipient_id: recipient });
  return l.invoices.find((x: { invoice_slot: number }) => x.invoice_slot === slot);
}

/** Sends one invoice_request for the slot's offer, waits, and returns what the server did. */
async function oneRequest(recipient: string, offer: Parameters<LdkPayer['request']>[0]) {
  const before = await counters(recipient);
  const injectsBefore = s.rpc.calls.filter((c) => c.method === 'injectonionmessage').length;
  p.request(offer);
  await sleep(1500);
  const after = await counters(recipient);
  return {
    forwarded: after.forwarded - before.forwarded,
    served: after.served - before.served,
    injected: s.rpc.calls.filter((c) => c.method === 'injectonionmessage').length - injectsBefore,
  };
}

test('forward path = the offer path the server just issued: refused, and a payer request makes no loop', async () => {
  const [alicePath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'alice' })) as [BlindedPath];
  const op = await r.requestOfferPaths(alicePath, 0);
  const { offer, invoice } = r.build(op.paths, op.expiry);
  r.serve(op.servePath, invoice.bytes, op.paths[0]);
  await sleep(500);
  const did = await oneRequest('alice', offer);
  assert.ok(did.forwarded <= 1, `forwarded ${did.forwarded} times`);
  assert.ok(did.served <= 1, `served ${did.served} times`);
  assert.ok(did.injected <= 2, `${did.injected} injectonionmessage calls`);
  assert.equal(await served('alice', 0), undefined, 'an invoice with a forward path back into the server is not stored');
  assert.ok((await counters('alice')).rejected.bad_forward_path >= 1);
  assert.ok(s.plugin!.alive);
  assert.deepEqual(net.violations(), []);
});

test("forward path = another recipient's offer path: refused the same way", async () => {
  const [bobPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'bob' })) as [BlindedPath];
  const [carolPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'carol' })) as [BlindedPath];
  const bob = await r.requestOfferPaths(bobPath, 0);
  const carol = await r.requestOfferPaths(carolPath, 0);
  const b = r.build(bob.paths, bob.expiry);
  r.serve(bob.servePath, b.invoice.bytes, carol.paths[0]);
  await s.plugin!.waitForLog(/rejected \(bad_forward_path\) from bob/);
  assert.equal(await served('bob', 0), undefined);
  // Carol stores a genuine invoice; Bob's request loops into nothing.
  const c = r.build(carol.paths, carol.expiry);
  const { persistedPathId } = r.serve(carol.servePath, c.invoice.bytes);
  await r.waitPersisted(persistedPathId);
  const did = await oneRequest('carol', c.offer);
  assert.equal(did.forwarded, 1);
  assert.equal(did.served, 1);
});

test('forward path through a peer that splices back into our offer path: one forward, the copy that comes back is dropped', async () => {
  const [danPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'dan' })) as [BlindedPath];
  const op = await r.requestOfferPaths(danPath, 0);
  const offerPath = op.paths[0]!;
  // relay → (override) → the offer path's own hops: S then V.
  const head = createBlindedPath([{ nodeId: relay.id, data: { nextNodeId: s.id, nextPathKeyOverride: offerPath.firstPathKey } }]);
  const spliced: BlindedPath = { ...head, hops: [...head.hops, ...offerPath.hops] };
  const { offer, invoice } = r.build(op.paths, op.expiry);
  const { persistedPathId } = r.serve(op.servePath, invoice.bytes, spliced);
  await r.waitPersisted(persistedPathId);
  const did = await oneRequest('dan', offer);
  assert.equal(did.forwarded, 1, 'the request is forwarded once');
  assert.equal(did.served, 1, 'and served once');
  assert.ok((await counters('dan')).rejected.duplicate_invoice_request >= 1, 'the copy that came back was recognised');
  assert.ok(s.plugin!.alive);
  assert.deepEqual(net.violations(), []);
});

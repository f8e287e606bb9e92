// Issue 17, finding 4: replying to a payer whose reply path starts far away (not a
// peer: the normal case for LDK payers behind their LSP, and freely chosen by an
// attacker) must not cost a full listpeers/listchannels/listnodes per message, and must
// not make the node `connect` to whatever node a payer names, again and again.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey, randomBytes } from '../../src/crypto/secp.js';
import { buildInvoiceRequest } from '../../src/bolt12/build.js';
import type { Offer } from '../../src/bolt12/offer.js';
import { encodeMessage } from '../../src/messages/index.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode } from '../sim/external-node.js';
import { LdkRecipient, REGTEST, serverPathsOf } from './ldk-actors.js';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
let net: SimNetwork;
let s: ClnNode;
let x: ExternalNode;
let offer: Offer;
const payerKey = asPrivKey(sha256(fromHex('7061796572')));

before(async () => {
  net = new SimNetwork();
  s = await net.addClnNode('server');
  const rNode = net.addExternalNode('recipient');
  x = net.addExternalNode('hub');
  net.addChannel(rNode, s, { scid: '1x1x0' });
  net.addChannel(x, s, { scid: '2x1x0' });
  for (const n of [s, rNode, x]) n.rateLimit = false;
  const r = new LdkRecipient(rNode, s);
  const [path] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'alice' })) as [BlindedPath];
  const op = await r.requestOfferPaths(path, 0);
  const built = r.build(op.paths, op.expiry);
  offer = built.offer;
  await r.waitPersisted(r.serve(op.servePath, built.invoice.bytes).persistedPathId);
});
after(() => net.close());

/** An invoice_request from `payer`, entering through the hub, with a reply path that starts at the payer itself. */
function requestFromAfar(payer: ExternalNode): Uint8Array {
  const req = buildInvoiceRequest(offer, { metadata: randomBytes(16), payerKey, chain: REGTEST, amount: 50_000n });
  const reply = payer.makePath();
  const res = payer.send(offer.paths![0]!, [encodeMessage({ kind: 'invoice_request', bytes: req.bytes })], { replyPath: reply.path, prefix: [x] });
  assert.ok(res.ok, res.ok ? '' : res.error);
  return reply.pathId;
}

function fullFetches(from: number) {
  const calls = s.rpc.calls.slice(from);
  return {
    listpeers: calls.filter((c) => c.method === 'listpeers' && !c.params.id).length,
    listchannels: calls.filter((c) => c.method === 'listchannels' && !c.params.short_channel_id && !c.params.source).length,
    listnodes: calls.filter((c) => c.method === 'listnodes' && !c.params.id).length,
    connect: calls.filter((c) => c.method === 'connect').length,
  };
}

test('N replies to a payer reachable only over gossip cost O(1) full topology fetches, and all arrive', async () => {
  const payer = net.addExternalNode('far-payer');
  payer.rateLimit = false;
  net.addChannel(x, payer, { scid: '3x1x0' }); // public: gossip knows server - hub - payer
  const from = s.rpc.calls.length;
  const N = 12;
  const replies = [];
  for (let i = 0; i < N; i++) replies.push(requestFromAfar(payer));
  for (const id of replies) await payer.waitForType(70n, id, 10_000);
  const f = fullFetches(from);
  assert.ok(f.listchannels <= 1 && f.listnodes <= 1, `gossip fetched ${JSON.stringify(f)} times for ${N} replies`);
  assert.ok(f.listpeers <= 1, `full listpeers ${f.listpeers} times for ${N} replies`);
  assert.equal(f.connect, 0);
  // More replies later: still no new full fetch.
  const from2 = s.rpc.calls.length;
  for (let i = 0; i < 4; i++) await payer.waitForType(70n, requestFromAfar(payer), 10_000);
  const g = fullFetches(from2);
  assert.deepEqual([g.listchannels, g.listnodes, g.listpeers], [0, 0, 0], JSON.stringify(g));
  assert.deepEqual(net.violations(), []);
});

test('a payer nobody can route to: the node tries to connect once, not once per request', async () => {
  const ghost = net.addExternalNode('ghost-payer');
  ghost.announced = false; // no address in gossip: connect fails
  ghost.rateLimit = false;
  net.addChannel(x, ghost, { scid: '4x1x0', public: false });
  const from = s.rpc.calls.length;
  const logsBefore = s.plugin!.logs.length;
  for (let i = 0; i < 8; i++) requestFromAfar(ghost);
  await s.plugin!.waitForLog(/could not send static_invoice/, 5000, logsBefore);
  await sleep(1000);
  const f = fullFetches(from);
  assert.ok(f.connect <= 1, `${f.connect} connect attempts for 8 requests`);
  assert.ok(f.listchannels <= 1 && f.listnodes <= 1, JSON.stringify(f));
  assert.ok(s.plugin!.alive);
  assert.deepEqual(net.violations(), []);
});

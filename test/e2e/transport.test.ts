// Issue 3: the plugin's transport through the simulated lightningd — how messages
// arrive (virtual node via onionmessage_forward_fail) and how replies leave
// (injectonionmessage; we may or may not be the introduction node; the first hop may
// need a route over gossip or a connect).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPubKey, pubFromPriv } from '../../src/crypto/secp.js';
import { createBlindedPath, unblindHop } from '../../src/onion/blinding.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { privKeyFromSecret, SECRET_LABELS } from '../../src/transport/secrets.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode } from '../sim/external-node.js';
import { msgOf, sendMsg, serverPathsOf } from './ldk-actors.js';
import { scidToBigInt } from '../sim/scid.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** The virtual node key the plugin on `node` derives (the simulator knows the HSM). */
async function virtualKeyOf(node: ClnNode) {
  const secret = fromHex((await new Promise<any>((res, rej) => {
    import('node:net').then(({ createConnection }) => {
      const c = createConnection(node.rpc.path);
      c.on('data', (d) => { res(JSON.parse(d.toString())); c.end(); });
      c.on('error', rej);
      c.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'makesecret', params: { string: SECRET_LABELS.virtualNode } }));
    });
  })).result.secret);
  const priv = privKeyFromSecret(sha256(utf8('virtual node'), secret));
  return { priv, id: pubFromPriv(priv) };
}

async function recipientPath(s: ClnNode, id = 'r'): Promise<BlindedPath> {
  return serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: id }))[0]!;
}

async function ask(r: ExternalNode, serverPath: BlindedPath, reply: { path: BlindedPath; pathId: Uint8Array }, prefix: ExternalNode[] = []) {
  const res = r.send(serverPath, [{ type: 75540n, value: fromHex('0400020001') }], { replyPath: reply.path, prefix });
  assert.ok(res.ok, (res as { error?: string }).error);
  const got = await r.waitForType(75542n, reply.pathId);
  assert.equal(msgOf(got).kind, 'offer_paths');
  return got;
}

test('arrival: an even-typed message on a virtual-node path reaches the plugin with its type and context', async () => {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('s');
  const r = net.addExternalNode('r');
  net.addChannel(r, s, { scid: '1x1x0' });
  const path = await recipientPath(s, 'alice');
  // The path: S (intro) → V. S only forwards; the message surfaces as forward_fail.
  assert.equal(path.hops.length, 2);
  await ask(r, path, r.makePath({ via: [s] }));
  assert.equal(s.forwardFails.length, 1);
  assert.equal(s.forwardFails[0].next_node_id, toHex((await virtualKeyOf(s)).id));
  await s.plugin!.waitForLog(/received offer_paths_request on recipient path with reply path/);
  assert.equal(s.hookCalls.length, 0, 'no hook sees async-payments messages');
});

test('arrival: the same message to a path ending at the node itself is dropped as lightningd drops it', async () => {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('s');
  const r = net.addExternalNode('r');
  net.addChannel(r, s, { scid: '1x1x0' });
  const toNode = createBlindedPath([{ nodeId: s.id, data: { pathId: new Uint8Array(32).fill(1) } }]);
  const reply = r.makePath({ via: [s] });
  sendMsg(r, toNode, { kind: 'offer_paths_request', invoiceSlot: 1 }, reply.path);
  await sleep(200);
  assert.equal(s.hookCalls.length, 0);
  assert.equal(s.forwardFails.length, 1);
  assert.equal(s.forwardFails[0].outgoing, undefined);
  assert.match(s.dropped.at(-1)!.reason, /unknown even type 75540/);
  assert.equal(r.inbox.length, 0);
  // An odd-typed message there reaches the hook, which the plugin answers (continue).
  r.send(toNode, [{ type: 65n, value: utf8('garbage \x00\xff') }, { type: 75541n, value: fromHex('ff') }]);
  await sleep(200);
  assert.deepEqual(s.hookCalls.at(-1)!.answers, ['plugin:continue', 'offers:continue']);
  assert.deepEqual(net.violations(), []);
});

test('replies leave over the reply path: we are its intro, a peer is, a sciddir names it, a gossip route or a connect reaches it', async () => {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('s');
  const r = net.addExternalNode('r');
  const x = net.addExternalNode('x');
  const y = net.addExternalNode('y');
  const far = net.addExternalNode('far');
  net.addChannel(r, s, { scid: '10x1x0' });
  net.addChannel(s, x, { scid: '20x1x0' });
  net.addChannel(x, y, { scid: '30x1x0' });
  net.addChannel(y, far, { scid: '40x1x0' });
  for (const n of [s, r, x, y, far]) n.rateLimit = false;
  const path = await recipientPath(s);

  // 1. S is the reply path's introduction node.
  await ask(r, path, r.makePath({ via: [s] }));
  // 2. The introduction node is the peer R itself.
  await ask(r, path, r.makePath());
  // 3. A sciddir introduction node (the S–R channel, direction pointing at R).
  const rp = r.makePath();
  const dir = r.idHex < s.idHex ? 0 : 1;
  await ask(r, path, { path: { ...rp.path, intro: { kind: 'sciddir', scid: scidToBigInt('10x1x0'), direction: dir as 0 | 1 } }, pathId: rp.pathId });
  // 4. Reply path introduced by Y, two hops away: S finds S → X → Y over gossip.
  const before = s.rpc.calls.filter((c) => c.method === 'connect').length;
  await ask(y, path, y.makePath(), [x]);
  // 5. HIDDEN is not in gossip at all (its only channel, to Y, is private; S keeps the
  // gossip graph it fetched, so a node must be unknown to it, not just changed): S connects.
  const hidden = net.addExternalNode('hidden');
  hidden.rateLimit = false;
  net.addChannel(y, hidden, { scid: '50x1x0', public: false });
  const farReply = hidden.makePath();
  hidden.send(path, [{ type: 75540n, value: fromHex('0400020002') }], { replyPath: farReply.path, prefix: [y, x] });
  await hidden.waitForType(75542n, farReply.pathId);
  const connects = s.rpc.calls.filter((c) => c.method === 'connect');
  assert.ok(connects.length > before, 'S used connect');
  assert.equal(connects.at(-1)!.params.id, hidden.idHex);
  assert.ok(net.isConnected(s, hidden));
  assert.deepEqual(net.violations(), []);
});

test('asyncpay-noconnect: no connect, the reply is not sent, a log says why', async () => {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('s', { pluginOptions: { 'asyncpay-noconnect': true } });
  const x = net.addExternalNode('x');
  const far = net.addExternalNode('far');
  net.addChannel(s, x, { scid: '20x1x0', public: false });
  net.addChannel(x, far, { scid: '30x1x0', public: false });
  const path = await recipientPath(s);
  // S is unannounced (no public channel), so X introduces its path.
  assert.equal(toHex((path.intro as { nodeId: Uint8Array }).nodeId), x.idHex);
  const reply = far.makePath();
  assert.ok(far.send(path, [{ type: 75540n, value: fromHex('0400020002') }], { replyPath: reply.path }).ok);
  await s.plugin!.waitForLog(/could not send offer_paths.*asyncpay-noconnect/);
  assert.equal(s.rpc.calls.filter((c) => c.method === 'connect').length, 0);
  assert.equal(far.inbox.length, 0);
});

test('an unannounced node introduces its paths through a peer', async () => {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('s', { announced: false });
  const lsp = net.addExternalNode('lsp');
  const r = net.addExternalNode('r');
  net.addChannel(s, lsp, { scid: '5x1x0', public: false });
  net.addChannel(r, lsp, { scid: '6x1x0' });
  const path = await recipientPath(s);
  assert.equal(path.intro.kind, 'pubkey');
  assert.equal(toHex((path.intro as { nodeId: Uint8Array }).nodeId), lsp.idHex);
  assert.equal(path.hops.length, 3);
  await ask(r, path, r.makePath({ via: [lsp] }));
});

test("another node's genuine path_id is rejected here (contexts are bound to the node's secret)", async () => {
  const net = new SimNetwork();
  nets.push(net);
  const s1 = await net.addClnNode('s1');
  const s2 = await net.addClnNode('s2');
  const r = net.addExternalNode('r');
  net.addChannel(r, s1, { scid: '1x1x0' });
  net.addChannel(r, s2, { scid: '2x1x0' });
  const p2 = await recipientPath(s2, 'alice');
  // Decrypt S2's path with the keys the simulator knows, to recover its real path_id.
  const hop0 = unblindHop(s2.priv, p2.firstPathKey, p2.hops[0]!.encryptedData);
  const v2 = await virtualKeyOf(s2);
  const hop1 = unblindHop(v2.priv, hop0.nextPathKey, p2.hops[1]!.encryptedData);
  const genuine = hop1.data.pathId!;
  await ask(r, p2, r.makePath({ via: [s2] })); // it works at S2
  await recipientPath(s1, 'alice'); // S1 knows an "alice" too
  const v1 = await virtualKeyOf(s1);
  const stolen = createBlindedPath([{ nodeId: s1.id, data: { nextNodeId: v1.id } }, { nodeId: asPubKey(v1.id), data: { pathId: genuine } }]);
  const reply = r.makePath({ via: [s1] });
  sendMsg(r, stolen, { kind: 'offer_paths_request', invoiceSlot: 0 }, reply.path);
  await s1.plugin!.waitForLog(/dropped onion message: offer_paths_request with unauthenticated path_id/);
  await sleep(100);
  assert.equal(r.inbox.filter((m) => m.pathId && toHex(m.pathId) === toHex(reply.pathId)).length, 0);
});

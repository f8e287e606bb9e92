// Issue 14: the LSP mailbox, end to end through the simulated lightningd with the real
// plugin process. The wallet is an external node (as an LDK wallet behind its LSP);
// payers send onion messages to it through S while it is offline.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SimNetwork } from '../sim/network.js';
import { held, lsp, mailbox, offline, online, probe, probeNo, rateLimitDrops, until, walletPath } from './mailbox-helpers.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));

test('held while the wallet is offline, delivered oldest first on reconnect, paced under its rate limit; one wake-up per empty→non-empty', async () => {
  const l = await lsp(nets);
  const { s, wallet, payer } = l;
  const { path, pathId } = walletPath(l);
  offline(l);
  const N = 12;
  for (let i = 0; i < N; i++) probe(payer, path, i);
  const box = await held(s, N);
  const peer = box.peers[0];
  assert.equal(peer.peer_id, wallet.idHex);
  assert.equal(peer.messages, N);
  assert.equal(peer.bytes, N * 1366);
  assert.equal(typeof peer.oldest_at, 'number');
  assert.ok(peer.oldest_age >= 0);
  assert.equal(box.counters.stored, N);
  assert.deepEqual(box.limits, { max_per_peer: 30, max_bytes: 10485760, ttl: 604800 });
  // Stored durably and announced once, with the documented fields.
  const wakes = () => s.plugin!.notifications.filter((n) => n.method === 'asyncpay_mailbox');
  assert.equal(wakes().length, 1);
  assert.deepEqual(Object.keys(wakes()[0]!.params).sort(), ['messages', 'oldest_at', 'peer_id']);
  assert.equal(wakes()[0]!.params.peer_id, wallet.idHex);
  assert.equal(wakes()[0]!.params.messages, 1);
  assert.equal(wakes()[0]!.params.oldest_at, peer.oldest_at);
  assert.equal(wallet.inbox.length, 0);

  online(l);
  await until(() => wallet.inbox.length >= N, 'all held messages delivered');
  assert.deepEqual(wallet.inbox.map(probeNo), [...Array(N).keys()], 'oldest first, each once');
  for (const m of wallet.inbox) assert.deepEqual(m.pathId, pathId, 'the original payload reached the wallet');
  assert.deepEqual(rateLimitDrops(wallet), [], "pacing never trips the wallet's onion-message limit");
  const after1 = await until(async () => ((await mailbox(s)).total_messages === 0 ? mailbox(s) : undefined), 'box emptied');
  assert.equal(after1.counters.delivered, N);
  assert.deepEqual(after1.peers, []);

  // Gone again: the box fills again and wakes the wallet again (a new empty→non-empty).
  offline(l);
  probe(payer, path, 100);
  await held(s, 1);
  probe(payer, path, 101);
  await held(s, 2);
  assert.equal(wakes().length, 2);
  online(l);
  await until(() => wallet.inbox.length >= N + 2, 'second visit delivered');
  assert.deepEqual(wallet.inbox.slice(N).map(probeNo), [100, 101]);
  assert.deepEqual(rateLimitDrops(wallet), []);
  assert.deepEqual(l.net.violations(), []);
});

test("next hop given as a short channel id: S's alias and the real scid resolve to the channel peer; another peer's scid does not", async () => {
  const l = await lsp(nets);
  const { s, wallet, payer } = l;
  offline(l);
  probe(payer, walletPath(l, '5001x1x1').path, 1); // S's local alias for the wallet's channel
  probe(payer, walletPath(l, '900x1x0').path, 2); // the channel's real scid
  await held(s, 2);
  assert.equal(s.forwardFails.filter((f) => f.next_short_channel_id_dir).length, 2, 'lightningd reported the scid form');
  // The wallet's own alias (5000x1x1) is not one S resolves (connectd neither): dropped, counted.
  probe(payer, walletPath(l, '5000x1x1').path, 3);
  await until(async () => (await mailbox(s)).counters.refused.not_channel_peer === 1, 'refusal counted');
  online(l);
  await until(() => wallet.inbox.length >= 2, 'delivered');
  assert.deepEqual(wallet.inbox.map(probeNo), [1, 2]);
  assert.deepEqual(l.net.violations(), []);
});

test('per-peer cap: a flood from one source fills the box and its surplus is refused; another source still gets in, evicting the flooder’s oldest', async () => {
  const l = await lsp(nets, { 'asyncpay-mailbox-max-per-peer': 5 });
  const { s, wallet, payer } = l;
  const other = l.net.addExternalNode('other-payer');
  l.net.addChannel(other, s, { scid: '900x3x0' });
  const { path } = walletPath(l);
  offline(l);
  for (let i = 0; i < 8; i++) probe(payer, path, i);
  await until(async () => {
    const m = await mailbox(s);
    return m.counters.stored + (m.counters.refused.peer_full ?? 0) === 8 ? m : undefined;
  }, 'flood handled');
  let m = await mailbox(s);
  assert.equal(m.total_messages, 5);
  assert.equal(m.counters.refused.peer_full, 3);
  probe(other, path, 200);
  probe(other, path, 201);
  m = await until(async () => ((await mailbox(s)).counters.stored === 7 ? mailbox(s) : undefined), 'other source admitted');
  assert.equal(m.total_messages, 5, 'still capped');
  assert.equal(m.counters.evicted, 2);
  online(l);
  await until(() => wallet.inbox.length >= 5, 'delivered');
  assert.deepEqual(wallet.inbox.map(probeNo), [2, 3, 4, 200, 201], "the flooder's two oldest made room; its surplus never got in");
  assert.deepEqual(l.net.violations(), []);
});

test('total bytes cap across peers: refused once full for the only source; a second source takes the largest holder’s oldest', async () => {
  // 65535 bytes hold 47 packets of 1366 bytes.
  const l = await lsp(nets, { 'asyncpay-mailbox-max-bytes': 65535 });
  const { s, wallet, payer } = l;
  const wallet2 = l.net.addExternalNode('wallet2');
  l.net.addChannel(wallet2, s, { scid: '900x4x0', public: false });
  const other = l.net.addExternalNode('other-payer');
  l.net.addChannel(other, s, { scid: '900x3x0' });
  const toW1 = walletPath(l).path;
  const toW2 = walletPath({ ...l, wallet: wallet2 }).path;
  offline(l);
  offline(l, wallet2);
  for (let i = 0; i < 30; i++) probe(payer, toW1, i);
  for (let i = 0; i < 30; i++) probe(payer, toW2, 1000 + i);
  await until(async () => {
    const m = await mailbox(s);
    return m.counters.stored + (m.counters.refused.mailbox_full ?? 0) === 60 ? m : undefined;
  }, 'all 60 handled');
  let m = await mailbox(s);
  assert.equal(m.total_messages, 47);
  assert.equal(m.total_bytes, 47 * 1366);
  assert.equal(m.counters.refused.mailbox_full, 13);
  probe(other, toW2, 2000);
  m = await until(async () => ((await mailbox(s)).counters.stored === 48 ? mailbox(s) : undefined), 'other source admitted');
  assert.equal(m.total_messages, 47);
  assert.equal(m.counters.evicted, 1);
  online(l);
  await until(() => wallet.inbox.length >= 29, 'wallet 1 delivered');
  assert.deepEqual(wallet.inbox.map(probeNo), [...Array(30).keys()].slice(1), 'the globally oldest message of the flooder was evicted');
  assert.deepEqual(rateLimitDrops(wallet), []);
  online(l, wallet2);
  await until(() => wallet2.inbox.length >= 18, 'wallet 2 delivered');
  assert.deepEqual(wallet2.inbox.map(probeNo), [...[...Array(17).keys()].map((i) => 1000 + i), 2000]);
  assert.deepEqual(l.net.violations(), []);
});

test('identical packets are held once and delivered once', async () => {
  const l = await lsp(nets);
  const { s, wallet, payer } = l;
  offline(l);
  const send = payer.prepareSend(walletPath(l).path, [{ type: 77n, value: new Uint8Array([0, 7]) }]);
  send();
  await held(s, 1);
  send();
  send();
  const m = await until(async () => {
    const x = await mailbox(s);
    return x.counters.duplicates === 2 ? x : undefined;
  }, 'duplicates counted');
  assert.equal(m.total_messages, 1);
  assert.equal(m.counters.stored, 1);
  online(l);
  await until(() => wallet.inbox.length >= 1, 'delivered');
  // A marker sent after the box emptied arrives after everything the mailbox sent.
  await until(async () => (await mailbox(s)).total_messages === 0, 'emptied');
  probe(payer, walletPath(l).path, 9);
  await until(() => wallet.inbox.some((x) => probeNo(x) === 9), 'marker');
  assert.deepEqual(wallet.inbox.map(probeNo), [7, 9]);
});

test('nothing is held for a peer without a channel, nor for our virtual node; hostile forward_fail payloads are refused and counted', async () => {
  const l = await lsp(nets);
  const { s, payer, net } = l;
  const stranger = net.addExternalNode('stranger');
  net.connect(stranger, s);
  const toStranger = walletPath({ ...l, wallet: stranger }).path;
  offline(l, stranger);
  probe(payer, toStranger, 1);
  await until(async () => (await mailbox(s)).counters.refused.not_channel_peer === 1, 'non-channel peer refused');
  // A message to our own virtual node is the receiver's (S answers an offer_paths_request).
  const [serverPath] = (await s.cli('asyncrecipient-paths', { recipient_id: 'alice' })).paths;
  assert.ok(serverPath);
  const before = s.forwardFails.length;
  const { LdkRecipient, serverPathsOf } = await import('./ldk-actors.js');
  const r = new LdkRecipient(payer, s);
  await r.requestOfferPaths(serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'alice' }))[0]!, 0);
  assert.ok(s.forwardFails.length > before, 'it did arrive through forward_fail');
  // Hostile payloads straight into the notification.
  const good = s.forwardFails.find((f) => f.next_node_id === l.wallet.idHex || f.next_node_id === stranger.idHex)!;
  const bad: Array<Record<string, unknown>> = [
    { ...good, source: 'zz' },
    { ...good, path_key: '04' + '11'.repeat(32) },
    { ...good, incoming: 'abc' },
    { ...good, incoming: '00'.repeat(65536) },
    { ...good, incoming: '00'.repeat(10) },
    { ...good, next_node_id: 42 },
    { ...good, next_node_id: undefined, next_short_channel_id_dir: '1x2' },
    { ...good, next_node_id: undefined, next_short_channel_id_dir: '99999999x1x0/0' },
  ];
  for (const b of bad) s.plugin!.notify('onionmessage_forward_fail', b);
  s.plugin!.notify('onionmessage_forward_fail', 'not an object');
  s.plugin!.notify('onionmessage_forward_fail', { ...good, next_node_id: undefined, next_short_channel_id_dir: '777x7x7/1' });
  const m = await until(async () => {
    const x = await mailbox(s);
    return (x.counters.refused.malformed ?? 0) >= 8 && x.counters.refused.not_channel_peer >= 2 ? x : undefined;
  }, 'all refused');
  assert.equal(m.counters.refused.malformed, 8);
  assert.equal(m.counters.refused.not_channel_peer, 2);
  assert.equal(m.total_messages, 0);
  assert.equal(m.counters.stored, 0);
  assert.ok(s.plugin!.alive);
  assert.deepEqual(net.violations(), []);
});

test('purge drops a peer’s messages (idempotent); bad peer ids get a clear error; the mailbox can be disabled', async () => {
  const l = await lsp(nets);
  const { s, wallet, payer } = l;
  offline(l);
  probe(payer, walletPath(l).path, 1);
  probe(payer, walletPath(l).path, 2);
  await held(s, 2);
  assert.deepEqual(await s.cli('asyncpay-mailbox-purge', { peer_id: wallet.idHex }), { peer_id: wallet.idHex, purged: 2 });
  assert.deepEqual(await s.cli('asyncpay-mailbox-purge', [wallet.idHex]), { peer_id: wallet.idHex, purged: 0 });
  const m = await mailbox(s, wallet.idHex);
  assert.deepEqual(m.peers, [{ peer_id: wallet.idHex, messages: 0, bytes: 0, oldest_at: 0, newest_at: 0, oldest_age: 0, delivering: false }]);
  assert.equal(m.counters.purged, 2);
  for (const [method, params] of [['asyncpay-mailbox-purge', {}], ['asyncpay-mailbox-purge', { peer_id: 'x' }], ['asyncpay-mailbox', { peer_id: 12 }]] as const) {
    await assert.rejects(s.cli(method, params), (e: Error & { rpcError?: { code: number; message: string } }) => {
      assert.equal(e.rpcError?.code, -32602);
      assert.match(e.rpcError!.message, /peer_id/);
      return true;
    });
  }
  online(l);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(wallet.inbox.length, 0, 'purged messages are never delivered');

  const d = await lsp(nets, { 'asyncpay-mailbox-disable': true });
  offline(d);
  probe(d.payer, walletPath(d).path, 1);
  await until(() => d.s.forwardFails.length === 1, 'forward failed');
  const dm = await mailbox(d.s);
  assert.equal(dm.enabled, false);
  assert.equal(dm.total_messages, 0);
});

test('our own relay to an offline introduction peer: the forwarded invoice_request waits for that peer, then travels on to the recipient', async () => {
  const l = await lsp(nets);
  const { s, net, payer } = l;
  const { LdkPayer, LdkRecipient, serverPathsOf } = await import('./ldk-actors.js');
  // An LDK recipient whose forward_invoice_request_path starts at X, another channel peer of S.
  const rNode = net.addExternalNode('ldk-recipient');
  net.addChannel(rNode, s, { scid: '901x1x0' });
  const x = net.addExternalNode('x');
  net.addChannel(x, s, { scid: '901x2x0', public: false });
  net.connect(x, rNode);
  const r = new LdkRecipient(rNode, s);
  const [serverPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'carol' }));
  const op = await r.requestOfferPaths(serverPath!, 0);
  const { offer, invoice } = r.build(op.paths, op.expiry);
  const fwd = rNode.makePath({ via: [x] });
  await r.waitPersisted(r.serve(op.servePath, invoice.bytes, fwd.path).persistedPathId);
  net.disconnect(x, rNode);
  offline(l, x);
  const q = new LdkPayer(payer, s).request(offer);
  await payer.waitForType(70n, q.replyPathId);
  const m = await held(s, 1);
  assert.equal(m.peers[0].peer_id, x.idHex, 'held for the introduction node');
  assert.equal((await s.cli('staticinvoice-list', { recipient_id: 'carol' })).recipients[0].counters.forwarded, 1);
  x.online = true;
  net.connect(x, rNode);
  net.connect(x, s);
  const got = await rNode.waitForType(64n, fwd.pathId);
  assert.ok(got.replyPath, "with the payer's reply path");
  assert.deepEqual(net.violations(), []);
});

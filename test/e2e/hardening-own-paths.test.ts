// Issue 17, finding 3: the registry of paths this node delivers to in-process must not
// be a shared FIFO that any recipient can flush. 5,000 offer_paths_requests from one
// recipient leave the node's own recipient able to use its own server (same-node async
// receive), and the registry (and its journal) bounded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SimNetwork } from '../sim/network.js';
import { Store } from '../../src/store/store.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { LdkRecipient, sendMsg, serverPathsOf } from './ldk-actors.js';
import { status, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

test('5,000 offer_paths_requests from one recipient: same-node async receive still works, the registry stays bounded', async (t) => {
  const n = await net.addClnNode('both', { env: { ASYNCPAY_DEV_TICK_MS: '150' }, pluginOptions: { 'asyncpay-offer-count': 1, 'asyncpay-server-rate-per-minute': 0 } });
  const mNode = net.addExternalNode('mallory');
  net.addChannel(mNode, n, { scid: '900x1x0' });
  n.rateLimit = false;
  mNode.rateLimit = false;
  const mallory = new LdkRecipient(mNode, n);
  // Our own recipient's paths to our own server, made before the flood.
  const mine = await n.cli('asyncrecipient-paths', { recipient_id: 'myself' });
  const [mPath] = serverPathsOf(await n.cli('asyncrecipient-paths', { recipient_id: 'mallory' })) as [BlindedPath];
  const reply = mNode.makePath({ via: [n] });
  const TOTAL = 5000;
  const answered = () => mNode.inbox.filter((m) => m.records.some((x) => x.type === 75542n)).length;
  for (let sent = 0; sent < TOTAL; ) {
    const batch = Math.min(250, TOTAL - sent);
    for (let i = 0; i < batch; i++) sendMsg(mNode, mPath, { kind: 'offer_paths_request', invoiceSlot: (sent + i) % 16 }, reply.path);
    sent += batch;
    await until(() => answered() >= sent - 50, `answers to ${sent} requests`, 60_000);
  }
  await until(() => answered() >= TOTAL, 'all answered', 60_000);
  assert.equal((await n.cli('staticinvoice-list', { recipient_id: 'mallory' })).recipients[0].counters.offer_paths_issued, TOTAL);

  // Now our own recipient starts using our own server: everything stays in-process.
  await n.cli('asyncreceive-setserver', { paths: mine.paths_encoded });
  await until(async () => (await status(n)).slots.every((x: { state: string }) => x.state === 'ready'), 'our own offer to become ready', 30_000);
  assert.equal((await n.cli('staticinvoice-list', { recipient_id: 'myself' })).invoices[0].status, 'confirmed');

  // The registry's journal (what survives a restart) holds a bounded number of entries.
  await n.killPlugin('SIGTERM');
  const store = await Store.open(join(n.lightningDir, 'asyncpay'));
  const journaled = (await store.list('own-paths')).length;
  await store.close();
  t.diagnostic(`own paths journaled after ${TOTAL} requests: ${journaled}`);
  assert.ok(journaled <= 300, `${journaled} own paths journaled after ${TOTAL} requests`);
  await n.startPlugin();
  assert.deepEqual(net.violations(), []);
});

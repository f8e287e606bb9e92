// Server and recipient roles on one node: every message between them is delivered
// in-process (lightningd gives no notification for injected messages), including over
// paths made before a restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import { logAfter, logCount, status, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

test('S and R on one node: offer ready without any onion message leaving it; refresh after a restart still reaches S', async () => {
  const env = { ASYNCPAY_DEV_TICK_MS: '150' };
  const n = await net.addClnNode('both', { env, pluginOptions: { 'asyncpay-offer-count': 1 } });
  const peer = net.addExternalNode('peer');
  net.addChannel(peer, n, { scid: '900x1x0' });
  const issued = await n.cli('asyncrecipient-paths', { recipient_id: 'myself' });
  await n.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
  await until(async () => (await status(n)).slots.every((x: { state: string }) => x.state === 'ready'), 'the slot to become ready');
  const offer = await n.cli('asyncoffer', {});
  const before = (await n.cli('staticinvoice-list', { recipient_id: 'myself' })).invoices[0];
  assert.equal(before.status, 'confirmed');
  assert.equal(before.offer_id, offer.offer_id);
  const injected = n.rpc.calls.filter((c) => c.method === 'injectonionmessage').length;
  assert.equal(injected, 0, 'nothing went through lightningd');

  // Restart three hours later: R refreshes the used offer's invoice over S's serve path,
  // made before the restart; it must still be recognised as our own and delivered.
  await n.killPlugin();
  n.opts.env = { ...env, ASYNCPAY_DEV_TIME_OFFSET: String(3 * 3600) };
  await n.startPlugin();
  const from = logCount(n);
  await logAfter(n, from, /stored static invoice for myself slot 0/);
  const after = (await n.cli('staticinvoice-list', { recipient_id: 'myself' })).invoices[0];
  assert.ok(after.created_at > before.created_at, 'a newer invoice replaced the old one');
  assert.equal(after.offer_id, offer.offer_id, 'same offer');
  assert.equal(n.rpc.calls.filter((c) => c.method === 'injectonionmessage').length, 0);
  assert.deepEqual(net.violations(), []);
});

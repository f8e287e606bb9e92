// Issue 17, finding 5: an RPC answer that never arrives (here: corrupted, so the
// plugin's reader drops it) must not block the plugin. The call fails after its
// timeout, is forgotten, and the recipient role — whose work runs in one serial
// queue — keeps answering RPCs and finishes building its offer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import { LdkServerStandIn, logAfter, status, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

test('a dropped RPC answer fails its call after the timeout; the recipient queue moves on and the offer becomes ready', async () => {
  const s = net.addExternalNode('ldk-server');
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode('recipient', { env: { ASYNCPAY_DEV_TICK_MS: '100', ASYNCPAY_DEV_RPC_TIMEOUT_MS: '1500' }, pluginOptions: { 'asyncpay-offer-count': 1 } });
  net.addChannel(r, s, { scid: '990x1x0', public: false, aliasB: '9000x1x1' });
  // The first injectonionmessage (the offer_paths_request) gets a corrupted answer.
  let corrupted = 0;
  r.rpc.corruptAnswer = (method) => method === 'injectonionmessage' && corrupted++ === 0;
  await r.cli('asyncreceive-setserver', { paths: ldk.encodedPaths() });
  await logAfter(r, 0, /dropped \d+ bytes/);
  // While that call is stuck, the queue is busy; once it times out, everything moves on.
  await logAfter(r, 0, /injectonionmessage .* unanswered after 1500 ms/);
  const st = await status(r); // served from the same serial queue
  assert.ok(Array.isArray(st.slots));
  const stop = ldk.auto();
  try {
    await until(async () => (await status(r)).slots[0].state === 'ready', 'the offer to become ready after the timeout');
  } finally {
    stop();
  }
  assert.equal(corrupted >= 2, true, 'later injectonionmessage calls went through');
  assert.ok((await r.cli('asyncoffer', {})).offer.startsWith('lno1'));
  assert.ok(r.plugin!.alive);
  assert.deepEqual(net.violations(), []);
});

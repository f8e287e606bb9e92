// When the server is silent R keeps asking, backing off after three unanswered
// requests, and builds as soon as an answer comes; without a channel R cannot build
// payment paths, says so, and recovers once a channel exists.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import { LdkServerStandIn, logAfter, rpcError, status, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

test('a silent server: requests repeat, then back off; the first answer builds the offer and resets the backoff', async () => {
  const s = net.addExternalNode('silent-server');
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode('recipient', {
    env: { ASYNCPAY_DEV_TICK_MS: '50' },
    pluginOptions: { 'asyncpay-server-paths': ldk.encodedPaths(), 'asyncpay-offer-count': 1 },
  });
  net.addChannel(r, s, { scid: '990x1x0', public: false, aliasB: '9000x1x1' });
  const reqs = [];
  for (let i = 0; i < 4; i++) reqs.push(await ldk.nextRequest());
  assert.ok(reqs.every((q) => q.slot === 0), 'the same (first empty) slot each time');
  const st = await until(async () => {
    const x = await status(r);
    return x.unanswered_requests >= 4 && x.backoff_ticks >= 1 ? x : undefined;
  }, 'unanswered requests counted and backing off');
  assert.match(st.slots[0].last_error, /has not answered \d+ earlier offer_paths_request/);
  assert.equal((await rpcError(r, 'asyncoffer')).data.state, 'requesting');
  // A late answer to any outstanding request (the last 4 are remembered) still counts.
  ldk.answer(reqs[reqs.length - 1]!);
  ldk.confirm(await ldk.nextServe(0));
  const done = await until(async () => {
    const x = await status(r);
    return x.slots[0].state === 'ready' ? x : undefined;
  }, 'ready after the late answer');
  assert.equal(done.unanswered_requests, 0);
  assert.equal(done.backoff_ticks, 0);
  assert.equal(done.slots[0].last_error, null);
  assert.deepEqual(net.violations(), []);
});

test('no channel: the server answers but no payment path can be built; asyncoffer says so; a channel fixes it', async () => {
  const s = net.addExternalNode('server-no-chan');
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode('recipient-no-chan', {
    env: { ASYNCPAY_DEV_TICK_MS: '100' },
    pluginOptions: { 'asyncpay-server-paths': ldk.encodedPaths(), 'asyncpay-offer-count': 1 },
  });
  net.connect(r, s); // a peer, no channel
  ldk.answer(await ldk.nextRequest());
  await logAfter(r, 0, /slot 0: cannot build an offer and static invoice: no channel to build payment paths from/);
  assert.equal((await status(r)).slots[0].state, 'requesting');
  const e = await rpcError(r, 'asyncoffer');
  assert.equal(e.data.state, 'no_channel');
  assert.match(e.message, /no channel/);
  net.addChannel(r, s, { scid: '991x1x0', public: false, aliasB: '9100x1x1' });
  const stop = ldk.auto();
  try {
    await until(async () => (await status(r)).slots[0].state === 'ready', 'ready once a channel exists');
  } finally {
    stop();
  }
  const got = await r.cli('asyncoffer', {});
  assert.equal(got.state, 'ready');
  assert.deepEqual(net.violations(), []);
});

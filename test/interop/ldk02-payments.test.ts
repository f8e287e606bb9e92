// LDK 0.2.5 in the loop (test/interop/ldk02): payments between our roles and LDK's.
// HTLCs do not cross between LDK's channels and the simulator's, so each scenario checks the
// protocol up to the HTLC and the attempt that follows it: our recipient releasing an LDK payer.
// Still to add when the payer issue (13) lands on main: our `asyncpay` pays an LDK R_L's offer
// (static invoice from our S), L holds our held_htlc_available while R_L is offline, R_L
// releases it and our payer attempts the HTLC (which fails at L, outside LDK's channels).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import { Ldk02 } from './ldk02/driver.js';
import { ldk02Binary } from './ldk02/binary.js';
import { status, until } from '../e2e/recipient-helpers.js';

const found = ldk02Binary();
const skip = 'skip' in found ? found.skip : false;
if (skip) console.error(`\n!!! ${skip}\n`);

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('our recipient releases an LDK payer: P_L fetches our static invoice from LDK S_L, our R answers its held_htlc_available, P_L sends the HTLC (which fails at S_L, the edge of LDK\'s network)', { skip }, async () => {
  const net = new SimNetwork();
  cleanups.push(() => net.close());
  const ldk = await Ldk02.start(net, (found as { bin: string }).bin, {
    nodes: [
      { name: 'PL', role: 'plain' },
      { name: 'SL', role: 'server' },
      { name: 'H', role: 'plain' },
    ],
    channels: [
      { a: 'PL', b: 'SL' },
      { a: 'SL', b: 'H', announced: true },
    ],
  });
  cleanups.push(() => ldk.close());
  const sl = ldk.node('SL');
  const paths = await ldk.cmd('blinded_paths_for_async_recipient', { node: 'SL', recipient_id: '0203' });
  const r = await net.addClnNode('recipient', {
    network: 'testnet',
    env: { ASYNCPAY_DEV_TICK_MS: '150' },
    pluginOptions: { 'asyncpay-server-paths': paths.encoded, 'asyncpay-offer-count': 1 },
  });
  net.addChannel(r, sl, { scid: '702x1x0', public: false, aliasA: '1002x1x1', aliasB: '2002x2x2' });
  const got = await until(() => r.cli('asyncoffer', {}).catch(() => undefined), 'asyncoffer ready');

  // R goes offline; P_L pays: S_L serves our static invoice and holds (mailbox) the forwarded
  // invoice_request and P_L's held_htlc_available for R.
  await r.goOffline();
  await ldk.cmd('pay_for_offer', { node: 'PL', offer: got.offer, amount_msat: 9000, payment_id: '44'.repeat(32) });
  await until(() => ldk.ldkEvents('SL', 'OnionMessageIntercepted').length >= 2 || undefined, 'S_L holding messages for our R');
  assert.ok((await ldk.cmd('logged', { node: 'PL', contains: 'Sending held_htlc_available message for async HTLC' })).count > 0, 'P_L accepted our static invoice');
  // R comes back; S_L delivers what it held; our R releases and LDK's payer sends the HTLC toward
  // our R's blinded payment path.
  await r.comeOnline();
  await until(async () => (await status(r)).payments?.releases_sent >= 1 || undefined, 'our R sending release_held_htlc');
  const attempt = await ldk.waitLdk('PL', 'PaymentPathFailed');
  const failed = await ldk.waitLdk('PL', 'PaymentFailed');
  assert.equal(failed.payment_id, '44'.repeat(32));
  assert.equal(attempt.payment_hash, failed.payment_hash);
  const st = await status(r);
  assert.equal(st.held_htlc_available, 1, 'our R received P_L\'s held_htlc_available');
  assert.equal(st.payments.payments_received, 0, 'the HTLC cannot reach our R across the LDK/simulator edge');
  assert.deepEqual(net.violations(), []);
  assert.deepEqual(ldk.problems(), []);
});

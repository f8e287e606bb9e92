// LDK 0.2.5 in the loop (test/interop/ldk02): payments between our roles and LDK's.
// HTLCs do not cross between LDK's channels and the simulator's, so each scenario checks the
// protocol up to the HTLC and the attempt that follows it: our recipient releasing an LDK payer,
// and our payer released by an LDK recipient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ldk02Suite, ldkServerNetwork } from './ldk02/suite.js';
import { status, until } from '../e2e/recipient-helpers.js';

const suite = ldk02Suite();
const { skip } = suite;

test('our recipient releases an LDK payer: P_L fetches our static invoice from LDK S_L, our R answers its held_htlc_available, P_L sends the HTLC (which fails at S_L, the edge of LDK\'s network)', { skip }, async () => {
  const { net, ldk, sl } = await ldkServerNetwork(suite, 'server');
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

test('our payer pays an LDK wallet: asyncpay fetches LDK R_L\'s static invoice from our S, L holds our held_htlc_available while R_L is away, R_L releases, our payer attempts the HTLC', { skip }, async () => {
  const net = suite.network();
  const s = await net.addClnNode('server');
  net.addChannel(s, net.addExternalNode('sim-hub'), { scid: '900x1x0', public: true });
  const p = await net.addClnNode('payer', { network: 'testnet' });
  const ldk = await suite.startLdk(net, {
    nodes: [
      { name: 'L', role: 'lsp' },
      { name: 'RL', role: 'often_offline' },
      { name: 'H', role: 'plain' },
    ],
    channels: [
      { a: 'L', b: 'H', announced: true },
      { a: 'L', b: 'RL' },
    ],
  });
  for (const n of ['L', 'RL']) net.connect(ldk.node(n), s);
  net.addChannel(p, s, { scid: '901x1x0' });
  // A simulator channel from our payer to L, so that it has a route to R_L's payment path.
  net.addChannel(p, ldk.node('L'), { scid: '902x1x0' });

  const res = await s.cli('asyncrecipient-paths', { recipient_id: 'ldk-payee' });
  await ldk.cmd('set_paths_to_static_invoice_server', { node: 'RL', paths: res.paths });
  const got = await until(() => ldk.cmd('get_async_receive_offer', { node: 'RL' }).catch(() => undefined), 'an async receive offer at R_L');
  await ldk.setOnline('RL', false);

  const first = await p.cli('asyncpay', { offer: got.offer, amount_msat: 12_000, timeout: 5 });
  assert.equal(first.status, 'waiting_for_release');
  assert.equal(first.invoice_kind, 'static_invoice', 'our S served LDK R_L\'s static invoice');
  assert.ok(first.held_htlc_sent >= 1);
  await until(() => ldk.ldkEvents('L', 'OnionMessageIntercepted').length >= 1 || undefined, 'L holding our held_htlc_available for R_L');
  await ldk.setOnline('RL', true);
  const after = await until(async () => {
    const l = await p.cli('listasyncpays', {});
    const x = l.asyncpays[0];
    return x && x.released_at ? x : undefined;
  }, 'R_L releasing our payment');
  assert.equal(after.payment_hash, first.payment_hash);
  assert.ok((await ldk.cmd('logged', { node: 'RL', contains: 'ReleaseHeldHtlc' })).count >= 1, 'R_L sent release_held_htlc');
  const end = await until(async () => {
    const x = (await p.cli('listasyncpays', {})).asyncpays[0];
    return x.status === 'failed' || x.status === 'complete' ? x : undefined;
  }, 'the payment attempt ending');
  // The HTLC goes to L over a simulator channel, which LDK's L does not have: it fails there.
  assert.equal(end.status, 'failed');
  assert.match(end.failure, /attempt/);
  assert.deepEqual(net.violations(), []);
  assert.deepEqual(ldk.problems(), []);
});

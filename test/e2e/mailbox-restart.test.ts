// Issue 14: the mailbox across plugin deaths — kill -9 between storing and the peer's
// return loses nothing; the time to live, with the plugin's dev clock moved forward.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SimNetwork } from '../sim/network.js';
import { held, lsp, mailbox, offline, online, probe, probeNo, rateLimitDrops, until, walletPath } from './mailbox-helpers.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));

test('kill -9 of the plugin between storing and the peer’s return: everything is delivered after the restart', async () => {
  const l = await lsp(nets);
  const { s, wallet, payer } = l;
  const { path } = walletPath(l);
  offline(l);
  for (let i = 0; i < 5; i++) probe(payer, path, i);
  await held(s, 5);
  await s.killPlugin('SIGKILL');
  // The wallet comes back while the plugin is dead: no `connect` notification reaches it.
  online(l);
  await s.startPlugin();
  // On start the plugin finds the held messages and the peer already connected.
  await until(() => wallet.inbox.length >= 5, 'delivered after restart');
  assert.deepEqual(wallet.inbox.map(probeNo), [0, 1, 2, 3, 4]);
  assert.deepEqual(rateLimitDrops(wallet), []);
  const m = await until(async () => ((await mailbox(s)).total_messages === 0 ? mailbox(s) : undefined), 'emptied');
  assert.equal(m.counters.stored, 5, 'counters survive the crash');
  assert.equal(m.counters.delivered, 5);

  // A crash in the middle of a delivery loses nothing either (at worst a message goes twice).
  offline(l);
  for (let i = 10; i < 20; i++) probe(payer, path, i);
  await held(s, 10);
  online(l);
  await until(() => wallet.inbox.length >= 7, 'delivery under way');
  await s.killPlugin('SIGKILL');
  await s.startPlugin();
  await until(() => new Set(wallet.inbox.map(probeNo)).size >= 15, 'the rest delivered after restart');
  const got = wallet.inbox.slice(5).map(probeNo);
  assert.deepEqual([...new Set(got)].sort((a, b) => a! - b!), [...Array(10).keys()].map((i) => 10 + i));
  assert.deepEqual(rateLimitDrops(wallet), []);
  assert.deepEqual(l.net.violations(), []);
});

test('time to live: messages older than asyncpay-mailbox-ttl expire (dev clock moved 8 days on), counted, never delivered', async () => {
  const l = await lsp(nets);
  const { s, wallet, payer } = l;
  offline(l);
  probe(payer, walletPath(l).path, 1);
  await held(s, 1);
  await s.killPlugin('SIGTERM');
  s.opts.env = { ASYNCPAY_DEV_TIME_OFFSET: String(8 * 86400) };
  await s.startPlugin();
  const m = await mailbox(s);
  assert.equal(m.total_messages, 0);
  assert.equal(m.counters.expired, 1);
  // A fresh message after the expiry is kept (its own 7 days start now).
  probe(payer, walletPath(l).path, 2);
  await held(s, 1);
  online(l);
  await until(() => wallet.inbox.length >= 1, 'delivered');
  await until(async () => (await mailbox(s)).total_messages === 0, 'emptied');
  probe(payer, walletPath(l).path, 3);
  await until(() => wallet.inbox.length >= 2, 'marker');
  assert.deepEqual(wallet.inbox.map(probeNo), [2, 3], 'the expired message never went out');
  assert.equal((await mailbox(s)).counters.delivered, 1);

  // A shorter TTL applies to what is already held at the next start.
  const k = await lsp(nets, { 'asyncpay-mailbox-ttl': 3600 });
  offline(k);
  probe(k.payer, walletPath(k).path, 1);
  await held(k.s, 1);
  await k.s.killPlugin('SIGKILL');
  k.s.opts.env = { ASYNCPAY_DEV_TIME_OFFSET: String(2 * 3600) };
  await k.s.startPlugin();
  assert.equal((await mailbox(k.s)).counters.expired, 1);
});

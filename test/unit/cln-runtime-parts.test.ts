// The runtime's parts on their own (the plugin process tests drive them through stdin).
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { notificationOrigin, runNotification, type Incoming } from '../../src/cln/calls.js';
import { readInit } from '../../src/cln/init.js';
import type { Logger } from '../../src/cln/log.js';
import { HandlerRegistry } from '../../src/cln/registry.js';
import { runShutdownHandlers } from '../../src/cln/shutdown.js';
import type { NotificationContext } from '../../src/cln/types.js';

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => void lines.push(`${level}: ${m}`);
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), unusual: at('unusual'), broken: at('broken') };
}

test('shutdown: handlers run in order; one that throws is logged and the next still runs', async () => {
  const log = recorder();
  const ran: string[] = [];
  await runShutdownHandlers(
    [
      (r) => void ran.push(`a ${r}`),
      async () => {
        throw new Error('db already closed');
      },
      async (r) => void ran.push(`c ${r}`),
    ],
    'bye',
    10_000,
    log,
  );
  assert.deepEqual(ran, ['a bye', 'c bye']);
  assert.deepEqual(log.lines, ['broken: shutdown handler failed: Error: db already closed']);
});

test('shutdown: a handler that never settles is abandoned after the timeout, with a log', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const log = recorder();
    let done = false;
    const p = runShutdownHandlers([() => new Promise<void>(() => {})], 'bye', 5_000, log).then(() => (done = true));
    await Promise.resolve();
    mock.timers.tick(4_999);
    await Promise.resolve();
    assert.equal(done, false);
    mock.timers.tick(1);
    await p;
    assert.deepEqual(log.lines, ['unusual: shutdown handlers still running after 5000 ms; exiting anyway']);
  } finally {
    mock.timers.reset();
  }
});

test('registry: a topic without its own handler goes to "*" only when "*" is declared', () => {
  const star = () => {};
  const own = () => {};
  const withStar = new HandlerRegistry({ subscriptions: ['*', 'connect'] } as never);
  withStar.addSubscription('*', star);
  withStar.addSubscription('connect', own);
  assert.equal(withStar.subscription('connect'), own);
  assert.equal(withStar.subscription('disconnect'), star);
  const without = new HandlerRegistry({ subscriptions: ['connect'] } as never);
  without.addSubscription('connect', own);
  without.addSubscription('*', star); // registered but not declared: check() refuses it
  assert.equal(without.subscription('disconnect'), undefined);
  assert.throws(() => without.check(), /subscription "\*" has a handler but is not declared/);
  assert.throws(() => without.addSubscription('connect', own), /already has a handler/);
});

test('init: the RPC socket is rpc-file resolved against lightning-dir (absolute rpc-file kept); bad options disable', () => {
  const opts = [{ name: 'n', type: 'int' as const, default: 3, description: 'x' }];
  const rel = readInit(opts, { options: {}, configuration: { 'lightning-dir': '/ln/regtest', 'rpc-file': 'lightning-rpc' } });
  assert.equal(rel.rpcSocket, '/ln/regtest/lightning-rpc');
  assert.deepEqual(rel.values, { n: 3 });
  assert.equal(rel.disable, undefined);
  assert.equal(readInit(opts, { configuration: { 'lightning-dir': '/ln', 'rpc-file': '/run/rpc' } }).rpcSocket, '/run/rpc');
  assert.equal(readInit(opts, { configuration: { 'lightning-dir': '/ln' } }).rpcSocket, undefined);
  assert.equal(readInit(opts, 'junk').rpcSocket, undefined);
  assert.match(readInit(opts, { options: { n: 'three' } }).disable ?? '', /^bad options: .*\bn\b/);
});

test('notifications: a throwing handler is logged, never thrown; origin from the top level or from params', async () => {
  const log = recorder();
  const msg = { jsonrpc: '2.0', method: 'connect', params: { connect: { id: 'x' }, origin: 'inner' } } as unknown as Incoming;
  let got: unknown;
  await runNotification(log, (payload) => void (got = payload), msg, {} as NotificationContext);
  assert.deepEqual(got, { id: 'x' });
  await runNotification(
    log,
    () => {
      throw new Error('boom');
    },
    msg,
    {} as NotificationContext,
  );
  assert.equal(log.lines[0], 'broken: notification handler for connect failed: Error: boom');
  assert.equal(notificationOrigin(msg), 'inner');
  assert.equal(notificationOrigin({ ...msg, origin: 'top' } as Incoming), 'top');
  assert.equal(notificationOrigin({ method: 'connect', params: [] } as unknown as Incoming), undefined);
});

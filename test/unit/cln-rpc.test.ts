/**
 * RpcClient against a fake lightningd socket that answers out of order,
 * in fragments, several answers per write, and hangs up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RpcClient } from '../../src/cln/rpc.js';
import { RpcCallError, RpcConnectionError, RpcNotReadyError } from '../../src/cln/errors.js';
import { Plugin } from '../../src/cln/plugin.js';
import { FakeRpcServer, err, ok, writeFragmented, type RpcRequest } from '../helpers/cln-fake-rpc.js';
import { Rand, nastyString } from '../helpers/cln-random.js';
import { Socket } from 'node:net';

const T = { timeout: 30_000 };

test('1,000 concurrent calls answered out of order, in fragments, one multi-MB: each resolves to its own result', T, async () => {
  const r = new Rand(7);
  const N = 1000;
  const big = { nodes: Array.from({ length: 12000 }, (_, i) => ({ nodeid: i.toString(16).padStart(66, '0'), alias: nastyString(r, 200), features: '08a0' })) };
  const bigBytes = Buffer.byteLength(JSON.stringify(big));
  assert.ok(bigBytes > 2 * 1024 * 1024, `big answer is ${bigBytes} bytes`);

  const received: RpcRequest[] = [];
  let release!: () => void;
  const allIn = new Promise<void>((resolve) => (release = resolve));
  let sock: Socket | undefined;
  const server = await FakeRpcServer.start((req, s) => {
    sock = s;
    received.push(req);
    if (received.length === N) release();
  });
  const client = new RpcClient({ idPrefix: 'asyncpay' });
  client.configure(server.path);
  try {
    const calls = Array.from({ length: N }, (_, i) => {
      if (i === 500) return client.call('listnodes', {});
      if (i % 100 === 7) return client.call('fail', { i });
      return client.call('echo', { i, s: nastyString(r, r.int(300)) });
    });
    // Attach handlers now: the error answers arrive while we are still writing.
    const settledAll = Promise.allSettled(calls);
    await allIn;
    // Unique string ids, in the form lightningd shows in its logs.
    const ids = new Set(received.map((q) => q.id));
    assert.equal(ids.size, N);
    for (const id of ids) assert.match(id, /^asyncpay:(echo|fail|listnodes)#\d+$/);

    // Answer in a shuffled order; several answers per write, with or without blank lines; fragmented.
    const answers = r.shuffle(received.slice()).map((q) => {
      if (q.method === 'listnodes') return ok(q.id, big);
      if (q.method === 'fail') return err(q.id, 205, `Could not find route for ${q.params.i}`, { i: q.params.i, erring_index: 1 });
      return ok(q.id, { i: q.params.i, s: q.params.s });
    });
    const text = answers.map((a) => JSON.stringify(a) + r.pick(['', '\n\n', '\n', ' '])).join('');
    await writeFragmented(sock!, Buffer.from(text), r, 16384);

    const settled = await settledAll;
    let failed = 0;
    settled.forEach((s, i) => {
      if (i === 500) {
        assert.equal(s.status, 'fulfilled');
        assert.deepEqual((s as PromiseFulfilledResult<unknown>).value, big);
      } else if (i % 100 === 7) {
        assert.equal(s.status, 'rejected');
        const e = (s as PromiseRejectedResult).reason;
        assert.ok(e instanceof RpcCallError, String(e));
        assert.equal(e.code, 205);
        assert.equal(e.rpcMessage, `Could not find route for ${i}`);
        assert.deepEqual(e.data, { i, erring_index: 1 });
        assert.equal(e.method, 'fail');
        failed++;
      } else {
        assert.equal(s.status, 'fulfilled', String((s as PromiseRejectedResult).reason));
        const v = (s as PromiseFulfilledResult<{ i: number; s: string }>).value;
        assert.equal(v.i, i);
        assert.equal(v.s, (received.find((q) => q.params.i === i)!.params as { s: string }).s);
      }
    });
    assert.equal(failed, 10);
    assert.equal(client.inFlight, 0);
    assert.equal(server.connections, 1, 'all calls share one connection');
  } finally {
    client.close();
    await server.close();
  }
});

test('connection closed with calls in flight: they reject RpcConnectionError; the next call reconnects', T, async () => {
  let hangUp = true;
  let lastFilter: unknown;
  const server = await FakeRpcServer.start((req, s) => {
    lastFilter = (req as { filter?: unknown }).filter;
    if (hangUp) s.destroy();
    else s.write(JSON.stringify(ok(req.id, { n: req.params.n })));
  });
  const client = new RpcClient({ idPrefix: 't' });
  client.configure(server.path);
  try {
    const a = client.call('injectonionmessage', { n: 1 });
    const b = client.call('getinfo', { n: 2 });
    for (const p of [a, b]) {
      await assert.rejects(p, (e: unknown) => e instanceof RpcConnectionError && /closed before the answer/.test(e.message));
    }
    hangUp = false;
    assert.deepEqual(await client.call('getinfo', { n: 3 }), { n: 3 });
    // lightningd's top-level `filter` travels beside params.
    assert.deepEqual(await client.call('listchannels', { n: 4 }, { filter: { channels: [{ short_channel_id: true }] } }), { n: 4 });
    assert.deepEqual(lastFilter, { channels: [{ short_channel_id: true }] });
    assert.equal(server.connections, 2);
  } finally {
    client.close();
    await server.close();
  }
});

test('no socket at the path: the call rejects RpcConnectionError naming the path', T, async () => {
  const client = new RpcClient();
  const path = join('/nonexistent-dir-for-test', 'lightning-rpc');
  client.configure(path);
  await assert.rejects(client.call('getinfo'), (e: unknown) => e instanceof RpcConnectionError && e.message.includes(path) && e.method === 'getinfo');
  client.close();
});

test('calls before init (no socket path yet) fail clearly, from a bare client and from a plugin', T, async () => {
  const client = new RpcClient();
  await assert.rejects(client.call('getinfo'), (e: unknown) => e instanceof RpcNotReadyError && /before the plugin's init/.test(e.message));
  const { PassThrough } = await import('node:stream');
  const p = new Plugin({ rpcmethods: [], hooks: [], subscriptions: [] }, { stdin: new PassThrough(), stdout: new PassThrough(), exit: () => undefined });
  await assert.rejects(p.rpc.call('makesecret', { string: 'x' }), RpcNotReadyError);
});

test('unserialisable params reject without touching the socket', T, async () => {
  const server = await FakeRpcServer.start(() => assert.fail('nothing should be sent'));
  const client = new RpcClient();
  client.configure(server.path);
  try {
    await assert.rejects(client.call('x', { n: 1n }), TypeError);
    assert.equal(server.connections, 0);
  } finally {
    client.close();
    await server.close();
  }
});

test('calls made in one tick leave as one write of one string; a later call writes again; a connection closed before the write sends nothing', T, async () => {
  const got: string[] = [];
  const server = await FakeRpcServer.start((req, s) => {
    got.push(req.method);
    s.write(JSON.stringify(ok(req.id, { m: req.method })));
  });
  const writes: unknown[] = [];
  const write = Socket.prototype.write;
  // Only the client's writes carry requests (the fake server's carry answers).
  Socket.prototype.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.includes('"method"')) writes.push(chunk);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;
  const client = new RpcClient({ idPrefix: 't' });
  client.configure(server.path);
  try {
    const first = [client.call('a', {}), client.call('b', {}), client.call('c', {})];
    assert.equal(writes.length, 0, 'nothing written before the tick ends');
    assert.deepEqual(await Promise.all(first), [{ m: 'a' }, { m: 'b' }, { m: 'c' }]);
    assert.equal(writes.length, 1, 'three calls, one write');
    assert.equal((writes[0] as string).match(/"method"/g)!.length, 3);
    assert.deepEqual(await client.call('d', {}), { m: 'd' });
    assert.equal(writes.length, 2);
    const lost = client.call('e', {});
    client.close();
    await assert.rejects(lost, (e: unknown) => e instanceof RpcConnectionError);
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.length, 2, 'nothing written for a call whose connection closed first');
    assert.deepEqual(got, ['a', 'b', 'c', 'd']);
  } finally {
    Socket.prototype.write = write;
    client.close();
    await server.close();
  }
});

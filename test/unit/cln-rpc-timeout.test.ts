// Issue 17, finding 5: an answer that never comes (dropped as malformed, or a call
// lightningd sits on) rejects its call after the timeout, and the call is forgotten:
// a late answer is ignored, later calls work, long-poll methods wait as asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { RpcClient, RpcTimeoutError } from '../../src/cln/rpc.js';
import { RpcConnectionError } from '../../src/cln/errors.js';
import { FakeRpcServer, ok, type RpcRequest } from '../helpers/cln-fake-rpc.js';

test('a corrupted answer: the call rejects with RpcTimeoutError, is forgotten, and the connection keeps working', async () => {
  const seen: Array<[RpcRequest, Socket]> = [];
  const server = await FakeRpcServer.start((req, sock) => {
    seen.push([req, sock]);
    if (req.method === 'stuck') sock.write(`{"jsonrpc":"2.0","id":"${req.id}","result":{"x":1,}}`); // malformed JSON
    else if (req.method === 'slow' || req.method.startsWith('wait')) return; // answered later, or never
    else sock.write(JSON.stringify(ok(req.id, { echo: req.params })));
  });
  const client = new RpcClient({ idPrefix: 't', timeoutMs: 200 });
  client.configure(server.path);
  try {
    await assert.rejects(client.call('stuck'), (e: Error) => e instanceof RpcTimeoutError && e instanceof RpcConnectionError && /stuck/.test(e.message));
    assert.equal(client.inFlight, 0, 'forgotten');
    assert.deepEqual(await client.call('echo', { a: 1 }), { echo: { a: 1 } });
    // A per-call timeout wins over the default; a late answer is dropped without harm.
    const slow = client.call('slow', {}, { timeoutMs: 50 });
    await assert.rejects(slow, RpcTimeoutError);
    const [req, sock] = seen.find(([r]) => r.method === 'slow')!;
    sock.write(JSON.stringify(ok(req.id, 'late')));
    assert.deepEqual(await client.call('echo', { b: 2 }), { echo: { b: 2 } });
    // wait* methods get no default timeout: still pending after several default timeouts.
    let settled = false;
    void client.call('waitsomething').then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(settled, false);
    assert.equal(client.inFlight, 1);
  } finally {
    client.close();
    await server.close();
  }
});

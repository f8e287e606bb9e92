// The RPC request writer (src/cln/request-text.ts): byte for byte what JSON.stringify of
// the request gives, for any params, with HexParams written in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HexParam, requestText } from '../../src/cln/request-text.js';
import { RpcClient } from '../../src/cln/rpc.js';
import { FakeRpcServer, ok } from '../helpers/cln-fake-rpc.js';
import { Rand, nastyString, randomJson } from '../helpers/cln-random.js';

const generic = (id: string, method: string, params: unknown, filter?: unknown) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params, ...(filter !== undefined ? { filter } : {}) });

test('random params with and without HexParams: the same text as JSON.stringify of the request', () => {
  const r = new Rand(16);
  for (let i = 0; i < 3000; i++) {
    const params: Record<string, unknown> = {};
    const n = r.int(5);
    for (let k = 0; k < n; k++) {
      const key = r.int(4) === 0 ? String(r.int(20)) : nastyString(r, 1 + r.int(10)); // integer-like keys reorder
      const kind = r.int(6);
      params[key] =
        kind === 0
          ? new HexParam(Uint8Array.from({ length: r.int(40) }, () => r.int(256)))
          : kind === 1
            ? r.pick([undefined, NaN, Infinity, -0, null, () => 1])
            : randomJson(r);
    }
    const id = `asyncpay:${nastyString(r, 8)}#${i}`;
    const method = nastyString(r, 1 + r.int(12));
    const filter = r.int(5) === 0 ? randomJson(r) : undefined;
    assert.equal(requestText(id, method, params, filter), generic(id, method, params, filter));
  }
});

test('edge cases: HexParam of a view into a larger buffer, nested, in arrays, with a filter, odd prototypes', () => {
  const big = Uint8Array.from({ length: 64 }, (_, i) => i);
  const view = new HexParam(big.subarray(10, 20));
  assert.equal(view.hex, '0a0b0c0d0e0f10111213');
  const cases: Array<[Record<string, unknown> | unknown[], unknown]> = [
    [{ path_key: view, message: new HexParam(new Uint8Array(0)) }, undefined],
    [{ a: view, n: 5, f: 1.5, b: false, s: 'x"\\\u2028\ud800' }, undefined],
    [{ a: view, skip: undefined }, undefined],
    [{ a: view, nested: { b: view } }, undefined],
    [[view, 1], undefined],
    [{ a: view }, { x: true }],
    [Object.assign(Object.create(null), { a: view }), undefined],
    [{ 2: 'two', a: view, 1: view }, undefined],
  ];
  for (const [params, filter] of cases) assert.equal(requestText('id', 'injectonionmessage', params, filter), generic('id', 'injectonionmessage', params, filter));
  assert.throws(() => requestText('id', 'm', { a: view, n: 1n }, undefined), TypeError);
});

test('a HexParam arrives at lightningd as its hex string', { timeout: 30_000 }, async () => {
  const seen: unknown[] = [];
  const server = await FakeRpcServer.start((req, s) => {
    seen.push(req.params);
    s.write(JSON.stringify(ok(req.id, {})));
  });
  const client = new RpcClient();
  client.configure(server.path);
  try {
    await client.call('injectonionmessage', { path_key: new HexParam(Uint8Array.of(2, 0xab)), message: new HexParam(Uint8Array.of(0, 1, 0xff)) });
    assert.deepEqual(seen, [{ path_key: '02ab', message: '0001ff' }]);
  } finally {
    client.close();
    await server.close();
  }
});

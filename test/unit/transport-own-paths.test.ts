import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnPaths } from '../../src/transport/own-paths.js';
import { pubFromPriv, randomPrivKey } from '../../src/crypto/secp.js';
import type { BlindedPath } from '../../src/onion/types.js';

const path = (): BlindedPath => ({ intro: { kind: 'pubkey', nodeId: pubFromPriv(randomPrivKey()) }, firstPathKey: pubFromPriv(randomPrivKey()), hops: [] });

test('own paths: found until they expire; bounded, oldest evicted first', () => {
  const own = new OwnPaths(3);
  const [a, b, c, d] = [path(), path(), path(), path()];
  own.remember(a, Uint8Array.of(1), 0);
  own.remember(b, Uint8Array.of(2), 100);
  own.remember(c, Uint8Array.of(3), 0);
  assert.deepEqual(own.lookup(a, 1e9), Uint8Array.of(1));
  assert.deepEqual(own.lookup(b, 100), Uint8Array.of(2));
  assert.equal(own.lookup(b, 101), undefined);
  own.remember(b, Uint8Array.of(2), 0);
  own.remember(d, Uint8Array.of(4), 0);
  assert.equal(own.lookup(a, 0), undefined, 'oldest evicted');
  assert.deepEqual(own.lookup(d, 0), Uint8Array.of(4));
  assert.equal(own.entries().length, 3);
});

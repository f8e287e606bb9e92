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

test('own paths: journaled, restored in order after a restart', () => {
  const log: Array<[string, string]> = [];
  const kept = new Map<string, { path_id: string; expires_at: number; seq: number }>();
  const journal = {
    put: (k: string, e: { path_id: string; expires_at: number; seq: number }) => (log.push(['put', k]), kept.set(k, e)),
    del: (k: string) => (log.push(['del', k]), kept.delete(k)),
  };
  const own = new OwnPaths(2, journal);
  const [a, b, c] = [path(), path(), path()];
  own.remember(a, Uint8Array.of(1), 0);
  own.remember(b, Uint8Array.of(2), 50);
  own.remember(c, Uint8Array.of(3), 0);
  assert.equal(kept.size, 2, 'evicted entries leave the journal too');
  assert.equal(own.lookup(b, 51), undefined);
  assert.equal(kept.size, 1);
  const again = new OwnPaths(2);
  again.restore([...kept.entries()].map(([key, e]) => ({ key, ...e })));
  assert.deepEqual(again.lookup(c, 0), Uint8Array.of(3));
  assert.equal(again.lookup(a, 0), undefined);
});

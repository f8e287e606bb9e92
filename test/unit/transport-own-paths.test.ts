import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnPaths } from '../../src/transport/own-paths.js';
import { encodeContext, type PathContext } from '../../src/transport/context.js';
import { pubFromPriv, randomBytes, randomPrivKey } from '../../src/crypto/secp.js';
import type { BlindedPath } from '../../src/onion/types.js';

const path = (): BlindedPath => ({ intro: { kind: 'pubkey', nodeId: pubFromPriv(randomPrivKey()) }, firstPathKey: pubFromPriv(randomPrivKey()), hops: [] });
const KEY = randomBytes(32);
const id = (ctx: PathContext) => encodeContext(KEY, ctx);
const alice = randomBytes(16);
const mallory = randomBytes(16);

test('own paths: found until they expire; a group keeps its newest entries, expired ones go first', () => {
  const own = new OwnPaths(KEY, undefined, { perGroup: 3 });
  const offer = (exp: number) => id({ kind: 'offer', recipient: alice, slot: 0, expiresAt: exp });
  const [a, b, c, d] = [path(), path(), path(), path()];
  own.remember(a, offer(0), 0, 0);
  own.remember(b, offer(100), 100, 0);
  own.remember(c, offer(0), 0, 0);
  assert.deepEqual(own.lookup(a, 1e9), offer(0));
  assert.equal(own.lookupEntry(a, 0)!.kind, 'offer');
  assert.deepEqual(own.lookup(b, 100), offer(100));
  // At time 200, b has expired: adding d drops b, not the older live a.
  own.remember(d, offer(0), 0, 200);
  assert.ok(own.lookup(a, 200), 'live entry kept while an expired one could go');
  assert.equal(own.entries().length, 3);
  const e = path();
  own.remember(e, offer(0), 0, 200);
  assert.equal(own.lookup(a, 200), undefined, 'then the oldest of the group');
  assert.ok(own.lookup(e, 200));
});

test("own paths: one recipient's requests never evict another's paths or the operator's recipient paths", () => {
  const own = new OwnPaths(KEY, undefined, { perGroup: 4, perRecipient: 20 });
  const rp = path();
  own.remember(rp, id({ kind: 'recipient', recipient: alice, expiresAt: 0 }), 0, 0);
  const serve = path();
  own.remember(serve, id({ kind: 'serve', recipient: alice, slot: 0, expiresAt: 0 }), 0, 0);
  const mine = path();
  own.remember(mine, id({ kind: 'forwarded_invreq', slot: 0, offerTag: randomBytes(8) }), 0, 0);
  for (let i = 0; i < 5000; i++) {
    own.remember(path(), id({ kind: 'offer', recipient: mallory, slot: i % 16, expiresAt: 0 }), 0, 0);
    own.remember(path(), id({ kind: 'serve', recipient: mallory, slot: i % 16, expiresAt: 0 }), 0, 0);
  }
  assert.ok(own.lookup(rp, 0), 'recipient path kept');
  assert.ok(own.lookup(serve, 0), "alice's serve path kept");
  assert.ok(own.lookup(mine, 0), "our recipient's path kept");
  assert.equal(own.size, 3 + 20, 'mallory holds at most perRecipient entries');
});

test('own paths: journaled, restored in order after a restart; evicted entries leave the journal', () => {
  const kept = new Map<string, { path_id: string; expires_at: number; seq: number }>();
  const journal = {
    put: (k: string, e: { path_id: string; expires_at: number; seq: number }) => void kept.set(k, e),
    del: (k: string) => void kept.delete(k),
  };
  const own = new OwnPaths(KEY, journal, { perGroup: 2 });
  const serve = (exp: number) => id({ kind: 'serve', recipient: alice, slot: 1, expiresAt: exp });
  const [a, b, c] = [path(), path(), path()];
  own.remember(a, serve(0), 0, 0);
  own.remember(b, serve(50), 50, 0);
  own.remember(c, serve(0), 0, 0);
  assert.equal(kept.size, 2, 'evicted entries leave the journal too');
  assert.equal(own.lookup(b, 51), undefined);
  assert.equal(kept.size, 1);
  const again = new OwnPaths(KEY, undefined, { perGroup: 2 });
  again.restore([...kept.entries()].map(([key, e]) => ({ key, ...e })), 0);
  assert.deepEqual(again.lookup(c, 0), serve(0));
  assert.equal(again.lookup(a, 0), undefined);
  assert.equal(again.lookupEntry(c, 0)!.kind, 'serve');
});

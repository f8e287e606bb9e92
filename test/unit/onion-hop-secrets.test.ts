// The receiving node's per-path-key secrets (src/onion/hop_secrets.ts): on a path we made,
// every sender reaches a hop under the same path key, so peeling with the cache must give
// exactly what peeling without it gives, for any number of senders, with one entry per
// path key, a bounded memory, and no mixing of node keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { ecdh, pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import { deriveKey } from '../../src/crypto/hash.js';
import {
  blindedPrivKey,
  buildOnionMessageToBlindedPath,
  createBlindedPath,
  HopSecretCache,
  hopSecrets,
  nextPathKey,
  peelOnionMessage,
} from '../../src/onion/index.js';
import { ecTest } from './backend-helpers.js';
import { randomNode } from './onion-helpers.js';

const mk = randomNode;

ecTest('hop secrets: the same as computed directly, next path key included', () => {
  const v = mk();
  for (let i = 0; i < 20; i++) {
    const E = pubFromPriv(randomPrivKey());
    const h = hopSecrets(v.priv, E);
    const ss = ecdh(v.priv, E);
    assert.equal(toHex(h.sharedSecret), toHex(ss));
    assert.equal(toHex(h.blindedPriv), toHex(blindedPrivKey(v.priv, ss)));
    assert.equal(toHex(h.rho), toHex(deriveKey('rho', ss)));
    assert.equal(toHex(h.nextPathKey), toHex(nextPathKey(E, ss)));
  }
});

ecTest('hop secrets: every sender on our path reaches V under one path key; peeling with the cache equals peeling without', () => {
  const s = mk(); // the introduction node (ours; lightningd peels it)
  const v = mk(); // the virtual node
  const path = createBlindedPath([
    { nodeId: s.id, data: { nextNodeId: v.id } },
    { nodeId: v.id, data: { pathId: new Uint8Array(33).fill(1) } },
  ]);
  const cache = new HopSecretCache(v.priv);
  const keysAtV = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const payer = mk();
    const m = buildOnionMessageToBlindedPath({ ourNodeId: payer.id, path, payload: { message: { type: 64n, value: new Uint8Array([i, i]) } } });
    const atS = peelOnionMessage(payer.priv, m.pathKey, m.packet); // the payer's own hop
    if (atS.kind !== 'forward') return assert.fail('payer hop forwards');
    const atIntro = peelOnionMessage(s.priv, atS.nextPathKey, atS.nextPacket);
    if (atIntro.kind !== 'forward') return assert.fail('introduction node forwards');
    keysAtV.add(toHex(atIntro.nextPathKey));
    const cached = peelOnionMessage(v.priv, atIntro.nextPathKey, atIntro.nextPacket, cache);
    const plain = peelOnionMessage(v.priv, atIntro.nextPathKey, atIntro.nextPacket);
    assert.deepEqual(cached, plain);
    if (cached.kind !== 'final') return assert.fail('V is the destination');
    assert.equal(toHex(cached.onionmsg.message!.value), toHex(new Uint8Array([i, i])));
  }
  assert.equal(keysAtV.size, 1, 'the path key at V does not depend on the sender');
  assert.equal(cache.size, 1);
});

test('hop secrets: bounded, and one node key per cache', () => {
  const v = mk();
  const cache = new HopSecretCache(v.priv, 8);
  for (let i = 0; i < 100; i++) cache.get(v.priv, pubFromPriv(randomPrivKey()));
  assert.ok(cache.size <= 8, `at most 8 entries (${cache.size})`);
  const E = pubFromPriv(randomPrivKey());
  assert.equal(cache.get(v.priv, E), cache.get(v.priv, E), 'a hit returns the remembered entry');
  assert.throws(() => cache.get(mk().priv, E), RangeError);
  assert.throws(() => new HopSecretCache(v.priv, 1), RangeError);
});

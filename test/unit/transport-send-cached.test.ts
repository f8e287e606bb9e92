// The send side's synchronous fast path (src/transport/send.ts, topology.ts): when the
// peer cache already answers, a send goes straight to `injectonionmessage` with no
// promise round trip; whenever the cache could be out of date (not loaded, a notified
// peer still being looked up, a peer just disconnected) the send takes the waiting path
// and its answer is exactly the one the waiting reads give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { pubFromPriv, randomPrivKey, type PubKey } from '../../src/crypto/secp.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import { OwnPaths } from '../../src/transport/own-paths.js';
import { Sender } from '../../src/transport/send.js';
import { Topology } from '../../src/transport/topology.js';
import { fakeListpeers, ONION_FEATURES } from '../helpers/fake-listpeers.js';
import type { OnionMessage } from '../../src/messages/index.js';

const ourId = pubFromPriv(randomPrivKey());
const msg: OnionMessage = { kind: 'invoice_request', bytes: new Uint8Array(40).fill(7) };

const tick = () => new Promise((r) => setImmediate(r));
const newPeer = (): { key: PubKey; id: string } => {
  const key = pubFromPriv(randomPrivKey());
  return { key, id: toHex(key) };
};
const pathVia = (intro: PubKey) => createBlindedPath([{ nodeId: intro, data: {} }, { nodeId: pubFromPriv(randomPrivKey()), data: {} }]);

function setup() {
  const f = fakeListpeers();
  const topo = new Topology(f.rpc, ourId);
  const sender = new Sender(f.rpc, topo, new OwnPaths(new Uint8Array(32).fill(1)), () => undefined, { noconnect: true, now: () => 0 });
  return { f, topo, sender };
}

/** Loads the peer list (one full listing) with `peers` connected. */
async function load(s: ReturnType<typeof setup>, peers: Array<[string, string]>) {
  for (const [id, features] of peers) s.f.peers.set(id, features);
  const read = s.topo.connectedOnionPeers();
  await tick();
  s.f.releaseAll();
  await read;
}

test('cached peer: the send reaches injectonionmessage synchronously, for relays and replies alike', async () => {
  const s = setup();
  const a = newPeer();
  await load(s, [[a.id, ONION_FEATURES]]);
  for (const opts of [{ peerOnly: true }, {}]) {
    const before = s.f.calls.length;
    const sent = s.sender.send(pathVia(a.key), msg, opts);
    assert.deepEqual(s.f.calls.slice(before), ['injectonionmessage'], 'injected before the send returned');
    await sent;
  }
});

test('the fast path answers only what the waiting reads would, and defers whenever the cache may be stale', async () => {
  const s = setup();
  const a = newPeer();
  const plain = newPeer(); // connected, but without onion-message support
  // Not loaded yet: no answer without lightningd.
  assert.equal(s.topo.knownConnectedPeer(a.id), undefined);
  assert.equal(s.topo.knownRouteTo(a.key), undefined);
  await load(s, [
    [a.id, ONION_FEATURES],
    [plain.id, ''],
  ]);
  assert.equal(s.topo.knownConnectedPeer(a.id), true);
  assert.deepEqual(s.topo.knownRouteTo(a.key), []);
  assert.equal(s.topo.knownConnectedPeer(plain.id), true);
  assert.equal(await s.topo.isConnectedPeer(plain.id), true);
  assert.equal(s.topo.knownRouteTo(plain.key), undefined, 'not an onion peer: the route search decides');

  // A "no" is never answered from the cache (a connect notification may be on its way).
  const b = newPeer();
  assert.equal(s.topo.knownConnectedPeer(b.id), undefined);
  assert.equal(s.topo.knownRouteTo(b.key), undefined);

  // A connect notification: until its lookup is answered, nothing is known synchronously.
  s.f.peers.set(b.id, ONION_FEATURES);
  s.topo.onPeerConnected(b.id);
  assert.equal(s.topo.knownConnectedPeer(a.id), undefined, 'reads wait for the notified lookup');
  assert.equal(s.topo.knownRouteTo(a.key), undefined);
  s.f.releaseAll();
  await tick();
  assert.equal(s.topo.knownConnectedPeer(b.id), true);
  assert.deepEqual(s.topo.knownRouteTo(b.key), []);

  // Disconnected: no longer answered from the cache.
  s.topo.onPeerDisconnected(a.id);
  assert.equal(s.topo.knownConnectedPeer(a.id), undefined);
  assert.equal(s.topo.knownRouteTo(a.key), undefined);
});

test('a relay sent while a notified peer is being looked up waits for the lookup, then goes out', async () => {
  const s = setup();
  const a = newPeer();
  await load(s, []);
  s.f.peers.set(a.id, ONION_FEATURES);
  s.topo.onPeerConnected(a.id);
  const sent = s.sender.send(pathVia(a.key), msg, { peerOnly: true });
  await tick();
  assert.ok(!s.f.calls.includes('injectonionmessage'), 'not sent before the lookup answers');
  s.f.releaseAll();
  await sent;
  assert.ok(s.f.calls.includes('injectonionmessage'));
});

test('a relay to a peer that disconnected asks lightningd and is refused', async () => {
  const s = setup();
  const a = newPeer();
  await load(s, [[a.id, ONION_FEATURES]]);
  s.f.peers.delete(a.id);
  s.topo.onPeerDisconnected(a.id);
  const sent = s.sender.send(pathVia(a.key), msg, { peerOnly: true });
  await tick();
  assert.equal(s.f.waiting[0]?.id, a.id, 'one small listpeers for the peer');
  s.f.releaseAll();
  await assert.rejects(sent, /is not a connected peer/);
  assert.ok(!s.f.calls.includes('injectonionmessage'));
});

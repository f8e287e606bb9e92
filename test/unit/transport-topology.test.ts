// The peer list and `connect` notifications (src/transport/topology.ts): the roles react
// to the same notification as the topology (the recipient asks its server for offer
// paths on every connection), so a read of the peer list that starts after the
// notification must see the new peer, whatever order lightningd's answers come in.
// (Found as a flaky e2e test: the recipient's connection check ran before the
// `listpeers id=…` answer and found no peer to build its reply path from.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { pubFromPriv, randomPrivKey } from '../../src/crypto/secp.js';
import { Topology } from '../../src/transport/topology.js';
import { fakeListpeers, ONION_FEATURES } from '../helpers/fake-listpeers.js';

const X = toHex(pubFromPriv(randomPrivKey()));

/** The fake lightningd, plus `connect` (lightningd now has the peer, before any notification). */
function fakeRpc() {
  const f = fakeListpeers();
  return Object.assign(f, { connect: (id: string) => f.peers.set(id, ONION_FEATURES) });
}

const tick = () => new Promise((r) => setImmediate(r));

test('a peer read after its connect notification waits for the peer lookup', async () => {
  const f = fakeRpc();
  const topo = new Topology(f.rpc, pubFromPriv(randomPrivKey()));
  const first = topo.connectedOnionPeers();
  await tick();
  f.release((w) => !w.id); // the full listing: no peers yet
  assert.deepEqual(await first, []);

  f.connect(X);
  topo.onPeerConnected(X);
  let seen: string[] | undefined;
  const read = topo.connectedOnionPeers().then((v) => (seen = v));
  await tick();
  assert.equal(seen, undefined, 'the read waits for the lookup the notification started');
  f.release((w) => w.id === X);
  await read;
  assert.deepEqual(seen, [X]);
  assert.equal(await topo.isConnectedOnionPeer(X), true);
});

test('a full listing in flight when a peer connects is not kept: the next read lists anew', async () => {
  const f = fakeRpc();
  const topo = new Topology(f.rpc, pubFromPriv(randomPrivKey()));
  const early = topo.connectedOnionPeers(); // a listing asked before the connection
  await tick();
  // Its answer (no peers) is given, then the peer connects and the notification comes,
  // all before the answer is read: the answer predates the peer.
  f.release((w) => !w.id);
  f.connect(X);
  topo.onPeerConnected(X);
  assert.deepEqual(await early, [], 'the early read gets the early answer');
  const read = topo.connectedOnionPeers();
  await tick();
  while (f.waiting.length) f.release(() => true);
  assert.deepEqual(await read, [X], 'a read after the notification sees the peer');
});

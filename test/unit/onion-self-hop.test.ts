// The reusable blinding of our own injected hop (src/onion/self_hop.ts): our node (as
// connectd does) must peel it, what leaves our node must be fresh for every packet, and
// the secret must rotate. Also: sender-side ECDH by the variable-time multiplication
// gives the same secret as the constant-time one, on each backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { ecdh, ecdhOnce, pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import { ecTest } from './backend-helpers.js';
import { randomNode } from './onion-helpers.js';
import { buildOnionMessageToBlindedPath, createBlindedPath, peelOnionMessage, SelfHopBlinding, type BlindedPath } from '../../src/onion/index.js';

const mk = randomNode;
const us = mk();
const c = mk();
const d = mk();
const theirs = (): BlindedPath =>
  createBlindedPath([
    { nodeId: c.id, data: { nextNodeId: d.id } },
    { nodeId: d.id, data: { pathId: new Uint8Array(16).fill(9) } },
  ]);
const payload = { message: { type: 64n, value: new Uint8Array([1, 2, 3]) } };

test('self hop: our node peels it, the next hop is their introduction node under their path key, and the message arrives', () => {
  const selfHop = new SelfHopBlinding(us.id);
  for (let i = 0; i < 3; i++) {
    const p = theirs();
    const m = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, payload, selfHop });
    const first = peelOnionMessage(us.priv, m.pathKey, m.packet);
    assert.equal(first.kind, 'forward');
    if (first.kind !== 'forward') return;
    assert.equal('nodeId' in first.next && toHex(first.next.nodeId), toHex(c.id));
    assert.equal(toHex(first.nextPathKey), toHex(p.firstPathKey));
    const atC = peelOnionMessage(c.priv, first.nextPathKey, first.nextPacket);
    assert.equal(atC.kind, 'forward');
    if (atC.kind !== 'forward') return;
    const atD = peelOnionMessage(d.priv, atC.nextPathKey, atC.nextPacket);
    assert.equal(atD.kind, 'final');
    if (atD.kind !== 'final') return;
    assert.equal(toHex(atD.onionmsg.message!.value), '010203');
    assert.equal(toHex(atD.encryptedData.pathId!), '09'.repeat(16));
  }
});

test('self hop: the path key is reused, but every packet that leaves our node is fresh', () => {
  const selfHop = new SelfHopBlinding(us.id);
  const p = theirs();
  const a = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, payload, selfHop });
  const b = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, payload, selfHop });
  assert.equal(toHex(a.pathKey), toHex(b.pathKey), 'our own hop reuses its blinding');
  const pa = peelOnionMessage(us.priv, a.pathKey, a.packet);
  const pb = peelOnionMessage(us.priv, b.pathKey, b.packet);
  if (pa.kind !== 'forward' || pb.kind !== 'forward') return assert.fail('our hop must forward');
  // Same destination, same message: the next hop still sees a new ephemeral key and new bytes.
  assert.notEqual(toHex(pa.nextPacket.subarray(1, 34)), toHex(pb.nextPacket.subarray(1, 34)));
  assert.notEqual(toHex(pa.nextPacket), toHex(pb.nextPacket));
  assert.notEqual(toHex(a.packet), toHex(b.packet));
});

test('self hop: the secret rotates after `uses` packets', () => {
  let n = 0;
  const keys = [randomPrivKey(), randomPrivKey(), randomPrivKey()];
  const selfHop = new SelfHopBlinding(us.id, 2, () => keys[n++]!);
  const p = theirs();
  const pk = () => toHex(buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, payload, selfHop }).pathKey);
  const seen = [pk(), pk(), pk(), pk(), pk()];
  assert.deepEqual(seen, [0, 0, 1, 1, 2].map((i) => toHex(pubFromPriv(keys[i]!))));
});

test('self hop: not used for longer prefixes or pinned keys, and refuses misuse', () => {
  const selfHop = new SelfHopBlinding(us.id);
  const p = theirs();
  const a = mk();
  const via = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, via: [a.id], payload, selfHop });
  const via2 = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, via: [a.id], payload, selfHop });
  assert.notEqual(toHex(via.pathKey), toHex(via2.pathKey), 'a prefix through other nodes is blinded afresh');
  const pinned = randomPrivKey();
  const fixed = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, payload, selfHop, pathKeySecret: pinned });
  assert.equal(toHex(fixed.pathKey), toHex(pubFromPriv(pinned)));
  assert.throws(() => buildOnionMessageToBlindedPath({ ourNodeId: a.id, path: p, payload, selfHop }), RangeError);
  assert.throws(() => selfHop.hop({ nextNodeId: c.id }), RangeError);
  assert.throws(() => new SelfHopBlinding(us.id, 0), RangeError);
});

ecTest('ecdhOnce (variable time) equals ecdh', () => {
  for (let i = 0; i < 50; i++) {
    const k = randomPrivKey();
    const P = pubFromPriv(randomPrivKey());
    assert.equal(toHex(ecdhOnce(k, P)), toHex(ecdh(k, P)));
  }
});

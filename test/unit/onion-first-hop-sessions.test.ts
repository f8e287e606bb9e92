// Stepped Sphinx session keys for a repeating first hop (src/onion/first_hop_sessions.ts):
// every key triple must be what a fresh draw would give (E = e·G and ss = ECDH(e, P),
// checked against @noble/secp256k1), no session key may repeat, packets built with them
// must be byte-identical to packets built the ordinary way and peel at every hop, and
// the memory must stay bounded. Plus the uncompressed point operations they rest on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as noble from '@noble/secp256k1';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToBigInt, toHex } from '../../src/codec/bytes.js';
import {
  compressFull,
  CURVE_N,
  fullPointAdd,
  fullPointMulOnce,
  fullPubFromPriv,
  pubFromPriv,
  randomPrivKey,
  type PrivKey,
  type PubKey,
} from '../../src/crypto/secp.js';
import { bigIntToBytes } from '../../src/codec/bytes.js';
import {
  buildOnionMessageToBlindedPath,
  buildSphinxPacket,
  createBlindedPath,
  FirstHopSessions,
  peelOnionMessage,
  SelfHopBlinding,
  type BlindedPath,
} from '../../src/onion/index.js';
import { ecTest } from './backend-helpers.js';
import { randomNode } from './onion-helpers.js';

const mk = randomNode;
const us = mk();
const c = mk();
const d = mk();
const payload = { message: { type: 64n, value: new Uint8Array([7, 7]) } };
const nobleEcdh = (k: Uint8Array, P: Uint8Array) => toHex(nobleSha256(noble.getSharedSecret(k, P, true)));

ecTest('uncompressed point ops agree with @noble/secp256k1, infinity included', () => {
  for (let i = 0; i < 40; i++) {
    const a = randomPrivKey();
    const b = randomPrivKey();
    const A = fullPubFromPriv(a);
    assert.equal(toHex(A), toHex(noble.getPublicKey(a, false)));
    assert.equal(toHex(compressFull(A)), toHex(pubFromPriv(a)));
    const sum = fullPointAdd(A, fullPubFromPriv(b))!;
    const ab = (bytesToBigInt(a) + bytesToBigInt(b)) % CURVE_N;
    assert.equal(toHex(sum), toHex(noble.getPublicKey(bigIntToBytes(ab, 32), false)));
    const P = pubFromPriv(b);
    assert.equal(toHex(fullPointMulOnce(P, a)), toHex(noble.getSharedSecret(a, P, false)));
  }
  const a = randomPrivKey();
  const minusA = bigIntToBytes(CURVE_N - bytesToBigInt(a), 32) as PrivKey;
  assert.equal(fullPointAdd(fullPubFromPriv(a), fullPubFromPriv(minusA)), undefined, 'A + (−A) is infinity');
});

ecTest('first hop sessions: a key seen once gets none; then every triple is a fresh draw’s, none repeats, secrets rotate', () => {
  let draws = 0;
  const sessions = new FirstHopSessions(7, 4, () => {
    draws++;
    return randomPrivKey();
  });
  const P = c.id;
  assert.equal(sessions.next(P), undefined, 'first sighting: build the ordinary way');
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const k = sessions.next(P)!;
    assert.ok(k, 'second sighting on: stepped keys');
    assert.equal(toHex(k.ephemeralKey), toHex(noble.getPublicKey(k.sessionKey, true)));
    assert.equal(toHex(k.sharedSecret), nobleEcdh(k.sessionKey, P));
    assert.ok(!seen.has(toHex(k.sessionKey)), 'a session key is never reused');
    seen.add(toHex(k.sessionKey));
  }
  // 30 packets at 7 per stepper: 5 steppers, two secrets (e, d) each.
  assert.equal(draws, 10);
});

ecTest('first hop sessions: a stepped packet is byte-identical to the ordinary one, and peels through', () => {
  const sessions = new FirstHopSessions();
  const path = createBlindedPath([
    { nodeId: us.id, data: { nextNodeId: c.id } },
    { nodeId: c.id, data: { nextNodeId: d.id } },
    { nodeId: d.id, data: { pathId: new Uint8Array(16).fill(3) } },
  ]);
  const P = path.hops[0]!.blindedNodeId;
  sessions.next(P);
  const payloads = [new Uint8Array([1, 2]), new Uint8Array(40).fill(5), new Uint8Array(90).fill(6)];
  for (let i = 0; i < 5; i++) {
    const k = sessions.next(P)!;
    const hopPubkeys = path.hops.map((h) => h.blindedNodeId);
    const stepped = buildSphinxPacket({ hopPubkeys, payloads, sessionKey: k.sessionKey, firstHop: k });
    const plain = buildSphinxPacket({ hopPubkeys, payloads, sessionKey: k.sessionKey });
    assert.equal(toHex(stepped), toHex(plain));
  }
  // Through the message API, with us as their introduction node: our node, then c, then d.
  const outs: string[] = [];
  for (let i = 0; i < 4; i++) {
    const m = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path, payload, sessions });
    const a = peelOnionMessage(us.priv, m.pathKey, m.packet);
    if (a.kind !== 'forward') return assert.fail('our hop forwards');
    outs.push(toHex(a.nextPacket));
    const b = peelOnionMessage(c.priv, a.nextPathKey, a.nextPacket);
    if (b.kind !== 'forward') return assert.fail('c forwards');
    const z = peelOnionMessage(d.priv, b.nextPathKey, b.nextPacket);
    if (z.kind !== 'final') return assert.fail('d is the destination');
    assert.equal(toHex(z.onionmsg.message!.value), '0707');
    assert.equal(toHex(z.encryptedData.pathId!), '03'.repeat(16));
  }
  assert.equal(new Set(outs.map((o) => o.slice(2, 68))).size, 4, 'what leaves our node has a new ephemeral key every time');
  assert.equal(new Set(outs).size, 4);
});

ecTest('first hop sessions: with our self hop in front of their path', () => {
  const sessions = new FirstHopSessions();
  const selfHop = new SelfHopBlinding(us.id);
  const theirs: BlindedPath = createBlindedPath([
    { nodeId: c.id, data: { nextNodeId: d.id } },
    { nodeId: d.id, data: { pathId: new Uint8Array(16).fill(4) } },
  ]);
  for (let i = 0; i < 3; i++) {
    const m = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: theirs, payload, selfHop, sessions });
    const a = peelOnionMessage(us.priv, m.pathKey, m.packet);
    if (a.kind !== 'forward') return assert.fail('our hop forwards');
    assert.equal(toHex(a.nextPathKey), toHex(theirs.firstPathKey));
    const b = peelOnionMessage(c.priv, a.nextPathKey, a.nextPacket);
    if (b.kind !== 'forward') return assert.fail('c forwards');
    const z = peelOnionMessage(d.priv, b.nextPathKey, b.nextPacket);
    assert.equal(z.kind, 'final');
  }
  assert.equal(sessions.size, 1, 'the self hop key repeats: one stepper');
});

test('first hop sessions: bounded memory, and misuse is refused', () => {
  const sessions = new FirstHopSessions(1000, 3);
  const keys = Array.from({ length: 10 }, () => mk().id);
  for (let round = 0; round < 3; round++) for (const k of keys) sessions.next(k);
  assert.ok(sessions.size <= 3, `at most maxKeys steppers (${sessions.size})`);
  // The seen-once sets hold at most 2 × 4 × maxKeys keys: a key seen once long ago is forgotten.
  const old = mk().id;
  assert.equal(sessions.next(old), undefined);
  for (let i = 0; i < 30; i++) sessions.next(mk().id);
  assert.equal(sessions.next(old), undefined, 'forgotten after 24 newer first sightings');
  assert.throws(() => new FirstHopSessions(0), RangeError);
  assert.throws(() => new FirstHopSessions(1, 0), RangeError);
  const k = pubFromPriv(randomPrivKey());
  assert.throws(() => buildSphinxPacket({ hopPubkeys: [k], payloads: [new Uint8Array(2)], firstHop: { ephemeralKey: k, sharedSecret: new Uint8Array(32) } }), RangeError);
  const path = createBlindedPath([{ nodeId: c.id, data: {} }]);
  assert.throws(() => buildOnionMessageToBlindedPath({ ourNodeId: us.id, path, payload, sessionKey: randomPrivKey(), sessions }), RangeError);
});

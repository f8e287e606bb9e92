// The high-level onion-message API: building to a route we choose, to someone else's
// blinded path (as intro, via a peer, via a longer prefix, sciddir intro), sizes, and
// the reader rules peelOnionMessage enforces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import {
  buildOnionMessagePacketForHops,
  buildOnionMessageToBlindedPath,
  buildOnionMessageToRoute,
  buildSphinxPacket,
  createBlindedPath,
  decodeOnionMessageWire,
  encodeOnionMessageWire,
  encodeOnionMsgTlv,
  peelOnionMessage,
  type BlindedPath,
  type EncryptedData,
  type OnionMessagePacket,
  type PeeledOnionMessage,
} from '../../src/onion/index.js';

interface Node {
  name: string;
  priv: PrivKey;
  id: PubKey;
}
const mk = (name: string): Node => {
  const priv = randomPrivKey();
  return { name, priv, id: pubFromPriv(priv) };
};
const [us, a, b, c, d] = ['us', 'a', 'b', 'c', 'd'].map(mk) as [Node, Node, Node, Node, Node];
const all = [us, a, b, c, d];
const byId = (id: PubKey): Node => all.find((n) => toHex(n.id) === toHex(id))!;

/** Delivers a built message starting at `first`, following next_node_id; returns the visited names and the final layer. */
function deliver(first: Node, m: OnionMessagePacket): { visited: string[]; final: Extract<PeeledOnionMessage, { kind: 'final' }> } {
  let node = first;
  let pathKey: Uint8Array = m.pathKey;
  let packet = m.packet;
  const visited: string[] = [];
  for (let guard = 0; guard < 20; guard++) {
    visited.push(node.name);
    const r = peelOnionMessage(node.priv, pathKey, packet);
    if (r.kind === 'final') return { visited, final: r };
    assert.ok('nodeId' in r.next);
    if (!('nodeId' in r.next)) throw new Error('scid');
    assert.equal(r.nextPacket.length, packet.length, 'packet size is constant along the path');
    node = byId(r.next.nodeId);
    pathKey = r.nextPathKey;
    packet = r.nextPacket;
  }
  throw new Error('loop');
}

const invreq = { message: { type: 64n, value: new Uint8Array([1, 2, 3]) } };

test('(a) to a route we choose: [us, a, b, c] reaches c with its final data and message', () => {
  const m = buildOnionMessageToRoute({ route: [us.id, a.id, b.id, c.id], finalData: { pathId: new Uint8Array(32).fill(7) }, payload: invreq });
  assert.equal(m.packet.length, 1366);
  const { visited, final } = deliver(us, m);
  assert.deepEqual(visited, ['us', 'a', 'b', 'c']);
  assert.equal(final.onionmsg.message!.type, 64n);
  assert.equal(toHex(final.onionmsg.message!.value), '010203');
  assert.equal(toHex(final.encryptedData.pathId!), '07'.repeat(32));
});

test('(a) a route of just us is a message to ourselves; fixed keys give a fixed packet', () => {
  const args = { route: [us.id], payload: invreq, pathKeySecret: a.priv, sessionKey: b.priv };
  const m1 = buildOnionMessageToRoute(args);
  const m2 = buildOnionMessageToRoute(args);
  assert.equal(toHex(m1.packet), toHex(m2.packet));
  assert.equal(toHex(m1.pathKey), toHex(a.id));
  assert.deepEqual(deliver(us, m1).visited, ['us']);
  // random defaults differ run to run
  assert.notEqual(toHex(buildOnionMessageToRoute({ route: [us.id], payload: invreq }).packet), toHex(m1.packet));
});

test('(a) with pad: all hops still deliver', () => {
  const m = buildOnionMessageToRoute({ route: [us.id, a.id, b.id], finalData: { pathId: new Uint8Array(5) }, payload: invreq, pad: true });
  assert.deepEqual(deliver(us, m).visited, ['us', 'a', 'b']);
});

// Their path: c → d, made by d.
const theirs = (finalData: EncryptedData = { pathId: new Uint8Array(16).fill(1) }): BlindedPath =>
  createBlindedPath([
    { nodeId: c.id, data: { nextNodeId: d.id } },
    { nodeId: d.id, data: finalData },
  ]);

test('(b) we are the introduction node: their path as is, under their first path key', () => {
  const p = createBlindedPath([
    { nodeId: us.id, data: { nextNodeId: d.id } },
    { nodeId: d.id, data: { pathId: new Uint8Array(3) } },
  ]);
  const m = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, payload: invreq });
  assert.equal(toHex(m.pathKey), toHex(p.firstPathKey));
  const { visited, final } = deliver(us, m);
  assert.deepEqual(visited, ['us', 'd']);
  assert.equal(toHex(final.encryptedData.pathId!), '000000');
  assert.throws(() => buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, via: [a.id], payload: invreq }), RangeError);
});

test('(b) intro is our peer: our hop names it and overrides the path key', () => {
  const p = theirs();
  const m = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, payload: invreq });
  assert.notEqual(toHex(m.pathKey), toHex(p.firstPathKey));
  const first = peelOnionMessage(us.priv, m.pathKey, m.packet);
  assert.equal(first.kind, 'forward');
  if (first.kind !== 'forward') return;
  assert.equal('nodeId' in first.next && toHex(first.next.nodeId), toHex(c.id));
  assert.equal(toHex(first.nextPathKey), toHex(p.firstPathKey));
  assert.equal(toHex(first.encryptedData.nextPathKeyOverride!), toHex(p.firstPathKey));
  const { visited, final } = deliver(us, m);
  assert.deepEqual(visited, ['us', 'c', 'd']);
  assert.equal(toHex(final.encryptedData.pathId!), '01'.repeat(16));
});

test('(b) intro is remote: [us, a, b] prefix then their path', () => {
  const p = theirs();
  const m = buildOnionMessageToBlindedPath({ ourNodeId: us.id, via: [a.id, b.id], path: p, payload: { ...invreq, replyPath: theirs() } });
  const { visited, final } = deliver(us, m);
  assert.deepEqual(visited, ['us', 'a', 'b', 'c', 'd']);
  assert.ok(final.onionmsg.replyPath);
  assert.equal(final.onionmsg.replyPath!.hops.length, 2);
});

test('(b) a sciddir intro needs the resolved introNodeId; a mismatching one is refused', () => {
  const p: BlindedPath = { ...theirs(), intro: { kind: 'sciddir', direction: 0, scid: 12345n } };
  assert.throws(() => buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, payload: invreq }), RangeError);
  const m = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: p, introNodeId: c.id, payload: invreq });
  assert.deepEqual(deliver(us, m).visited, ['us', 'c', 'd']);
  assert.throws(() => buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: theirs(), introNodeId: a.id, payload: invreq }), RangeError);
});

test('(b) the wire variant is 0x0201 ‖ path_key ‖ len ‖ packet', () => {
  const m = buildOnionMessageToBlindedPath({ ourNodeId: us.id, path: theirs(), payload: invreq });
  const w = encodeOnionMessageWire(m);
  assert.equal(w.length, 2 + 33 + 2 + 1366);
  assert.deepEqual(decodeOnionMessageWire(w), m);
});

test('size: 1366 while payloads fit 1300, 32834 above, RangeError beyond 32768', () => {
  const big = (n: number) => ({ message: { type: 66n, value: new Uint8Array(n) } });
  assert.equal(buildOnionMessageToRoute({ route: [us.id, a.id], payload: big(900) }).packet.length, 1366);
  const large = buildOnionMessageToRoute({ route: [us.id, a.id], payload: big(5000) });
  assert.equal(large.packet.length, 32834);
  const { final } = deliver(us, large);
  assert.equal(final.onionmsg.message!.value.length, 5000);
  assert.throws(() => buildOnionMessageToRoute({ route: [us.id, a.id], payload: big(33000) }), RangeError);
});

test('size boundary: the smallest payload that overflows 1300 switches to 32768', () => {
  let n = 900;
  while (buildOnionMessageToRoute({ route: [us.id, a.id], payload: { message: { type: 66n, value: new Uint8Array(n + 1) } } }).packet.length === 1366) n++;
  // n is the largest that fits: the sum of framed payloads must then be exactly ≤ 1300
  const m = buildOnionMessageToRoute({ route: [us.id, a.id], payload: { message: { type: 66n, value: new Uint8Array(n) } } });
  assert.equal(m.packet.length, 1366);
  assert.equal(deliver(us, m).final.onionmsg.message!.value.length, n);
});

test('virtual node: a path [us, V] forwards at us and V peels the even-typed message itself', () => {
  const v = mk('V');
  all.push(v);
  const p = createBlindedPath([
    { nodeId: us.id, data: { nextNodeId: v.id } },
    { nodeId: v.id, data: { pathId: new Uint8Array(48).fill(5), unknown: [{ type: 65537n, value: new Uint8Array(4) }] } },
  ]);
  const m = buildOnionMessageToBlindedPath({ ourNodeId: a.id, path: p, payload: { message: { type: 75540n, value: new Uint8Array([0]) } } });
  const { visited, final } = deliver(a, m);
  assert.deepEqual(visited, ['a', 'us', 'V']);
  assert.equal(final.onionmsg.message!.type, 75540n);
  assert.equal(final.encryptedData.pathId!.length, 48);
});

// Hand-made malformed messages for the reader rules: blind the given data and build raw layers.
function craft(nodes: Node[], data: (EncryptedData | Uint8Array)[], payloads?: (enc: Uint8Array, i: number) => Uint8Array): OnionMessagePacket {
  const path = createBlindedPath(nodes.map((n, i) => ({ nodeId: n.id, data: data[i]! })));
  if (!payloads) return { pathKey: path.firstPathKey, packet: buildOnionMessagePacketForHops(path.hops, {}) };
  return {
    pathKey: path.firstPathKey,
    packet: buildSphinxPacket({ hopPubkeys: path.hops.map((h) => h.blindedNodeId), payloads: path.hops.map((h, i) => payloads(h.encryptedData, i)) }),
  };
}

test('reader rules: forwarding hop with path_id, without next node, or with extra fields is refused', () => {
  const withPathId = craft([us, a], [{ nextNodeId: a.id, pathId: new Uint8Array(1) }, {}]);
  assert.throws(() => peelOnionMessage(us.priv, withPathId.pathKey, withPathId.packet), DecodeError);
  const noNext = craft([us, a], [{ padding: new Uint8Array(3) }, {}]);
  assert.throws(() => peelOnionMessage(us.priv, noNext.pathKey, noNext.packet), DecodeError);
  for (const extra of [{ message: { type: 64n, value: new Uint8Array(1) } }, { unknown: [{ type: 1n, value: new Uint8Array(1) }] }, { replyPath: theirs() }]) {
    const m = craft([us, a], [{ nextNodeId: a.id }, {}], (enc, i) => encodeOnionMsgTlv(i === 0 ? { ...extra, encryptedRecipientData: enc } : { encryptedRecipientData: enc }));
    assert.throws(() => peelOnionMessage(us.priv, m.pathKey, m.packet), DecodeError);
  }
});

test('reader rules: short_channel_id as next hop is reported as scid', () => {
  const m = craft([us, a], [{ shortChannelId: 0x0001020304050607n }, {}]);
  const r = peelOnionMessage(us.priv, m.pathKey, m.packet);
  assert.equal(r.kind, 'forward');
  assert.deepEqual(r.kind === 'forward' && r.next, { scid: 0x0001020304050607n });
});

test('reader rules: missing or undecryptable encrypted_recipient_data, unknown even inside, allowed_features bits', () => {
  const missing = craft([us], [{}], () => encodeOnionMsgTlv({ message: { type: 64n, value: new Uint8Array(1) } }));
  assert.throws(() => peelOnionMessage(us.priv, missing.pathKey, missing.packet), DecodeError);
  const garbage = craft([us], [{}], () => encodeOnionMsgTlv({ encryptedRecipientData: new Uint8Array(40) }));
  assert.throws(() => peelOnionMessage(us.priv, garbage.pathKey, garbage.packet), DecodeError);
  const evenInside = craft([us], [new Uint8Array([0x10, 0x00])]);
  assert.throws(() => peelOnionMessage(us.priv, evenInside.pathKey, evenInside.packet), DecodeError);
  const feat = craft([us], [{ allowedFeatures: new Uint8Array([0, 1]) }]);
  assert.throws(() => peelOnionMessage(us.priv, feat.pathKey, feat.packet), DecodeError);
  const emptyFeat = craft([us], [{ allowedFeatures: new Uint8Array([0, 0]) }]);
  assert.equal(peelOnionMessage(us.priv, emptyFeat.pathKey, emptyFeat.packet).kind, 'final');
});

test('reader rules: wrong node key, wrong path key, bad path key, two message types', () => {
  const m = buildOnionMessageToRoute({ route: [us.id, a.id], payload: invreq });
  assert.throws(() => peelOnionMessage(a.priv, m.pathKey, m.packet), DecodeError);
  assert.throws(() => peelOnionMessage(us.priv, a.id, m.packet), DecodeError);
  assert.throws(() => peelOnionMessage(us.priv, new Uint8Array(33), m.packet), DecodeError);
  assert.throws(() => peelOnionMessage(us.priv, m.pathKey.subarray(1), m.packet), DecodeError);
  const two = craft([us], [{}], (enc) => {
    const one = encodeOnionMsgTlv({ encryptedRecipientData: enc, message: { type: 64n, value: new Uint8Array(1) } });
    return new Uint8Array([...one, 0x42, 0x01, 0x00]);
  });
  assert.throws(() => peelOnionMessage(us.priv, two.pathKey, two.packet), DecodeError);
});

test('a final hop without any message (like the BOLT vector\'s "hello") is delivered with message undefined', () => {
  const m = buildOnionMessageToRoute({ route: [us.id], payload: { unknown: [{ type: 1n, value: new Uint8Array([104, 105]) }] } });
  const { final } = deliver(us, m);
  assert.equal(final.onionmsg.message, undefined);
  assert.equal(final.onionmsg.unknown![0]!.type, 1n);
});

// The receive and decode side of a served request (issue 16): owning decoders, the
// server's request keys, decoded shapes and prepared tags give the same results and the
// same rejections as before, without the copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, toHex, u16 } from '../../src/codec/bytes.js';
import { asPrivKey, pubFromPriv } from '../../src/crypto/secp.js';
import {
  buildOnionMessageToRoute,
  createBlindedPath,
  decodeOnionMessageWire,
  decodeOwnedOnionMessageWire,
  encodeOnionMessageWire,
  HopSecretCache,
  hopSecrets,
} from '../../src/onion/index.js';
import { RecentRequests } from '../../src/server/recent-requests.js';
import { decodeOnionMsgTlv, decodeOwnedOnionMsgTlv, encodeOnionMsgTlv } from '../../src/onion/onionmsg_tlv.js';
import { encodeTlvStream, parseTlvStream, tlvRecord } from '../../src/codec/tlv.js';
import { taggedHash } from '../../src/crypto/hash.js';
import { merkleRoot, sigHash, signatureTag } from '../../src/bolt12/merkle.js';

const key = (b: number) => asPrivKey(new Uint8Array(32).fill(b));
const ids = [1, 2, 3].map((b) => pubFromPriv(key(b)));
const msg = buildOnionMessageToRoute({ route: ids, payload: { message: { type: 64n, value: new Uint8Array(50).fill(4) } }, pathKeySecret: key(9), sessionKey: key(8) });
const wire = encodeOnionMessageWire(msg);

test('decodeOwnedOnionMessageWire reads what decodeOnionMessageWire reads, as views into the bytes handed over', () => {
  const owned = decodeOwnedOnionMessageWire(wire);
  const copied = decodeOnionMessageWire(wire);
  assert.equal(toHex(owned.pathKey), toHex(copied.pathKey));
  assert.equal(toHex(owned.packet), toHex(msg.packet));
  assert.equal(owned.packet.buffer, wire.buffer);
  assert.notEqual(copied.packet.buffer, wire.buffer, 'the copying decoder still copies');
  // An odd extension record after the packet is allowed by both.
  const odd = concatBytes(wire, new Uint8Array([1, 2, 0xaa, 0xbb]));
  assert.equal(toHex(decodeOwnedOnionMessageWire(odd).packet), toHex(msg.packet));
});

test('decodeOwnedOnionMessageWire refuses everything decodeOnionMessageWire refuses', () => {
  const badPoint = wire.slice();
  badPoint[2] = 0x05; // not a compressed point prefix
  const bad = [
    concatBytes(u16(514), wire.subarray(2)), // another message type
    wire.subarray(0, wire.length - 1), // packet cut short
    wire.subarray(0, 20), // path key cut short
    badPoint,
    concatBytes(wire, new Uint8Array([2, 1, 0])), // unknown even extension type
    concatBytes(wire, new Uint8Array([3, 5, 0])), // extension record cut short
  ];
  for (const b of bad) {
    assert.throws(() => decodeOnionMessageWire(b));
    assert.throws(() => decodeOwnedOnionMessageWire(b));
  }
});

test('HopSecretCache keeps its own copy of a path key that is a view into a packet', () => {
  const V = key(0x51);
  const pathKey = ids[2]!;
  const packet = concatBytes(new Uint8Array(7), pathKey, new Uint8Array(100));
  const view = packet.subarray(7, 40);
  const cache = new HopSecretCache(V);
  const s = cache.get(V, view as typeof pathKey);
  packet.fill(0); // the packet's buffer is reused or dropped by its owner
  assert.equal(toHex(s.nextPathKey), toHex(hopSecrets(V, pathKey).nextPathKey));
});

test('RecentRequests.keys: one request key per request, one reply key per request and reply path', () => {
  const path = (b: number) => createBlindedPath([{ nodeId: ids[0]!, data: { pathId: new Uint8Array(16).fill(b) } }], key(0x30 + b));
  const a = new Uint8Array(300).fill(1);
  const b = new Uint8Array(300).fill(2);
  const k1 = RecentRequests.keys(a, path(1));
  assert.deepEqual(RecentRequests.keys(a.slice(), path(1)), k1, 'equal bytes, equal keys (not by object)');
  const k2 = RecentRequests.keys(a, path(2));
  assert.equal(k2.request, k1.request);
  assert.notEqual(k2.reply, k1.reply);
  const k3 = RecentRequests.keys(b, path(1));
  assert.notEqual(k3.request, k1.request);
  assert.notEqual(k3.reply, k1.reply);
  assert.notEqual(k1.request, k1.reply);
  // The server's use: forwarded once per request, served once per reply path.
  const recent = new RecentRequests(() => 1000);
  assert.deepEqual([recent.firstTime(k1.request), recent.firstTime(k1.reply)], [true, true]);
  assert.deepEqual([recent.firstTime(k2.request), recent.firstTime(k2.reply)], [false, true]);
  assert.deepEqual([recent.firstTime(k1.request), recent.firstTime(k1.reply)], [false, false]);
  assert.deepEqual([recent.firstTime(k3.request), recent.firstTime(k3.reply)], [true, true]);
});

test('RecentRequests forgets after its time window and beyond its size', () => {
  let now = 1000;
  const recent = new RecentRequests(() => now, 600, 2);
  assert.equal(recent.firstTime('x'), true);
  assert.equal(recent.firstTime('x'), false);
  now += 601;
  assert.equal(recent.firstTime('x'), true, 'expired entries are forgotten');
  recent.firstTime('y');
  recent.firstTime('z');
  assert.equal(recent.size, 2);
  assert.equal(recent.firstTime('x'), true, 'the oldest entry made room');
});

test('decodeOnionMsgTlv leaves absent fields out (no undefined keys), in both forms', () => {
  const only = encodeOnionMsgTlv({ encryptedRecipientData: new Uint8Array(5).fill(1) });
  for (const d of [decodeOnionMsgTlv(only), decodeOwnedOnionMsgTlv(only)]) assert.deepEqual(Object.keys(d), ['encryptedRecipientData']);
  const replyPath = createBlindedPath([{ nodeId: ids[0]!, data: {} }], key(0x40));
  const all = encodeOnionMsgTlv({ replyPath, encryptedRecipientData: new Uint8Array(3), message: { type: 64n, value: new Uint8Array(2) }, unknown: [{ type: 5n, value: new Uint8Array(1) }] });
  for (const d of [decodeOnionMsgTlv(all), decodeOwnedOnionMsgTlv(all)]) {
    assert.deepEqual(Object.keys(d).sort(), ['encryptedRecipientData', 'message', 'replyPath', 'unknown']);
    assert.deepEqual(d.unknown, [{ type: 5n, value: new Uint8Array(1) }]);
  }
  assert.deepEqual(Object.keys(decodeOnionMsgTlv(new Uint8Array(0))), []);
});

test('sigHash under a prepared tag equals the BIP 340 tagged hash of the tag string, for every field name', () => {
  const records = parseTlvStream(encodeTlvStream([tlvRecord(0n, new Uint8Array(32).fill(3)), tlvRecord(82n, new Uint8Array(4))]));
  for (const [m, field] of [['invoice_request', 'signature'], ['invoice', 'signature'], ['invoice_request', 'other']] as const) {
    assert.equal(toHex(sigHash(m, records, field)), toHex(taggedHash(signatureTag(m, field), merkleRoot(records))));
  }
});

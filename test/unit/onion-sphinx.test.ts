// onion-test.json: bare Sphinx construction (associated data, a 275-byte payload) and
// peeling at every hop; plus generic properties of the packet code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBigSize } from '../../src/codec/bigsize.js';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { pubFromPriv, randomPrivKey } from '../../src/crypto/secp.js';
import {
  buildSphinxPacket,
  chooseOnionMessagePayloadSize,
  framedSize,
  LARGE_PAYLOAD_SIZE,
  peelSphinxPacket,
  SMALL_PAYLOAD_SIZE,
  sphinxKeySchedule,
} from '../../src/onion/index.js';
import { loadVector, priv, pub, Prng } from './onion-helpers.js';
import { ecTest } from './backend-helpers.js';

const v = loadVector('onion-test.json');
const hops: any[] = v.generate.hops;
const ad = fromHex(v.generate.associated_data);

/** The vector's payloads carry their bigsize length already; the builder frames them itself. */
function unframe(hex: string): Uint8Array {
  const b = fromHex(hex);
  const { value, size } = decodeBigSize(b);
  assert.equal(Number(value), b.length - size, 'vector payload length prefix');
  return b.subarray(size);
}
const payloads = hops.map((h) => unframe(h.payload));

test('onion-test: packet built from the hops equals the vector onion byte for byte', () => {
  const packet = buildSphinxPacket({
    hopPubkeys: hops.map((h) => pub(h.pubkey)),
    payloads,
    sessionKey: priv(v.generate.session_key),
    payloadSize: SMALL_PAYLOAD_SIZE,
    associatedData: ad,
  });
  assert.equal(packet.length, 1366);
  assert.equal(toHex(packet), v.onion);
});

test('onion-test: the decode keys are the hop pubkeys', () => {
  assert.deepEqual(v.decode.map((k: string) => toHex(pubFromPriv(priv(k)))), hops.map((h) => h.pubkey));
});

// Peel the vector's packet hop by hop (each peeled packet feeds the next hop's test).
const layers: { packet: Uint8Array }[] = [{ packet: fromHex(v.onion) }];
for (const [i, key] of (v.decode as string[]).entries()) {
  test(`onion-test peel: hop ${i} (${hops[i].pubkey.slice(0, 10)}…) reads its payload`, () => {
    const l = peelSphinxPacket(priv(key), layers[i]!.packet, ad);
    assert.equal(toHex(l.payload), toHex(payloads[i]!));
    const last = i === v.decode.length - 1;
    assert.equal(l.isFinal, last);
    if (last) {
      assert.equal(l.nextPacket, undefined);
      assert.equal(toHex(l.nextHmac), '00'.repeat(32));
    } else {
      assert.equal(l.nextPacket!.length, 1366);
      // The next packet's key is what the sender's key schedule gave that hop.
      const sched = sphinxKeySchedule(hops.map((h) => pub(h.pubkey)), priv(v.generate.session_key));
      assert.equal(toHex(l.nextPacket!.subarray(1, 34)), toHex(sched[i + 1]!.ephemeralKey));
      assert.equal(toHex(l.nextPacket!.subarray(1366 - 32)), toHex(l.nextHmac));
      layers[i + 1] = { packet: l.nextPacket! };
    }
  });
}

test('onion-test peel: wrong associated data, wrong key, flipped bit or bad version fail with DecodeError', () => {
  const packet = fromHex(v.onion);
  const k = priv(v.decode[0]);
  assert.throws(() => peelSphinxPacket(k, packet), DecodeError); // no associated data
  assert.throws(() => peelSphinxPacket(priv(v.decode[1]), packet, ad), DecodeError);
  for (const pos of [0, 1, 40, 700, 1365]) {
    const bad = Uint8Array.from(packet);
    bad[pos]! ^= 0x01;
    assert.throws(() => peelSphinxPacket(k, bad, ad), DecodeError, `bit flip at ${pos}`);
  }
  assert.throws(() => peelSphinxPacket(k, packet.subarray(0, 66), ad), DecodeError);
  assert.throws(() => peelSphinxPacket(k, new Uint8Array(0), ad), DecodeError);
});

ecTest('sphinx peel: a packet key that is no point (off the curve, x ≥ p, prefix 00/04/05) fails with DecodeError, found by the ECDH itself', () => {
  const packet = fromHex(v.onion);
  const k = priv(v.decode[0]);
  assert.ok(peelSphinxPacket(k, packet, ad).payload.length > 0, 'the vector packet peels');
  const keys = [`02${'00'.repeat(32)}`, `03${'ff'.repeat(32)}`, `02${'05'.repeat(32)}`, `00${toHex(packet.subarray(2, 34))}`, `04${toHex(packet.subarray(2, 34))}`, `05${toHex(packet.subarray(2, 34))}`];
  for (const key of keys) {
    const bad = Uint8Array.from(packet);
    bad.set(fromHex(key), 1);
    assert.throws(() => peelSphinxPacket(k, bad, ad), DecodeError, key);
  }
});

test('sphinx: round trip over random hop counts, payload sizes and both packet sizes', () => {
  const rng = new Prng(7);
  for (let round = 0; round < 30; round++) {
    const n = 1 + rng.int(6);
    const keys = Array.from({ length: n }, () => randomPrivKey());
    const size = round % 3 === 0 ? LARGE_PAYLOAD_SIZE : SMALL_PAYLOAD_SIZE;
    const budget = Math.floor(size / n) - 35;
    const ps = keys.map(() => rng.bytes(2 + rng.int(Math.max(1, Math.min(budget, 600)))));
    const assoc = round % 2 ? rng.bytes(32) : new Uint8Array(0);
    let packet = buildSphinxPacket({ hopPubkeys: keys.map(pubFromPriv), payloads: ps, payloadSize: size, associatedData: assoc });
    assert.equal(packet.length, size + 66);
    for (let i = 0; i < n; i++) {
      const l = peelSphinxPacket(keys[i]!, packet, assoc);
      assert.equal(toHex(l.payload), toHex(ps[i]!));
      assert.equal(l.isFinal, i === n - 1);
      if (!l.isFinal) packet = l.nextPacket!;
    }
  }
});

test('sphinx: a payload set that exactly fills the area works; one byte more is refused', () => {
  const keys = [randomPrivKey(), randomPrivKey()];
  // 2 hops: each frame is 3 + len + 32 bytes for len ≥ 253
  const len = (SMALL_PAYLOAD_SIZE - 2 * 35) / 2;
  const ps = [new Uint8Array(len).fill(1), new Uint8Array(len).fill(2)];
  const packet = buildSphinxPacket({ hopPubkeys: keys.map(pubFromPriv), payloads: ps });
  const l0 = peelSphinxPacket(keys[0]!, packet);
  assert.equal(toHex(peelSphinxPacket(keys[1]!, l0.nextPacket!).payload), toHex(ps[1]!));
  assert.throws(() => buildSphinxPacket({ hopPubkeys: keys.map(pubFromPriv), payloads: [ps[0]!, new Uint8Array(len + 1)] }), RangeError);
});

test('sphinx: onion-message size rule is 1300, then 32768, then refused', () => {
  assert.equal(framedSize(new Uint8Array(10)), 43);
  assert.equal(framedSize(new Uint8Array(253)), 288);
  assert.equal(chooseOnionMessagePayloadSize([new Uint8Array(1300 - 35)]), SMALL_PAYLOAD_SIZE);
  assert.equal(chooseOnionMessagePayloadSize([new Uint8Array(1300 - 34)]), LARGE_PAYLOAD_SIZE);
  assert.equal(chooseOnionMessagePayloadSize([new Uint8Array(32768 - 35)]), LARGE_PAYLOAD_SIZE);
  assert.throws(() => chooseOnionMessagePayloadSize([new Uint8Array(32768 - 34)]), RangeError);
});

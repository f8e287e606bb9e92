// sphinx.ts builds every packet in one module-level payload area and peels without full
// keystreams. These tests hold it to a plain reference (written from BOLT 4 with
// @noble/ciphers and @noble/hashes, one full keystream per hop) at any payload size, and
// check that no returned array shares memory with the scratch or with another result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chacha20 as nobleChacha20 } from '@noble/ciphers/chacha.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { encodeBigSize, writeBigSize, bigSizeLength } from '../../src/codec/bigsize.js';
import { concatBytes, toHex, utf8 } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { ecdh, pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import { buildSphinxPacket, LARGE_PAYLOAD_SIZE, peelSphinxPacket, peelSphinxPayload, SMALL_PAYLOAD_SIZE, sphinxKeySchedule } from '../../src/onion/sphinx.js';
import { Prng } from './onion-helpers.js';

const stream = (key: Uint8Array, len: number) => nobleChacha20(key, new Uint8Array(12), new Uint8Array(len));
const mac = (key: Uint8Array, ...m: Uint8Array[]) => hmac(nobleSha256, key, concatBytes(...m));
const derive = (label: string, secret: Uint8Array) => mac(utf8(label), secret);
const xor = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x ^ b[i]!);

/** The textbook construction: full-length keystreams, a fresh array for every step. */
function referenceBuild(hops: readonly PubKey[], payloads: readonly Uint8Array[], session: PrivKey, L: number, ad: Uint8Array): Uint8Array {
  const keys = sphinxKeySchedule(hops, session);
  const frames = payloads.map((p) => concatBytes(encodeBigSize(p.length), p));
  const shifts = frames.map((f) => f.length + 32);
  let filler = new Uint8Array(0);
  for (let i = 0; i < hops.length - 1; i++) {
    const grown = concatBytes(filler, new Uint8Array(shifts[i]!));
    const s = stream(derive('rho', keys[i]!.sharedSecret), 2 * L);
    filler = xor(grown, s.subarray(L - filler.length));
  }
  let mix = stream(derive('pad', session), L);
  let next = new Uint8Array(32);
  for (let i = hops.length - 1; i >= 0; i--) {
    const shifted = concatBytes(frames[i]!, next, mix).subarray(0, L);
    mix = xor(shifted, stream(derive('rho', keys[i]!.sharedSecret), L));
    if (i === hops.length - 1) mix.set(filler, L - filler.length);
    next = mac(derive('mu', keys[i]!.sharedSecret), mix, ad);
  }
  return concatBytes(new Uint8Array([0]), keys[0]!.ephemeralKey, mix, next);
}

/** The textbook peel's next packet: decrypt payloads ‖ L zeros, drop the frame. */
function referenceNext(priv: PrivKey, packet: Uint8Array, shift: number, nextKey: Uint8Array): Uint8Array {
  const L = packet.length - 66;
  const ss = ecdh(priv, packet.subarray(1, 34) as PubKey);
  const plain = xor(concatBytes(packet.subarray(34, 34 + L), new Uint8Array(L)), stream(derive('rho', ss), 2 * L));
  return concatBytes(new Uint8Array([0]), nextKey, plain.subarray(shift, shift + L), plain.subarray(shift - 32, shift));
}

test('sphinx build equals the reference construction at any payload size, hop count and fill', () => {
  const rng = new Prng(4242);
  // Sizes on both sides of chacha20XorInto's JS/OpenSSL switch (2048), odd ones included.
  const sizes = [100, 777, SMALL_PAYLOAD_SIZE, 2047, 2049, 5000, LARGE_PAYLOAD_SIZE];
  for (let round = 0; round < 28; round++) {
    const L = sizes[round % sizes.length]!;
    const n = 1 + rng.int(Math.min(5, Math.floor(L / 37)));
    const keys = Array.from({ length: n }, () => randomPrivKey());
    const room = Math.floor(L / n) - 36;
    // Some rounds fill the area exactly (no pad stream left at all).
    const ps = keys.map(() => rng.bytes(2 + rng.int(Math.max(1, Math.min(room - 2, 700)))));
    if (round % 4 === 3) {
      const used = ps.reduce((a, p) => a + bigSizeLength(p.length) + p.length + 32, 0);
      const last = ps[n - 1]!;
      const grow = L - used;
      let len = last.length + grow;
      if (bigSizeLength(len) !== bigSizeLength(last.length)) len -= bigSizeLength(len) - bigSizeLength(last.length);
      ps[n - 1] = rng.bytes(len);
    }
    const session = randomPrivKey();
    const ad = round % 2 ? rng.bytes(32) : new Uint8Array(0);
    const hops = keys.map(pubFromPriv);
    const got = buildSphinxPacket({ hopPubkeys: hops, payloads: ps, sessionKey: session, payloadSize: L, associatedData: ad });
    assert.equal(toHex(got), toHex(referenceBuild(hops, ps, session, L, ad)), `L=${L} n=${n} round ${round}`);
    // Peel each layer and compare the next packet with the reference's.
    let packet = got;
    for (let i = 0; i < n; i++) {
      const l = peelSphinxPacket(keys[i]!, packet, ad);
      assert.equal(toHex(l.payload), toHex(ps[i]!));
      const shift = bigSizeLength(ps[i]!.length) + ps[i]!.length + 32;
      assert.equal(toHex(l.nextOnion), toHex(referenceNext(keys[i]!, packet, shift, l.nextOnion.subarray(1, 34))), `next onion at hop ${i}`);
      if (l.isFinal) break;
      packet = l.nextPacket!;
    }
  }
});

test('two consecutive builds share no memory and the second leaves the first intact', () => {
  const keys = [randomPrivKey(), randomPrivKey(), randomPrivKey()];
  const hops = keys.map(pubFromPriv);
  const a = buildSphinxPacket({ hopPubkeys: hops, payloads: [new Uint8Array(40).fill(1), new Uint8Array(40).fill(2), new Uint8Array(300).fill(3)] });
  const aHex = toHex(a);
  const b = buildSphinxPacket({ hopPubkeys: hops, payloads: [new Uint8Array(90).fill(4), new Uint8Array(10).fill(5), new Uint8Array(700).fill(6)] });
  assert.equal(toHex(a), aHex, 'the first packet is unchanged by the second build');
  assert.notEqual(a.buffer, b.buffer);
  // Each packet owns its whole buffer: no view into a shared area.
  for (const p of [a, b]) assert.equal(p.byteOffset === 0 && p.buffer.byteLength === p.length, true);
  // A large build in between (the area grows) does not disturb either.
  buildSphinxPacket({ hopPubkeys: hops, payloads: [new Uint8Array(5000), new Uint8Array(5000), new Uint8Array(5000)], payloadSize: LARGE_PAYLOAD_SIZE });
  assert.equal(toHex(a), aHex);
  assert.equal(toHex(peelSphinxPacket(keys[0]!, a).payload), toHex(new Uint8Array(40).fill(1)));
  assert.equal(toHex(peelSphinxPacket(keys[0]!, b).payload), toHex(new Uint8Array(90).fill(4)));
});

test('two consecutive peels return separate arrays; the final layer next_onion does not follow later changes to the packet', () => {
  const keys = [randomPrivKey(), randomPrivKey()];
  const hops = keys.map(pubFromPriv);
  const build = (fill: number) => buildSphinxPacket({ hopPubkeys: hops, payloads: [new Uint8Array(50).fill(fill), new Uint8Array(60).fill(fill + 1)] });
  const p1 = build(1);
  const p2 = build(7);
  const l1 = peelSphinxPacket(keys[0]!, p1);
  const snap = { payload: toHex(l1.payload), hmac: toHex(l1.nextHmac), next: toHex(l1.nextPacket!) };
  const l2 = peelSphinxPacket(keys[0]!, p2);
  assert.deepEqual({ payload: toHex(l1.payload), hmac: toHex(l1.nextHmac), next: toHex(l1.nextPacket!) }, snap, 'the second peel leaves the first results intact');
  const arrays = [l1.payload, l1.nextHmac, l1.nextPacket!, l2.payload, l2.nextHmac, l2.nextPacket!, p1, p2];
  for (let i = 0; i < arrays.length; i++) for (let j = i + 1; j < arrays.length; j++) assert.notEqual(arrays[i]!.buffer, arrays[j]!.buffer, `arrays ${i} and ${j}`);
  // Writing into one result does not reach the other or the packet.
  l1.payload.fill(0xee);
  assert.equal(toHex(l2.payload), toHex(new Uint8Array(50).fill(7)));
  assert.equal(toHex(peelSphinxPacket(keys[0]!, p1).payload), toHex(new Uint8Array(50).fill(1)));

  const final = l1.nextPacket!;
  const f = peelSphinxPacket(keys[1]!, final);
  assert.equal(f.isFinal, true);
  const wanted = toHex(peelSphinxPacket(keys[1]!, Uint8Array.from(final)).nextOnion);
  final.fill(0); // the caller reuses its buffer before reading next_onion
  assert.equal(toHex(f.nextOnion), wanted);
  assert.notEqual(f.nextOnion.buffer, final.buffer);
});

test('peelSphinxPayload: the same checks and results as peelSphinxPacket, without next_onion at the last hop', () => {
  const rng = new Prng(99);
  const keys = [randomPrivKey(), randomPrivKey()];
  const ps = [rng.bytes(80), rng.bytes(120)];
  const packet = buildSphinxPacket({ hopPubkeys: keys.map(pubFromPriv), payloads: ps });
  const a = peelSphinxPayload(keys[0]!, packet);
  assert.equal(toHex(a.nextPacket!), toHex(peelSphinxPacket(keys[0]!, packet).nextPacket!));
  const b = peelSphinxPayload(keys[1]!, a.nextPacket!);
  assert.equal(b.isFinal, true);
  assert.equal(toHex(b.payload), toHex(ps[1]!));
  assert.equal('nextOnion' in b, false);
  for (let pos = 0; pos < packet.length; pos += 97) {
    const bad = Uint8Array.from(packet);
    bad[pos]! ^= 1;
    assert.throws(() => peelSphinxPayload(keys[0]!, bad), DecodeError, `bit flip at ${pos}`);
  }
});

test('writeBigSize writes exactly encodeBigSize at every size boundary', () => {
  for (const n of [0, 1, 0xfc, 0xfd, 0xfe, 0xffff, 0x10000, 0xffffffff, 0x100000000, Number.MAX_SAFE_INTEGER]) {
    const out = new Uint8Array(12).fill(0xaa);
    const size = writeBigSize(out, 2, n);
    assert.equal(size, bigSizeLength(n));
    assert.equal(toHex(out.subarray(2, 2 + size)), toHex(encodeBigSize(n)), `n=${n}`);
    assert.equal(out[1], 0xaa);
    assert.equal(out[2 + size], 0xaa, 'nothing written past the encoding');
  }
  for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1]) assert.throws(() => bigSizeLength(bad), RangeError);
});

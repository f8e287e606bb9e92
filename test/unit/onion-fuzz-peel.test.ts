// Fuzzing peelOnionMessage (seeded, reproducible): mutated packets and path keys,
// random garbage, and — to get past the HMAC — correctly encrypted packets whose
// onionmsg_tlv and encrypted_data_tlv plaintexts are mutated. Only DecodeError may
// come out, and whatever is accepted must satisfy the reader rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { aeadEncrypt } from '../../src/crypto/chacha.js';
import { asPrivKey, pubFromPriv, type PrivKey } from '../../src/crypto/secp.js';
import {
  blindHops,
  buildOnionMessageToBlindedPath,
  buildOnionMessageToRoute,
  buildSphinxPacket,
  createBlindedPath,
  encodeEncryptedData,
  encodeOnionMsgTlv,
  peelOnionMessage,
  type PeeledOnionMessage,
} from '../../src/onion/index.js';
import { mutate, Prng } from './onion-helpers.js';

const key = (i: number): PrivKey => asPrivKey(new Uint8Array(32).fill(i));
const us = key(0x41);
const a = key(0x42);
const b = key(0x43);
const usId = pubFromPriv(us);

function peelChecked(name: string, priv: PrivKey, pathKey: Uint8Array, packet: Uint8Array): PeeledOnionMessage | undefined {
  try {
    const r = peelOnionMessage(priv, pathKey, packet);
    // What is accepted obeys the reader rules.
    if (r.kind === 'forward') {
      assert.equal(r.encryptedData.pathId, undefined);
      assert.ok('nodeId' in r.next || 'scid' in r.next);
      assert.equal(r.nextPacket.length, packet.length);
    }
    return r;
  } catch (e) {
    if (!(e instanceof DecodeError)) {
      assert.fail(`${name}: pathKey ${toHex(pathKey)} packet ${toHex(packet)} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    }
    return undefined;
  }
}

test('fuzz peelOnionMessage: 12,000 mutated packets and path keys, 4,000 random ones', () => {
  const rng = new Prng(201);
  const theirs = createBlindedPath([
    { nodeId: pubFromPriv(a), data: { nextNodeId: pubFromPriv(b) } },
    { nodeId: pubFromPriv(b), data: { pathId: new Uint8Array(32) } },
  ], key(9));
  const valid = [
    buildOnionMessageToRoute({ route: [usId, pubFromPriv(a)], payload: { message: { type: 64n, value: rng.bytes(100) } }, pathKeySecret: key(1), sessionKey: key(2) }),
    buildOnionMessageToRoute({ route: [usId], finalData: { pathId: rng.bytes(16) }, payload: { replyPath: theirs }, pathKeySecret: key(3), sessionKey: key(4) }),
    buildOnionMessageToBlindedPath({ ourNodeId: usId, path: theirs, payload: { message: { type: 75540n, value: new Uint8Array([0]) } }, pathKeySecret: key(5), sessionKey: key(6) }),
  ];
  let accepted = 0;
  for (let i = 0; i < 12_000; i++) {
    const m = rng.pick(valid);
    let { pathKey, packet }: { pathKey: Uint8Array; packet: Uint8Array } = m;
    const what = rng.int(10);
    if (what < 7) {
      // Mutate the packet in place (keeps its length) or structurally (changes it).
      if (rng.int(2)) {
        packet = Uint8Array.from(packet);
        for (let k = 1 + rng.int(3); k > 0; k--) packet[rng.int(packet.length)]! ^= 1 << rng.int(8);
      } else packet = mutate(rng, packet);
    } else if (what < 9) pathKey = mutate(rng, pathKey);
    else packet = packet.subarray(0, rng.int(packet.length + 1));
    if (peelChecked('mutated', us, pathKey, packet)) accepted++;
  }
  // Only mutations that leave the authenticated bytes alone can succeed (e.g. a flip
  // nowhere — never, or a pathKey mutation giving the same key): nearly all must fail.
  assert.ok(accepted < 200, `accepted ${accepted}`);
  for (let i = 0; i < 4_000; i++) {
    const packet = rng.int(4) ? rng.bytes(rng.int(1500)) : Uint8Array.from([0, ...usId, ...rng.bytes(rng.int(1400))]);
    const pathKey = rng.int(2) ? rng.pick(valid).pathKey : rng.bytes(rng.int(2) ? 33 : rng.int(40));
    assert.equal(peelChecked('random', us, pathKey, packet), undefined);
  }
});

test('fuzz peelOnionMessage: 4,000 authentic packets with mutated plaintexts (past the HMAC and AEAD)', () => {
  const rng = new Prng(202);
  // One fixed blinding chain [us, a]; we know rho for our hop, so we can encrypt any plaintext.
  const chain = blindHops([{ nodeId: usId, data: {} }, { nodeId: pubFromPriv(a), data: {} }], key(7));
  const ours = chain[0]!;
  const dataSeeds = [
    encodeEncryptedData({ nextNodeId: pubFromPriv(a) }),
    encodeEncryptedData({ shortChannelId: 42n, padding: new Uint8Array(4) }),
    encodeEncryptedData({ nextNodeId: pubFromPriv(a), nextPathKeyOverride: pubFromPriv(b) }),
    encodeEncryptedData({ pathId: rng.bytes(32), unknown: [{ type: 65537n, value: rng.bytes(10) }] }),
    encodeEncryptedData({ allowedFeatures: new Uint8Array(2), padding: new Uint8Array(0) }),
  ];
  const replyPath = createBlindedPath([{ nodeId: pubFromPriv(b), data: {} }], key(8));
  const kinds = { forward: 0, final: 0, rejected: 0 };
  for (let i = 0; kinds.forward + kinds.final + kinds.rejected < 4_000; i++) {
    let plain = rng.pick(dataSeeds);
    if (rng.int(4)) plain = mutate(rng, plain);
    let enc = aeadEncrypt(ours.rho, plain);
    if (rng.int(10) === 0) enc = mutate(rng, enc);
    // Half the time the plain forwarding shape, so the forward branch is reached often.
    const tlvSeed = rng.int(2) ? { encryptedRecipientData: enc } : rng.pick([
      { encryptedRecipientData: enc, message: { type: 64n, value: rng.bytes(20) } },
      { encryptedRecipientData: enc, replyPath, message: { type: 72n, value: new Uint8Array([0]) } },
      { encryptedRecipientData: enc, unknown: [{ type: 1n, value: rng.bytes(3) }] },
    ]);
    let payload = encodeOnionMsgTlv(tlvSeed);
    if (rng.int(3) === 0) payload = mutate(rng, payload);
    if (payload.length > 1000) continue;
    // Two hops: our layer is a forwarding one; one hop: it is final.
    const twoHops = rng.int(2) === 1;
    const hops = twoHops ? chain : [ours];
    const payloads = twoHops ? [payload, encodeOnionMsgTlv({ encryptedRecipientData: chain[1]!.encryptedData })] : [payload];
    const packet = buildSphinxPacket({ hopPubkeys: hops.map((h) => h.blindedNodeId), payloads, sessionKey: key(10 + (i % 100)) });
    const r = peelChecked('authentic', us, ours.pathKey, packet);
    if (!r) kinds.rejected++;
    else {
      kinds[r.kind]++;
      assert.equal(r.kind, twoHops ? 'forward' : 'final');
    }
  }
  // The fuzzer must exercise acceptance on both branches and plenty of rejections.
  assert.ok(kinds.forward > 100 && kinds.final > 100 && kinds.rejected > 500, JSON.stringify(kinds));
});

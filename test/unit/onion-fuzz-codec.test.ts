// Fuzzing the onion-layer decoders with a seeded PRNG (reruns are identical): random
// bytes and mutations of valid encodings. Only DecodeError may come out; whatever
// decodes must re-encode to the same bytes (the encodings are canonical).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { equalBytes, toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { pubFromPriv, asPrivKey, type PubKey } from '../../src/crypto/secp.js';
import {
  decodeBlindedPath,
  decodeBlindedPaths,
  decodeBlindedPathVec,
  decodeEncryptedData,
  decodeOnionMessageWire,
  decodeOnionMsgTlv,
  encodeBlindedPath,
  encodeBlindedPaths,
  encodeBlindedPathVec,
  encodeEncryptedData,
  encodeOnionMessageWire,
  encodeOnionMsgTlv,
  type BlindedPath,
} from '../../src/onion/index.js';
import { mutate, Prng } from './onion-helpers.js';

const N = 20_000;
const keys: PubKey[] = Array.from({ length: 6 }, (_, i) => pubFromPriv(asPrivKey(new Uint8Array(32).fill(i + 1))));

/** Runs `decode` over N inputs (1/5 random, the rest 1–3 mutations of a seed); returns stats. */
function fuzz(name: string, seed: number, seeds: Uint8Array[], decode: (b: Uint8Array) => unknown, reencode?: (v: any) => Uint8Array) {
  const rng = new Prng(seed);
  let ok = 0;
  const messages = new Set<string>();
  for (let i = 0; i < N; i++) {
    let input: Uint8Array;
    if (i % 5 === 0) input = rng.bytes(rng.int(400));
    else {
      input = rng.pick(seeds);
      for (let m = 1 + rng.int(3); m > 0; m--) input = mutate(rng, input);
    }
    let out: unknown;
    try {
      out = decode(input);
    } catch (e) {
      if (!(e instanceof DecodeError)) {
        assert.fail(`${name}: input ${toHex(input)} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      }
      messages.add(e.message.replace(/\d+/g, 'N'));
      continue;
    }
    ok++;
    if (reencode) {
      const again = reencode(out);
      if (!equalBytes(again, input)) assert.fail(`${name}: ${toHex(input)} decoded but re-encoded to ${toHex(again)}`);
    }
  }
  if (process.env.FUZZ_STATS) console.error(name, ok, [...messages]);
  return { ok, messages };
}

const pathSeeds = (rng: Prng): BlindedPath[] =>
  Array.from({ length: 12 }, (_, i) => ({
    intro: i % 3 === 0 ? { kind: 'sciddir', direction: (i % 2) as 0 | 1, scid: BigInt(rng.u32()) } : { kind: 'pubkey', nodeId: rng.pick(keys) },
    firstPathKey: rng.pick(keys),
    hops: Array.from({ length: 1 + (i % 4) }, () => ({ blindedNodeId: rng.pick(keys), encryptedData: rng.bytes(rng.int(60)) })),
  }));

test(`fuzz blinded_path decoder: ${N} inputs, only DecodeError, canonical when accepted`, () => {
  const seeds = pathSeeds(new Prng(1)).map(encodeBlindedPath);
  const s = fuzz('blinded_path', 101, seeds, decodeBlindedPath, encodeBlindedPath);
  // The fuzzer must reach both sides: some mutations still decode, and many kinds of failure occur.
  assert.ok(s.ok > 200, `accepted ${s.ok}`);
  assert.ok(s.messages.size >= 5, [...s.messages].join(' | '));
});

test(`fuzz blinded_path list decoder: ${N} inputs`, () => {
  const rng = new Prng(2);
  const ps = pathSeeds(rng);
  const seeds = Array.from({ length: 10 }, (_, i) => encodeBlindedPaths(ps.slice(i, i + 1 + (i % 3))));
  const s = fuzz('path list', 102, seeds, decodeBlindedPaths, encodeBlindedPaths);
  assert.ok(s.ok > 200, `accepted ${s.ok}`);
});

test(`fuzz LDK Vec<BlindedMessagePath> decoder: ${N} inputs`, () => {
  const rng = new Prng(3);
  const ps = pathSeeds(rng);
  const seeds = Array.from({ length: 8 }, (_, i) => encodeBlindedPathVec(ps.slice(i, i + (i % 3))));
  const s = fuzz('path vec', 103, seeds, decodeBlindedPathVec, encodeBlindedPathVec);
  assert.ok(s.ok > 200, `accepted ${s.ok}`);
});

test(`fuzz encrypted_data_tlv decoder: ${N} inputs`, () => {
  const rng = new Prng(4);
  const seeds = [
    encodeEncryptedData({ padding: new Uint8Array(5), nextNodeId: keys[0]!, unknown: [{ type: 561n, value: rng.bytes(3) }] }),
    encodeEncryptedData({ shortChannelId: 1729n, nextPathKeyOverride: keys[1]!, paymentRelay: { cltvExpiryDelta: 36, feeProportionalMillionths: 150, feeBaseMsat: 10000 } }),
    encodeEncryptedData({ pathId: rng.bytes(32), paymentConstraints: { maxCltvExpiry: 748005, htlcMinimumMsat: 1500n }, allowedFeatures: new Uint8Array(0) }),
    encodeEncryptedData({ padding: new Uint8Array(0), pathId: rng.bytes(32), unknown: [{ type: 65535n, value: rng.bytes(2) }] }),
    encodeEncryptedData({ paymentRelay: { cltvExpiryDelta: 144, feeProportionalMillionths: 250, feeBaseMsat: 0 }, allowedFeatures: rng.bytes(15) }),
    encodeEncryptedData({ nextNodeId: keys[2]!, unknown: [{ type: 65537n, value: rng.bytes(50) }] }),
  ];
  const s = fuzz('encrypted_data_tlv', 104, seeds, decodeEncryptedData, encodeEncryptedData);
  assert.ok(s.ok > 1000, `accepted ${s.ok}`);
  assert.ok(s.messages.size >= 6, [...s.messages].join(' | '));
});

test(`fuzz onionmsg_tlv decoder: ${N} inputs`, () => {
  const rng = new Prng(5);
  const ps = pathSeeds(rng);
  const seeds = [
    encodeOnionMsgTlv({ encryptedRecipientData: rng.bytes(50) }),
    encodeOnionMsgTlv({ replyPath: ps[1]!, encryptedRecipientData: rng.bytes(40), message: { type: 64n, value: rng.bytes(80) } }),
    encodeOnionMsgTlv({ unknown: [{ type: 1n, value: rng.bytes(5) }], encryptedRecipientData: rng.bytes(56) }),
    encodeOnionMsgTlv({ replyPath: ps[0]!, encryptedRecipientData: rng.bytes(20), message: { type: 75540n, value: new Uint8Array([0]) } }),
    encodeOnionMsgTlv({ encryptedRecipientData: rng.bytes(20), message: { type: 70n, value: rng.bytes(30) } }),
  ];
  const s = fuzz('onionmsg_tlv', 105, seeds, decodeOnionMsgTlv, encodeOnionMsgTlv);
  assert.ok(s.ok > 1000, `accepted ${s.ok}`);
  assert.ok(s.messages.size >= 5, [...s.messages].join(' | '));
});

test(`fuzz onion_message wire decoder: ${N} inputs`, () => {
  const rng = new Prng(6);
  const seeds = [encodeOnionMessageWire({ pathKey: keys[3]!, packet: rng.bytes(100) }), encodeOnionMessageWire({ pathKey: keys[4]!, packet: new Uint8Array(0) })];
  // Re-encoding drops odd extension records, so only the exact-length ones must match.
  const s = fuzz('onion_message wire', 106, seeds, decodeOnionMessageWire);
  assert.ok(s.ok > 200, `accepted ${s.ok}`);
});

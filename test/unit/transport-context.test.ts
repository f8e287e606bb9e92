import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeContext, decodeContext, contextExpired, NEVER, type PathContext } from '../../src/transport/context.js';
import { DecodeError } from '../../src/codec/errors.js';
import { fuzz } from '../helpers/prng.js';

const key = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(8);
const rk = new Uint8Array(16).fill(0xab);
const tag = new Uint8Array(8).fill(0xcd);

const samples: PathContext[] = [
  { kind: 'recipient', recipient: rk, expiresAt: NEVER },
  { kind: 'recipient', recipient: rk, expiresAt: 1_900_000_000 },
  { kind: 'offer', recipient: rk, slot: 9, expiresAt: 1_800_000_000 },
  { kind: 'serve', recipient: rk, slot: 65535, expiresAt: 1 },
  { kind: 'offer_paths_reply', slot: 3, expiresAt: 1_700_007_200, nonce: tag },
  { kind: 'persisted_reply', slot: 0, createdAt: 1_700_000_000, offerTag: tag },
  { kind: 'forwarded_invreq', slot: 4, offerTag: tag },
  { kind: 'held_htlc', slot: 2, expiresAt: 1_700_100_000, offerTag: tag },
];

for (const ctx of samples) {
  test(`context ${ctx.kind}: round trip, and any changed byte or key is rejected`, () => {
    const id = encodeContext(key, ctx);
    assert.deepEqual(decodeContext(key, id), ctx);
    assert.throws(() => decodeContext(other, id), DecodeError);
    for (let i = 0; i < id.length; i++) {
      const bad = Uint8Array.from(id);
      bad[i]! ^= 1;
      assert.throws(() => decodeContext(key, bad), DecodeError, `byte ${i}`);
    }
    assert.throws(() => decodeContext(key, id.subarray(0, id.length - 1)), DecodeError);
    assert.throws(() => decodeContext(key, id.subarray(1)), DecodeError);
  });
}

test('offer path context stays compact (it travels inside payment onions)', () => {
  assert.equal(encodeContext(key, samples[2]!).length, 39);
});

test('context expiry', () => {
  assert.equal(contextExpired(samples[0]!, 2_000_000_000), false);
  assert.equal(contextExpired(samples[1]!, 1_900_000_000), false);
  assert.equal(contextExpired(samples[1]!, 1_900_000_001), true);
  assert.equal(contextExpired(samples[6]!, 2_000_000_000), false);
});

test('context fuzz: only DecodeError', () => {
  const seeds = samples.map((c) => encodeContext(key, c));
  const hex = new Set(seeds.map((s) => Buffer.from(s).toString('hex')));
  // A mutation may leave a seed unchanged; anything else that decodes would be a forgery.
  fuzz(seeds, (b) => {
    decodeContext(key, b);
    assert.ok(hex.has(Buffer.from(b).toString('hex')), 'a modified path_id was accepted');
  }, (e) => e instanceof DecodeError, { count: 20000, maxLen: 64 });
});

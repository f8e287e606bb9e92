import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBigSize, encodeBigSize, fromHex, toHex, DecodeError } from '../../src/codec/index.js';
import { loadVector } from '../helpers/vectors.js';
import { fuzz } from '../helpers/prng.js';

interface V { name: string; value: string; bytes: string; exp_error?: string }
const vec = loadVector<{ decoding: V[]; encoding: V[] }>('bolt01-bigsize.json');

for (const v of vec.decoding) {
  test(`BOLT 1 appendix A decode: ${v.name}`, () => {
    const b = fromHex(v.bytes);
    if (v.exp_error) {
      assert.throws(() => decodeBigSize(b), DecodeError);
    } else {
      const r = decodeBigSize(b);
      assert.equal(r.value, BigInt(v.value));
      assert.equal(r.size, b.length);
    }
  });
}

for (const v of vec.encoding) {
  test(`BOLT 1 appendix A encode: ${v.name}`, () => {
    assert.equal(toHex(encodeBigSize(BigInt(v.value))), v.bytes);
  });
}

test('bigsize fuzz: only DecodeError, and every success re-encodes identically', () => {
  const seeds = vec.encoding.map((v) => fromHex(v.bytes));
  const r = fuzz(seeds, (b) => {
    const { value, size } = decodeBigSize(b);
    assert.equal(toHex(encodeBigSize(value)), toHex(b.subarray(0, size)));
  }, (e) => e instanceof DecodeError, { count: 20000, maxLen: 12 });
  assert.ok(r.ok > 1000 && r.rejected > 1000, JSON.stringify(r));
});

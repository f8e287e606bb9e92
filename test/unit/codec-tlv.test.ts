import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseTlvStream, rejectUnknownEven, encodeTlvStream, tlvRecord, decodeTu, encodeTu, fromHex, toHex, Reader, DecodeError,
  type TlvRecord,
} from '../../src/codec/index.js';
import { asPubKey } from '../../src/crypto/secp.js';
import { loadVector } from '../helpers/vectors.js';
import { fuzz } from '../helpers/prng.js';

interface Case { section: string; namespace: 'any' | 'either' | 'n1' | 'n2'; valid: boolean; stream: string; note: string }
const vec = loadVector<{ cases: Case[] }>('bolt01-tlv.json');

// The two test namespaces of Appendix B, decoded with the project's primitives.
type Values = Record<string, string>;
function exact(r: Reader, f: () => void): void {
  f();
  if (!r.done()) throw new DecodeError('trailing bytes in record');
}
function decodeN1(records: TlvRecord[]): Values {
  rejectUnknownEven(records, (t) => t === 1n || t === 2n || t === 3n || t === 254n);
  const out: Values = {};
  for (const rec of records) {
    const r = new Reader(rec.value);
    if (rec.type === 1n) out['tlv1 amount_msat'] = decodeTu(rec.value, 8).toString();
    else if (rec.type === 2n) exact(r, () => {
      const scid = r.u64();
      out['tlv2 scid'] = `${scid >> 40n}x${(scid >> 16n) & 0xffffffn}x${scid & 0xffffn}`;
    });
    else if (rec.type === 3n) exact(r, () => {
      out['tlv3 node_id'] = toHex(asPubKey(r.bytes(33)));
      out['tlv3 amount_msat_1'] = r.u64().toString();
      out['tlv3 amount_msat_2'] = r.u64().toString();
    });
    else if (rec.type === 254n) exact(r, () => (out['tlv4 cltv_delta'] = String(r.u16())));
  }
  return out;
}
function decodeN2(records: TlvRecord[]): Values {
  rejectUnknownEven(records, (t) => t === 0n || t === 11n);
  const out: Values = {};
  for (const rec of records) {
    if (rec.type === 0n) out['tlv1 amount_msat'] = decodeTu(rec.value, 8).toString();
    else if (rec.type === 11n) out['tlv2 cltv_expiry'] = decodeTu(rec.value, 4).toString();
  }
  return out;
}
const decoders = { n1: decodeN1, n2: decodeN2 };

/** `tlv1` `amount_msat`=0 `...` → { 'tlv1 amount_msat': '0' } */
function expectedValues(note: string): Values {
  const out: Values = {};
  let last = '';
  for (const m of note.matchAll(/`(\w+)`(?:=(\S+))?/g)) {
    if (m[2] === undefined) last = m[1]!;
    else out[`${last} ${m[1]}`] = m[2];
  }
  return out;
}

vec.cases.forEach((c, i) => {
  const spaces = c.namespace === 'any' || c.namespace === 'either' ? (['n1', 'n2'] as const) : [c.namespace];
  for (const ns of spaces) {
    test(`BOLT 1 appendix B #${i} ${c.valid ? 'valid' : 'invalid'} in ${ns}: 0x${c.stream} (${c.note.split('\n')[0]})`, () => {
      const run = () => decoders[ns](parseTlvStream(fromHex(c.stream)));
      if (!c.valid) {
        assert.throws(run, DecodeError);
        return;
      }
      const got = run();
      if (c.namespace === 'n1') assert.deepEqual(got, expectedValues(c.note));
      else assert.deepEqual(got, {});
      // Re-encoding the parsed records gives back the same bytes.
      assert.equal(toHex(encodeTlvStream(parseTlvStream(fromHex(c.stream)))), c.stream);
    });
  }
});

test('BOLT 1 appendix B: an invalid stream appended to a valid one fails; higher after lower succeeds', () => {
  const valid = vec.cases.filter((c) => c.valid && c.namespace === 'n1');
  const invalid = vec.cases.filter((c) => !c.valid && c.namespace !== 'n2');
  for (const v of valid) {
    for (const bad of invalid) {
      assert.throws(() => decodeN1(parseTlvStream(fromHex(v.stream + bad.stream))), DecodeError, `${v.stream}+${bad.stream}`);
    }
  }
  assert.deepEqual(decodeN1(parseTlvStream(fromHex('0100' + 'fd00fe020226'))), { 'tlv1 amount_msat': '0', 'tlv4 cltv_delta': '550' });
});

test('tu64 round trip and minimality', () => {
  for (const v of [0n, 1n, 255n, 256n, 0xffffffffn, 0xffffffffffffffffn]) assert.equal(decodeTu(encodeTu(v), 8), v);
  assert.equal(encodeTu(0n).length, 0);
  assert.throws(() => decodeTu(fromHex('0001'), 8), DecodeError);
  assert.throws(() => decodeTu(fromHex('010000'), 2), DecodeError);
});

test('encodeTlvStream sorts and refuses duplicates', () => {
  const s = encodeTlvStream([tlvRecord(5, fromHex('aa')), tlvRecord(1, fromHex(''))]);
  assert.equal(toHex(s), '010005' + '01aa');
  assert.throws(() => encodeTlvStream([tlvRecord(1, new Uint8Array()), tlvRecord(1, new Uint8Array())]));
});

test('hex decoding is strict', () => {
  assert.throws(() => fromHex('abc'), DecodeError);
  assert.throws(() => fromHex('zz'), DecodeError);
  assert.equal(toHex(fromHex('00FFaa')), '00ffaa');
});

// fromHex leans on Buffer's lenient decoder (which stops at a bad pair, drops an odd
// last digit and reads only the low byte of a UTF-16 unit): every way around it is refused.
test('hex decoding refuses every malformed string, wherever the fault is', () => {
  const good = Buffer.from(Array.from({ length: 1366 }, (_, i) => (i * 37) & 255)).toString('hex');
  assert.deepEqual(fromHex(good), new Uint8Array(Buffer.from(good, 'hex')));
  assert.equal(toHex(fromHex(good.toUpperCase())), good);
  const got = fromHex(good);
  assert.ok(!Buffer.isBuffer(got), 'a plain Uint8Array');
  assert.equal(got.byteOffset, 0);
  assert.equal(got.buffer.byteLength, got.length, 'owns a whole ArrayBuffer');
  assert.equal(fromHex('').length, 0);
  const bad = [
    'a', 'abc', good + 'a', good.slice(1), // odd lengths
    'g0', '0g', 'zz', 'ab 0', ' ab0', 'ab\n0', '0x00', '+0', '-1', 'ab\u00000', // bad ASCII in either digit of a pair
    '\u0161\u0162', // non-ASCII whose low bytes are hex digits ("a", "b")
    '\u01300a', 'ab\u0130\u0130', '\uff10\uff11', 'ab\u00e0a', '\ud83d\ude00', 'ab\ud800', // non-ASCII, surrogates
    '\ud830\ud831', // lone surrogates whose low bytes are "0" and "1": Buffer decodes 0x01
  ];
  for (const s of bad) assert.throws(() => fromHex(s), DecodeError, JSON.stringify(s));
  // A fault at every position of a long string.
  for (let i = 0; i < good.length; i += 97) {
    for (const c of ['g', ' ', '\u0130', '\u0161', '\ud830']) assert.throws(() => fromHex(good.slice(0, i) + c + good.slice(i + 1)), DecodeError, `${c} at ${i}`);
  }
  assert.throws(() => fromHex(good.slice(0, -1) + 'x'), DecodeError);
  for (const v of [undefined, null, 12, ['ab'], { length: 2 }]) assert.throws(() => fromHex(v as unknown as string), DecodeError);
});

test('TLV stream fuzz: only DecodeError; accepted streams re-encode byte-identically', () => {
  const seeds = vec.cases.filter((c) => c.valid).map((c) => fromHex(c.stream));
  const r = fuzz(seeds, (b) => {
    const recs = parseTlvStream(b);
    assert.equal(toHex(encodeTlvStream(recs)), toHex(b));
  }, (e) => e instanceof DecodeError, { count: 20000, maxLen: 64 });
  assert.ok(r.ok > 500 && r.rejected > 500, JSON.stringify(r));
});

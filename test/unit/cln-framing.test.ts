import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonScanner, encodeMessage, type ScanResult } from '../../src/cln/framing.js';
import { Rand, nastyString, randomJson, randomSplit } from '../helpers/cln-random.js';

/** Hand-written raw JSON (not produced by JSON.stringify) with the awkward cases. */
const RAW = [
  '{"jsonrpc":"2.0","id":"cli:getinfo#1","method":"getmanifest","params":{"allow-deprecated-apis":false}}',
  '{"s":"quote \\" backslash \\\\ end\\\\","t":"\\\\\\"","u":"\\u00e9\\/\\b\\f\\n\\r\\t"}',
  '{"braces":"{[}]","nested":[[[{"a":[{}]}]],[]],"e":{}}',
  '{"utf8":"é € 𝄞 😀 ü","key é":"v"}',
  '[1,2,{"x":"]"}]',
  '{}',
  '{ "spaced" : [ 1 , 2 ] ,\n "nl": "between tokens is fine"\n}',
  // A long run before an escaped quote and brackets: the scanner's memchr
  // shortcut must not take the escaped quote for the closing one.
  `{"long":"${'a'.repeat(100)}\\"}{[${'b'.repeat(100)}\\\\","k":"${'c'.repeat(100)}"}`,
];

function values(results: ScanResult[]): unknown[] {
  return results.map((r) => {
    assert.equal(r.kind, 'message', r.kind === 'malformed' ? `${r.reason}: ${r.sample}` : '');
    return (r as { value: unknown }).value;
  });
}

function feed(chunks: Buffer[]): ScanResult[] {
  const s = new JsonScanner();
  const out: ScanResult[] = [];
  for (const c of chunks) out.push(...s.push(c));
  out.push(...s.end());
  return out;
}

const expected = RAW.map((t) => JSON.parse(t) as unknown);
const stream = Buffer.from(RAW.join('\n\n') + '\n\n');

test('framing: whole stream in one chunk', () => {
  assert.deepEqual(values(feed([stream])), expected);
});

test('framing: messages with no separator at all, and with odd whitespace', () => {
  assert.deepEqual(values(feed([Buffer.from(RAW.join(''))])), expected);
  assert.deepEqual(values(feed([Buffer.from(' \r\n\t' + RAW.join(' \n \t\r\n') + '\n')])), expected);
});

test('framing: every split point of the stream into two chunks', () => {
  for (let i = 0; i <= stream.length; i++) {
    assert.deepEqual(values(feed([stream.subarray(0, i), stream.subarray(i)])), expected, `split at byte ${i}`);
  }
});

test('framing: every split point into three chunks (pairs of cut points)', () => {
  // Quadratic: keep it to the messages with multi-byte characters and escapes.
  const small = Buffer.from(RAW[1] + '\n\n' + RAW[3] + '\n\n');
  const want = [expected[1], expected[3]];
  for (let i = 0; i <= small.length; i++) {
    for (let j = i; j <= small.length; j++) {
      assert.deepEqual(values(feed([small.subarray(0, i), small.subarray(i, j), small.subarray(j)])), want, `cuts ${i},${j}`);
    }
  }
});

test('framing: one byte at a time', () => {
  const chunks = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
  assert.deepEqual(values(feed(chunks)), expected);
});

test('framing: a 4-byte character split between reads decodes intact', () => {
  const msg = Buffer.from('{"m":"😀"}');
  const at = msg.indexOf(0xf0); // first byte of the emoji
  for (let k = 1; k < 4; k++) {
    const got = values(feed([msg.subarray(0, at + k), msg.subarray(at + k)]));
    assert.deepEqual(got, [{ m: '😀' }]);
  }
});

test('framing: random JSON values, random splits (seeded), equal to the input', () => {
  const r = new Rand(0xc1a55);
  for (let round = 0; round < 200; round++) {
    // Long plain strings take the scanner's memchr path; long nasty ones the byte path.
    const vals = Array.from({ length: 1 + r.int(20) }, () => ({ id: `x:${round}`, v: randomJson(r), h: 'ab'.repeat(r.int(200)), s: nastyString(r, r.int(300)) }));
    const sep = r.pick(['\n\n', '', ' ', '\n']);
    const buf = Buffer.from(vals.map((v) => JSON.stringify(v)).join(sep) + sep);
    assert.deepEqual(values(feed(randomSplit(r, buf, 64))), vals, `round ${round}`);
  }
});

test('framing: a malformed message is reported and skipped; the next one survives', () => {
  const cases: Array<[string, number]> = [
    ['{"a":1,}\n\n', 1], // balanced but invalid JSON
    ['{"id":"x","method":"foo","params":{"a":\n\n', 1], // truncated: blank line ends it
    ['{"id":"x","params":"unterminated\n\n', 1], // truncated inside a string: raw newline
    ['this is not json\n\n', 1], // text between messages
    ['}\n\n', 1], // stray closing brace
    ['null\n\n', 1], // JSON, but not an object
    ['garbage without newline', 1], // junk glued to the next message
  ];
  for (const [bad, nBad] of cases) {
    const buf = Buffer.from(`${RAW[0]}\n\n${bad}${RAW[3]}\n\n`);
    for (const chunks of [[buf], Array.from(buf, (_, i) => buf.subarray(i, i + 1))]) {
      const got = feed(chunks);
      const kinds = got.map((x) => x.kind);
      assert.deepEqual(kinds, ['message', ...Array(nBad).fill('malformed'), 'message'], JSON.stringify(bad));
      assert.deepEqual((got[0] as { value: unknown }).value, expected[0]);
      assert.deepEqual((got[got.length - 1] as { value: unknown }).value, expected[3]);
    }
  }
});

test('framing: end() reports an unfinished message', () => {
  const s = new JsonScanner();
  assert.deepEqual(s.push(Buffer.from('{"a":"b')), []);
  assert.ok(s.pendingBytes > 0);
  const r = s.end();
  assert.equal(r.length, 1);
  assert.equal(r[0]!.kind, 'malformed');
  assert.equal(s.pendingBytes, 0);
});

test('framing: a large message (4 MB) split into many reads', () => {
  const big = { id: 'big', result: { blob: 'é'.repeat(2 * 1024 * 1024) } };
  const buf = Buffer.from(JSON.stringify(big));
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 65536) chunks.push(buf.subarray(i, i + 65536));
  const got = values(feed(chunks));
  assert.equal(got.length, 1);
  assert.deepEqual(got[0], big);
});

test('encodeMessage: one line of JSON then a blank line, even with newlines in strings', () => {
  const text = encodeMessage({ jsonrpc: '2.0', id: 'a', result: { s: 'x\ny\n\nz', u: '😀' } });
  assert.ok(text.endsWith('\n\n'));
  assert.equal(text.indexOf('\n'), text.length - 2);
  assert.deepEqual(JSON.parse(text), { jsonrpc: '2.0', id: 'a', result: { s: 'x\ny\n\nz', u: '😀' } });
  assert.throws(() => encodeMessage({ n: 1n }));
  assert.throws(() => encodeMessage(undefined));
});

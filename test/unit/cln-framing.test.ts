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

// The scanner walks a string's first bytes one by one, then jumps with memchr to the
// next quote, backslash or newline: escapes and newlines on either side of that switch,
// and strings ending right at it, at every read boundary.
test('framing: escapes and newlines around the scanner\'s jump point in long strings, every split', () => {
  const hex = 'ab'.repeat(2700);
  const strings: string[] = [hex];
  for (const len of [14, 15, 16, 17, 18, 31, 32, 33, 64]) {
    strings.push('x'.repeat(len));
    for (const at of [0, 1, 14, 15, 16, 17, len - 1]) {
      if (at < 0 || at > len) continue;
      for (const esc of ['"', '\\', '\n', '\u00e9', '😀', '\\"']) strings.push('y'.repeat(at) + esc + 'z'.repeat(len - at));
    }
  }
  const msg = { id: 'scan', s: strings, t: `${hex}"${hex}\\`, u: [hex, '', 'q', hex] };
  const text = JSON.stringify(msg);
  const buf = Buffer.from(`${text}\n\n${RAW[1]}\n\n`);
  const want = [msg, expected[1]];
  assert.deepEqual(values(feed([buf])), want);
  // Every split point near the strings' boundaries (all of them is too slow for 30 KB).
  const cuts = new Set<number>();
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x22 || buf[i] === 0x5c) for (let d = -18; d <= 18; d++) cuts.add(Math.min(buf.length, Math.max(0, i + d)));
  for (const c of cuts) assert.deepEqual(values(feed([buf.subarray(0, c), buf.subarray(c)])), want, `split at ${c}`);
  const r = new Rand(0x5ca9);
  for (let round = 0; round < 30; round++) assert.deepEqual(values(feed(randomSplit(r, buf, 200))), want, `random round ${round}`);
});

test('framing: a raw newline anywhere in a long string is a truncated message; the next message survives', () => {
  const hex = 'cd'.repeat(1500);
  for (const at of [0, 1, 15, 16, 17, 40, 1000, hex.length - 1, hex.length]) {
    // A message cut off inside its long string, then lightningd's next message.
    const broken = `{"id":"cut","params":{"outgoing":"${hex.slice(0, at)}\n`;
    const buf = Buffer.from(`${RAW[0]}\n\n${broken}\n${RAW[3]}\n\n`);
    for (const chunks of [[buf], [buf.subarray(0, 200 + at), buf.subarray(200 + at)], randomSplit(new Rand(at + 1), buf, 97)]) {
      const got = feed(chunks);
      assert.deepEqual(
        got.map((x) => x.kind),
        ['message', 'malformed', 'message'],
        `newline at ${at}`,
      );
      assert.match((got[1] as { reason: string }).reason, /raw newline inside a JSON string/);
      assert.deepEqual((got[2] as { value: unknown }).value, expected[3]);
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

/**
 * 10,000 requests (method and hook calls, 100 B – 64 KB each, string ids)
 * written to a real plugin process's stdin, split at random byte boundaries
 * (single bytes, a few bytes, up to 256 KB holding many messages), with
 * handlers finishing in shuffled order. Every request must be answered
 * exactly once, with its own id and a digest of its own payload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PluginProcess, type Json } from '../helpers/cln-driver.js';
import { Rand, nastyString, randomSplit } from '../helpers/cln-random.js';

const COUNT = 10_000;
const MIN = 100;
const MAX = 64 * 1024;

test('10,000 requests of 100 B–64 KB, randomly split across writes, each answered exactly once with its own id', { timeout: 60_000 }, async () => {
  const r = new Rand(20261125);
  const p = PluginProcess.spawn();
  try {
    await p.handshake();

    type Expect = { id: string; kind: 'method' | 'hook'; n: number; bytes: number; sha256: string };
    const expects: Expect[] = [];
    const encoded: Buffer[] = [];
    let totalBytes = 0;
    let minSize = Infinity;
    let maxSize = 0;
    for (let n = 0; n < COUNT; n++) {
      const kind = r.int(2) === 0 ? 'method' : 'hook';
      // Ids as lightningd makes them (strings), some with characters that need escaping.
      const id = kind === 'method' ? `cli:echo#${n}${n % 97 === 0 ? '/"ü😀\\' : ''}` : `plugin-offers/hook#${n}`;
      const method = kind === 'method' ? 'echo' : 'onion_message_recv';
      // Sizes log-uniform over the range, plus the exact ends.
      const target = n === 0 ? MIN : n === 1 ? MAX : r.logRange(MIN, MAX);
      const skeleton = { jsonrpc: '2.0', id, method, params: { n, delay: r.int(4), blob: '' } };
      const overhead = Buffer.byteLength(JSON.stringify(skeleton));
      // nastyString counts raw UTF-8 bytes; JSON escapes add a little, so aim low and pad with hex.
      let blob = nastyString(r, Math.max(0, Math.floor((target - overhead) * 0.8)));
      let text = JSON.stringify({ ...skeleton, params: { ...skeleton.params, blob } });
      let size = Buffer.byteLength(text);
      if (size < target) {
        blob += 'a'.repeat(target - size);
        text = JSON.stringify({ ...skeleton, params: { ...skeleton.params, blob } });
        size = Buffer.byteLength(text);
      }
      minSize = Math.min(minSize, size);
      maxSize = Math.max(maxSize, size);
      // lightningd always ends a message with a blank line; the framing must not depend on it.
      const sep = r.int(10) === 0 ? '' : '\n\n';
      const buf = Buffer.from(text + sep);
      encoded.push(buf);
      totalBytes += buf.length;
      expects.push({ id, kind, n, bytes: Buffer.byteLength(blob), sha256: createHash('sha256').update(blob).digest('hex') });
    }
    assert.ok(minSize >= MIN && minSize < MIN + 50, `smallest request ${minSize} B`);
    assert.ok(maxSize >= MAX && maxSize < MAX + 200, `largest request ${maxSize} B`);

    const answers = expects.map((e) => p.responseTo(e.id));
    const stream = Buffer.concat(encoded, totalBytes);
    const chunks = randomSplit(r, stream, 256 * 1024);
    // Check the split really mixes both shapes: writes holding several whole
    // messages, and messages spread over many writes.
    const ends: number[] = [];
    encoded.reduce((at, b) => (ends.push(at + b.length), at + b.length), 0);
    let pos = 0;
    let e = 0;
    let severalPerWrite = 0;
    let spreadOverWrites = 0;
    let writesInMessage = 0;
    for (const c of chunks) {
      pos += c.length;
      let k = 0;
      writesInMessage++;
      while (e < ends.length && ends[e]! <= pos) {
        if (writesInMessage >= 3) spreadOverWrites++;
        writesInMessage = 0;
        e++;
        k++;
      }
      if (k >= 3) severalPerWrite++;
    }
    assert.ok(severalPerWrite > 100, `writes holding >= 3 whole messages: ${severalPerWrite}`);
    assert.ok(spreadOverWrites > 100, `messages spread over >= 3 writes: ${spreadOverWrites}`);
    for (const c of chunks) await p.writeRaw(c);

    // A dropped message would leave its answer missing forever: fail as soon
    // as the runtime logs a problem instead of waiting for the timeout.
    const trouble = p.waitForLog((l) => l.level === 'unusual' || l.level === 'broken').then((m) => {
      throw new Error(`runtime reported: ${m.params.message}`);
    });
    const got = await Promise.race([Promise.all(answers), trouble]);
    for (let i = 0; i < COUNT; i++) {
      const e = expects[i]!;
      const a = got[i]!;
      assert.equal(a.id, e.id);
      assert.equal(a.error, undefined, `${e.id}: ${JSON.stringify(a.error)}`);
      const res = a.result as Json;
      if (e.kind === 'hook') assert.equal(res.result, 'continue');
      assert.deepEqual({ n: res.n, id: res.id, bytes: res.bytes, sha256: res.sha256 }, { n: e.n, id: e.id, bytes: e.bytes, sha256: e.sha256 }, e.id);
    }

    // Close stdin: the plugin exits cleanly, and only then count answers, so a late duplicate would show.
    const exit = await p.closeAndWait();
    assert.deepEqual(exit, { code: 0, signal: null });
    const counts = new Map<string, number>();
    for (const m of p.messages) if (m.method === undefined) counts.set(m.id as string, (counts.get(m.id as string) ?? 0) + 1);
    assert.equal(counts.size, COUNT + 2, 'answers: 10,000 requests + getmanifest + init');
    for (const e of expects) assert.equal(counts.get(e.id), 1, e.id);
    assert.deepEqual(p.garbage, []);
    assert.deepEqual(
      p.logs.filter((l) => l.level === 'unusual' || l.level === 'broken'),
      [],
      'no malformed-input or handler-failure logs',
    );
    // Handlers ran concurrently: answers did not come back in request order.
    const order = p.messages.filter((m) => m.method === undefined && typeof m.id === 'string' && !m.id.startsWith('cli:getmanifest') && !m.id.startsWith('cli:init')).map((m) => m.result.n as number);
    assert.ok(order.some((n, i) => i > 0 && n < order[i - 1]!), 'some answers overtook earlier requests');
  } finally {
    p.kill();
  }
});

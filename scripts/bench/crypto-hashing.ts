// Hashing and ChaCha20 as a served request uses them, each against the way it was done
// before (kept here as reference rows): HMAC via a node:crypto Hmac object, SHA-256 and
// tagged hashes via crypto.hash over concatenated temporaries, every ChaCha20 through an
// OpenSSL cipher object. Cases run ×100 per op (one call is below the timer's grain);
// report() adds CPU and GC per call over 100,000 calls (merkle: 10,000), since allocation
// cost lands in GC.
import * as nodeCrypto from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { concatBytes, compareBytes, utf8 } from '../../src/codec/bytes.js';
import { encodeBigSize } from '../../src/codec/bigsize.js';
import { tlvRecord, type TlvRecord } from '../../src/codec/tlv.js';
import { merkleRoot } from '../../src/bolt12/merkle.js';
import { aeadDecrypt, aeadEncrypt, chacha20StreamAt, chacha20Xor, chacha20XorInto } from '../../src/crypto/chacha.js';
import { deriveKey, hmacSha256, ownBytes, sha256, taggedHash } from '../../src/crypto/hash.js';

const { createCipheriv, createDecipheriv, createHmac } = nodeCrypto;
const hashOnce = (nodeCrypto as unknown as { hash: (a: string, d: Uint8Array, e: 'buffer') => Buffer }).hash;

// ---- the previous implementations (reference only)
const old = {
  sha256: (...parts: Uint8Array[]) => ownBytes(hashOnce('sha256', parts.length === 1 ? parts[0]! : concatBytes(...parts), 'buffer')),
  hmac: (key: Uint8Array, msg: Uint8Array) => ownBytes(createHmac('sha256', key).update(msg).digest()),
  tagged: (tag: string, ...msg: Uint8Array[]) => {
    const th = old.sha256(utf8(tag));
    return old.sha256(concatBytes(th, th, ...msg));
  },
  chachaXor: (key: Uint8Array, data: Uint8Array) => ownBytes(createCipheriv('chacha20', key, new Uint8Array(16)).update(data)),
  aeadEncrypt: (key: Uint8Array, pt: Uint8Array) => {
    const c = createCipheriv('chacha20-poly1305', key, new Uint8Array(12), { authTagLength: 16 });
    const body = c.update(pt);
    c.final();
    return concatBytes(body, c.getAuthTag());
  },
  aeadDecrypt: (key: Uint8Array, ct: Uint8Array) => {
    const d = createDecipheriv('chacha20-poly1305', key, new Uint8Array(12), { authTagLength: 16 });
    d.setAuthTag(ct.subarray(ct.length - 16));
    const out = d.update(ct.subarray(0, ct.length - 16));
    d.final();
    return new Uint8Array(out);
  },
  merkleRoot: (records: readonly TlvRecord[]) => {
    const branch = (a: Uint8Array, b: Uint8Array) => (compareBytes(a, b) <= 0 ? old.tagged('LnBranch', a, b) : old.tagged('LnBranch', b, a));
    const nt = old.sha256(concatBytes(utf8('LnNonce'), records[0]!.raw));
    let level = records.map((r) => branch(old.tagged('LnLeaf', r.raw), old.sha256(nt, nt, encodeBigSize(r.type))));
    while (level.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? branch(level[i]!, level[i + 1]!) : level[i]!);
      level = next;
    }
    return level[0]!;
  },
};

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const secret = bytes(32, 7);
const key32 = bytes(32, 9);
const packet = bytes(1300, 5);
const area = new Uint8Array(1300); // a reused payload area, as sphinx.ts keeps one
const point = bytes(33, 2);
const h32a = bytes(32, 1);
const h32b = bytes(32, 2);
const data70 = bytes(70, 3);
const ct86 = aeadEncrypt(key32, data70);
// An invoice_request's records, sized as the served request's (metadata, chains, offer
// fields, paths, amount, payer key), signature excluded.
const invreq = [0, 2, 8, 10, 14, 16, 22, 80, 82, 88].map((t, i) => tlvRecord(t, bytes([32, 32, 8, 20, 8, 240, 33, 8, 2, 33][i]!, t + 1)));
if (!old.merkleRoot(invreq).every((b, i) => b === merkleRoot(invreq)[i])) throw new Error('bench fixture: merkle roots differ');

interface Pair {
  what: string;
  before: () => unknown;
  after: () => unknown;
  /** Calls for report()'s CPU/GC figures (100,000 unless the call is long). */
  calls?: number;
}
const pairs: Pair[] = [
  { what: "deriveKey('rho', 32 B secret)", before: () => old.hmac(utf8('rho'), secret), after: () => deriveKey('rho', secret) },
  { what: 'HMAC-SHA256, 32 B key, 1300 B packet', before: () => old.hmac(key32, packet), after: () => hmacSha256(key32, packet) },
  { what: 'sha256(33 B point, 32 B secret)', before: () => old.sha256(point, secret), after: () => sha256(point, secret) },
  { what: "taggedHash('LnBranch', 32 B, 32 B)", before: () => old.tagged('LnBranch', h32a, h32b), after: () => taggedHash('LnBranch', h32a, h32b) },
  { what: 'merkleRoot, 10-record invoice_request', before: () => old.merkleRoot(invreq), after: () => merkleRoot(invreq), calls: 10_000 },
  { what: 'ChaCha20 keystream, 121 B at offset 1179', before: () => old.chachaXor(key32, new Uint8Array(1179 + 121)).subarray(1179), after: () => chacha20StreamAt(key32, 1179, 121) },
  { what: 'ChaCha20 xor, 1300 B packet into a fresh array (before: OpenSSL; now JS)', before: () => old.chachaXor(key32, packet), after: () => chacha20Xor(key32, packet) },
  { what: 'ChaCha20 xor, 1300 B into a reused area (Sphinx layers: JS, no output allocated)', before: () => old.chachaXor(key32, packet), after: () => (chacha20XorInto(key32, 0, packet, area), area) },
  { what: 'SHA-256, 1300 B (OpenSSL both times; the digest now comes back as a string)', before: () => old.sha256(packet), after: () => sha256(packet) },
  { what: 'AEAD encrypt, 70 B', before: () => old.aeadEncrypt(key32, data70), after: () => aeadEncrypt(key32, data70) },
  { what: 'AEAD decrypt, 86 B', before: () => old.aeadDecrypt(key32, ct86), after: () => aeadDecrypt(key32, ct86) },
];
for (const p of pairs) {
  const a = p.before() as Uint8Array;
  const b = p.after() as Uint8Array;
  if (a.length !== b.length || !a.every((x, i) => x === b[i])) throw new Error(`bench fixture: ${p.what} differs from the reference`);
}

const hundred = (f: () => unknown) => () => {
  for (let i = 0; i < 100; i++) f();
};
export const cases = pairs.flatMap((p) => [
  { name: `${p.what} ×100: before`, run: hundred(p.before) },
  { name: `${p.what} ×100: now`, run: hundred(p.after) },
]);

/** CPU (all threads, GC included) and GC pauses per call over n calls. */
async function perCall(f: () => unknown, n: number): Promise<string> {
  for (let i = 0; i < 5000; i++) f();
  let gcs = 0;
  let gcMs = 0;
  const obs = new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      gcs++;
      gcMs += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const c = process.cpuUsage(c0);
  await new Promise((r) => setTimeout(r, 20)); // GC entries arrive asynchronously
  obs.disconnect();
  return `${((c.user + c.system) / n).toFixed(2)} µs cpu, ${gcs} GCs ${((gcMs * 1000) / n).toFixed(3)} µs/call`;
}

export async function report(): Promise<Array<Record<string, string>>> {
  const rows: Array<Record<string, string>> = [];
  for (const p of pairs) {
    const n = p.calls ?? 100_000;
    rows.push({ [`per call over ${n / 1000}k calls:`]: p.what, before: await perCall(p.before, n), now: await perCall(p.after, n) });
  }
  return rows;
}

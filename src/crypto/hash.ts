// SHA-256, HMAC-SHA256 and the BIP 340 tagged hash. Short inputs hash in JavaScript
// (sha256-js.ts: no call into OpenSSL, no external Buffer for the GC, and constant
// 64-byte prefixes — tag hashes, HMAC key pads — resumed from a cached midstate);
// long inputs (onion packets) hash on node:crypto (OpenSSL), several times faster per
// byte. Results are plain Uint8Arrays that own their memory.
import * as nodeCrypto from 'node:crypto';
import { concatBytes, utf8 } from '../codec/bytes.js';
import { Scratch } from '../codec/scratch.js';
import * as js from './sha256-js.js';

/** A Buffer from node:crypto as a plain Uint8Array (zero-copy when it owns its whole ArrayBuffer). */
export function ownBytes(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
}

/**
 * Inputs of at most this many bytes hash in JS (two blocks once padded). Measured on
 * this project's machine: JS ~0.3 µs per 64-byte block, OpenSSL ~0.7–0.9 µs per call
 * plus ~0.1 µs of GC for its Buffer: JS wins for one block, ties at two, loses beyond.
 * After a cached 64-byte prefix (tags), OpenSSL would also hash the prefix: one block more.
 */
export const SHA256_JS_MAX = 119;
const SHA256_JS_MAX_AFTER_PREFIX = SHA256_JS_MAX + 64;

const { createHash } = nodeCrypto;
// One-shot `crypto.hash` (Node ≥ 20.12) makes no Hash object (a C++ object the GC must finalise).
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'binary') => string }).hash;

/**
 * OpenSSL SHA-256 of one buffer, written into out[0..32). The one-shot digest comes back
 * as a 32-character latin1 string, a V8 heap string, instead of a Buffer: no off-heap
 * allocation (malloc + BackingStore + sweep) per hash.
 */
function nativeHashInto(data: Uint8Array, out: Uint8Array): Uint8Array {
  if (oneShot) {
    const d = oneShot('sha256', data, 'binary'); // 'binary' is latin1: one char per byte
    for (let i = 0; i < 32; i++) out[i] = d.charCodeAt(i);
  } else out.set(createHash('sha256').update(data).digest());
  return out;
}

// What OpenSSL hashes when it is more than one buffer (K ^ ipad ‖ message, tag prefix ‖
// parts), copied into one reused array: hashing is synchronous and only the digest,
// copied out, leaves these functions.
const hashInput = new Scratch(2048, 1 << 16);

function nativeSha256(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(32);
  if (parts.length === 1) return nativeHashInto(parts[0]!, out);
  let n = 0;
  for (const p of parts) n += p.length;
  const buf = hashInput.take(n);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return nativeHashInto(buf.subarray(0, o), out);
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  if (n > SHA256_JS_MAX) return nativeSha256(parts);
  js.start(js.IV);
  for (const p of parts) js.update(p);
  return js.digest();
}

// ---- HMAC-SHA256 (RFC 2104): H((K ^ opad) ‖ H((K ^ ipad) ‖ m)), K zero-padded to 64 bytes.

const PAD = new Uint8Array(64); // the key block being XORed (scratch)
const INNER = new Uint8Array(32); // the inner digest (scratch)
/** RFC 2104: a key longer than the block is replaced by its hash (done before any js.start). */
const blockKey = (key: Uint8Array): Uint8Array => (key.length > 64 ? sha256(key) : key);

/** Writes the 64-byte block K ^ x into PAD; `k` is at most 64 bytes (blockKey). */
function padKey(k: Uint8Array, x: number): Uint8Array {
  for (let i = 0; i < 64; i++) PAD[i] = (i < k.length ? k[i]! : 0) ^ x;
  return PAD;
}

/** OpenSSL's SHA256((K ^ ipad) ‖ msg ‖ more…), copied into one reused buffer (no Hmac object). */
function innerNative(key: Uint8Array, msg: Uint8Array, more: readonly Uint8Array[], n: number): Uint8Array {
  const buf = hashInput.take(64 + n);
  buf.set(padKey(key, 0x36));
  buf.set(msg, 64);
  let o = 64 + msg.length;
  for (const p of more) {
    buf.set(p, o);
    o += p.length;
  }
  return nativeHashInto(buf.subarray(0, o), INNER);
}

export function hmacSha256(key: Uint8Array, msg: Uint8Array, ...more: Uint8Array[]): Uint8Array {
  key = blockKey(key);
  let n = msg.length;
  for (const m of more) n += m.length;
  let inner: Uint8Array;
  if (n > SHA256_JS_MAX) inner = innerNative(key, msg, more, n);
  else {
    padKey(key, 0x36);
    js.start(js.IV);
    js.update(PAD);
    js.update(msg);
    for (const m of more) js.update(m);
    inner = js.digestInto(INNER);
  }
  padKey(key, 0x5c);
  js.start(js.IV);
  js.update(PAD);
  js.update(inner);
  return js.digest();
}

/** An HMAC key whose padded blocks are absorbed once: each MAC then costs two compressions less. */
export interface HmacKey {
  readonly inner: js.Midstate;
  readonly outer: js.Midstate;
}

export function hmacKey(key: Uint8Array): HmacKey {
  key = blockKey(key);
  const inner = js.midstateOf(padKey(key, 0x36));
  return { inner, outer: js.midstateOf(padKey(key, 0x5c)) };
}

/** HMAC-SHA256 under a prepared key; all in JS, so meant for short messages (keys, secrets). */
export function hmacWith(k: HmacKey, msg: Uint8Array): Uint8Array {
  js.start(k.inner);
  js.update(msg);
  js.digestInto(INNER);
  js.start(k.outer);
  js.update(INNER);
  return js.digest();
}

const labels = new Map<string, HmacKey>();
/** BOLT 4 key generation: HMAC-SHA256 keyed by the ASCII label (rho, mu, um, pad, ammag, blinded_node_id). */
export function deriveKey(label: string, secret: Uint8Array): Uint8Array {
  let k = labels.get(label);
  if (!k) {
    k = hmacKey(utf8(label));
    labels.set(label, k);
  }
  return hmacWith(k, secret);
}

// ---- BIP 340 tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ msg). The 64-byte prefix
// is exactly one block, so a tag is a midstate (and the prefix bytes for long messages).

export interface Tag {
  readonly mid: js.Midstate;
  readonly prefix: Uint8Array;
}

export function tagOf(tag: Uint8Array): Tag {
  const th = sha256(tag);
  const prefix = concatBytes(th, th);
  return { mid: js.midstateOf(prefix), prefix };
}

const tagCache = new Map<string, Tag>();
/** The prepared tag for a string tag, computed once per process. */
export function namedTag(tag: string): Tag {
  let t = tagCache.get(tag);
  if (!t) {
    t = tagOf(utf8(tag));
    tagCache.set(tag, t);
  }
  return t;
}

/** Tagged hash of the concatenated parts under a prepared tag. */
export function taggedHashWith(t: Tag, parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  if (n > SHA256_JS_MAX_AFTER_PREFIX) return nativeSha256([t.prefix, ...parts]);
  js.start(t.mid);
  for (const p of parts) js.update(p);
  return js.digest();
}

/** Tagged hash of a ‖ b under a prepared tag (a merkle branch), without an array of parts. */
export function taggedHashPair(t: Tag, a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length + b.length > SHA256_JS_MAX_AFTER_PREFIX) return nativeSha256([t.prefix, a, b]);
  js.start(t.mid);
  js.update(a);
  js.update(b);
  return js.digest();
}

/** BIP 340 tagged hash. `tag` may be raw bytes (LnNonce ‖ first-tlv). */
export function taggedHash(tag: string | Uint8Array, ...msg: Uint8Array[]): Uint8Array {
  return taggedHashWith(typeof tag === 'string' ? namedTag(tag) : tagOf(tag), msg);
}

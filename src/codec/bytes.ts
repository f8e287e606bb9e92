import { DecodeError } from './errors.js';

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

/**
 * Strict hex: even length, hex digits only (either case).
 *
 * Decoded by Buffer's native decoder straight into the result (onion packets are
 * kilobytes of hex: a validating regex cost as much as the decoding). That decoder
 * is lenient, so strictness comes from two checks, both exact on Node 20:
 * - it stops at the first pair holding a non-hex character, so a short write means
 *   a bad character (an odd length is refused before);
 * - it reads only the low byte of each UTF-16 unit ('\u0161\u0162' decodes as "ab"),
 *   so a string with any non-ASCII character is refused by its UTF-8 length.
 */
export function fromHex(s: string): Uint8Array {
  if (typeof s !== 'string' || (s.length & 1) !== 0) throw new DecodeError('invalid hex string');
  const out = new Uint8Array(s.length >>> 1);
  if (out.length === 0) return out;
  const written = Buffer.from(out.buffer, 0, out.length).write(s, 'hex');
  if (written !== out.length || Buffer.byteLength(s, 'utf8') !== s.length) throw new DecodeError('invalid hex string');
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Lexicographic comparison, as used for sorting keys and merkle branches. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function u16(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

export function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

export function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, n));
  return out;
}

export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function bigIntToBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

const enc = new TextEncoder();
// ignoreBOM: a leading U+FEFF is content, not a marker; dropping it would change a
// field's value (and its re-encoding) compared with the bytes that were signed.
const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}
/** Strict UTF-8 decoding: invalid sequences are a DecodeError. */
export function fromUtf8(b: Uint8Array): string {
  try {
    return dec.decode(b);
  } catch {
    throw new DecodeError('invalid utf-8');
  }
}

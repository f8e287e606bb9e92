import { DecodeError } from '../codec/errors.js';

/** lightningd's "BLOCKxTXxOUT" form ↔ the u64 of a short channel id. */
export function parseScid(s: string): bigint {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(s);
  if (!m) throw new DecodeError(`bad short channel id ${s}`);
  const [b, t, o] = [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)];
  if (b >= 1n << 24n || t >= 1n << 24n || o >= 1n << 16n) throw new DecodeError(`short channel id out of range ${s}`);
  return (b << 40n) | (t << 16n) | o;
}

export function formatScid(v: bigint): string {
  return `${v >> 40n}x${(v >> 16n) & 0xffffffn}x${v & 0xffffn}`;
}

/** "block x tx x out" ↔ the u64 of a short channel id. */
export function scidToBigInt(s: string): bigint {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(s);
  if (!m) throw new Error(`bad scid ${s}`);
  return (BigInt(m[1]!) << 40n) | (BigInt(m[2]!) << 16n) | BigInt(m[3]!);
}
export function scidToString(v: bigint): string {
  return `${v >> 40n}x${(v >> 16n) & 0xffffffn}x${v & 0xffffn}`;
}

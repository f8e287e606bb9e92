/** True if bit `n` is set in a BOLT 9 feature bitmap given as hex (big-endian). */
export function hasFeatureBit(hex: string | undefined, n: number): boolean {
  if (!hex || !/^(?:[0-9a-f]{2})*$/i.test(hex)) return false;
  const byteFromEnd = Math.floor(n / 8);
  const idx = hex.length / 2 - 1 - byteFromEnd;
  if (idx < 0) return false;
  return (parseInt(hex.substr(idx * 2, 2), 16) & (1 << (n % 8))) !== 0;
}

/** option_onion_messages, bits 38/39. */
export function supportsOnionMessages(hex: string | undefined): boolean {
  return hasFeatureBit(hex, 38) || hasFeatureBit(hex, 39);
}

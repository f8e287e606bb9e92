// 32-byte big-endian numbers compared and reduced without BigInt: scalars on every
// point multiplication, and BIP 340's r, s and x against the field size p and order n.

const be32 = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
/** The field size p and the group order n, big-endian. */
export const P_BYTES = be32('fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f');
export const N_BYTES = be32('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

/** a < b for 32-byte big-endian numbers. */
export function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** a − b for 32-byte big-endian numbers with a ≥ b. */
export function sub(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  let borrow = 0;
  for (let i = 31; i >= 0; i--) {
    const d = a[i]! - b[i]! - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = d & 0xff;
  }
  return out;
}

/** Every byte zero (reads them all). */
export function isZero(t: Uint8Array): boolean {
  let d = 0;
  for (let i = 0; i < t.length; i++) d |= t[i]!;
  return d === 0;
}

/** x mod n for any 32-byte x (2^256 < 2n, so one subtraction suffices). */
export function reduceModN(x: Uint8Array): Uint8Array {
  return lessThan(x, N_BYTES) ? x : sub(x, N_BYTES);
}

// BOLT 12 strings: `hrp ‖ "1" ‖ data`, data being the TLV bytes in bech32 5-bit
// groups WITHOUT a checksum (BOLT 12 "Encoding"). Readers also accept strings that
// were split with `+` (optionally followed by whitespace) for display, and either
// all-lowercase or all-uppercase text.
import { DecodeError } from '../codec/errors.js';

/** The human-readable prefixes this project knows. */
export const HRP = { offer: 'lno', invoiceRequest: 'lnr', invoice: 'lni' } as const;
export type Bolt12Hrp = (typeof HRP)[keyof typeof HRP];

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const REVERSE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < CHARSET.length; i++) t[CHARSET.charCodeAt(i)] = i;
  return t;
})();

// Whitespace that may follow a `+`: the format-string vectors use space, \r and \n;
// tab is the only other character a human split is likely to produce.
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Writes a BOLT 12 string (always lowercase, never split). */
export function encodeBolt12(hrp: Bolt12Hrp, data: Uint8Array): string {
  let out = hrp + '1';
  let acc = 0;
  let bits = 0;
  for (const byte of data) {
    acc = ((acc << 8) | byte) & 0xfff; // at most 12 live bits
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CHARSET[(acc >> bits) & 31];
    }
  }
  // Pad the last group with zero bits (fewer than 5 of them by construction).
  if (bits > 0) out += CHARSET[(acc << (5 - bits)) & 31];
  return out;
}

/**
 * Removes display joins: every `+` followed by optional whitespace that sits between
 * two non-join characters disappears (inside the HRP too). A `+` at either end, a
 * `+` next to another `+`, or whitespace not introduced by a `+` is invalid.
 */
function unjoin(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '+') {
      if (out.length === 0) throw new DecodeError('bolt12 string: + at start');
      i++;
      while (i < s.length && isSpace(s[i]!)) i++;
      if (i >= s.length) throw new DecodeError('bolt12 string: + at end');
      if (s[i] === '+') throw new DecodeError('bolt12 string: ++');
      continue;
    }
    if (isSpace(c)) throw new DecodeError('bolt12 string: whitespace without +');
    out += c;
    i++;
  }
  return out;
}

/** Reads a BOLT 12 string into its (lowercase) HRP and data bytes. */
export function decodeBolt12(input: string): { hrp: string; data: Uint8Array } {
  if (typeof input !== 'string') throw new DecodeError('bolt12 string: not a string');
  const s = unjoin(input);
  // ASCII only, checked before any case mapping: toLowerCase() maps e.g. the Kelvin
  // sign U+212A to 'k', which would otherwise sneak in as a data character.
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 33 || code > 126) throw new DecodeError('bolt12 string: non-ASCII or control character');
  }
  const lower = s.toLowerCase();
  // Mixed case is invalid; a string with no letters at all is trivially one case.
  if (s !== lower && s !== s.toUpperCase()) throw new DecodeError('bolt12 string: mixed case');
  const sep = lower.lastIndexOf('1');
  if (sep < 1) throw new DecodeError('bolt12 string: missing hrp or separator');
  const hrp = lower.slice(0, sep);
  const dataPart = lower.slice(sep + 1);
  const out = new Uint8Array(Math.floor((dataPart.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < dataPart.length; i++) {
    const code = dataPart.charCodeAt(i);
    const v = code < 128 ? REVERSE[code]! : -1;
    if (v < 0) throw new DecodeError('bolt12 string: invalid bech32 character');
    acc = ((acc << 5) | v) & 0xfff; // at most 12 live bits (7 left over + 5)
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // What is left must be padding: fewer than 5 bits, all zero (offers-test #52).
  if (bits >= 5) throw new DecodeError('bolt12 string: too much padding');
  if ((acc & ((1 << bits) - 1)) !== 0) throw new DecodeError('bolt12 string: non-zero padding');
  return { hrp, data: out };
}

/** Decodes and insists on one HRP. */
export function decodeBolt12As(input: string, hrp: Bolt12Hrp): Uint8Array {
  const d = decodeBolt12(input);
  if (d.hrp !== hrp) throw new DecodeError(`bolt12 string: expected ${hrp}, got ${d.hrp}`);
  return d.data;
}

// Parsing the static invoice server's paths as an operator pastes them: the
// server prints both `paths` (one hex string per path) and `paths_encoded` (LDK's
// Vec encoding: u16 count, then the paths), and ldk-node servers print the latter.
// We accept either, plus a comma/space-separated list or a JSON array of hex.
import { fromHex, toHex } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { decodeBlindedPathVec, decodeBlindedPaths, encodeBlindedPath } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';

export class ServerPathsError extends Error {
  override readonly name = 'ServerPathsError';
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** One hex blob: LDK's counted Vec if it parses exactly as one, else concatenated paths. */
function pathsFromHex(hex: string): BlindedPath[] {
  if (!HEX.test(hex)) throw new ServerPathsError(`not hex: ${hex.slice(0, 20)}${hex.length > 20 ? '…' : ''}`);
  const b = fromHex(hex);
  try {
    return decodeBlindedPathVec(b);
  } catch {
    // Not a counted Vec: a single path, or paths back to back (BOLT 12 list form).
  }
  try {
    return decodeBlindedPaths(b);
  } catch (e) {
    throw new ServerPathsError(`not a blinded path list: ${(e as DecodeError).message}`);
  }
}

/** Accepts a string (hex, comma/space separated hex, JSON array) or an array of hex strings. */
export function parseServerPaths(input: unknown): BlindedPath[] {
  let parts: unknown[];
  if (Array.isArray(input)) parts = input;
  else if (typeof input === 'string') {
    const s = input.trim();
    if (s.startsWith('[')) {
      try {
        parts = JSON.parse(s) as unknown[];
      } catch {
        throw new ServerPathsError('paths look like JSON but do not parse');
      }
      if (!Array.isArray(parts)) throw new ServerPathsError('paths JSON must be an array of hex strings');
    } else parts = s.split(/[\s,]+/).filter((x) => x.length > 0);
  } else throw new ServerPathsError('paths must be a hex string or an array of hex strings');
  const out: BlindedPath[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') throw new ServerPathsError('every path must be a hex string');
    out.push(...pathsFromHex(p.trim()));
  }
  if (out.length === 0) throw new ServerPathsError('no paths given');
  return out;
}

/** The canonical stored form: one hex string per path. */
export function serverPathsToHex(paths: readonly BlindedPath[]): string[] {
  return paths.map((p) => toHex(encodeBlindedPath(p)));
}

// The first steps every BOLT 12 decoder shares: private copy of the input, TLV
// framing (ascending types, minimal BigSize, nothing left over), the allowed type
// ranges of the object, and the even/odd rule for records no table knows.
import { DecodeError } from '../codec/errors.js';
import { parseTlvStream, type TlvRecord } from '../codec/tlv.js';
import { inAny, type Range } from './fields.js';
import { isKnownIn, type Table } from './tables.js';

/** What every decoded object carries besides its typed fields. */
export interface Parsed {
  /** The exact encoding (a private copy: later changes to the caller's buffer do not leak in). */
  readonly bytes: Uint8Array;
  /** Every record in stream order, each with its raw bytes (for byte-for-byte copies). */
  readonly records: readonly TlvRecord[];
  /** Records no table knows: odd ones (even ones fail the parse). Kept and signed over. */
  readonly unknown: readonly TlvRecord[];
}

const NONE_FORBIDDEN: ReadonlyMap<bigint, string> = new Map();

function knownInAny(tables: readonly Table[], type: bigint): boolean {
  for (const tb of tables) if (isKnownIn(tb, type)) return true;
  return false;
}

export function parseObject(
  input: Uint8Array,
  allowed: readonly Range[],
  tables: readonly Table[],
  what: string,
  forbidden: ReadonlyMap<bigint, string> = NONE_FORBIDDEN,
): { bytes: Uint8Array; records: TlvRecord[]; unknown: TlvRecord[] } {
  if (!(input instanceof Uint8Array)) throw new DecodeError(`${what}: not bytes`);
  const bytes = input.slice();
  const records = parseTlvStream(bytes);
  if (records.length === 0) throw new DecodeError(`${what}: empty`);
  const unknown: TlvRecord[] = [];
  for (const rec of records) {
    // Named before the generic rules so the error says what was wrong.
    const name = forbidden.get(rec.type);
    if (name !== undefined) throw new DecodeError(`${what}: unexpected ${name}`);
    if (!inAny(rec.type, allowed)) throw new DecodeError(`${what}: type ${rec.type} not allowed`);
    if (knownInAny(tables, rec.type)) continue;
    if (rec.type % 2n === 0n) throw new DecodeError(`${what}: unknown even type ${rec.type}`);
    unknown.push(rec);
  }
  return { bytes, records, unknown };
}

/** Throws a DecodeError naming the object. */
export function fail(what: string, msg: string): never {
  throw new DecodeError(`${what}: ${msg}`);
}

// Offers messages: invoice_request (64), invoice (66) and static_invoice (70) carry
// the object's raw TLV stream unframed; invoice_error (68) has two framings.
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../codec/tlv.js';
import { DecodeError } from '../codec/errors.js';
import { decodeBigSize } from '../codec/bigsize.js';
import { fromUtf8, utf8 } from '../codec/bytes.js';
import { decodeTu, encodeTu } from '../codec/tu.js';
import { knownFields, writeFramedStream } from './framing.js';
import type { InvoiceErrorMessage } from './types.js';

/** Raw BOLT 12 object values: no object is empty, everything else is src/bolt12's job. */
export function decodeRawObject(value: Uint8Array, what: string): Uint8Array {
  if (value.length === 0) throw new DecodeError(`${what}: empty value`);
  return value.slice();
}

// ---- invoice_error: 1 erroneous_field tu64, 3 suggested_value bytes, 5 error utf8

function errorRecords(m: InvoiceErrorMessage): TlvRecord[] {
  const recs: TlvRecord[] = [];
  if (m.erroneous) {
    recs.push(tlvRecord(1n, encodeTu(m.erroneous.field)));
    if (m.erroneous.suggestedValue !== undefined) recs.push(tlvRecord(3n, m.erroneous.suggestedValue));
  }
  recs.push(tlvRecord(5n, utf8(m.error)));
  return recs;
}

/** Writes LDK's framing (BigSize length first) unless `framing: 'bolt4'` asks for a bare stream. */
export function encodeInvoiceError(m: InvoiceErrorMessage): Uint8Array {
  if (m.erroneous && (m.erroneous.field < 0n || m.erroneous.field > 0xffffffffffffffffn)) throw new RangeError('erroneous_field must be a u64');
  const recs = errorRecords(m);
  return m.framing === 'bolt4' ? encodeTlvStream(recs) : writeFramedStream(recs);
}

function fromRecords(records: readonly TlvRecord[], framing: 'ldk' | 'bolt4'): InvoiceErrorMessage {
  const what = 'invoice_error';
  const f = knownFields(records, [1n, 3n, 5n], what);
  const field = f.get(1n);
  const suggested = f.get(3n);
  const error = f.get(5n);
  // LDK requires the message and refuses a suggested value without its field.
  if (error === undefined) throw new DecodeError(`${what}: missing error`);
  if (suggested !== undefined && field === undefined) throw new DecodeError(`${what}: suggested_value without erroneous_field`);
  const msg = fromUtf8(error);
  if (field === undefined) return { kind: 'invoice_error', error: msg, framing };
  const erroneous = suggested === undefined
    ? { field: decodeTu(field, 8) }
    : { field: decodeTu(field, 8), suggestedValue: suggested.slice() };
  return { kind: 'invoice_error', erroneous, error: msg, framing };
}

/**
 * Accepts both framings (async-protocol.md §3.2, §10.8). If the value starts with a
 * BigSize equal to the number of bytes after it and those bytes decode as an
 * invoice_error, it is LDK's framing; otherwise it must decode as BOLT 4's bare
 * stream. (A value passing both is pathological: the bare reading would need an
 * unknown field numbered like the prefix; LDK's reading wins.)
 */
export function decodeInvoiceError(value: Uint8Array): InvoiceErrorMessage {
  if (value.length === 0) throw new DecodeError('invoice_error: empty value');
  let prefix: { value: bigint; size: number } | undefined;
  try {
    prefix = decodeBigSize(value, 0);
  } catch {
    prefix = undefined;
  }
  if (prefix && prefix.value === BigInt(value.length - prefix.size)) {
    try {
      return fromRecords(parseTlvStream(value.subarray(prefix.size)), 'ldk');
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      // fall through to the bare reading
    }
  }
  return fromRecords(parseTlvStream(value), 'bolt4');
}

// A value encoding for JSON records that carry large hex strings (a static invoice and
// its paths). As JSON text every byte costs two, and Snappy, LevelDB's only compression,
// has no entropy coding, so it cannot win that back for distinct records: stored this
// way, a million invoice records took ~3.4 KB each. The named hex fields go in as raw
// bytes instead, the rest of the record stays JSON.
//
// Layout: 0x01 | per named field: 0 (not here: absent, or kept in the JSON because it
// is not canonical hex), 1 (null) or 2 + u32 length + bytes | JSON of the other fields.
// Values written before (JSON text) start with '{' and are still read.
import { fromHex, fromUtf8, toHex, utf8 } from '../codec/bytes.js';
import type { Json } from './store.js';

export interface ValueCodec<T extends Json> {
  readonly name: string;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const FORMAT = 0x01;
const JSON_OPEN = 0x7b; // '{': a record stored as JSON text
const ABSENT = 0;
const NULL = 1;
const BYTES = 2;
const UPPER_HEX = /[A-F]/;

/** The bytes of a lowercase hex string (so decoding gives back the very same string), else undefined. */
function canonicalHex(v: string): Uint8Array | undefined {
  if (UPPER_HEX.test(v)) return undefined;
  try {
    return fromHex(v);
  } catch {
    return undefined;
  }
}

export class CorruptValueError extends Error {
  override readonly name = 'CorruptValueError';
}

export function hexFieldsCodec<T extends { [k: string]: Json | undefined }>(name: string, fields: readonly string[]): ValueCodec<T> {
  return {
    name,
    encode(value: T): Uint8Array {
      const binary = new Set<string>();
      const parts: Uint8Array[] = [];
      let size = 1;
      for (const f of fields) {
        const v = value[f];
        let part: Uint8Array;
        const raw = typeof v === 'string' ? canonicalHex(v) : undefined;
        if (v === null) part = Uint8Array.of(NULL);
        else if (raw) {
          part = new Uint8Array(5 + raw.length);
          part[0] = BYTES;
          new DataView(part.buffer).setUint32(1, raw.length);
          part.set(raw, 5);
        } else {
          parts.push(Uint8Array.of(ABSENT));
          size += 1;
          continue; // absent, or kept as it is in the JSON
        }
        binary.add(f);
        parts.push(part);
        size += part.length;
      }
      const rest: { [k: string]: Json | undefined } = {};
      for (const k of Object.keys(value)) if (!binary.has(k)) rest[k] = value[k];
      const json = utf8(JSON.stringify(rest));
      const out = new Uint8Array(size + json.length);
      out[0] = FORMAT;
      let at = 1;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      out.set(json, at);
      return out;
    },
    decode(bytes: Uint8Array): T {
      if (bytes[0] === JSON_OPEN) return JSON.parse(fromUtf8(bytes)) as T;
      if (bytes[0] !== FORMAT) throw new CorruptValueError(`${name}: unknown value format ${String(bytes[0])}`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const found: Array<[string, string | null]> = [];
      let at = 1;
      for (const f of fields) {
        if (at >= bytes.length) throw new CorruptValueError(`${name}: truncated value`);
        const tag = bytes[at++];
        if (tag === NULL) found.push([f, null]);
        else if (tag === BYTES) {
          if (at + 4 > bytes.length) throw new CorruptValueError(`${name}: truncated value`);
          const len = view.getUint32(at);
          at += 4;
          if (at + len > bytes.length) throw new CorruptValueError(`${name}: truncated value`);
          found.push([f, toHex(bytes.subarray(at, at + len))]);
          at += len;
        } else if (tag !== ABSENT) throw new CorruptValueError(`${name}: bad field tag ${String(tag)}`);
      }
      let rest: unknown;
      try {
        rest = JSON.parse(fromUtf8(bytes.subarray(at)));
      } catch {
        throw new CorruptValueError(`${name}: bad JSON part`);
      }
      if (typeof rest !== 'object' || rest === null || Array.isArray(rest)) throw new CorruptValueError(`${name}: JSON part is not an object`);
      const out = rest as { [k: string]: Json | undefined };
      for (const [f, v] of found) out[f] = v;
      return out as T;
    },
  };
}

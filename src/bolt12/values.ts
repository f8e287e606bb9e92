// Value encodings used inside BOLT 12 TLV records. Each decoder consumes the whole
// record value (trailing bytes are an error: BOLT 1 "a known type with a wrong
// length fails") and throws only DecodeError.
import { concatBytes, fromUtf8, u16, u32, u64, utf8 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { decodeTu, encodeTu } from '../codec/tu.js';
import { asPubKey, type PubKey } from '../crypto/secp.js';
import { decodeBlindedPaths, encodeBlindedPaths } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';

declare const chainHashBrand: unique symbol;
/** A 32-byte chain hash (genesis block hash, internal byte order). */
export type ChainHash = Uint8Array & { readonly [chainHashBrand]: true };

export function asChainHash(b: Uint8Array): ChainHash {
  if (b.length !== 32) throw new DecodeError('chain hash must be 32 bytes');
  return b as ChainHash;
}

/** `blinded_payinfo` (BOLT 12), one per invoice payment path. */
export interface BlindedPayInfo {
  readonly feeBaseMsat: number; // u32
  readonly feeProportionalMillionths: number; // u32
  readonly cltvExpiryDelta: number; // u16
  readonly htlcMinimumMsat: bigint; // u64
  readonly htlcMaximumMsat: bigint; // u64
  readonly features: Uint8Array; // u16 length + bytes
}

/** `fallback_address`: kept raw; readers ignore unusable ones (BOLT 12), so do we. */
export interface FallbackAddress {
  readonly version: number; // u8
  readonly address: Uint8Array; // u16 length + bytes
}

/** `invreq_bip_353_name`: both parts limited to [0-9a-zA-Z._-] by BOLT 12. */
export interface Bip353Name {
  readonly name: string;
  readonly domain: string;
}

/** A value codec. `decode` gets exactly the record value. */
export interface Codec<V> {
  decode(b: Uint8Array): V;
  encode(v: V): Uint8Array;
}

function whole<V>(b: Uint8Array, f: (r: Reader) => V): V {
  const r = new Reader(b);
  const v = f(r);
  if (!r.done()) throw new DecodeError('trailing bytes in field');
  return v;
}

export const bytesCodec: Codec<Uint8Array> = { decode: (b) => b, encode: (v) => v };

export const utf8Codec: Codec<string> = { decode: fromUtf8, encode: utf8 };

/** tu64, kept as bigint. */
export const tu64Codec: Codec<bigint> = {
  decode: (b) => decodeTu(b, 8),
  encode: (v) => {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError('tu64 out of range');
    return encodeTu(v);
  },
};

/** tu32, small enough for a JS number. */
export const tu32Codec: Codec<number> = {
  decode: (b) => Number(decodeTu(b, 4)),
  encode: (v) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError('tu32 out of range');
    return encodeTu(v);
  },
};

export const pointCodec: Codec<PubKey> = { decode: (b) => asPubKey(b), encode: (v) => v };

export const sha256Codec: Codec<Uint8Array> = {
  decode: (b) => {
    if (b.length !== 32) throw new DecodeError('sha256 must be 32 bytes');
    return b;
  },
  encode: (v) => v,
};

export const signatureCodec: Codec<Uint8Array> = {
  decode: (b) => {
    if (b.length !== 64) throw new DecodeError('bip340sig must be 64 bytes');
    return b;
  },
  encode: (v) => v,
};

export const chainCodec: Codec<ChainHash> = { decode: asChainHash, encode: (v) => v };

export const chainListCodec: Codec<readonly ChainHash[]> = {
  decode: (b) => {
    if (b.length % 32 !== 0) throw new DecodeError('offer_chains length not a multiple of 32');
    const out: ChainHash[] = [];
    for (let i = 0; i < b.length; i += 32) out.push(b.subarray(i, i + 32) as ChainHash);
    return out;
  },
  encode: (v) => concatBytes(...v),
};

/** A list of blinded paths is their plain concatenation (BOLT 12, LDK). */
export const pathListCodec: Codec<readonly BlindedPath[]> = { decode: decodeBlindedPaths, encode: encodeBlindedPaths };

function readPayInfo(r: Reader): BlindedPayInfo {
  const feeBaseMsat = r.u32();
  const feeProportionalMillionths = r.u32();
  const cltvExpiryDelta = r.u16();
  const htlcMinimumMsat = r.u64();
  const htlcMaximumMsat = r.u64();
  const features = r.bytes(r.u16());
  return { feeBaseMsat, feeProportionalMillionths, cltvExpiryDelta, htlcMinimumMsat, htlcMaximumMsat, features };
}

export function encodePayInfo(p: BlindedPayInfo): Uint8Array {
  if (p.features.length > 0xffff) throw new RangeError('payinfo features too long');
  return concatBytes(
    u32(p.feeBaseMsat),
    u32(p.feeProportionalMillionths),
    u16(p.cltvExpiryDelta),
    u64(p.htlcMinimumMsat),
    u64(p.htlcMaximumMsat),
    u16(p.features.length),
    p.features,
  );
}

export const payInfoListCodec: Codec<readonly BlindedPayInfo[]> = {
  decode: (b) =>
    whole(b, (r) => {
      const out: BlindedPayInfo[] = [];
      while (!r.done()) out.push(readPayInfo(r));
      return out;
    }),
  encode: (v) => concatBytes(...v.map(encodePayInfo)),
};

export const fallbackListCodec: Codec<readonly FallbackAddress[]> = {
  decode: (b) =>
    whole(b, (r) => {
      const out: FallbackAddress[] = [];
      while (!r.done()) {
        const version = r.u8();
        out.push({ version, address: r.bytes(r.u16()) });
      }
      return out;
    }),
  encode: (v) =>
    concatBytes(
      ...v.map((f) => {
        if (f.address.length > 0xffff || f.version < 0 || f.version > 255) throw new RangeError('bad fallback address');
        return concatBytes(new Uint8Array([f.version]), u16(f.address.length), f.address);
      }),
    ),
};

const BIP353_CHARS = /^[0-9a-zA-Z._-]*$/;
export const bip353Codec: Codec<Bip353Name> = {
  decode: (b) =>
    whole(b, (r) => {
      // The character check below makes the bytes ASCII, so a byte-per-char read is exact.
      const name = String.fromCharCode(...r.bytes(r.u8()));
      const domain = String.fromCharCode(...r.bytes(r.u8()));
      if (!BIP353_CHARS.test(name) || !BIP353_CHARS.test(domain)) throw new DecodeError('bip_353_name: bad character');
      return { name, domain };
    }),
  encode: (v) => {
    if (!BIP353_CHARS.test(v.name) || !BIP353_CHARS.test(v.domain) || v.name.length > 255 || v.domain.length > 255) {
      throw new RangeError('bad bip_353_name');
    }
    const n = utf8(v.name);
    const d = utf8(v.domain);
    return concatBytes(new Uint8Array([n.length]), n, new Uint8Array([d.length]), d);
  },
};

/** Whether a fallback is usable (BOLT 12: version ≤ 16, 2–40 byte program). */
export function isUsableFallback(f: FallbackAddress): boolean {
  return f.version <= 16 && f.address.length >= 2 && f.address.length <= 40;
}

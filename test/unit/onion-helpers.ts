// Shared by the onion-*.test.ts files: vector loading, the vectors' JSON spelling of
// encrypted_data_tlv fields, and a seeded PRNG for reproducible fuzzing.
import { readFileSync } from 'node:fs';
import { fromHex } from '../../src/codec/bytes.js';
import { asPrivKey, asPubKey, pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import type { EncryptedData } from '../../src/onion/types.js';

/** Reads test/vectors/<name> relative to the compiled file (build/test/unit/…). */
export function loadVector<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../test/vectors/${name}`, import.meta.url), 'utf8')) as T;
}

export const pub = (h: string): PubKey => asPubKey(fromHex(h));
export const priv = (h: string): PrivKey => asPrivKey(fromHex(h));

/** A node with a fresh random key. */
export interface TestNode {
  readonly priv: PrivKey;
  readonly id: PubKey;
}
export function randomNode(): TestNode {
  const k = randomPrivKey();
  return { priv: k, id: pubFromPriv(k) };
}

/** "block x tx x out" → the u64 short channel id. */
export function scidFromString(s: string): bigint {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(s);
  if (!m) throw new Error(`bad scid ${s}`);
  return (BigInt(m[1]!) << 40n) | (BigInt(m[2]!) << 16n) | BigInt(m[3]!);
}

/** A feature bit list as the minimal big-endian bitfield. */
export function featureBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return new Uint8Array(0);
  const len = Math.floor(Math.max(...bits) / 8) + 1;
  const out = new Uint8Array(len);
  for (const b of bits) out[len - 1 - Math.floor(b / 8)]! |= 1 << b % 8;
  return out;
}

/** The vectors' readable `tlvs` objects → EncryptedData. Unknown keys fail loudly. */
export function encryptedDataFromJson(t: Record<string, any>): EncryptedData {
  const d: { -readonly [K in keyof EncryptedData]: EncryptedData[K] } = {};
  const unknown: { type: bigint; value: Uint8Array }[] = [];
  for (const [k, v] of Object.entries(t)) {
    switch (k) {
      case 'padding':
        d.padding = fromHex(v);
        break;
      case 'short_channel_id':
        d.shortChannelId = scidFromString(v);
        break;
      case 'next_node_id':
        d.nextNodeId = pub(v);
        break;
      case 'path_id':
        d.pathId = fromHex(v);
        break;
      case 'next_path_key_override':
        d.nextPathKeyOverride = pub(v);
        break;
      case 'path_key_override_secret':
        break; // the secret behind the override: input to the vector's author, not a TLV
      case 'payment_relay':
        d.paymentRelay = {
          cltvExpiryDelta: v.cltv_expiry_delta,
          feeProportionalMillionths: v.fee_proportional_millionths ?? 0,
          feeBaseMsat: v.fee_base_msat ?? 0,
        };
        break;
      case 'payment_constraints':
        d.paymentConstraints = { maxCltvExpiry: v.max_cltv_expiry, htlcMinimumMsat: BigInt(v.htlc_minimum_msat) };
        break;
      case 'allowed_features':
        d.allowedFeatures = featureBits(v.features);
        break;
      default: {
        const m = /^unknown_tag_(\d+)$/.exec(k);
        if (!m) throw new Error(`unexpected tlv field ${k}`);
        unknown.push({ type: BigInt(m[1]!), value: fromHex(v) });
      }
    }
  }
  if (unknown.length) d.unknown = unknown;
  return d;
}

/** sfc32: small, fast, seeded; good enough to drive fuzzing reproducibly. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** One random structural mutation of `b`: flip, set, insert, delete, truncate, splice or duplicate. */
export function mutate(rng: Prng, b: Uint8Array): Uint8Array {
  const x = Uint8Array.from(b);
  const pos = x.length ? rng.int(x.length) : 0;
  switch (rng.int(8)) {
    case 0:
      if (x.length) x[pos]! ^= 1 << rng.int(8);
      return x;
    case 1:
      if (x.length) x[pos] = rng.pick([0, 1, 2, 3, 0x40, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff]);
      return x;
    case 2: {
      const ins = rng.bytes(1 + rng.int(4));
      return concat(x.subarray(0, pos), ins, x.subarray(pos));
    }
    case 3:
      return concat(x.subarray(0, pos), x.subarray(Math.min(x.length, pos + 1 + rng.int(4))));
    case 4:
      return x.subarray(0, pos);
    case 5: {
      const len = Math.min(x.length - pos, 1 + rng.int(40));
      return concat(x, x.subarray(pos, pos + len));
    }
    case 6: {
      // Overwrite a 2-byte window, which hits u16 lengths and bigsize prefixes.
      if (x.length >= 2) {
        const p = rng.int(x.length - 1);
        x[p] = rng.pick([0, 0xff, 0xfd]);
        x[p + 1] = rng.u32() & 0xff;
      }
      return x;
    }
    default:
      return rng.bytes(rng.int(120));
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

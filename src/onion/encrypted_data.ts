// BOLT 4 `encrypted_data_tlv`: the plaintext inside each hop's `encrypted_recipient_data`.
import { concatBytes, u16, u32 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { encodeTu, decodeTu } from '../codec/tu.js';
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../codec/tlv.js';
import { asPubKey } from '../crypto/secp.js';
import { Reader } from '../codec/reader.js';
import type { EncryptedData } from './types.js';

export const ENCDATA_PADDING = 1n;
export const ENCDATA_SHORT_CHANNEL_ID = 2n;
export const ENCDATA_NEXT_NODE_ID = 4n;
export const ENCDATA_PATH_ID = 6n;
export const ENCDATA_NEXT_PATH_KEY_OVERRIDE = 8n;
export const ENCDATA_PAYMENT_RELAY = 10n;
export const ENCDATA_PAYMENT_CONSTRAINTS = 12n;
export const ENCDATA_ALLOWED_FEATURES = 14n;

const KNOWN = new Set([1n, 2n, 4n, 6n, 8n, 10n, 12n, 14n]);

/** The records of `d`, unsorted; `encodeTlvStream` sorts and refuses duplicates. */
export function encryptedDataRecords(d: EncryptedData): TlvRecord[] {
  const recs: TlvRecord[] = [];
  if (d.padding !== undefined) recs.push(tlvRecord(ENCDATA_PADDING, d.padding));
  if (d.shortChannelId !== undefined) {
    if (d.shortChannelId < 0n || d.shortChannelId > 0xffffffffffffffffn) throw new RangeError('short_channel_id out of range');
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, d.shortChannelId);
    recs.push(tlvRecord(ENCDATA_SHORT_CHANNEL_ID, b));
  }
  if (d.nextNodeId !== undefined) recs.push(tlvRecord(ENCDATA_NEXT_NODE_ID, d.nextNodeId));
  if (d.pathId !== undefined) recs.push(tlvRecord(ENCDATA_PATH_ID, d.pathId));
  if (d.nextPathKeyOverride !== undefined) recs.push(tlvRecord(ENCDATA_NEXT_PATH_KEY_OVERRIDE, d.nextPathKeyOverride));
  if (d.paymentRelay !== undefined) {
    const r = d.paymentRelay;
    checkUint(r.cltvExpiryDelta, 0xffff, 'cltv_expiry_delta');
    checkUint(r.feeProportionalMillionths, 0xffffffff, 'fee_proportional_millionths');
    checkUint(r.feeBaseMsat, 0xffffffff, 'fee_base_msat');
    recs.push(tlvRecord(ENCDATA_PAYMENT_RELAY, concatBytes(u16(r.cltvExpiryDelta), u32(r.feeProportionalMillionths), encodeTu(r.feeBaseMsat))));
  }
  if (d.paymentConstraints !== undefined) {
    const c = d.paymentConstraints;
    checkUint(c.maxCltvExpiry, 0xffffffff, 'max_cltv_expiry');
    if (c.htlcMinimumMsat < 0n || c.htlcMinimumMsat > 0xffffffffffffffffn) throw new RangeError('htlc_minimum_msat out of range');
    recs.push(tlvRecord(ENCDATA_PAYMENT_CONSTRAINTS, concatBytes(u32(c.maxCltvExpiry), encodeTu(c.htlcMinimumMsat))));
  }
  if (d.allowedFeatures !== undefined) recs.push(tlvRecord(ENCDATA_ALLOWED_FEATURES, d.allowedFeatures));
  for (const u of d.unknown ?? []) {
    // Only odd unknowns can be carried: an even one would make every reader drop the hop.
    if (KNOWN.has(u.type) || u.type % 2n === 0n) throw new RangeError(`encrypted_data_tlv: cannot encode type ${u.type} as unknown`);
    recs.push(tlvRecord(u.type, u.value));
  }
  return recs;
}

function checkUint(v: number, max: number, name: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${name} out of range`);
}

/** Serializes an `encrypted_data_tlv` (records in ascending type order). */
export function encodeEncryptedData(d: EncryptedData): Uint8Array {
  return encodeTlvStream(encryptedDataRecords(d));
}

/**
 * Parses an `encrypted_data_tlv`. Known types must have their exact shape;
 * unknown odd types are kept, unknown even types are a DecodeError (BOLT 4).
 */
export function decodeEncryptedData(b: Uint8Array): EncryptedData {
  const out: {
    -readonly [K in keyof EncryptedData]: EncryptedData[K];
  } = {};
  const unknown: { type: bigint; value: Uint8Array }[] = [];
  for (const rec of parseTlvStream(b)) {
    // Copy so the result never aliases the caller's buffer.
    const v = rec.value.slice();
    switch (rec.type) {
      case ENCDATA_PADDING:
        out.padding = v;
        break;
      case ENCDATA_SHORT_CHANNEL_ID:
        if (v.length !== 8) throw new DecodeError('encrypted_data_tlv: short_channel_id must be 8 bytes');
        out.shortChannelId = new Reader(v).u64();
        break;
      case ENCDATA_NEXT_NODE_ID:
        out.nextNodeId = asPubKey(exactLen(v, 33, 'next_node_id'));
        break;
      case ENCDATA_PATH_ID:
        out.pathId = v;
        break;
      case ENCDATA_NEXT_PATH_KEY_OVERRIDE:
        out.nextPathKeyOverride = asPubKey(exactLen(v, 33, 'next_path_key_override'));
        break;
      case ENCDATA_PAYMENT_RELAY: {
        const r = new Reader(v);
        const cltvExpiryDelta = r.u16();
        const feeProportionalMillionths = r.u32();
        const feeBaseMsat = Number(decodeTu(r.rest(), 4));
        out.paymentRelay = { cltvExpiryDelta, feeProportionalMillionths, feeBaseMsat };
        break;
      }
      case ENCDATA_PAYMENT_CONSTRAINTS: {
        const r = new Reader(v);
        const maxCltvExpiry = r.u32();
        const htlcMinimumMsat = decodeTu(r.rest(), 8);
        out.paymentConstraints = { maxCltvExpiry, htlcMinimumMsat };
        break;
      }
      case ENCDATA_ALLOWED_FEATURES:
        out.allowedFeatures = v;
        break;
      default:
        if (rec.type % 2n === 0n) throw new DecodeError(`encrypted_data_tlv: unknown even type ${rec.type}`);
        unknown.push({ type: rec.type, value: v });
    }
  }
  if (unknown.length > 0) out.unknown = unknown;
  return out;
}

function exactLen(v: Uint8Array, n: number, what: string): Uint8Array {
  if (v.length !== n) throw new DecodeError(`encrypted_data_tlv: ${what} must be ${n} bytes`);
  return v;
}

/** Raw TLV bytes pass through; a structured value is encoded. */
export function encryptedDataBytes(d: EncryptedData | Uint8Array): Uint8Array {
  return d instanceof Uint8Array ? d : encodeEncryptedData(d);
}

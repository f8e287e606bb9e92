// BOLT 4 payment `hop_payloads`: the TLV payload one hop of a payment onion carries.
// Pure codec: which types a node accepts (lightningd refuses unknown even types, a
// blinded final hop allows only 2, 4, 10, 12, 18) is the reader's rule, not this file's.
import { encodeBigSize } from '../codec/bigsize.js';
import { concatBytes, u64 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { decodeTu, encodeTu } from '../codec/tu.js';
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../codec/tlv.js';
import { asPubKey, type PubKey } from '../crypto/secp.js';

export const PAYLOAD_AMT_TO_FORWARD = 2n;
export const PAYLOAD_OUTGOING_CLTV_VALUE = 4n;
export const PAYLOAD_SHORT_CHANNEL_ID = 6n;
export const PAYLOAD_PAYMENT_DATA = 8n;
export const PAYLOAD_ENCRYPTED_RECIPIENT_DATA = 10n;
export const PAYLOAD_CURRENT_PATH_KEY = 12n;
export const PAYLOAD_PAYMENT_METADATA = 16n;
export const PAYLOAD_TOTAL_AMOUNT_MSAT = 18n;
/** LDK's async-payment records in a static-invoice payment's final payload. */
export const PAYLOAD_LDK_INVOICE_REQUEST = 77777n;
export const PAYLOAD_KEYSEND_PREIMAGE = 5482373484n;

/** The types of BOLT 4 `payload` (lightningd's tlv_payload table). */
export const KNOWN_PAYLOAD_TYPES: ReadonlySet<bigint> = new Set([2n, 4n, 6n, 8n, 10n, 12n, 16n, 18n]);

export interface ExtraRecord {
  readonly type: bigint;
  readonly value: Uint8Array;
}

/** A decoded (or to-be-encoded) hop payload. */
export interface HopPayload {
  readonly amtToForward?: bigint; // 2, tu64
  readonly outgoingCltvValue?: number; // 4, tu32
  readonly shortChannelId?: bigint; // 6
  readonly paymentData?: { readonly paymentSecret: Uint8Array; readonly totalMsat: bigint }; // 8
  readonly encryptedRecipientData?: Uint8Array; // 10
  readonly currentPathKey?: PubKey; // 12
  readonly paymentMetadata?: Uint8Array; // 16
  readonly totalAmountMsat?: bigint; // 18
  /** Any other record (e.g. 77777 invoice_request, 5482373484 preimage), ascending on the wire. */
  readonly extra?: readonly ExtraRecord[];
}

function checkU64(v: bigint, name: string): void {
  if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`${name} out of range`);
}

/** Serializes the payload's TLV stream (no length prefix). */
export function encodeHopPayload(p: HopPayload): Uint8Array {
  const recs: TlvRecord[] = [];
  if (p.amtToForward !== undefined) {
    checkU64(p.amtToForward, 'amt_to_forward');
    recs.push(tlvRecord(PAYLOAD_AMT_TO_FORWARD, encodeTu(p.amtToForward)));
  }
  if (p.outgoingCltvValue !== undefined) {
    if (!Number.isInteger(p.outgoingCltvValue) || p.outgoingCltvValue < 0 || p.outgoingCltvValue > 0xffffffff) {
      throw new RangeError('outgoing_cltv_value out of range');
    }
    recs.push(tlvRecord(PAYLOAD_OUTGOING_CLTV_VALUE, encodeTu(p.outgoingCltvValue)));
  }
  if (p.shortChannelId !== undefined) {
    checkU64(p.shortChannelId, 'short_channel_id');
    recs.push(tlvRecord(PAYLOAD_SHORT_CHANNEL_ID, u64(p.shortChannelId)));
  }
  if (p.paymentData !== undefined) {
    if (p.paymentData.paymentSecret.length !== 32) throw new RangeError('payment_secret must be 32 bytes');
    checkU64(p.paymentData.totalMsat, 'total_msat');
    recs.push(tlvRecord(PAYLOAD_PAYMENT_DATA, concatBytes(p.paymentData.paymentSecret, encodeTu(p.paymentData.totalMsat))));
  }
  if (p.encryptedRecipientData !== undefined) recs.push(tlvRecord(PAYLOAD_ENCRYPTED_RECIPIENT_DATA, p.encryptedRecipientData));
  if (p.currentPathKey !== undefined) recs.push(tlvRecord(PAYLOAD_CURRENT_PATH_KEY, p.currentPathKey));
  if (p.paymentMetadata !== undefined) recs.push(tlvRecord(PAYLOAD_PAYMENT_METADATA, p.paymentMetadata));
  if (p.totalAmountMsat !== undefined) {
    checkU64(p.totalAmountMsat, 'total_amount_msat');
    recs.push(tlvRecord(PAYLOAD_TOTAL_AMOUNT_MSAT, encodeTu(p.totalAmountMsat)));
  }
  for (const e of p.extra ?? []) {
    if (KNOWN_PAYLOAD_TYPES.has(e.type)) throw new RangeError(`payload: type ${e.type} has its own field`);
    checkU64(e.type, 'tlv type');
    recs.push(tlvRecord(e.type, e.value));
  }
  return encodeTlvStream(recs);
}

/** bigsize(len) ‖ payload: the form lightningd shows in `onion.payload`. */
export function frameHopPayload(stream: Uint8Array): Uint8Array {
  return concatBytes(encodeBigSize(stream.length), stream);
}

/** A decode failure that names the offending type, for `invalid_onion_payload`. */
export class PayloadDecodeError extends DecodeError {
  constructor(message: string, readonly tlvType: bigint, readonly offset: number) {
    super(message);
  }
}

/**
 * Decodes a payload TLV stream (no length prefix). Known types must have their exact
 * shape; every other record, even or odd, lands in `extra` for the reader to judge.
 * Framing errors and bad shapes are PayloadDecodeErrors.
 */
export function decodeHopPayload(stream: Uint8Array): HopPayload {
  let recs: TlvRecord[];
  try {
    recs = parseTlvStream(stream);
  } catch (e) {
    if (e instanceof DecodeError) throw new PayloadDecodeError(`payload: ${e.message}`, 0n, 0);
    throw e;
  }
  const out: { -readonly [K in keyof HopPayload]: HopPayload[K] } = {};
  const extra: ExtraRecord[] = [];
  let offset = 0;
  for (const r of recs) {
    const v = r.value.slice();
    const bad = (what: string): never => {
      throw new PayloadDecodeError(`payload: bad ${what}`, r.type, offset);
    };
    try {
      switch (r.type) {
        case PAYLOAD_AMT_TO_FORWARD:
          out.amtToForward = decodeTu(v, 8);
          break;
        case PAYLOAD_OUTGOING_CLTV_VALUE:
          out.outgoingCltvValue = Number(decodeTu(v, 4));
          break;
        case PAYLOAD_SHORT_CHANNEL_ID:
          if (v.length !== 8) bad('short_channel_id');
          out.shortChannelId = new Reader(v).u64();
          break;
        case PAYLOAD_PAYMENT_DATA: {
          if (v.length < 32) bad('payment_data');
          out.paymentData = { paymentSecret: v.slice(0, 32), totalMsat: decodeTu(v.subarray(32), 8) };
          break;
        }
        case PAYLOAD_ENCRYPTED_RECIPIENT_DATA:
          out.encryptedRecipientData = v;
          break;
        case PAYLOAD_CURRENT_PATH_KEY:
          if (v.length !== 33) bad('current_path_key');
          out.currentPathKey = asPubKey(v);
          break;
        case PAYLOAD_PAYMENT_METADATA:
          out.paymentMetadata = v;
          break;
        case PAYLOAD_TOTAL_AMOUNT_MSAT:
          out.totalAmountMsat = decodeTu(v, 8);
          break;
        default:
          extra.push({ type: r.type, value: v });
      }
    } catch (e) {
      if (e instanceof PayloadDecodeError) throw e;
      if (e instanceof DecodeError) bad(`type ${r.type}: ${e.message}`);
      throw e;
    }
    offset += r.raw.length;
  }
  if (extra.length) out.extra = extra;
  return out;
}

/** Splits `bigsize(len) ‖ stream` (lightningd's `onion.payload`); the length must cover the rest exactly. */
export function unframeHopPayload(framed: Uint8Array): Uint8Array {
  const r = new Reader(framed);
  const len = r.bigSize();
  if (len !== BigInt(r.remaining)) throw new DecodeError('payload: length prefix does not match');
  return r.rest().slice();
}

/** The record of `type` in `p.extra`, if any. */
export function extraRecord(p: HopPayload, type: bigint): Uint8Array | undefined {
  return p.extra?.find((e) => e.type === type)?.value;
}

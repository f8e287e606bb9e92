// BOLT 4 `onionmsg_tlv`: the payload of one onion-message hop.
import { DecodeError } from '../codec/errors.js';
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../codec/tlv.js';
import { decodeBlindedPath, encodeBlindedPath } from './blinded_path.js';
import type { BlindedPath } from './types.js';

export const ONIONMSG_REPLY_PATH = 2n;
export const ONIONMSG_ENCRYPTED_RECIPIENT_DATA = 4n;
/** Types from 64 up carry the message itself and are for the final hop only. */
export const ONIONMSG_FIRST_MESSAGE_TYPE = 64n;

/** The message a final hop carries: its TLV type and raw value (no interpretation here). */
export interface OnionMessageContent {
  readonly type: bigint;
  readonly value: Uint8Array;
}

export interface OnionMsgTlv {
  readonly replyPath?: BlindedPath;
  readonly encryptedRecipientData?: Uint8Array;
  /** At most one record of type ≥ 64. */
  readonly message?: OnionMessageContent;
  /** Unknown odd records below 64, kept verbatim. */
  readonly unknown?: ReadonlyArray<{ readonly type: bigint; readonly value: Uint8Array }>;
}

export function encodeOnionMsgTlv(t: OnionMsgTlv): Uint8Array {
  const recs: TlvRecord[] = [];
  if (t.replyPath !== undefined) recs.push(tlvRecord(ONIONMSG_REPLY_PATH, encodeBlindedPath(t.replyPath)));
  if (t.encryptedRecipientData !== undefined) recs.push(tlvRecord(ONIONMSG_ENCRYPTED_RECIPIENT_DATA, t.encryptedRecipientData));
  if (t.message !== undefined) {
    if (t.message.type < ONIONMSG_FIRST_MESSAGE_TYPE) throw new RangeError(`onionmsg_tlv: message type ${t.message.type} is below 64`);
    recs.push(tlvRecord(t.message.type, t.message.value));
  }
  for (const u of t.unknown ?? []) {
    // Readers drop unknown even types, and 2/4 have their own fields.
    if (u.type >= ONIONMSG_FIRST_MESSAGE_TYPE || u.type % 2n === 0n || u.type < 0n) {
      throw new RangeError(`onionmsg_tlv: cannot encode type ${u.type} as unknown`);
    }
    recs.push(tlvRecord(u.type, u.value));
  }
  return encodeTlvStream(recs);
}

/**
 * Parses an `onionmsg_tlv` with the BOLT 4 reader rules that hold at any hop:
 * unknown even types below 64 are refused, unknown odd ones kept, and a second
 * message type (≥ 64) is refused. A `reply_path` must be exactly one blinded path.
 */
export function decodeOnionMsgTlv(b: Uint8Array): OnionMsgTlv {
  return decode(b, true);
}

/**
 * decodeOnionMsgTlv for bytes the caller hands over (a freshly decrypted payload that
 * nothing else holds or will write): the byte fields are views into `b`, not copies.
 */
export function decodeOwnedOnionMsgTlv(b: Uint8Array): OnionMsgTlv {
  return decode(b, false);
}

function decode(b: Uint8Array, copy: boolean): OnionMsgTlv {
  // Fields are added to one object in stream order (absent ones left out): building it by
  // spreading conditional parts cost shape migrations on every message received.
  const out: { -readonly [K in keyof OnionMsgTlv]: OnionMsgTlv[K] } = {};
  let unknown: { type: bigint; value: Uint8Array }[] | undefined;
  for (const rec of parseTlvStream(b)) {
    if (rec.type === ONIONMSG_REPLY_PATH) out.replyPath = decodeBlindedPath(rec.value);
    else if (rec.type === ONIONMSG_ENCRYPTED_RECIPIENT_DATA) out.encryptedRecipientData = copy ? rec.value.slice() : rec.value;
    else if (rec.type >= ONIONMSG_FIRST_MESSAGE_TYPE) {
      if (out.message !== undefined) throw new DecodeError('onionmsg_tlv: more than one message type');
      out.message = { type: rec.type, value: copy ? rec.value.slice() : rec.value };
    } else if (rec.type % 2n === 0n) throw new DecodeError(`onionmsg_tlv: unknown even type ${rec.type}`);
    else (unknown ??= []).push({ type: rec.type, value: copy ? rec.value.slice() : rec.value });
  }
  if (unknown !== undefined) out.unknown = unknown;
  return out;
}

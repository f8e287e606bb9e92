// The fields of an `htlc_accepted` call we use (cln-samples.json). Hostile until
// checked: anything missing or of the wrong shape makes it "not readable", and such
// an HTLC is left to lightningd (`continue`).
import { fromHex } from '../../codec/bytes.js';

export interface HtlcIn {
  /** `<scid>/<htlc id>`: what a replay repeats. */
  readonly key: string;
  readonly amountMsat: bigint;
  readonly cltvExpiry: number;
  readonly paymentHash: Uint8Array;
  readonly paymentHashHex: string;
  /** onion.payload with its BigSize length prefix. */
  readonly payload: Uint8Array;
  /** lightningd decoded the payload itself (onion.type present): a payment it can settle. */
  readonly decodedByLightningd: boolean;
}

const HEX = /^(?:[0-9a-f]{2})*$/;

function msat(v: unknown): bigint | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^[0-9]{1,20}(msat)?$/.test(v)) return BigInt(v.replace('msat', ''));
  return undefined;
}

export function parseHtlcHook(p: unknown): HtlcIn | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const { onion, htlc } = p as { onion?: Record<string, unknown>; htlc?: Record<string, unknown> };
  if (!onion || typeof onion !== 'object' || !htlc || typeof htlc !== 'object') return undefined;
  const payload = onion.payload;
  const hash = htlc.payment_hash;
  const amount = msat(htlc.amount_msat);
  const cltv = htlc.cltv_expiry;
  const scid = htlc.short_channel_id;
  const id = htlc.id;
  if (typeof payload !== 'string' || payload.length > 4000 || !HEX.test(payload)) return undefined;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  if (amount === undefined || typeof cltv !== 'number' || !Number.isInteger(cltv) || cltv < 0 || cltv > 0xffffffff) return undefined;
  if (typeof scid !== 'string' || scid.length > 40 || (typeof id !== 'number' && typeof id !== 'string')) return undefined;
  return {
    key: `${scid}/${String(id)}`,
    amountMsat: amount,
    cltvExpiry: cltv,
    paymentHash: fromHex(hash),
    paymentHashHex: hash,
    payload: fromHex(payload),
    decodedByLightningd: typeof onion.type === 'string',
  };
}

// The built-in `keysend` plugin's htlc_accepted handler (plugins/keysend.c), as far as
// it touches an HTLC: a payload with TLV 5482373484 (32 bytes hashing to the payment
// hash) and an amount gets a backfilled `keysend-…` invoice, loses its unknown even
// records (the preimage among them), gains TLV 8 payment_data with that invoice's secret,
// and goes back to lightningd as `continue` with the rewritten payload.
import { concatBytes, fromUtf8, toHex, fromHex } from '../../src/codec/bytes.js';
import { decodeBigSize } from '../../src/codec/bigsize.js';
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../../src/codec/tlv.js';
import { encodeTu } from '../../src/codec/tu.js';
import { sha256 } from '../../src/crypto/hash.js';
import { decodeHopPayload, KNOWN_PAYLOAD_TYPES, PAYLOAD_KEYSEND_PREIMAGE } from '../../src/onion/hop_payload.js';
import type { InvoiceBook } from './invoices.js';

export interface KeysendHost {
  readonly invoices: InvoiceBook;
  log(level: 'info' | 'unusual' | 'broken', message: string): void;
}

/** What keysend answers: continue, with a replacement payload (hex, no length prefix) or not. */
export type KeysendAnswer = { result: 'continue'; payload?: string };

export function keysendHtlcAccepted(params: any, host: KeysendHost): KeysendAnswer {
  const cont: KeysendAnswer = { result: 'continue' };
  let raw: Uint8Array;
  let hash: Uint8Array;
  try {
    raw = fromHex(String(params?.onion?.payload));
    hash = fromHex(String(params?.htlc?.payment_hash));
  } catch {
    return cont;
  }
  let stream: Uint8Array;
  try {
    const { value, size } = decodeBigSize(raw);
    if (value !== BigInt(raw.length - size)) return cont;
    stream = raw.subarray(size);
  } catch {
    return cont;
  }
  let recs: TlvRecord[];
  let amt: bigint | undefined;
  try {
    recs = parseTlvStream(stream);
    amt = decodeHopPayload(stream).amtToForward;
  } catch (e) {
    host.log('unusual', `Malformed TLV payload: ${(e as Error).message}`);
    return cont;
  }
  const preimage = recs.find((r) => r.type === PAYLOAD_KEYSEND_PREIMAGE);
  if (!preimage) return cont;
  // Longest unknown text field becomes the description.
  let desc: TlvRecord | undefined;
  for (const r of recs) {
    if (r === preimage || KNOWN_PAYLOAD_TYPES.has(r.type)) continue;
    try {
      fromUtf8(r.value);
      if (!desc || r.value.length > desc.value.length) desc = r;
    } catch {
      /* not text */
    }
  }
  if (amt === undefined) {
    host.log('unusual', 'Sender omitted amount.  Ignoring this HTLC.');
    return cont;
  }
  if (preimage.value.length !== 32) {
    host.log('unusual', `Sender specified a preimage that is ${preimage.value.length} bytes long, we expected 32 bytes. Ignoring this HTLC.`);
    return cont;
  }
  if (toHex(sha256(preimage.value)) !== toHex(hash)) {
    host.log('unusual', 'Preimage provided by the sender does not match the payment_hash. Ignoring keysend.');
    return cont;
  }
  const now = process.hrtime.bigint();
  const label = `keysend-${Math.floor(Date.now() / 1000)}.${String(now % 1_000_000_000n).padStart(9, '0')}`;
  host.log('info', `Inserting a new invoice for keysend with payment_hash ${toHex(hash)}`);
  let secret: Uint8Array;
  try {
    const inv = host.invoices.invoice({ label, description: desc ? `keysend: ${fromUtf8(desc.value)}` : 'keysend', preimage: preimage.value.slice() });
    secret = inv.paymentSecret!;
  } catch (e) {
    host.log('broken', `Could not create invoice for keysend: ${(e as Error).message}`);
    return cont;
  }
  // Odd and known fields stay; unknown even ones (the preimage too) are stripped.
  const kept = recs.filter((r) => r.type % 2n === 1n || KNOWN_PAYLOAD_TYPES.has(r.type));
  const rest = kept.filter((r) => r.type !== 8n);
  const payload = encodeTlvStream([...rest, tlvRecord(8n, concatBytes(secret, encodeTu(amt)))]);
  host.log('info', `Resolving incoming HTLC with preimage for payment_hash ${toHex(hash)} provided in the onion payload.`);
  return { result: 'continue', payload: toHex(payload) };
}

// Shared by the BOLT 12 fuzz files: the record-level mutator and the seed objects.
import { toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../../src/codec/tlv.js';
import type { PrivKey } from '../../src/crypto/secp.js';
import { buildInvoice, signAndEncode, type MessageName } from '../../src/bolt12/index.js';
import { Prng } from '../helpers/prng.js';
import { ISSUER_KEY, NOW, asyncOffer, invoiceRequestFor, paymentPath, staticInvoiceFor } from './bolt12-fixtures.js';

export const COUNT = 20_000;
export const isDecodeError = (e: unknown): boolean => e instanceof DecodeError;

export const offer = asyncOffer([tlvRecord(33n, new Uint8Array([1])), tlvRecord(1_000_000_033n, new Uint8Array([2]))]);
export const req = invoiceRequestFor(offer);
export const invoice = buildInvoice(req, { paymentPaths: [paymentPath(30)], createdAt: NOW, paymentHash: new Uint8Array(32).fill(5) }, ISSUER_KEY, new Uint8Array(32));
export const staticInv = staticInvoiceFor(offer);

/**
 * Record-level mutation: pick one record and mutate its value (or drop it, or add a
 * random record), re-frame, and re-sign half of the time with the right key.
 */
export function structured(
  seeds: readonly Uint8Array[],
  decode: (b: Uint8Array) => unknown,
  sign: { message: MessageName; key: PrivKey } | undefined,
  { count, seed }: { count: number; seed: number },
): { ok: number; rejected: number } {
  const rng = new Prng(seed);
  let ok = 0;
  let rejected = 0;
  for (let i = 0; i < count; i++) {
    const recs: TlvRecord[] = [...parseTlvStream(seeds[rng.int(seeds.length)]!)];
    const op = rng.int(5);
    const j = rng.int(recs.length);
    if (op <= 2) recs[j] = tlvRecord(recs[j]!.type, rng.mutate(recs[j]!.value));
    else if (op === 3) recs.splice(j, 1);
    else {
      const t = [0n, 1n, 8n, 14n, 80n, 160n, 166n, 168n, 170n, 174n, 236n, 238n, 241n, 1001n, 3_000_000_001n][rng.int(15)]!;
      if (!recs.some((r) => r.type === t)) recs.push(tlvRecord(t, rng.bytes(rng.int(40))));
    }
    let input: Uint8Array;
    try {
      input = sign && rng.int(2) === 0 ? signAndEncode(sign.message, recs, sign.key, new Uint8Array(32)) : encodeTlvStream(recs);
    } catch (e) {
      // signing an empty stream is not a decoder's concern
      if (e instanceof RangeError) continue;
      throw e;
    }
    try {
      decode(input);
      ok++;
    } catch (e) {
      if (!isDecodeError(e)) throw new Error(`unexpected ${String(e)} on ${toHex(input)}`, { cause: e });
      rejected++;
    }
  }
  return { ok, rejected };
}


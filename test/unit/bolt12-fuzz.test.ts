// Fuzzing every BOLT 12 decoder with seeded random and mutated inputs: nothing but
// DecodeError may come out, and whatever is accepted must re-encode consistently.
// Two kinds of input: byte-level mutations (test/helpers/prng.ts `fuzz`) and
// record-level ones that keep the TLV framing valid and re-sign, so the field
// codecs and semantic rules behind the framing and the signature get exercised.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { encodeTlvStream, parseTlvStream, tlvRecord, type TlvRecord } from '../../src/codec/tlv.js';
import type { PrivKey } from '../../src/crypto/secp.js';
import {
  buildInvoice, decodeBolt12, decodeInvoice, decodeInvoiceRequest, decodeOffer, decodeStaticInvoice, encodeBolt12,
  encodeOfferFields, signAndEncode, T, type MessageName,
} from '../../src/bolt12/index.js';
import { fuzz, Prng } from '../helpers/prng.js';
import { loadVector } from '../helpers/vectors.js';
import { ISSUER_KEY, NOW, PAYER_KEY, asyncOffer, invoiceRequestFor, paymentPath, staticInvoiceFor } from './bolt12-fixtures.js';

const COUNT = 20_000;
const isDecodeError = (e: unknown): boolean => e instanceof DecodeError;

const offerVectors = loadVector<{ bolt12: string }[]>('offers-test.json');
const formatVectors = loadVector<{ string: string }[]>('format-string-test.json');
const sigVectors = loadVector<{ bolt12?: string }[]>('signature-test.json');
const dataOf = (s: string): Uint8Array | undefined => {
  try {
    return decodeBolt12(s).data;
  } catch {
    return undefined;
  }
};

const offer = asyncOffer([tlvRecord(33n, new Uint8Array([1])), tlvRecord(1_000_000_033n, new Uint8Array([2]))]);
const req = invoiceRequestFor(offer);
const invoice = buildInvoice(req, { paymentPaths: [paymentPath(30)], createdAt: NOW, paymentHash: new Uint8Array(32).fill(5) }, ISSUER_KEY, new Uint8Array(32));
const staticInv = staticInvoiceFor(offer);

/**
 * Record-level mutation: pick one record and mutate its value (or drop it, or add a
 * random record), re-frame, and re-sign half of the time with the right key.
 */
function structured(
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

describe('bolt12 fuzz', { timeout: 60_000 }, () => {
  test('bech32 strings', () => {
    const alphabet = 'qpzry9x8gf2tvdw0s3jn54khce6mua7lQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L1lno+ \n\r\tbio!~\u00e9';
    const seeds = [...offerVectors.map((c) => c.bolt12), ...formatVectors.map((c) => c.string)].map((s) =>
      Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff),
    );
    let decodedSome = 0;
    const r = fuzz(
      seeds,
      (b) => {
        // mutated seeds are read as latin1; random ones drawn from a bech32-heavy alphabet
        const s = b.length && b[0]! < 0x80 && (b[0] === 0x6c || b[0] === 0x4c) ? String.fromCharCode(...b) : Array.from(b, (x) => alphabet[x % alphabet.length]).join('');
        const d = decodeBolt12(s);
        decodedSome++;
        // Whatever decodes re-encodes to a string with the same data.
        const again = decodeBolt12(encodeBolt12('lno', d.data));
        assert.equal(toHex(again.data), toHex(d.data));
      },
      isDecodeError,
      { count: COUNT, seed: 1201, maxLen: 200 },
    );
    assert.equal(r.ok + r.rejected, COUNT);
    assert.ok(r.ok > 1000 && r.rejected > 1000, JSON.stringify(r));
    assert.equal(decodedSome, r.ok);
  });

  test('offer', () => {
    const seeds = [...offerVectors.map((c) => dataOf(c.bolt12)).filter((x): x is Uint8Array => !!x), offer.bytes];
    const check = (b: Uint8Array) => {
      const o = decodeOffer(b);
      // Accepted offers are canonical: typed fields + unknown records give the same bytes.
      assert.equal(toHex(encodeOfferFields(o, o.unknown)), toHex(b));
    };
    const r = fuzz(seeds, check, isDecodeError, { count: COUNT, seed: 1202, maxLen: 300 });
    const framed = seeds.filter((b) => {
      try {
        return parseTlvStream(b).length > 0;
      } catch {
        return false;
      }
    });
    const s = structured(framed, check, undefined, { count: 5000, seed: 1203 });
    assert.ok(r.ok > 100 && r.rejected > 1000, JSON.stringify(r));
    assert.ok(s.ok > 100, JSON.stringify(s));
  });

  test('invoice_request', () => {
    const seeds = [req.bytes, ...sigVectors.filter((c) => c.bolt12).map((c) => dataOf(c.bolt12!)!)];
    const r = fuzz(seeds, decodeInvoiceRequest, isDecodeError, { count: COUNT, seed: 1204, maxLen: 400 });
    const s = structured([req.bytes], decodeInvoiceRequest, { message: 'invoice_request', key: PAYER_KEY }, { count: 5000, seed: 1205 });
    assert.ok(r.rejected > 1000, JSON.stringify(r));
    assert.ok(s.ok > 100 && s.rejected > 100, JSON.stringify(s));
  });

  test('invoice', () => {
    const r = fuzz([invoice.bytes], decodeInvoice, isDecodeError, { count: COUNT, seed: 1206, maxLen: 600 });
    const s = structured([invoice.bytes], decodeInvoice, { message: 'invoice', key: ISSUER_KEY }, { count: 5000, seed: 1207 });
    assert.ok(r.rejected > 1000, JSON.stringify(r));
    assert.ok(s.ok > 100 && s.rejected > 100, JSON.stringify(s));
  });

  test('static invoice', () => {
    const r = fuzz([staticInv.bytes], decodeStaticInvoice, isDecodeError, { count: COUNT, seed: 1208, maxLen: 600 });
    const s = structured([staticInv.bytes], decodeStaticInvoice, { message: 'static_invoice', key: ISSUER_KEY }, { count: 5000, seed: 1209 });
    assert.ok(r.rejected > 1000, JSON.stringify(r));
    assert.ok(s.ok > 100 && s.rejected > 100, JSON.stringify(s));
    // The unsigned signature record must not be what makes mutated invoices fail.
    assert.ok(staticInv.records.some((x) => x.type === T.signature));
  });
});

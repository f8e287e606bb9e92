// Fuzzing the BOLT 12 string and offer/invoice_request decoders with seeded random
// and mutated inputs: nothing but DecodeError may come out, and whatever is accepted
// must re-encode consistently. Two kinds of input: byte-level mutations
// (test/helpers/prng.ts `fuzz`) and record-level ones (bolt12-fuzz-helpers.ts) that
// keep the TLV framing valid and re-sign, so the field codecs and semantic rules
// behind the framing and the signature get exercised.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/codec/bytes.js';
import { parseTlvStream } from '../../src/codec/tlv.js';
import { decodeBolt12, decodeInvoiceRequest, decodeOffer, encodeBolt12, encodeOfferFields } from '../../src/bolt12/index.js';
import { fuzz } from '../helpers/prng.js';
import { loadVector } from '../helpers/vectors.js';
import { PAYER_KEY } from './bolt12-fixtures.js';
import { COUNT, isDecodeError, offer, req, structured } from './bolt12-fuzz-helpers.js';

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
    const s = structured(framed, check, undefined, { count: 2500, seed: 1203 });
    assert.ok(r.ok > 100 && r.rejected > 1000, JSON.stringify(r));
    assert.ok(s.ok > 100, JSON.stringify(s));
  });

  test('invoice_request', () => {
    const seeds = [req.bytes, ...sigVectors.filter((c) => c.bolt12).map((c) => dataOf(c.bolt12!)!)];
    const r = fuzz(seeds, decodeInvoiceRequest, isDecodeError, { count: COUNT, seed: 1204, maxLen: 400 });
    const s = structured([req.bytes], decodeInvoiceRequest, { message: 'invoice_request', key: PAYER_KEY }, { count: 2500, seed: 1205 });
    assert.ok(r.rejected > 1000, JSON.stringify(r));
    assert.ok(s.ok > 50 && s.rejected > 50, JSON.stringify(s));
  });
});

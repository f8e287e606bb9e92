// Fuzzing the invoice (66) and static invoice decoders: byte-level and record-level
// (re-signed) mutations; only DecodeError may come out. See bolt12-fuzz.test.ts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInvoice, decodeStaticInvoice } from '../../src/bolt12/index.js';
import { fuzz } from '../helpers/prng.js';
import { ISSUER_KEY } from './bolt12-fixtures.js';
import { COUNT, invoice, isDecodeError, staticInv, structured } from './bolt12-fuzz-helpers.js';

describe('bolt12 fuzz: invoices', { timeout: 60_000 }, () => {
  test('invoice', () => {
    const r = fuzz([invoice.bytes], decodeInvoice, isDecodeError, { count: COUNT, seed: 1206, maxLen: 600 });
    const s = structured([invoice.bytes], decodeInvoice, { message: 'invoice', key: ISSUER_KEY }, { count: 2500, seed: 1207 });
    assert.ok(r.rejected > 1000, JSON.stringify(r));
    assert.ok(s.ok > 50 && s.rejected > 50, JSON.stringify(s));
  });

  test('static invoice', () => {
    const r = fuzz([staticInv.bytes], decodeStaticInvoice, isDecodeError, { count: COUNT, seed: 1208, maxLen: 600 });
    const s = structured([staticInv.bytes], decodeStaticInvoice, { message: 'static_invoice', key: ISSUER_KEY }, { count: 2500, seed: 1209 });
    assert.ok(r.rejected > 1000, JSON.stringify(r));
    assert.ok(s.ok > 50 && s.rejected > 50, JSON.stringify(s));
  });
});

// Fuzzing decodeMessage for every message type: only DecodeError may come out, and
// anything accepted must survive encode → decode unchanged.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { MESSAGE_TYPES, decodeMessage, encodeMessage, type MessageKind, type OnionMessage } from '../../src/messages/index.js';
import { fuzz } from '../helpers/prng.js';
import { asyncOffer, invoiceRequestFor, path, sciddirPath, staticInvoiceFor } from './bolt12-fixtures.js';

const COUNT = 20_000;
const isDecodeError = (e: unknown): boolean => e instanceof DecodeError;

const offer = asyncOffer();
const inv = staticInvoiceFor(offer).bytes;
const SEEDS: Record<MessageKind, OnionMessage[]> = {
  invoice_request: [{ kind: 'invoice_request', bytes: invoiceRequestFor(offer).bytes }],
  invoice: [{ kind: 'invoice', bytes: fromHex('a00100') }],
  invoice_error: [
    { kind: 'invoice_error', error: 'Unknown offer' },
    { kind: 'invoice_error', erroneous: { field: 82n, suggestedValue: fromHex('2710') }, error: 'low', framing: 'bolt4' },
    { kind: 'invoice_error', erroneous: { field: 170n }, error: 'x', framing: 'ldk' },
  ],
  static_invoice: [{ kind: 'static_invoice', bytes: inv }],
  held_htlc_available: [{ kind: 'held_htlc_available' }],
  release_held_htlc: [{ kind: 'release_held_htlc' }],
  offer_paths_request: [{ kind: 'offer_paths_request', invoiceSlot: 3 }],
  offer_paths: [
    { kind: 'offer_paths', paths: [sciddirPath(1), path(3, 2, 20)], pathsAbsoluteExpiry: 1767225600n },
    { kind: 'offer_paths', paths: [path(5)] },
  ],
  serve_static_invoice: [{ kind: 'serve_static_invoice', invoice: inv.subarray(0, 300), forwardInvoiceRequestPath: sciddirPath(7) }],
  static_invoice_persisted: [{ kind: 'static_invoice_persisted' }],
};

describe('messages fuzz', { timeout: 60_000 }, () => {
  for (const [kind, type] of Object.entries(MESSAGE_TYPES) as [MessageKind, bigint][]) {
    test(`${kind} (${type})`, () => {
      const seeds = SEEDS[kind].map((m) => encodeMessage(m).value);
      const r = fuzz(
        seeds,
        (v) => {
          const m = decodeMessage(type, v);
          assert.equal(m.kind, kind);
          assert.deepEqual(decodeMessage(type, encodeMessage(m).value), m);
        },
        isDecodeError,
        { count: COUNT, seed: Number(type), maxLen: 128 },
      );
      assert.equal(r.ok + r.rejected, COUNT);
      assert.ok(r.ok > 0 && r.rejected > 0, JSON.stringify(r));
    });
  }
  test('random types', () => {
    const r = fuzz(
      [fromHex('fe0001271405040002000300'), fromHex('480100')],
      (b) => {
        if (b.length === 0) throw new DecodeError('empty');
        return decodeMessage(BigInt(b[0]!) % 2n === 0n ? BigInt(b[0]!) : 75540n + BigInt(b[0]! & 7), b.subarray(1));
      },
      isDecodeError,
      { count: COUNT, seed: 99 },
    );
    assert.ok(r.ok > 0 && r.rejected > 0, JSON.stringify(r));
  });
});

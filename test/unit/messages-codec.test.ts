// Onion message contents: the hex examples of async-protocol.md §4, round trips of
// every message type, and the framing rules (LDK length prefix, fixed-width ints).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, fromHex, toHex } from '../../src/codec/bytes.js';
import { encodeBigSize } from '../../src/codec/bigsize.js';
import { DecodeError } from '../../src/codec/errors.js';
import { encodeTlvStream, tlvRecord } from '../../src/codec/tlv.js';
import { encodeBlindedPath } from '../../src/onion/blinded_path.js';
import { decodeStaticInvoice } from '../../src/bolt12/index.js';
import { MESSAGE_TYPES, decodeMessage, encodeMessage, messageKindOf, type OnionMessage } from '../../src/messages/index.js';
import { asyncOffer, invoiceRequestFor, path, sciddirPath, staticInvoiceFor, pub } from './bolt12-fixtures.js';

/** The full onion TLV record (type ‖ length ‖ value) of a message, as hex. */
function record(m: OnionMessage): string {
  const { type, value } = encodeMessage(m);
  return toHex(concatBytes(encodeBigSize(type), encodeBigSize(value.length), value));
}
/** Splits a full record back into (type, value) and decodes it. */
function fromRecord(hex: string): OnionMessage {
  const b = fromHex(hex.replace(/[\s<>]/g, ''));
  let o = 0;
  const t = b[0]! === 0xfe ? ((o = 5), BigInt(new DataView(b.buffer).getUint32(1))) : ((o = 1), BigInt(b[0]!));
  const len = b[o]!;
  assert.ok(len < 0xfd);
  assert.equal(b.length, o + 1 + len);
  return decodeMessage(t, b.subarray(o + 1));
}
const rejects = (type: bigint, value: Uint8Array | string, re: RegExp): void => {
  const v = typeof value === 'string' ? fromHex(value) : value;
  assert.throws(() => decodeMessage(type, v), (e: unknown) => e instanceof DecodeError && re.test(e.message));
};

describe('async-protocol.md §4 examples', () => {
  test('§4.2 offer_paths_request slot 3: fe00012714 05 04 00 02 0003', () => {
    const hex = 'fe00012714 05 04 00 02 0003'.replace(/ /g, '');
    assert.deepEqual(fromRecord(hex), { kind: 'offer_paths_request', invoiceSlot: 3 });
    assert.equal(record({ kind: 'offer_paths_request', invoiceSlot: 3 }), hex);
  });
  test('§4.3 offer_paths: one 1-hop path with 10 bytes of data, expiry 1767225600', () => {
    const p = path(7, 1, 10);
    const pb = encodeBlindedPath(p);
    assert.equal(pb.length, 112);
    const hex = `fe00012716 7d 7c 00 70 ${toHex(pb)} 02 08 000000006955b900`.replace(/ /g, '');
    assert.deepEqual(fromRecord(hex), { kind: 'offer_paths', paths: [p], pathsAbsoluteExpiry: 1767225600n });
    assert.equal(record({ kind: 'offer_paths', paths: [p], pathsAbsoluteExpiry: 1767225600n }), hex);
  });
  test('§4.4 serve_static_invoice layout: 00 fd-length invoice, 02 path', () => {
    const inv = staticInvoiceFor(asyncOffer());
    const fwd = sciddirPath(70);
    const m: OnionMessage = { kind: 'serve_static_invoice', invoice: inv.bytes, forwardInvoiceRequestPath: fwd };
    const { type, value } = encodeMessage(m);
    assert.equal(type, 75544n);
    const fb = encodeBlindedPath(fwd);
    const inner = concatBytes(new Uint8Array([0]), encodeBigSize(inv.bytes.length), inv.bytes, new Uint8Array([2]), encodeBigSize(fb.length), fb);
    assert.ok(inv.bytes.length >= 0xfd); // the 3-byte fd form, as the doc says
    assert.equal(toHex(value), toHex(concatBytes(encodeBigSize(inner.length), inner)));
    const back = decodeMessage(type, value);
    assert.deepEqual(back, m);
    assert.ok(back.kind === 'serve_static_invoice' && decodeStaticInvoice(back.invoice).createdAt === inv.createdAt);
  });
  test('§4.5 static_invoice_persisted: fe0001271a 01 00', () => {
    assert.deepEqual(fromRecord('fe0001271a0100'), { kind: 'static_invoice_persisted' });
    assert.equal(record({ kind: 'static_invoice_persisted' }), 'fe0001271a0100');
  });
  test('§4.6 held_htlc_available: 48 01 00', () => {
    assert.deepEqual(fromRecord('480100'), { kind: 'held_htlc_available' });
    assert.equal(record({ kind: 'held_htlc_available' }), '480100');
  });
  test('§4.7 release_held_htlc: 4a 01 00', () => {
    assert.deepEqual(fromRecord('4a0100'), { kind: 'release_held_htlc' });
    assert.equal(record({ kind: 'release_held_htlc' }), '4a0100');
  });
  test('§3.1 BigSize of every type number', () => {
    const want: Record<string, string> = {
      invoice_request: '40', invoice: '42', invoice_error: '44', static_invoice: '46', held_htlc_available: '48',
      release_held_htlc: '4a', offer_paths_request: 'fe00012714', offer_paths: 'fe00012716',
      serve_static_invoice: 'fe00012718', static_invoice_persisted: 'fe0001271a',
    };
    for (const [k, t] of Object.entries(MESSAGE_TYPES)) {
      assert.equal(toHex(encodeBigSize(t)), want[k], k);
      assert.equal(messageKindOf(t), k);
    }
  });
});

describe('round trips: every message type', () => {
  const offer = asyncOffer();
  const all: OnionMessage[] = [
    { kind: 'invoice_request', bytes: invoiceRequestFor(offer).bytes },
    { kind: 'invoice', bytes: new Uint8Array([0xa0, 0x01, 0x00]) },
    { kind: 'invoice_error', error: 'Unknown offer', framing: 'ldk' },
    { kind: 'invoice_error', erroneous: { field: 82n }, error: 'amount too low', framing: 'ldk' },
    { kind: 'invoice_error', erroneous: { field: 82n, suggestedValue: fromHex('2710') }, error: 'x', framing: 'ldk' },
    { kind: 'invoice_error', erroneous: { field: 0n, suggestedValue: new Uint8Array(0) }, error: '', framing: 'bolt4' },
    { kind: 'invoice_error', error: 'é ✓', framing: 'bolt4' },
    { kind: 'static_invoice', bytes: staticInvoiceFor(offer).bytes },
    { kind: 'offer_paths_request', invoiceSlot: 0 },
    { kind: 'offer_paths_request', invoiceSlot: 65535 },
    { kind: 'offer_paths', paths: [sciddirPath(1), path(3, 4, 100)] },
    { kind: 'offer_paths', paths: [], pathsAbsoluteExpiry: 0n },
    { kind: 'offer_paths', paths: [path(2)], pathsAbsoluteExpiry: 0xffffffffffffffffn },
    { kind: 'serve_static_invoice', invoice: staticInvoiceFor(offer).bytes, forwardInvoiceRequestPath: path(9, 2) },
    { kind: 'static_invoice_persisted' },
    { kind: 'held_htlc_available' },
    { kind: 'release_held_htlc' },
  ];
  all.forEach((m, i) => {
    test(`#${i} ${m.kind}`, () => {
      const { type, value } = encodeMessage(m);
      assert.equal(type, MESSAGE_TYPES[m.kind]);
      assert.deepEqual(decodeMessage(type, value), m);
      // and back to the same bytes
      assert.equal(toHex(encodeMessage(decodeMessage(type, value)).value), toHex(value));
    });
  });
  test('invoice_error is written with LDK framing by default', () => {
    const { value } = encodeMessage({ kind: 'invoice_error', error: 'ab' });
    assert.equal(toHex(value), '04' + '05026162');
  });
});

describe('framing and field rules', () => {
  const T = MESSAGE_TYPES;
  test('a zero-length value is rejected for every message', () => {
    for (const t of Object.values(T)) rejects(t, new Uint8Array(0), /empty/);
  });
  test('unknown onion message types (and bLIP 66 numbers) are rejected', () => {
    rejects(65540n, '0100', /unknown onion message type/);
    rejects(76n, '00', /unknown onion message type/);
  });
  test('length prefix must match exactly', () => {
    rejects(T.held_htlc_available, '01', /bad length prefix/);
    rejects(T.held_htlc_available, '0000', /trailing bytes/);
    rejects(T.offer_paths_request, '0600020003', /bad length prefix/);
    rejects(T.held_htlc_available, 'fd0001', /bad length prefix/); // non-minimal BigSize
  });
  test('the bare BOLT-style stream (no prefix) is not accepted for async bodies', () => {
    rejects(T.offer_paths_request, '00020003', /length prefix|trailing|unexpected end/);
  });
  test('unknown even inner field rejected, unknown odd skipped', () => {
    rejects(T.held_htlc_available, '03020100', /unknown even field 2/);
    assert.deepEqual(decodeMessage(T.held_htlc_available, fromHex('03010100')), { kind: 'held_htlc_available' });
    assert.deepEqual(decodeMessage(T.offer_paths_request, fromHex('0700020003030100')), { kind: 'offer_paths_request', invoiceSlot: 3 });
    rejects(T.offer_paths_request, '07000200030401ff', /unknown even field 4/);
  });
  test('missing required fields', () => {
    rejects(T.offer_paths_request, '00', /missing invoice_slot/);
    rejects(T.offer_paths, '0a020800000000000000ff', /missing paths/);
    const p = encodeBlindedPath(path(1));
    const onlyPath = encodeTlvStream([tlvRecord(2n, p)]);
    rejects(T.serve_static_invoice, concatBytes(encodeBigSize(onlyPath.length), onlyPath), /missing invoice/);
    const onlyInv = encodeTlvStream([tlvRecord(0n, fromHex('0102'))]);
    rejects(T.serve_static_invoice, concatBytes(encodeBigSize(onlyInv.length), onlyInv), /missing forward_invoice_request_path/);
    rejects(T.invoice_error, '0102ffff', /missing error/);
  });
  test('fixed-width integers: u16 slot is exactly 2 bytes, u64 expiry exactly 8', () => {
    rejects(T.offer_paths_request, '03000103', /exactly 2 bytes/); // truncated tu16 form
    rejects(T.offer_paths_request, '05' + '0003000003', /exactly 2 bytes/);
    assert.deepEqual(decodeMessage(T.offer_paths_request, fromHex('0400020000')), { kind: 'offer_paths_request', invoiceSlot: 0 });
    rejects(T.offer_paths, '08' + '0000' + '02046955b900', /exactly 8 bytes/);
    rejects(T.offer_paths, '0d' + '0000' + '0209006955b90000000000', /exactly 8 bytes/);
  });
  test('paths: trailing garbage, zero hops and bad keys are rejected', () => {
    const p = encodeBlindedPath(path(1));
    const mk = (v: Uint8Array) => {
      const inner = encodeTlvStream([tlvRecord(0n, v)]);
      return concatBytes(encodeBigSize(inner.length), inner);
    };
    rejects(T.offer_paths, mk(concatBytes(p, new Uint8Array([1]))), /./);
    const zero = p.slice();
    zero[66] = 0;
    rejects(T.offer_paths, mk(zero.subarray(0, 67)), /num_hops is 0/);
    const badKey = p.slice();
    badKey[33] = 5;
    rejects(T.offer_paths, mk(badKey), /public key/);
    // serve_static_invoice's path field holds exactly one path
    const two = encodeTlvStream([tlvRecord(0n, fromHex('01')), tlvRecord(2n, concatBytes(p, p))]);
    rejects(T.serve_static_invoice, concatBytes(encodeBigSize(two.length), two), /trailing/);
  });
  test('encoders refuse out-of-range values', () => {
    assert.throws(() => encodeMessage({ kind: 'offer_paths_request', invoiceSlot: 65536 }), RangeError);
    assert.throws(() => encodeMessage({ kind: 'offer_paths_request', invoiceSlot: 1.5 }), RangeError);
    assert.throws(() => encodeMessage({ kind: 'offer_paths', paths: [], pathsAbsoluteExpiry: -1n }), RangeError);
    assert.throws(() => encodeMessage({ kind: 'static_invoice', bytes: new Uint8Array(0) }), RangeError);
    assert.throws(() => encodeMessage({ kind: 'serve_static_invoice', invoice: new Uint8Array(0), forwardInvoiceRequestPath: path(1) }), RangeError);
  });
});

describe('invoice_error framings (async-protocol.md §3.2)', () => {
  const T = MESSAGE_TYPES.invoice_error;
  test('BOLT 4 bare stream from CLN decodes', () => {
    // 5 error "Unknown offer"
    const bare = toHex(encodeTlvStream([tlvRecord(5n, new TextEncoder().encode('Unknown offer'))]));
    assert.deepEqual(decodeMessage(T, fromHex(bare)), { kind: 'invoice_error', error: 'Unknown offer', framing: 'bolt4' });
  });
  test('LDK length-prefixed stream decodes', () => {
    // 07 ‖ (01 01 52: erroneous_field 82) ‖ (05 02 "ab")
    assert.deepEqual(decodeMessage(T, fromHex('07' + '010152' + '05026162')), {
      kind: 'invoice_error', erroneous: { field: 82n }, error: 'ab', framing: 'ldk',
    });
  });
  test('both framings of the same error decode to the same fields', () => {
    const m = { erroneous: { field: 170n, suggestedValue: fromHex('0186a0') }, error: 'amount' };
    const ldk = encodeMessage({ kind: 'invoice_error', ...m, framing: 'ldk' }).value;
    const bare = encodeMessage({ kind: 'invoice_error', ...m, framing: 'bolt4' }).value;
    assert.notEqual(toHex(ldk), toHex(bare));
    assert.deepEqual(decodeMessage(T, ldk), { kind: 'invoice_error', ...m, framing: 'ldk' });
    assert.deepEqual(decodeMessage(T, bare), { kind: 'invoice_error', ...m, framing: 'bolt4' });
  });
  test('suggested_value without erroneous_field, bad UTF-8, non-minimal tu64 are rejected', () => {
    rejects(T, '0301aa0501' + '61', /suggested_value without erroneous_field/);
    rejects(T, '0502c328', /utf-8/);
    rejects(T, '01020052' + '050161', /not minimal/);
  });
  test('unknown even field rejected, unknown odd ignored', () => {
    rejects(T, '0401000501' + '61', /unknown even/);
    assert.deepEqual(decodeMessage(T, fromHex('05016107010a')), { kind: 'invoice_error', error: 'a', framing: 'bolt4' });
  });
});

test('fixture sanity: distinct keys', () => assert.notEqual(toHex(pub(1)), toHex(pub(2))));

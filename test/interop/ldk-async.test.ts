// LDK self-checks for the async-payments bodies LDK v0.1.2 knows:
// held_htlc_available (72) and release_held_htlc (74). Both are empty
// structs serialized by LDK's length-prefixed TLV macro, so the value is the
// single byte 00 (BigSize length 0 of an empty inner stream). LDK 0.1.2 has
// none of the four static-invoice-server messages (75540–75546).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import {
  ldkBlindedPath,
  ldkCreateOnionMessage,
  ldkDeliver,
  ldkHeldHtlcAvailableBody,
  ldkReadsAsyncBody,
  ldkReleaseHeldHtlcBody,
  loadLdk,
  testNodes,
} from './ldk/index.js';
import { AsyncPaymentsMessage, HeldHtlcAvailable, ReleaseHeldHtlc } from 'lightningdevkit';

const n = testNodes('payer', 'lsp', 'recipient');

await loadLdk();

describe('LDK async-payments bodies', () => {
  test('HeldHtlcAvailable.write() is 00', () => {
    assert.equal(toHex(ldkHeldHtlcAvailableBody()), '00');
  });

  test('ReleaseHeldHtlc.write() is 00', () => {
    assert.equal(toHex(ldkReleaseHeldHtlcBody()), '00');
  });

  test('AsyncPaymentsMessage wraps them with the same bytes', () => {
    assert.equal(toHex(AsyncPaymentsMessage.constructor_held_htlc_available(HeldHtlcAvailable.constructor_new()).write()), '00');
    assert.equal(toHex(AsyncPaymentsMessage.constructor_release_held_htlc(ReleaseHeldHtlc.constructor_new()).write()), '00');
  });

  // What LDK's readers accept as the value of TLV 72 / 74.
  const cases: Array<[string, boolean, string]> = [
    ['00', true, 'empty inner stream'],
    ['', false, 'zero-length value: LDK needs the BigSize length'],
    ['01', false, 'length 1 but nothing follows'],
    ['03010100', true, 'unknown odd inner TLV is skipped'],
    ['03000100', false, 'unknown even inner TLV (type 0) is rejected'],
    ['fd0000', false, 'non-minimal BigSize length'],
    ['0000', true, 'trailing bytes after the inner stream are ignored'],
  ];
  for (const [hex, ok, why] of cases) {
    test(`LDK reads ${JSON.stringify(hex)} as 72 and 74: ${ok ? 'accepts' : 'rejects'} (${why})`, () => {
      assert.equal(ldkReadsAsyncBody(72, fromHex(hex)), ok);
      assert.equal(ldkReadsAsyncBody(74, fromHex(hex)), ok);
    });
  }

  test('LDK sends its own ReleaseHeldHtlc contents as onion TLV 74 = 00', () => {
    const path = ldkBlindedPath({ intermediate: [n.lsp.pub], recipient: n.payer.pub });
    const m = ldkCreateOnionMessage({ to: { path: path.bytes }, contents: ReleaseHeldHtlc.constructor_new().as_OnionMessageContents() });
    const d = ldkDeliver(m, n.keys);
    assert.equal(d.final.type, 74n);
    assert.equal(toHex(d.final.body), '00');
  });
});

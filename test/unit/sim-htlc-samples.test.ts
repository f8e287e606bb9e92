// The simulator's htlc_accepted payloads against the ones a real lightningd v26.06 sent
// (cln-samples.json): the sample's raw payload goes through the simulator's onion_decode
// and payload serializer with the sample's HTLC, and the result must equal the sample
// field by field and in key order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromHex } from '../../src/codec/bytes.js';
import { asPubKey, randomPrivKey } from '../../src/crypto/secp.js';
import { decodeHopPayload, unframeHopPayload } from '../../src/onion/hop_payload.js';
import { lightningdOnionDecode, type OnionPayload } from '../sim/htlc-decode.js';
import { htlcAcceptedPayload } from '../sim/htlc-hook-payload.js';

const samples = JSON.parse(readFileSync(new URL('../../../test/sim/cln-samples.json', import.meta.url), 'utf8')).samples as Record<string, { params: any }>;
const sample = (prefix: string) => Object.entries(samples).find(([k]) => k.startsWith(prefix))![1].params;

/** The sample's HTLC as the simulator would serialize it, with a decode outcome and tip. */
function reproduce(s: any, payload: OnionPayload | undefined, blockheight: number) {
  return htlcAcceptedPayload({
    peerId: s.peer_id,
    rawPayload: fromHex(s.onion.payload),
    ...(payload ? { payload } : {}),
    nextOnion: fromHex(s.onion.next_onion),
    sharedSecret: fromHex(s.onion.shared_secret),
    shortChannelId: s.htlc.short_channel_id,
    htlcId: s.htlc.id,
    amountMsat: BigInt(s.htlc.amount_msat),
    cltvExpiry: s.htlc.cltv_expiry,
    blockheight,
    paymentHash: fromHex(s.htlc.payment_hash),
    ...(s.htlc.extra_tlvs ? { extraTlvs: fromHex(s.htlc.extra_tlvs) } : {}),
  });
}

/** JSON text equality also checks key order. */
const same = (a: unknown, b: unknown) => assert.equal(JSON.stringify(a), JSON.stringify(b));

function decodeAt(s: any, pathKeyFromExtra: boolean) {
  return lightningdOnionDecode({
    nodePriv: randomPrivKey(), // decode fails before any decryption in these cases
    rawPayload: fromHex(s.onion.payload),
    final: true,
    ...(pathKeyFromExtra ? { pathKey: asPubKey(fromHex(s.htlc.extra_tlvs).subarray(2)) } : {}),
    amountIn: BigInt(s.htlc.amount_msat),
    cltvExpiry: s.htlc.cltv_expiry,
  });
}

test('htlc_accepted sample: static-invoice payload (5482373484 is unknown even) → no onion.type, extra_tlvs with the path key', () => {
  const s = sample('htlc_accepted (static-invoice');
  const d = decodeAt(s, true);
  assert.equal(d.ok, false);
  if (!d.ok) assert.equal(d.failTlvType, 5482373484n);
  same(reproduce(s, undefined, s.htlc.cltv_expiry - s.htlc.cltv_expiry_relative), s);
});

test('htlc_accepted sample: replay of the static-invoice HTLC → no extra_tlvs, cltv_expiry_relative = cltv_expiry (tip 0)', () => {
  const s = sample('htlc_accepted (replay after lightningd restart of a held static-invoice');
  assert.equal(decodeAt(s, false).ok, false);
  same(reproduce(s, undefined, 0), s);
});

test('htlc_accepted sample: replay of a normal-invoice HTLC → "current_path_key was not present", no onion.type', () => {
  const s = sample('htlc_accepted (replay after restart of a held normal-invoice');
  const d = decodeAt(s, false);
  assert.equal(d.ok, false);
  if (!d.ok) assert.match(d.explanation, /current_path_key was not present/);
  same(reproduce(s, undefined, 0), s);
});

test('htlc_accepted sample: createinvoice-registered bolt12 payment → type tlv, forward_msat, outgoing_cltv_value, total_msat, payment_secret = path_id', () => {
  const s = sample('htlc_accepted (normal BOLT 12 invoice');
  // The path_id comes out of n3's encrypted data, which only n3's key opens; the rest of
  // the decoded payload is read from the sample's own bytes.
  const tlv = decodeHopPayload(unframeHopPayload(fromHex(s.onion.payload)));
  const payload: OnionPayload = {
    final: true,
    amtToForward: tlv.amtToForward!,
    outgoingCltv: tlv.outgoingCltvValue!,
    totalMsat: tlv.totalAmountMsat!,
    paymentSecret: fromHex(s.onion.payment_secret),
    tlv,
  };
  same(reproduce(s, payload, s.htlc.cltv_expiry - s.htlc.cltv_expiry_relative), s);
  // With the wrong node key the same bytes do not decode: the simulator does decrypt TLV 10.
  const d = decodeAt(s, true);
  assert.equal(d.ok, false);
  if (!d.ok) assert.match(d.explanation, /encrypted_recipient_data/);
});

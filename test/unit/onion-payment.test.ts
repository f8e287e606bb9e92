// Payment onions: hop payload codec, the builder for a clear route ending in a blinded
// path (the blinded-payment-onion-test.json onion rebuilt from its parts), peeling with
// next_onion, and the BOLT 4 failure onion (onion-error-test.json, "Returning Errors").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBigSize } from '../../src/codec/bigsize.js';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { deriveKey } from '../../src/crypto/hash.js';
import { pubFromPriv, randomBytes, randomPrivKey } from '../../src/crypto/secp.js';
import {
  buildFailurePacket,
  buildPaymentOnion,
  createBlindedPath,
  createFailureOnion,
  decodeFailureOnion,
  decodeHopPayload,
  encodeHopPayload,
  extraRecord,
  failcodeName,
  FAILCODE,
  peelPaymentOnion,
  PayloadDecodeError,
  PAYLOAD_KEYSEND_PREIMAGE,
  PAYLOAD_LDK_INVOICE_REQUEST,
  sphinxKeySchedule,
  unframeHopPayload,
  unblindHop,
  wrapFailurePacket,
  type BlindedPath,
} from '../../src/onion/index.js';
import { loadVector, priv, pub, scidFromString } from './onion-helpers.js';

const samples = JSON.parse(
  (await import('node:fs')).readFileSync(new URL('../../../test/sim/cln-samples.json', import.meta.url), 'utf8'),
).samples as Record<string, { params: any }>;
const sample = (prefix: string) => Object.entries(samples).find(([k]) => k.startsWith(prefix))![1].params;

test('hop payload: every onion-test.json payload decodes and re-encodes to the same bytes', () => {
  const v = loadVector('onion-test.json');
  for (const h of v.generate.hops) {
    const framed = fromHex(h.payload);
    const stream = unframeHopPayload(framed);
    const p = decodeHopPayload(stream);
    assert.equal(toHex(encodeHopPayload(p)), toHex(stream));
  }
});

test('hop payload: the static-invoice sample payload (2,4,10,18,77777,5482373484) decodes with its extras', () => {
  const s = sample('htlc_accepted (static-invoice');
  const p = decodeHopPayload(unframeHopPayload(fromHex(s.onion.payload)));
  assert.equal(p.amtToForward, 100000n);
  assert.equal(p.outgoingCltvValue, 43);
  assert.equal(p.totalAmountMsat, 100000n);
  assert.equal(p.encryptedRecipientData!.length, 0x39);
  assert.equal(p.currentPathKey, undefined);
  assert.deepEqual(p.extra!.map((e) => e.type), [PAYLOAD_LDK_INVOICE_REQUEST, PAYLOAD_KEYSEND_PREIMAGE]);
  assert.equal(extraRecord(p, PAYLOAD_KEYSEND_PREIMAGE)!.length, 32);
  assert.equal(toHex(encodeHopPayload(p)), toHex(unframeHopPayload(fromHex(s.onion.payload))));
});

test('hop payload: bad shapes are PayloadDecodeErrors naming the type; the length prefix must match', () => {
  const bad = [
    ['0603' + '000000', 6n], // short_channel_id not 8 bytes
    ['0c02' + '0202', 12n], // path key not 33 bytes
    ['0202' + '0001', 2n], // non-minimal tu64
    ['0810' + '00'.repeat(16), 8n], // payment_data shorter than the secret
  ] as const;
  for (const [hex, type] of bad) {
    assert.throws(() => decodeHopPayload(fromHex(hex)), (e: unknown) => e instanceof PayloadDecodeError && e.tlvType === type);
  }
  assert.throws(() => decodeHopPayload(fromHex('0401010201')), PayloadDecodeError); // not ascending
  assert.throws(() => unframeHopPayload(fromHex('05020101')));
  assert.throws(() => encodeHopPayload({ extra: [{ type: 2n, value: new Uint8Array(1) }] }), RangeError);
});

test('payment onion: the blinded-payment vector onion is rebuilt from a route + blinded tail', () => {
  const v = loadVector('blinded-payment-onion-test.json');
  const g = v.generate;
  const br = g.blinded_route;
  const path: BlindedPath = {
    intro: { kind: 'pubkey', nodeId: pub(br.first_node_id) },
    firstPathKey: pub(br.first_path_key),
    hops: br.hops.map((h: any) => ({ blindedNodeId: pub(h.blinded_node_id), encryptedData: fromHex(h.encrypted_data) })),
  };
  const alice = g.full_route.hops[0];
  const built = buildPaymentOnion({
    route: [
      { nodeId: pub(alice.pubkey), shortChannelId: 1n, amountMsat: 111000n, cltvExpiry: 749200 },
      { nodeId: pub(br.first_node_id), shortChannelId: scidFromString(alice.tlvs.outgoing_channel_id), amountMsat: BigInt(alice.tlvs.amt_to_forward), cltvExpiry: alice.tlvs.outgoing_cltv_value },
    ],
    blinded: { path, amountMsat: BigInt(g.final_amount_msat), finalCltv: g.final_cltv, totalMsat: 150000n },
    paymentHash: fromHex(g.associated_data),
    sessionKey: priv(g.session_key),
  });
  assert.equal(toHex(built.packet), g.onion);
  assert.equal(built.sharedSecrets.length, 5);
  assert.equal(toHex(built.firstHop.id), alice.pubkey);
  // The shared secrets are the ones each hop computes when peeling.
  const dec: any[] = v.decrypt.hops;
  let pathKey: Uint8Array | undefined;
  let packet = built.packet;
  for (const [i, h] of dec.entries()) {
    const l = peelPaymentOnion(priv(h.node_privkey), packet, fromHex(g.associated_data), i >= 2 ? pathKey : undefined);
    assert.equal(toHex(l.sharedSecret), toHex(built.sharedSecrets[i]!));
    const p = decodeHopPayload(l.payload);
    if (i === 1) pathKey = p.currentPathKey;
    if (i >= 1) pathKey = unblindHop(priv(h.node_privkey), pathKey!, p.encryptedRecipientData!).nextPathKey;
    assert.equal(l.isFinal, i === dec.length - 1);
    assert.equal(l.nextOnion.length, 1366);
    const { value, size } = decodeBigSize(l.framedPayload);
    assert.equal(Number(value), l.framedPayload.length - size);
    packet = l.nextOnion;
  }
});

test('payment onion: a clear route with payment_data; a tampered packet fails its HMAC at the first hop', () => {
  const keys = [randomPrivKey(), randomPrivKey()];
  const hash = randomBytes(32);
  const secret = randomBytes(32);
  const built = buildPaymentOnion({
    route: [
      { nodeId: pubFromPriv(keys[0]!), shortChannelId: 7n, amountMsat: 1001n, cltvExpiry: 130 },
      { nodeId: pubFromPriv(keys[1]!), shortChannelId: 9n, amountMsat: 1000n, cltvExpiry: 124 },
    ],
    final: { paymentSecret: secret, totalMsat: 3000n, extra: [{ type: 65537n, value: new Uint8Array([1]) }] },
    paymentHash: hash,
  });
  assert.deepEqual(built.firstHop, { id: pubFromPriv(keys[0]!), amountMsat: 1001n, delay: 130 });
  const l0 = peelPaymentOnion(keys[0]!, built.packet, hash);
  assert.deepEqual(decodeHopPayload(l0.payload), { amtToForward: 1000n, outgoingCltvValue: 124, shortChannelId: 9n });
  const l1 = peelPaymentOnion(keys[1]!, l0.nextOnion, hash);
  const p1 = decodeHopPayload(l1.payload);
  assert.equal(l1.isFinal, true);
  assert.equal(p1.paymentData!.totalMsat, 3000n);
  assert.equal(toHex(p1.paymentData!.paymentSecret), toHex(secret));
  assert.equal(extraRecord(p1, 65537n)![0], 1);
  const bad = built.packet.slice();
  bad[100]! ^= 1;
  assert.throws(() => peelPaymentOnion(keys[0]!, bad, hash));
  assert.throws(() => peelPaymentOnion(keys[0]!, built.packet, randomBytes(32)), /hmac/);
});

test('payment onion: a one-hop blinded path whose recipient is the intro reads 10 and 12 in its final payload', () => {
  const r = randomPrivKey();
  const path = createBlindedPath([{ nodeId: pubFromPriv(r), data: { pathId: new Uint8Array(32).fill(7) } }]);
  const hash = randomBytes(32);
  const built = buildPaymentOnion({
    route: [{ nodeId: pubFromPriv(r), shortChannelId: 5n, amountMsat: 5000n, cltvExpiry: 140 }],
    blinded: { path, amountMsat: 5000n, finalCltv: 140, totalMsat: 5000n },
    paymentHash: hash,
  });
  const l = peelPaymentOnion(r, built.packet, hash);
  const p = decodeHopPayload(l.payload);
  assert.equal(l.isFinal, true);
  assert.equal(toHex(p.currentPathKey!), toHex(path.firstPathKey));
  assert.equal(toHex(unblindHop(r, p.currentPathKey!, p.encryptedRecipientData!).data.pathId!), '07'.repeat(32));
});

const ev = loadVector('onion-error-test.json');

test('failure onion: shared secrets of onion-error-test.json come from the key schedule', () => {
  const ss = sphinxKeySchedule(ev.generate.hops.map((h: any) => pub(h.pubkey)), priv(ev.generate.session_key));
  assert.deepEqual(ss.map((k) => toHex(k.sharedSecret)), ev.generate.hops.map((h: any) => h.hop_shared_secret));
  for (const h of ev.generate.hops) assert.equal(toHex(deriveKey('ammag', fromHex(h.hop_shared_secret))), h.ammag_key);
});

test('failure onion: hops[4] builds the vector payload, 5 wraps give the vector errorpacket, the origin decodes index 4', () => {
  const hops: any[] = ev.generate.hops;
  const ss = hops.map((h) => fromHex(h.hop_shared_secret));
  const msg = fromHex(ev.generate.failure_message);
  const body = buildFailurePacket(ss[4]!, msg);
  assert.equal(toHex(deriveKey('um', ss[4]!)), hops[4].um_key);
  assert.equal(toHex(body.subarray(32)), hops[4].payload);
  let p = wrapFailurePacket(ss[4]!, body);
  assert.equal(toHex(p), toHex(createFailureOnion(ss[4]!, msg)));
  for (let i = 3; i >= 0; i--) p = wrapFailurePacket(ss[i]!, p);
  assert.equal(toHex(p), ev.errorpacket);
  const d = decodeFailureOnion(ss, p)!;
  assert.equal(d.hopIndex, 4);
  assert.equal(d.failcode, 0x2002);
  assert.equal(toHex(d.failureMessage), '2002');
  assert.equal(failcodeName(d.failcode), 'WIRE_TEMPORARY_NODE_FAILURE');
});

test('failure onion: a flipped bit or the wrong secrets decode to nothing; names of the codes used', () => {
  const ss = ev.generate.hops.map((h: any) => fromHex(h.hop_shared_secret));
  const p = fromHex(ev.errorpacket);
  p[40]! ^= 1;
  assert.equal(decodeFailureOnion(ss, p), undefined);
  assert.equal(decodeFailureOnion([randomBytes(32)], fromHex(ev.errorpacket)), undefined);
  assert.equal(decodeFailureOnion(ss, new Uint8Array(10)), undefined);
  assert.equal(FAILCODE.invalid_onion_blinding, 0xc018);
  assert.equal(failcodeName(0xc018), 'WIRE_INVALID_ONION_BLINDING');
  assert.equal(failcodeName(0x400f), 'WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS');
});

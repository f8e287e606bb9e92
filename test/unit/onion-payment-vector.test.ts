// blinded-payment-onion-test.json: a payment onion to a partially blinded route
// (Alice clear, then Bob … Eve blinded, current_path_key at Bob). Checks the blinded
// path (path keys, blinded ids, encrypted data), the packet, and every hop's peel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBigSize } from '../../src/codec/bigsize.js';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { findRecord, parseTlvStream } from '../../src/codec/tlv.js';
import { pubFromPriv } from '../../src/crypto/secp.js';
import {
  blindHops,
  buildSphinxPacket,
  createBlindedPath,
  encodeEncryptedData,
  peelSphinxPacket,
  unblindHop,
  type BlindingNode,
} from '../../src/onion/index.js';
import { encryptedDataFromJson, loadVector, priv, pub } from './onion-helpers.js';

const v = loadVector('blinded-payment-onion-test.json');
const g = v.generate;
const full: any[] = g.full_route.hops;
const dec: any[] = v.decrypt.hops;
const ad = fromHex(g.associated_data);

// Real node ids of Bob … Eve come from the decrypt keys (the route shows blinded ids).
const realIds = dec.map((h) => pubFromPriv(priv(h.node_privkey)));
const nodesFor = (from: number, to: number): BlindingNode[] =>
  full.slice(from, to).map((h, i) => ({ nodeId: realIds[from + i]!, data: encryptedDataFromJson(h.tlvs.encrypted_recipient_data) }));
// The vector reuses route-blinding-test's creators: Bob with 0202…, Eve with 0101….
const bobPart = createBlindedPath(nodesFor(1, 3), priv('02'.repeat(32)));
const evePart = createBlindedPath(nodesFor(3, 5), priv('01'.repeat(32)));
const blindedHops = [...bobPart.hops, ...evePart.hops];

const payloadTlvs = (hex: string) => {
  const b = fromHex(hex);
  const { value, size } = decodeBigSize(b);
  assert.equal(Number(value), b.length - size);
  return { raw: b.subarray(size), recs: parseTlvStream(b.subarray(size)) };
};

test('blinded payment: Bob → Carol part has the vector first_path_key and intro', () => {
  assert.equal(toHex(bobPart.firstPathKey), g.blinded_route.first_path_key);
  assert.equal(bobPart.intro.kind === 'pubkey' && toHex(bobPart.intro.nodeId), g.blinded_route.first_node_id);
  // Carol's override must be Eve's first path key for the join to work.
  assert.equal(toHex(evePart.firstPathKey), full[2].tlvs.encrypted_recipient_data.next_path_key_override);
});

for (const [i, h] of (g.blinded_route.hops as any[]).entries()) {
  test(`blinded payment route: hop ${h.alias} blinded id and encrypted data`, () => {
    assert.equal(toHex(blindedHops[i]!.blindedNodeId), h.blinded_node_id);
    assert.equal(toHex(blindedHops[i]!.encryptedData), h.encrypted_data);
    // The onion's pubkey for a blinded hop is its blinded id (Bob, the intro, is clear).
    assert.equal(full[i + 1].pubkey, i === 0 ? toHex(realIds[1]!) : h.blinded_node_id);
    // and the same ciphertext sits in that hop's payload as TLV 10
    const rec = findRecord(payloadTlvs(full[i + 1].payload).recs, 10);
    assert.equal(toHex(rec!.value), h.encrypted_data);
  });
}

test('blinded payment: path keys chain as in route-blinding (Bob, Carol, Dave=override, Eve)', () => {
  const bob = blindHops(nodesFor(1, 3), priv('02'.repeat(32)));
  const eve = blindHops(nodesFor(3, 5), priv('01'.repeat(32)));
  const keys = [...bob, ...eve].map((h) => toHex(h.pathKey));
  assert.deepEqual(keys, [g.blinded_route.first_path_key, dec[1].next_path_key, dec[2].next_path_key, dec[3].next_path_key]);
});

test('blinded payment: Bob\'s payload carries current_path_key = first_path_key (TLV 12)', () => {
  const rec = findRecord(payloadTlvs(full[1].payload).recs, 12);
  assert.equal(toHex(rec!.value), full[1].tlvs.current_path_key);
  assert.equal(full[1].tlvs.current_path_key, g.blinded_route.first_path_key);
});

test('blinded payment: onion built from full_route equals the vector onion', () => {
  const packet = buildSphinxPacket({
    hopPubkeys: full.map((h) => pub(h.pubkey)),
    payloads: full.map((h) => payloadTlvs(h.payload).raw),
    sessionKey: priv(g.session_key),
    associatedData: ad,
  });
  assert.equal(toHex(packet), g.onion);
  assert.equal(dec[0].onion, g.onion);
});

let pathKey: Uint8Array | undefined;
for (const [i, h] of dec.entries()) {
  test(`blinded payment decrypt: hop ${h.alias}`, () => {
    const nodePriv = priv(h.node_privkey);
    let layerPriv = nodePriv;
    let unblinded: ReturnType<typeof unblindHop> | undefined;
    if (i === 1) {
      // Bob is the introduction point: his layer is to his real id; the path key is in the payload.
      const l = peelSphinxPacket(nodePriv, fromHex(h.onion), ad);
      pathKey = findRecord(parseTlvStream(l.payload), 12)!.value;
    } else if (i > 1) {
      unblinded = unblindHop(nodePriv, pathKey!, fromHex(g.blinded_route.hops[i - 1].encrypted_data));
      layerPriv = unblinded.blindedPriv;
      assert.equal(toHex(pubFromPriv(layerPriv)), full[i].pubkey);
    }
    const l = peelSphinxPacket(layerPriv, fromHex(h.onion), ad);
    assert.equal(toHex(l.payload), toHex(payloadTlvs(full[i].payload).raw));
    assert.equal(l.isFinal, i === dec.length - 1);
    if (!l.isFinal) assert.equal(toHex(l.nextPacket!), dec[i + 1].onion);
    if (i >= 1) {
      const enc = findRecord(parseTlvStream(l.payload), 10)!.value;
      const u = unblinded ?? unblindHop(nodePriv, pathKey!, enc);
      assert.equal(toHex(encodeEncryptedData(u.data)), toHex(encodeEncryptedData(encryptedDataFromJson(full[i].tlvs.encrypted_recipient_data))));
      assert.equal(toHex(u.nextPathKey), h.next_path_key);
      pathKey = u.nextPathKey;
    }
  });
}

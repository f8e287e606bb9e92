// blinded-onion-message-onion-test.json: Dave's path Bob → Carol → Dave, joined by a
// sender-made hop at Alice; build the 1366-byte packet exactly and peel it at every hop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { deriveKey, sha256 } from '../../src/crypto/hash.js';
import { pubFromPriv } from '../../src/crypto/secp.js';
import {
  blindHops,
  buildOnionMessageToBlindedPath,
  createBlindedPath,
  decodeOnionMessageWire,
  encodeEncryptedData,
  encodeOnionMessageWire,
  peelOnionMessage,
  unblindHop,
  type BlindingNode,
} from '../../src/onion/index.js';
import { encryptedDataFromJson, loadVector, priv, pub } from './onion-helpers.js';

const v = loadVector('blinded-onion-message-onion-test.json');
const gen: any[] = v.generate.hops;
const dec: any[] = v.decrypt.hops;
const nodeIds = dec.map((h) => pubFromPriv(priv(h.privkey)));
const hello = { unknown: [{ type: 1n, value: fromHex(v.onionmessage.unknown_tag_1) }] };

/** The vector's `next_e` has a stray trailing 01 (a WIF-style suffix); the key is the first 32 bytes. */
const nextE = (h: any): string => {
  assert.equal(h.next_e.length, 66);
  assert.ok(h.next_e.endsWith('01'));
  return h.next_e.slice(0, 64);
};

// Dave made Bob → Carol → Dave from 0101… (Bob's path_key_secret).
const daveNodes: BlindingNode[] = gen.slice(1).map((h, i) => ({ nodeId: nodeIds[i + 1]!, data: encryptedDataFromJson(h.tlvs) }));
const davePath = createBlindedPath(daveNodes, priv(gen[1].path_key_secret));

for (const [i, h] of gen.entries()) {
  test(`blinded onion message generate: hop ${h.alias} (tlv, ss, blinded id, E, next_e, rho, ciphertext)`, () => {
    assert.equal(toHex(encodeEncryptedData(encryptedDataFromJson(h.tlvs))), h.encrypted_data_tlv);
    // Alice's hop is the sender's own chain (6363…); the others are Dave's (0101…).
    const nodes = i === 0 ? [{ nodeId: nodeIds[0]!, data: encryptedDataFromJson(h.tlvs) }] : daveNodes;
    const d = blindHops(nodes, priv(i === 0 ? h.path_key_secret : gen[1].path_key_secret))[i === 0 ? 0 : i - 1]!;
    assert.equal(toHex(d.pathPrivKey), h.path_key_secret);
    assert.equal(toHex(d.sharedSecret), h.ss);
    assert.equal(toHex(deriveKey('blinded_node_id', d.sharedSecret)), h["HMAC256('blinded_node_id', ss)"]);
    assert.equal(toHex(d.blindedNodeId), h.blinded_node_id);
    assert.equal(toHex(d.pathKey), h.E);
    assert.equal(toHex(sha256(d.pathKey, d.sharedSecret)), h['H(E || ss)']);
    assert.equal(toHex(d.rho), h.rho);
    assert.equal(toHex(d.encryptedData), h.encrypted_recipient_data);
    // e_{i+1} = H(E‖ss)·e_i: the next hop of Dave's chain starts from it.
    if (i >= 1 && i < gen.length - 1) assert.equal(gen[i + 1].path_key_secret, nextE(h));
    else nextE(h); // still well-formed
  });
}

test('blinded onion message: Alice override equals Dave\'s first path key (the join)', () => {
  assert.equal(toHex(davePath.firstPathKey), gen[0].tlvs.next_path_key_override);
  assert.equal(toHex(pubFromPriv(priv(gen[0].tlvs.path_key_override_secret))), gen[0].tlvs.next_path_key_override);
});

test('blinded onion message route: the joined path equals the vector route', () => {
  const alice = blindHops([{ nodeId: nodeIds[0]!, data: encryptedDataFromJson(gen[0].tlvs) }], priv(gen[0].path_key_secret))[0]!;
  assert.equal(toHex(nodeIds[0]!), v.route.first_node_id);
  assert.equal(toHex(alice.pathKey), v.route.first_path_key);
  const hops = [alice, ...davePath.hops];
  for (const [i, h] of (v.route.hops as any[]).entries()) {
    assert.equal(toHex(hops[i]!.blindedNodeId), h.blinded_node_id);
    assert.equal(toHex(hops[i]!.encryptedData), h.encrypted_recipient_data);
  }
});

const built = buildOnionMessageToBlindedPath({
  ourNodeId: nodeIds[0]!, // the first layer is Alice's: she plays "us" here
  path: davePath,
  payload: hello,
  pathKeySecret: priv(gen[0].path_key_secret),
  sessionKey: priv(v.generate.session_key),
});

test('blinded onion message: packet equals onion_message_packet byte for byte (1366 bytes)', () => {
  assert.equal(built.packet.length, 1366);
  assert.equal(toHex(built.packet), v.onionmessage.onion_message_packet);
  assert.equal(toHex(built.pathKey), v.route.first_path_key);
});

test('blinded onion message: the 0x0201 wire form equals Alice\'s incoming onion_message', () => {
  const wire = encodeOnionMessageWire(built);
  assert.equal(wire.length, 1403);
  assert.equal(toHex(wire), dec[0].onion_message);
  const back = decodeOnionMessageWire(wire);
  assert.equal(toHex(back.pathKey), toHex(built.pathKey));
  assert.equal(toHex(back.packet), toHex(built.packet));
});

for (const [i, h] of dec.entries()) {
  test(`blinded onion message decrypt: hop ${h.alias} peels to the vector's values`, () => {
    const { pathKey, packet } = decodeOnionMessageWire(fromHex(h.onion_message));
    const r = peelOnionMessage(priv(h.privkey), pathKey, packet);
    // Unblinding alone gives the same encrypted data (the onion layer carries it).
    const u = unblindHop(priv(h.privkey), pathKey, fromHex(v.route.hops[i].encrypted_recipient_data));
    assert.equal(toHex(u.plaintext), gen[i].encrypted_data_tlv);
    assert.equal(toHex(encodeEncryptedData(r.encryptedData)), gen[i].encrypted_data_tlv);
    if (h.next_node_id) {
      assert.equal(r.kind, 'forward');
      if (r.kind !== 'forward') return;
      assert.ok('nodeId' in r.next);
      assert.equal('nodeId' in r.next && toHex(r.next.nodeId), h.next_node_id);
      assert.equal(toHex(encodeOnionMessageWire({ pathKey: r.nextPathKey, packet: r.nextPacket })), dec[i + 1].onion_message);
    } else {
      assert.equal(r.kind, 'final');
      if (r.kind !== 'final') return;
      assert.equal(toHex(r.onionmsg.encryptedRecipientData!), h.tlvs.encrypted_recipient_data);
      assert.deepEqual(
        r.onionmsg.unknown!.map((u) => [u.type, toHex(u.value)]),
        [[1n, h.tlvs.unknown_tag_1]],
      );
      assert.equal(Object.keys(h.tlvs).length, 2);
      assert.equal(r.onionmsg.message, undefined);
      assert.equal(r.onionmsg.replyPath, undefined);
      assert.equal(toHex(r.encryptedData.pathId!), gen[3].tlvs.path_id);
      assert.equal(toHex(r.encryptedData.padding!), '');
      assert.deepEqual(r.encryptedData.unknown!.map((u) => [u.type, toHex(u.value)]), [[65535n, '06c1']]);
    }
  });
}

test('blinded onion message: peeling the freshly built packet walks Alice → Bob → Carol → Dave', () => {
  let pathKey: Uint8Array = built.pathKey;
  let packet = built.packet;
  const seen: string[] = [];
  for (const [i, h] of dec.entries()) {
    const r = peelOnionMessage(priv(h.privkey), pathKey, packet);
    if (r.kind === 'forward') {
      assert.ok('nodeId' in r.next);
      if ('nodeId' in r.next) seen.push(toHex(r.next.nodeId));
      pathKey = r.nextPathKey;
      packet = r.nextPacket;
    } else {
      assert.equal(i, dec.length - 1);
      seen.push('final');
    }
  }
  assert.deepEqual(seen, [...nodeIds.slice(1).map((k) => toHex(k)), 'final']);
});

test('blinded onion message: each hop\'s packet key is the vector E of the onion (not the path key)', () => {
  // The path keys in the wire messages are Alice's E, Bob's E (= override), …
  for (const [i, h] of dec.entries()) {
    const { pathKey } = decodeOnionMessageWire(fromHex(h.onion_message));
    assert.equal(toHex(pathKey), gen[i].E);
  }
  assert.equal(pub(gen[1].E).length, 33);
});

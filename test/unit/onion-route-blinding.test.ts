// route-blinding-test.json: creating two blinded paths, joining them with
// next_path_key_override, and unblinding at every hop — every intermediate value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { aeadEncrypt } from '../../src/crypto/chacha.js';
import { pubFromPriv } from '../../src/crypto/secp.js';
import {
  blindedNodeId,
  blindHops,
  createBlindedPath,
  decodeEncryptedData,
  encodeEncryptedData,
  padToEqualLength,
  unblindHop,
  type BlindedPath,
  type BlindingNode,
} from '../../src/onion/index.js';
import { encryptedDataFromJson, loadVector, priv, pub } from './onion-helpers.js';

const v = loadVector('route-blinding-test.json');
const gen: any[] = v.generate.hops;

// Bob → Carol under 0202…, Dave → Eve under 0101… (the vector's two creators).
const bobPart = gen.slice(0, 2);
const evePart = gen.slice(2, 4);
const nodesOf = (hs: any[]): BlindingNode[] => hs.map((h) => ({ nodeId: pub(h.node_id), data: encryptedDataFromJson(h.tlvs) }));
const bobHops = blindHops(nodesOf(bobPart), priv(bobPart[0].session_key));
const eveHops = blindHops(nodesOf(evePart), priv(evePart[0].session_key));
const allHops = [...bobHops, ...eveHops];

for (const [i, h] of gen.entries()) {
  test(`route-blinding generate: hop ${h.alias} encodes its tlvs to encoded_tlvs`, () => {
    const enc = encodeEncryptedData(encryptedDataFromJson(h.tlvs));
    assert.equal(toHex(enc), h.encoded_tlvs);
    // and back: decoding then re-encoding is the identity
    assert.equal(toHex(encodeEncryptedData(decodeEncryptedData(enc))), h.encoded_tlvs);
  });

  test(`route-blinding generate: hop ${h.alias} path key, secret, rho, blinded id and ciphertext`, () => {
    const d = allHops[i]!;
    assert.equal(toHex(d.pathPrivKey), h.path_privkey);
    assert.equal(toHex(d.pathKey), h.path_key);
    assert.equal(toHex(d.sharedSecret), h.shared_secret);
    assert.equal(toHex(d.rho), h.rho);
    assert.equal(toHex(d.plaintext), h.encoded_tlvs);
    assert.equal(toHex(d.encryptedData), h.encrypted_data);
    assert.equal(toHex(d.blindedNodeId), h.blinded_node_id);
    // The exported helpers agree with the chain.
    assert.equal(toHex(blindedNodeId(pub(h.node_id), fromHex(h.shared_secret))), h.blinded_node_id);
    assert.equal(toHex(pubFromPriv(priv(h.path_privkey))), h.path_key);
    assert.equal(toHex(aeadEncrypt(fromHex(h.rho), fromHex(h.encoded_tlvs))), h.encrypted_data);
  });
}

test('route-blinding: raw tlv bytes blind the same as structured data', () => {
  const raw = blindHops(bobPart.map((h) => ({ nodeId: pub(h.node_id), data: fromHex(h.encoded_tlvs) })), priv(bobPart[0].session_key));
  assert.deepEqual(raw.map((h) => toHex(h.encryptedData)), bobHops.map((h) => toHex(h.encryptedData)));
});

test('route-blinding route: the joined path equals the vector route', () => {
  const bob = createBlindedPath(nodesOf(bobPart), priv(bobPart[0].session_key));
  const eve = createBlindedPath(nodesOf(evePart), priv(evePart[0].session_key));
  // Carol's hop carries Eve's first path key as override: that is what makes the join valid.
  assert.equal(toHex(decodeEncryptedData(fromHex(gen[1].encoded_tlvs)).nextPathKeyOverride!), toHex(eve.firstPathKey));
  const joined: BlindedPath = { intro: bob.intro, firstPathKey: bob.firstPathKey, hops: [...bob.hops, ...eve.hops] };
  assert.equal(joined.intro.kind, 'pubkey');
  assert.equal(joined.intro.kind === 'pubkey' && toHex(joined.intro.nodeId), v.route.first_node_id);
  assert.equal(toHex(joined.firstPathKey), v.route.first_path_key);
  assert.equal(joined.hops.length, v.route.hops.length);
  for (const [i, h] of (v.route.hops as any[]).entries()) {
    assert.equal(toHex(joined.hops[i]!.blindedNodeId), h.blinded_node_id);
    assert.equal(toHex(joined.hops[i]!.encryptedData), h.encrypted_data);
  }
});

for (const [i, h] of (v.unblind.hops as any[]).entries()) {
  test(`route-blinding unblind: hop ${h.alias}`, () => {
    const u = unblindHop(priv(h.node_privkey), fromHex(h.path_key), fromHex(v.route.hops[i].encrypted_data));
    assert.equal(toHex(u.blindedPriv), h.blinded_privkey);
    assert.equal(toHex(pubFromPriv(u.blindedPriv)), v.route.hops[i].blinded_node_id);
    assert.equal(toHex(u.plaintext), h.decrypted_data);
    assert.equal(toHex(u.sharedSecret), gen[i].shared_secret);
    assert.equal(toHex(u.nextPathKey), h.next_path_key_override ?? h.next_path_key);
    if (h.next_path_key_override) {
      // The override must win over the computed key, which the vector also gives.
      assert.notEqual(h.next_path_key_override, h.next_path_key);
      assert.equal(toHex(u.data.nextPathKeyOverride!), h.next_path_key_override);
    }
    // The next hop's input path key is what this hop hands on.
    if (i + 1 < v.unblind.hops.length) assert.equal(toHex(u.nextPathKey), v.unblind.hops[i + 1].path_key);
  });
}

test('route-blinding unblind: computed next key for Carol (no override) matches next_path_key', async () => {
  const h = v.unblind.hops[1];
  const { nextPathKey } = await import('../../src/onion/blinding.js');
  const u = unblindHop(priv(h.node_privkey), fromHex(h.path_key), fromHex(v.route.hops[1].encrypted_data));
  assert.equal(toHex(nextPathKey(pub(h.path_key), u.sharedSecret)), h.next_path_key);
});

test('route-blinding unblind: wrong node key, tampered ciphertext or bad path key is a DecodeError', () => {
  const h = v.unblind.hops[0];
  const enc = fromHex(v.route.hops[0].encrypted_data);
  assert.throws(() => unblindHop(priv(v.unblind.hops[1].node_privkey), fromHex(h.path_key), enc), DecodeError);
  const bad = Uint8Array.from(enc);
  bad[5]! ^= 1;
  assert.throws(() => unblindHop(priv(h.node_privkey), fromHex(h.path_key), bad), DecodeError);
  assert.throws(() => unblindHop(priv(h.node_privkey), new Uint8Array(33), enc), DecodeError);
  assert.throws(() => unblindHop(priv(h.node_privkey), fromHex(h.path_key), enc.subarray(0, 10)), DecodeError);
});

test('route-blinding padding: equal lengths with type 1, other records untouched', () => {
  const texts = gen.map((h) => fromHex(h.encoded_tlvs));
  // The vector's four TLVs were padded by hand to 65 bytes; re-padding keeps 65.
  assert.deepEqual(texts.map((t) => t.length), [65, 65, 65, 65]);
  const again = padToEqualLength(texts);
  assert.deepEqual(again.map((t) => toHex(t)), texts.map((t) => toHex(t)));
  // Strip the padding and pad again: back to the same bytes.
  const bare = texts.map((t) => {
    const { padding: _p, ...rest } = decodeEncryptedData(t);
    return encodeEncryptedData(rest);
  });
  assert.deepEqual(padToEqualLength(bare).map((t) => toHex(t)), texts.map((t) => toHex(t)));
});

test('route-blinding padding: gaps of 1 and around the 253-byte bigsize step still converge', () => {
  const a = encodeEncryptedData({ pathId: new Uint8Array(10) });
  for (const extra of [1, 2, 3, 250, 251, 252, 253, 254, 255, 256, 257, 258]) {
    const b = encodeEncryptedData({ pathId: new Uint8Array(10 + extra) });
    const [pa, pb] = padToEqualLength([a, b]);
    assert.equal(pa!.length, pb!.length, `extra ${extra}`);
    assert.ok(pa!.length >= b.length);
    assert.equal(toHex(decodeEncryptedData(pa!).pathId!), toHex(new Uint8Array(10)));
    assert.ok(decodeEncryptedData(pa!).padding!.every((x) => x === 0));
  }
});

test('route-blinding createBlindedPath with pad: every ciphertext has the same length', () => {
  const nodes = nodesOf(gen).map((n, i) => ({ ...n, data: i === 3 ? { pathId: new Uint8Array(32) } : { nextNodeId: pub(gen[i + 1].node_id) } }));
  const p = createBlindedPath(nodes, priv(gen[0].session_key), { pad: true });
  const lens = new Set(p.hops.map((h) => h.encryptedData.length));
  assert.equal(lens.size, 1);
  // and each still decrypts at its node to the intended content
  let key = p.firstPathKey as Uint8Array;
  for (const [i, h] of p.hops.entries()) {
    const u = unblindHop(priv(v.unblind.hops[i].node_privkey), key, h.encryptedData);
    if (i < 3) assert.equal(toHex(u.data.nextNodeId!), gen[i + 1].node_id);
    else assert.equal(u.data.pathId!.length, 32);
    key = u.nextPathKey;
  }
});

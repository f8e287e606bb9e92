// The BOLT 4 blinded-payment-onion-test.json payment sent through the simulator's HTLC
// forwarding: Alice (clear) → Bob (introduction) → Carol → Dave (path key override) → Eve,
// each node a simulated node with the vector's key. Every forwarded onion and path key
// equals the vector's; Eve's failure comes back as invalid_onion_blinding from Bob.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { asPrivKey, asPubKey } from '../../src/crypto/secp.js';
import { sphinxKeySchedule, FAILCODE } from '../../src/onion/index.js';
import { loadVector } from '../helpers/vectors.js';
import { SimNetwork } from '../sim/network.js';
import type { ExternalNode } from '../sim/external-node.js';
import type { IncomingPayment } from '../sim/external-payments.js';

const v = loadVector('blinded-payment-onion-test.json');
const g = v.generate;
const dec: any[] = v.decrypt.hops;
const net = new SimNetwork();
after(() => net.close());

test('blinded-payment vector: built by the vector, forwarded hop by hop by the simulator', async () => {
  net.setBlockheight(748_000);
  const nodes: ExternalNode[] = dec.map((h, i) => net.addExternalNode(h.alias, 100 + i, asPrivKey(fromHex(h.node_privkey))));
  for (const n of nodes) n.cltvDelta = 0;
  const payer = net.addExternalNode('payer');
  const free = { fee_base_msat: 0, fee_proportional_millionths: 0, cltv_expiry_delta: 0 };
  net.addChannel(payer, nodes[0]!, { scid: '0x0x9', policyA: free, policyB: free });
  ['0x0x10', '0x0x1', '0x0x2', '0x0x3'].forEach((scid, i) => net.addChannel(nodes[i]!, nodes[i + 1]!, { scid, policyA: free, policyB: free }));
  let eve: IncomingPayment | undefined;
  nodes[4]!.payments.onPayment = (p) => {
    eve = p;
    p.fail(new Uint8Array([0x40, 0x0f]));
  };
  const hash = fromHex(g.associated_data);
  const secrets = sphinxKeySchedule(g.full_route.hops.map((h: any) => asPubKey(fromHex(h.pubkey))), asPrivKey(fromHex(g.session_key))).map((k) => k.sharedSecret);
  const alice = g.full_route.hops[0].tlvs;
  const out = await payer.payments.sendOnion(fromHex(g.onion), { id: nodes[0]!.id, amountMsat: BigInt(alice.amt_to_forward), delay: alice.outgoing_cltv_value }, hash, secrets);

  // Each hop forwarded exactly the next vector onion, with the vector's path key in TLV 0.
  for (let i = 0; i < 4; i++) {
    const f = nodes[i]!.forwards;
    assert.equal(f.length, 1, `${dec[i].alias} forwarded once`);
    assert.equal(toHex(f[0]!.out.onion), dec[i + 1].onion, `${dec[i].alias} → ${dec[i + 1].alias} onion`);
    if (i >= 1) assert.equal(toHex(f[0]!.out.pathKey!), dec[i].next_path_key, `${dec[i].alias} next path key`);
    else assert.equal(f[0]!.out.pathKey, undefined);
  }
  // Eve read the final payload and her encrypted data.
  assert.ok(eve);
  assert.equal(eve.payload.amtToForward, 100000n);
  assert.equal(eve.payload.totalAmountMsat, 150000n);
  assert.equal(eve.payload.outgoingCltvValue, 749000);
  assert.equal(toHex(eve.encrypted!.pathId!), g.full_route.hops[4].tlvs.encrypted_recipient_data.path_id);
  // Failure inside the blinded path: the payer sees invalid_onion_blinding from Bob (index 1 → erring_index 2).
  assert.equal(out.ok, false);
  if (out.ok) return;
  assert.equal(out.failcode, FAILCODE.invalid_onion_blinding);
  assert.equal(out.erringIndex, 2);
  // Balances: everything came back.
  for (const c of net.channels) assert.equal(net.ledger.spendable(c, c.a) + net.ledger.spendable(c, c.b), BigInt(c.capacityMsat));
});

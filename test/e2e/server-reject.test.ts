// Issue 4: everything a server receives is untrusted. Each bad input gets one debug
// log and nothing else: no reply, no state change, an answered hook, and the server
// keeps serving everybody else.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, fromHex, toHex, u16 } from '../../src/codec/bytes.js';
import { encodeTlvStream, tlvRecord } from '../../src/codec/tlv.js';
import { asPubKey, randomBytes, randomPrivKey } from '../../src/crypto/secp.js';
import { encodeContext } from '../../src/transport/context.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import { buildOnionMessageToBlindedPath, encodeOnionMessageWire } from '../../src/onion/onion_message.js';
import { encodeMessage } from '../../src/messages/index.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode } from '../sim/external-node.js';
import { LdkPayer, LdkRecipient, sendMsg, serverPathsOf, type OfferPathsReply } from './ldk-actors.js';
import type { BlindedPath } from '../../src/onion/types.js';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
let net: SimNetwork;
let s: ClnNode;
let r: LdkRecipient;
let r2: LdkRecipient;
let p: LdkPayer;
let alicePath: BlindedPath;
let aliceSlot0: OfferPathsReply;
let virtualId: Uint8Array;

before(async () => {
  net = new SimNetwork();
  s = await net.addClnNode('server');
  s.rateLimit = false;
  const rNode = net.addExternalNode('ldk-recipient');
  const r2Node = net.addExternalNode('other-recipient');
  const pNode = net.addExternalNode('ldk-payer');
  for (const [n, scid] of [[rNode, '1x1x0'], [r2Node, '2x1x0'], [pNode, '3x1x0']] as const) {
    net.addChannel(n, s, { scid });
    n.rateLimit = false;
  }
  r = new LdkRecipient(rNode, s);
  r2 = new LdkRecipient(r2Node, s);
  p = new LdkPayer(pNode, s);
  [alicePath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'alice' })) as [BlindedPath];
  aliceSlot0 = await r.requestOfferPaths(alicePath, 0);
  const line = await s.plugin!.waitForLog(/virtual node [0-9a-f]{66}/);
  virtualId = fromHex(/virtual node ([0-9a-f]{66})/.exec(line.message)![1]!);
});
after(() => net.close());

async function snapshot() {
  return JSON.stringify((await s.cli('staticinvoice-list', {})).invoices);
}

/** Runs `act`, then checks: a matching debug log, no state change, nothing sent to `watch`, no protocol violation. */
async function expectRejected(logRe: RegExp, act: () => void | Promise<void>, watch: ExternalNode[] = [r.node, r2.node, p.node]) {
  const before = await snapshot();
  const inboxes = watch.map((n) => n.inbox.length);
  const logsBefore = s.plugin!.logs.length;
  await act();
  const line = await s.plugin!.waitForLog(logRe, 5000, logsBefore);
  assert.equal(line.level, 'debug');
  await sleep(150);
  assert.equal(await snapshot(), before, 'state changed');
  assert.deepEqual(watch.map((n) => n.inbox.length), inboxes, 'something was sent back');
  assert.deepEqual(net.violations(), []);
  assert.ok(s.plugin!.alive);
}

test('reject: static invoice larger than asyncpay-max-invoice-bytes', async () => {
  const { invoice } = r.build(aliceSlot0.paths, aliceSlot0.expiry);
  // Blown up with an unknown odd experimental record: the size check comes first.
  const padded = concatBytes(invoice.bytes, encodeTlvStream([tlvRecord(3_000_000_001n, new Uint8Array(5200))]));
  await expectRejected(/rejected \(too_large\)/, () => void r.serve(aliceSlot0.servePath, padded));
});

test('reject: bad signature', async () => {
  const { invoice } = r.build(aliceSlot0.paths, aliceSlot0.expiry);
  const bad = invoice.bytes.slice();
  bad[bad.length - 1]! ^= 1; // last byte of the signature (no experimental records follow it)
  await expectRejected(/rejected \(bad_invoice\).*signature/, () => void r.serve(aliceSlot0.servePath, bad));
});

test('reject: expired static invoice', async () => {
  const now = BigInt(Math.floor(Date.now() / 1000));
  const { invoice } = r.build(aliceSlot0.paths, aliceSlot0.expiry, { createdAt: now - 1000n, relativeExpiry: 10 });
  await expectRejected(/rejected \(expired\)/, () => void r.serve(aliceSlot0.servePath, invoice.bytes));
});

test('reject: offer paths of another slot, and of another recipient', async () => {
  const slot1 = await r.requestOfferPaths(alicePath, 1);
  const { invoice } = r.build(slot1.paths, slot1.expiry);
  await expectRejected(/rejected \(wrong_paths\)/, () => void r.serve(aliceSlot0.servePath, invoice.bytes));
  // Bob's serve path, Alice's offer: the paths were not issued to Bob.
  const [bobPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'bob' })) as [BlindedPath];
  const bob0 = await r2.requestOfferPaths(bobPath, 0);
  const { invoice: aliceInv } = r.build(aliceSlot0.paths, aliceSlot0.expiry);
  await expectRejected(/rejected \(wrong_paths\)/, () => void r2.serve(bob0.servePath, aliceInv.bytes));
});

test('reject: offer paths made up by the recipient', async () => {
  const fake = [createBlindedPath([{ nodeId: s.id, data: { nextNodeId: asPubKey(virtualId) } }, { nodeId: asPubKey(virtualId), data: { pathId: randomBytes(39) } }])];
  const { invoice } = r.build(fake, aliceSlot0.expiry);
  await expectRejected(/rejected \(wrong_paths\)/, () => void r.serve(aliceSlot0.servePath, invoice.bytes));
});

test('reject: offer_paths_request for a slot over asyncpay-max-slots, and without reply path', async () => {
  await expectRejected(/rejected \(slot_over_quota\)/, () => {
    const reply = r.node.makePath({ via: [s] });
    sendMsg(r.node, alicePath, { kind: 'offer_paths_request', invoiceSlot: 16 }, reply.path);
  });
  await expectRejected(/rejected \(no_reply_path\)/, () => sendMsg(r.node, alicePath, { kind: 'offer_paths_request', invoiceSlot: 2 }));
});

test('reject: serve_static_invoice without reply path', async () => {
  const { invoice } = r.build(aliceSlot0.paths, aliceSlot0.expiry);
  await expectRejected(/rejected \(no_reply_path\)/, () =>
    sendMsg(r.node, aliceSlot0.servePath, { kind: 'serve_static_invoice', invoice: invoice.bytes, forwardInvoiceRequestPath: r.node.makePath().path }),
  );
});

test('reject: forged path_id (wrong MAC key) and random path_id on our virtual node', async () => {
  const forgedId = encodeContext(randomBytes(32), { kind: 'recipient', recipient: randomBytes(16), expiresAt: 0 });
  for (const pathId of [forgedId, randomBytes(32), randomBytes(3)]) {
    const path = createBlindedPath([{ nodeId: s.id, data: { nextNodeId: asPubKey(virtualId) } }, { nodeId: asPubKey(virtualId), data: { pathId } }]);
    await expectRejected(/dropped onion message: offer_paths_request with unauthenticated path_id/, () => {
      const reply = r.node.makePath({ via: [s] });
      sendMsg(r.node, path, { kind: 'offer_paths_request', invoiceSlot: 0 }, reply.path);
    });
  }
});

test('reject: expired recipient path', async () => {
  const [shortLived] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'carol', expiry: 1 })) as [BlindedPath];
  await sleep(2100);
  await expectRejected(/dropped onion message: offer_paths_request on an expired recipient path/, () => {
    const reply = r.node.makePath({ via: [s] });
    sendMsg(r.node, shortLived, { kind: 'offer_paths_request', invoiceSlot: 0 }, reply.path);
  });
});

test('reject: wrong-kind contexts (message on a path made for another message)', async () => {
  const { invoice } = r.build(aliceSlot0.paths, aliceSlot0.expiry);
  const reply = r.node.makePath({ via: [s] });
  await expectRejected(/rejected \(wrong_message_for_path\) from alice: serve_static_invoice on a recipient path/, () =>
    sendMsg(r.node, alicePath, { kind: 'serve_static_invoice', invoice: invoice.bytes, forwardInvoiceRequestPath: reply.path }, reply.path),
  );
  await expectRejected(/rejected \(wrong_message_for_path\) from alice: offer_paths_request on a serve path/, () =>
    sendMsg(r.node, aliceSlot0.servePath, { kind: 'offer_paths_request', invoiceSlot: 0 }, reply.path),
  );
  await expectRejected(/rejected \(wrong_message_for_path\) from alice: offer_paths_request on a offer path/, () =>
    sendMsg(r.node, aliceSlot0.paths[0]!, { kind: 'offer_paths_request', invoiceSlot: 0 }, reply.path),
  );
});

test('reject: replay of an older invoice after a newer one was stored', async () => {
  const slot5 = await r.requestOfferPaths(alicePath, 5);
  const now = BigInt(Math.floor(Date.now() / 1000));
  const older = r.build(slot5.paths, slot5.expiry, { createdAt: now - 100n });
  const newer = r.build(slot5.paths, slot5.expiry, { createdAt: now - 10n });
  const a = r.serve(slot5.servePath, newer.invoice.bytes);
  await r.waitPersisted(a.persistedPathId);
  await expectRejected(/rejected \(replay\)/, () => void r.serve(slot5.servePath, older.invoice.bytes));
});

test('reject: malformed message bodies and garbage TLVs on a genuine path', async () => {
  const reply = r.node.makePath({ via: [s] }).path;
  const bodies: Array<[bigint, string]> = [
    [75544n, 'ff'], // truncated BigSize
    [75544n, ''], // zero-length value (LDK rejects it too)
    [75544n, '0400020000'], // framed but required fields missing
    [75544n, '03020101'], // unknown even inner type
    [75540n, '0400010003'], // invoice_slot of 1 byte instead of 2
  ];
  for (const [type, hex] of bodies) {
    await expectRejected(/dropped onion message: undecodable message/, () => {
      const res = r.node.send(aliceSlot0.servePath, [{ type, value: fromHex(hex) }], { replyPath: reply });
      assert.ok(res.ok);
    });
  }
  // A garbage static invoice inside a well-formed serve_static_invoice.
  await expectRejected(/rejected \(bad_invoice\)/, () => void r.serve(aliceSlot0.servePath, fromHex('0a0bff')));
});

test('reject: malformed forward_fail notifications reach the plugin and are dropped', async () => {
  const vHex = toHex(virtualId);
  const goodWire = encodeOnionMessageWire(
    buildOnionMessageToBlindedPath({
      ourNodeId: asPubKey(virtualId),
      path: createBlindedPath([{ nodeId: asPubKey(virtualId), data: { nextNodeId: s.id } }, { nodeId: s.id, data: {} }]),
      payload: { message: encodeMessage({ kind: 'static_invoice_persisted' }) },
    }),
  );
  const payloads: unknown[] = [
    { next_node_id: vHex },
    { next_node_id: vHex, outgoing: 'zz' },
    { next_node_id: vHex, outgoing: '0201' },
    { next_node_id: vHex, outgoing: toHex(concatBytes(u16(513), randomBytes(33), u16(4), randomBytes(4))) },
    { next_node_id: vHex, outgoing: toHex(goodWire) }, // V's layer says "forward": nobody goes past V
  ];
  for (const pl of payloads) {
    await expectRejected(/dropped onion message/, () => s.plugin!.notify('onionmessage_forward_fail', pl));
  }
  // Not for our virtual node: silently not ours (no log needed), still no state change.
  const before = await snapshot();
  s.plugin!.notify('onionmessage_forward_fail', { next_node_id: toHex(randomPrivKey()).slice(0, 66), outgoing: '00' });
  s.plugin!.notify('onionmessage_forward_fail', null);
  await sleep(100);
  assert.equal(await snapshot(), before);
  assert.ok(s.plugin!.alive);
});

test('no answer at all to an invoice_request for an empty or deleted slot (never invoice_error)', async () => {
  const slot7 = await r.requestOfferPaths(alicePath, 7);
  const { offer, invoice } = r.build(slot7.paths, slot7.expiry);
  const before = p.node.inbox.length;
  p.request(offer);
  await s.plugin!.waitForLog(/invoice_request for alice slot 7: nothing stored/);
  const served = r.serve(slot7.servePath, invoice.bytes);
  await r.waitPersisted(served.persistedPathId);
  const ok = p.request(offer);
  await p.node.waitForType(70n, ok.replyPathId);
  assert.deepEqual(await s.cli('staticinvoice-delete', { recipient_id: 'alice', invoice_slot: 7 }), { recipient_id: 'alice', deleted: [7] });
  const after1 = p.node.inbox.length;
  p.request(offer);
  await sleep(300);
  assert.equal(p.node.inbox.length, after1);
  assert.equal(after1, before + 1);
  assert.equal(s.offersStandinReplies.length, 0);
});

test('after all of that the server still serves: a complete flow for a new slot', async () => {
  const slot9 = await r.requestOfferPaths(alicePath, 9);
  const { offer, invoice } = r.build(slot9.paths, slot9.expiry);
  const served = r.serve(slot9.servePath, invoice.bytes);
  await r.waitPersisted(served.persistedPathId);
  const q = p.request(offer);
  const got = await p.node.waitForType(70n, q.replyPathId);
  assert.equal(toHex(got.records[0]!.value), toHex(invoice.bytes));
  const counters = (await s.cli('staticinvoice-list', { recipient_id: 'alice' })).recipients[0].counters;
  for (const reason of ['too_large', 'bad_invoice', 'expired', 'wrong_paths', 'slot_over_quota', 'no_reply_path', 'wrong_message_for_path', 'replay', 'nothing_stored']) {
    assert.ok(counters.rejected[reason] >= 1, `counter for ${reason}: ${JSON.stringify(counters.rejected)}`);
  }
});

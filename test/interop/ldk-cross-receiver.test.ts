// LDK → the plugin's real receive pipeline: LDK builds an onion message to a
// receive path our transport made (us → V, V's path_id an authenticated
// context), our node's hop is peeled as connectd would, and the
// `onionmessage_forward_fail` notification lightningd then raises is fed to
// src/transport/receive.ts's Receiver. The role handler must see the context,
// the message and LDK's reply path exactly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { encodeMessage, type OnionMessage } from '../../src/messages/index.js';
import { encodeBlindedPath, encodeOnionMessageWire, peelOnionMessage } from '../../src/onion/index.js';
import { encodeContext, type PathContext } from '../../src/transport/context.js';
import { createReceivePath } from '../../src/transport/own-paths.js';
import { Receiver, type Inbound } from '../../src/transport/receive.js';
import type { NodeSecrets } from '../../src/transport/secrets.js';
import { n, NOW, ourInvoiceRequest, ourReceivePath, ourStaticInvoice } from './fixtures.js';
import { ldkBlindedPath, ldkCreateOnionMessage, loadLdk } from './ldk/index.js';

await loadLdk();

const secrets: NodeSecrets = {
  ourId: n.us.pub,
  contextKey: fromHex('c7'.repeat(32)),
  virtualPriv: n.virt.priv,
  virtualId: n.virt.pub,
  offerKeyBase: fromHex('0b'.repeat(32)),
};
const now = Number(NOW);
const later = now + 3600;
const recipient = fromHex('11'.repeat(16));
const tag = fromHex('22'.repeat(8));

const cases: Array<[PathContext, OnionMessage]> = [
  [{ kind: 'recipient', recipient, expiresAt: later }, { kind: 'offer_paths_request', invoiceSlot: 4 }],
  [{ kind: 'offer', recipient, slot: 4, expiresAt: later }, { kind: 'invoice_request', bytes: ourInvoiceRequest().bytes }],
  [
    { kind: 'serve', recipient, slot: 4, expiresAt: later },
    { kind: 'serve_static_invoice', invoice: ourStaticInvoice().bytes, forwardInvoiceRequestPath: ourReceivePath({ introPeer: n.lsp.pub }) },
  ],
  [{ kind: 'offer_paths_reply', slot: 4, expiresAt: later, nonce: tag }, { kind: 'offer_paths', paths: [ourReceivePath()], pathsAbsoluteExpiry: NOW + 400n * 86400n }],
  [{ kind: 'persisted_reply', slot: 4, createdAt: now, offerTag: tag }, { kind: 'static_invoice_persisted' }],
  [{ kind: 'forwarded_invreq', slot: 4, offerTag: tag }, { kind: 'invoice_request', bytes: ourInvoiceRequest().bytes }],
  [{ kind: 'held_htlc', slot: 4, expiresAt: later, offerTag: tag }, { kind: 'held_htlc_available' }],
];

const plain = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? toHex(x) : x)));

/** connectd at our node: peel our layer; the next hop V is no peer, so lightningd reports forward_fail with `outgoing`. */
function forwardFailFor(m: { pathKey: Uint8Array; packet: Uint8Array }) {
  const r = peelOnionMessage(n.us.priv, m.pathKey, m.packet);
  assert.equal(r.kind, 'forward');
  if (r.kind !== 'forward') throw new Error('unreachable');
  assert.ok('nodeId' in r.next && toHex(r.next.nodeId) === toHex(n.virt.pub), 'our hop names V');
  return {
    source: toHex(n.ldkpayer.pub),
    incoming: toHex(m.packet),
    path_key: toHex(m.pathKey),
    outgoing: toHex(encodeOnionMessageWire({ pathKey: r.nextPathKey, packet: r.nextPacket })),
    next_node_id: toHex(n.virt.pub),
  };
}

describe('LDK → Receiver (onionmessage_forward_fail at our virtual node)', () => {
  for (const [ctx, msg] of cases) {
    test(`${msg.kind} on a ${ctx.kind} path: handler gets context, message and LDK's reply path`, async () => {
      const got: Inbound[] = [];
      const rx = new Receiver(secrets, { debug: () => {}, unusual: () => {} }, async (m) => void got.push(m), () => now);
      const path = createReceivePath({ ourId: n.us.pub, virtualId: n.virt.pub, pathId: encodeContext(secrets.contextKey, ctx) });
      const reply = ldkBlindedPath({ intermediate: [n.hop1.pub], recipient: n.ldkpayer.pub, seed: `reply ${ctx.kind}` }).bytes;
      const { type, value } = encodeMessage(msg);
      const m = ldkCreateOnionMessage({ to: { path: encodeBlindedPath(path) }, type, body: value, replyPath: reply, sender: n.ldkpayer.priv });
      await rx.onForwardFail(forwardFailFor(m));
      assert.deepEqual(rx.stats, { accepted: 1, ignored: 0, rejected: 0 });
      assert.equal(got.length, 1);
      assert.deepEqual(plain(got[0]!.context), plain(ctx));
      assert.deepEqual(plain(got[0]!.message), plain(msg));
      assert.equal(toHex(encodeBlindedPath(got[0]!.replyPath!)), toHex(reply));
    });
  }

  test('LDK message to a receive path with a forged path_id (wrong MAC key) is rejected', async () => {
    const got: Inbound[] = [];
    const rx = new Receiver(secrets, { debug: () => {}, unusual: () => {} }, async (m) => void got.push(m), () => now);
    const forged = encodeContext(fromHex('00'.repeat(32)), { kind: 'held_htlc', slot: 0, expiresAt: later, offerTag: tag });
    const path = createReceivePath({ ourId: n.us.pub, virtualId: n.virt.pub, pathId: forged });
    const m = ldkCreateOnionMessage({ to: { path: encodeBlindedPath(path) }, ...{ type: 72, body: Uint8Array.of(0) } });
    await rx.onForwardFail(forwardFailFor(m));
    assert.deepEqual(rx.stats, { accepted: 0, ignored: 0, rejected: 1 });
    assert.equal(got.length, 0);
  });
});

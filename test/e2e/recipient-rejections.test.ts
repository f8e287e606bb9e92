// What R must ignore (async-protocol.md §4.3, §4.5; issue 5 item 6): each case is sent
// to the running plugin and must leave a debug log and the cache exactly as it was.
// The timer is set to an hour so nothing but the message under test changes state.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, fromHex, u16, u32, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPubKey, asPrivKey, pubFromPriv, randomBytes } from '../../src/crypto/secp.js';
import { buildInvoiceRequest, buildOffer } from '../../src/bolt12/build.js';
import { encodeMessage, type OnionMessage } from '../../src/messages/index.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode } from '../sim/external-node.js';
import { DAY, LdkServerStandIn, REGTEST_CHAIN, logAfter, logCount, nowSecs, status, until, type Request } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());
let n = 0;

async function setup(opts: { count?: number } = {}) {
  n++;
  const s = net.addExternalNode(`ldk-server-${n}`);
  const ldk = new LdkServerStandIn(s);
  const r = await net.addClnNode(`recipient-${n}`, {
    env: { ASYNCPAY_DEV_TICK_MS: '3600000' },
    pluginOptions: { 'asyncpay-server-paths': ldk.encodedPaths(), 'asyncpay-offer-count': opts.count ?? 2 },
  });
  // The connection triggers R's first offer_paths_request (LDK checks on every peer connection).
  net.addChannel(r, s, { scid: `${600 + n}x1x0`, public: false, aliasB: `${6000 + n}x1x1` });
  const req = await ldk.nextRequest();
  await until(async () => (await status(r)).slots[req.slot].requests_sent > 0, 'request recorded');
  return { s, ldk, r, req };
}

/** Fires `trigger`, waits for R's debug line, and checks the cache did not change. */
async function ignored(r: ClnNode, trigger: () => void | Promise<void>, re: RegExp): Promise<string> {
  const before = (await status(r)).slots;
  const from = logCount(r);
  await trigger();
  const line = await logAfter(r, from, re);
  assert.deepEqual((await status(r)).slots, before, 'no state change');
  return line;
}

function send(from: ExternalNode, path: BlindedPath, msg: OnionMessage, replyPath?: BlindedPath): void {
  const res = from.send(path, [encodeMessage(msg)], replyPath ? { replyPath } : {});
  assert.ok(res.ok, res.ok ? '' : res.error);
}

function virtualNodeOf(r: ClnNode): Uint8Array {
  const m = r.plugin!.logs.map((l) => /virtual node ([0-9a-f]{66})/.exec(l.message)).find((x) => x);
  assert.ok(m, 'the plugin logs its virtual node id');
  return fromHex(m[1]!);
}

/** Gets slot `req.slot` to awaiting confirmation; returns the serve message. */
async function toPending(ldk: LdkServerStandIn, req: Request) {
  const ans = ldk.answer(req);
  return { ans, serve: await ldk.nextServe(req.slot) };
}

test('forged path context: a message to our virtual node with a path_id we did not make is dropped', async () => {
  const { s, ldk, r } = await setup();
  const v = asPubKey(virtualNodeOf(r));
  // Shaped like an offer_paths_reply context (kind 4, slot 0, expiry, nonce) with a made-up MAC.
  const forgedId = concatBytes(new Uint8Array([4]), u16(0), u32(nowSecs() + 3600), randomBytes(8), new Uint8Array(16));
  const path = createBlindedPath([
    { nodeId: r.id, data: { nextNodeId: v } },
    { nodeId: v, data: { pathId: forgedId } },
  ]);
  const f = ldk.freshPaths(0);
  await ignored(r, () => send(s, path, { kind: 'offer_paths', paths: [f.offerPath], pathsAbsoluteExpiry: BigInt(nowSecs() + 365 * DAY) }, f.servePath), /offer_paths with unauthenticated path_id/);
});

test('not for us: another node’s failed forward is ignored, and a message of the wrong kind on our path is ignored', async () => {
  const { s, ldk, r, req } = await setup();
  // R cannot forward to a node it is not connected to: lightningd reports the failure, the plugin leaves it alone.
  const stranger = net.addExternalNode(`stranger-${n}`);
  const via = createBlindedPath([
    { nodeId: r.id, data: { nextNodeId: stranger.id } },
    { nodeId: stranger.id, data: { pathId: randomBytes(32) } },
  ]);
  const before = (await status(r)).slots;
  send(s, via, { kind: 'offer_paths_request', invoiceSlot: 0 });
  await until(() => r.forwardFails.some((f) => f.next_node_id === stranger.idHex), 'forward failure notified');
  // On R's own offer_paths reply path, a static_invoice_persisted is not what that path is for.
  await ignored(r, () => send(s, req.replyPath, { kind: 'static_invoice_persisted' }), /static_invoice_persisted on a offer_paths_reply path is not what that path is for/);
  assert.deepEqual((await status(r)).slots, before);
  // And on R's confirmation path, offer_paths is not accepted either.
  const { serve } = await toPending(ldk, req);
  const f = ldk.freshPaths(1);
  await ignored(r, () => send(s, serve.replyPath!, { kind: 'offer_paths', paths: [f.offerPath] }, f.servePath), /offer_paths on a persisted_reply path/);
});

test('offer_paths for a slot we did not request (answer to a request already answered: stale nonce)', async () => {
  const { s, ldk, r, req } = await setup();
  await toPending(ldk, req);
  const f = ldk.freshPaths(req.slot);
  await ignored(
    r,
    () => send(s, req.replyPath, { kind: 'offer_paths', paths: [f.offerPath], pathsAbsoluteExpiry: BigInt(nowSecs() + 365 * DAY) }, f.servePath),
    /offer_paths for slot 0: not an answer to a request we are waiting on/,
  );
});

test('offer_paths after our 2 h reply path expired is dropped', async () => {
  const { ldk, r, req } = await setup({ count: 1 });
  await r.killPlugin('SIGKILL');
  r.opts.env!.ASYNCPAY_DEV_TIME_OFFSET = String(2 * 3600 + 60);
  await r.startPlugin();
  // The restarted plugin asks again (new reply path); answer the old request only.
  await ldk.nextRequest();
  await until(async () => (await status(r)).slots[0].requests_sent >= 2, 'new request recorded');
  await ignored(r, () => void ldk.answer(req, { expiry: BigInt(nowSecs() + 400 * DAY) }), /offer_paths on an expired offer_paths_reply path/);
});

test('offer_paths whose paths expire in less than 90 days is ignored; the same request answered properly still works', async () => {
  const { s, ldk, r, req } = await setup();
  const f = ldk.freshPaths(req.slot);
  await ignored(
    r,
    () => send(s, req.replyPath, { kind: 'offer_paths', paths: [f.offerPath], pathsAbsoluteExpiry: BigInt(nowSecs() + 90 * DAY - 600) }, f.servePath),
    /offer_paths for slot 0: paths expire at \d+, less than 90 days/,
  );
  // Absent expiry counts as never: accepted.
  ldk.answer(req, { expiry: null });
  const serve = await ldk.nextServe(req.slot);
  assert.equal(serve.invoice.offer.absoluteExpiry, undefined);
  assert.equal(serve.invoice.relativeExpiry, 0xffffffff, 'u32::MAX for an offer without expiry');
});

test('offer_paths with paths equal to those of a cached offer is ignored', async () => {
  const { s, ldk, r, req } = await setup();
  const { ans } = await toPending(ldk, req);
  // R asks for slot 1 on the next check (a peer connection triggers one).
  const other = net.addExternalNode(`peer-${n}`);
  net.addChannel(r, other, { scid: `${700 + n}x1x0`, public: false });
  let req1 = await ldk.nextRequest();
  // Requests for slot 0 sent before it got its offer may still be queued: skip them.
  while (req1.slot === 0) req1 = await ldk.nextRequest();
  assert.equal(req1.slot, 1);
  const f = ldk.freshPaths(1);
  await ignored(
    r,
    () => send(s, req1.replyPath, { kind: 'offer_paths', paths: ans.paths, pathsAbsoluteExpiry: BigInt(nowSecs() + 365 * DAY) }, f.servePath),
    /offer_paths for slot 1: same paths as an offer we already hold/,
  );
});

test('offer_paths with an empty path list is ignored', async () => {
  const { s, ldk, r, req } = await setup();
  const f = ldk.freshPaths(req.slot);
  await ignored(r, () => send(s, req.replyPath, { kind: 'offer_paths', paths: [], pathsAbsoluteExpiry: BigInt(nowSecs() + 365 * DAY) }, f.servePath), /offer_paths for slot 0: empty path list/);
});

test('offer_paths without a reply path is ignored (nowhere to send the invoice)', async () => {
  const { ldk, r, req } = await setup();
  await ignored(r, () => void ldk.answer(req, { replyPath: false }), /offer_paths for slot 0: no reply path/);
});

test('a confirmation we did not ask for (offer no longer held after the server was replaced) is ignored', async () => {
  const { ldk, r, req } = await setup({ count: 1 });
  const { serve } = await toPending(ldk, req);
  // A new server: the cache restarts, the pending offer is gone.
  const s2 = net.addExternalNode(`ldk-server-${n}-b`);
  const ldk2 = new LdkServerStandIn(s2);
  net.addChannel(r, s2, { scid: `${750 + n}x1x0`, public: false });
  await r.cli('asyncreceive-setserver', { paths: ldk2.encodedPaths() });
  await ldk2.nextRequest();
  await ignored(r, () => ldk.confirm(serve), /static_invoice_persisted for an offer we do not hold/);
  assert.equal((await status(r)).slots[0].state, 'requesting');
});

test('an invoice_request forwarded on our forward path but for another offer is ignored and not counted', async () => {
  const { s, ldk, r, req } = await setup({ count: 1 });
  const { serve } = await toPending(ldk, req);
  ldk.confirm(serve);
  await until(async () => (await status(r)).slots[0].state === 'ready', 'ready');
  const otherOffer = buildOffer({ chains: [REGTEST_CHAIN], issuerId: pubFromPriv(asPrivKey(sha256(utf8('someone else')))), description: 'not R' });
  const invreq = buildInvoiceRequest(otherOffer, { metadata: sha256(utf8('m')), payerKey: asPrivKey(sha256(utf8('k'))), chain: REGTEST_CHAIN, amount: 1000n });
  const reply = s.makePath();
  await ignored(r, () => send(s, serve.forwardPath, { kind: 'invoice_request', bytes: invreq.bytes }, reply.path), /forwarded invoice_request for slot 0: wrong_offer: invoice_request is not for this offer/);
  assert.equal((await status(r)).forwarded_invoice_requests, 0);
});

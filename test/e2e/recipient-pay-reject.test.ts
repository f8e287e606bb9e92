// Every static-invoice payment R must refuse although lightningd would settle it (it
// only compares the preimage with the hash): each one failed, nothing recorded as paid,
// the plugin still serving (a good payment completes afterwards). And held_htlc_available
// on a forged or expired path context: no release.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, fromHex, toHex, u16, u32, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey, asPubKey, pubFromPriv, randomBytes } from '../../src/crypto/secp.js';
import { buildOffer } from '../../src/bolt12/build.js';
import type { StaticInvoice } from '../../src/bolt12/static-invoice.js';
import { encodeMessage } from '../../src/messages/index.js';
import { createBlindedPath, unblindHop } from '../../src/onion/blinding.js';
import { buildPaymentOnionFromLayers } from '../../src/onion/payment_onion.js';
import type { InvoiceRequest } from '../../src/bolt12/invoice-request.js';
import { offerHtlc } from '../sim/htlc-forward.js';
import { SimNetwork } from '../sim/network.js';
import { LdkPayer, payments, payStatus, setupPayNet, T_RELEASE, type PayNet } from './pay-helpers.js';
import { REGTEST_CHAIN, logAfter, logCount, nowSecs, until } from './recipient-helpers.js';

const net = new SimNetwork();
after(() => net.close());

let pn: PayNet;
let payer: LdkPayer;
let si: StaticInvoice;
let req: InvoiceRequest;
const AMT = 20_000n;

before(async () => {
  pn = await setupPayNet(net, 'rj');
  payer = new LdkPayer(pn);
  const f = await payer.fetch(AMT);
  si = f.staticInvoice;
  req = f.req;
});

/** The plugin's answers to the HTLCs of `hash`. */
function answers(hash: Uint8Array): any[] {
  return pn.r.payments.htlcHookCalls.filter((c) => c.who === 'plugin' && c.payload.htlc.payment_hash === toHex(hash)).map((c) => c.answer);
}

async function refused(reason: string, send: (hash: Uint8Array, pre: Uint8Array) => Promise<{ ok: boolean }>, answer = 'fail'): Promise<void> {
  const before = (await payStatus(pn.r)).failures[reason] ?? 0;
  const pre = randomBytes(32);
  const hash = sha256(pre);
  const out = await send(hash, pre);
  assert.equal(out.ok, false, `${reason}: the HTLC failed`);
  assert.deepEqual(answers(hash).map((a) => a?.result), [answer], `${reason}: plugin answered ${answer}`);
  if (answer === 'fail') assert.match(answers(hash)[0].failure_message, /^400f/, 'incorrect_or_unknown_payment_details');
  assert.deepEqual((await payments(pn.r, { payment_hash: toHex(hash) })).filter((p) => p.status === 'paid'), [], `${reason}: nothing paid`);
  if (answer === 'fail') assert.equal((await payStatus(pn.r)).failures[reason], before + 1, `${reason} counted`);
}

const good = (o: { preimage?: Uint8Array | null; invreq?: Uint8Array | null } = {}) => (hash: Uint8Array, pre: Uint8Array) =>
  payer.sendPart(si, hash, { amount: AMT, total: AMT, extra: LdkPayer.extra(o.invreq === undefined ? req.bytes : o.invreq, o.preimage === undefined ? pre : o.preimage) });

test('wrong preimage', () => refused('wrong_preimage', good({ preimage: randomBytes(32) })));
test('missing preimage', () => refused('no_preimage', good({ preimage: null })));
test('no invoice_request', () => refused('no_invoice_request', good({ invreq: null })));

test('invoice_request for another offer', async () => {
  const other = buildOffer({ chains: [REGTEST_CHAIN], issuerId: pubFromPriv(asPrivKey(sha256(utf8('someone else')))) });
  await refused('wrong_offer', good({ invreq: payer.invreq(AMT, undefined, other).bytes }));
});

test('tampered invoice_request (a signed field changed)', async () => {
  const t = Uint8Array.from(req.bytes);
  t[4]! ^= 1; // inside invreq_metadata
  await refused('bad_invoice_request', good({ invreq: t }));
});

test('bad payer signature', async () => {
  const t = Uint8Array.from(req.bytes);
  t[t.length - 1]! ^= 1;
  await refused('bad_invoice_request', good({ invreq: t }));
});

test('underpaid total', () =>
  refused('underpaid', (hash, pre) => payer.sendPart(si, hash, { amount: AMT - 1n, total: AMT - 1n, extra: LdkPayer.extra(req.bytes, pre) })));

test('a part whose TLV 2 exceeds the amount it carries', () =>
  refused('part_below_forward', (hash, pre) => payer.sendPart(si, hash, { amount: AMT, total: AMT, forwardAmount: AMT - 500n, extra: LdkPayer.extra(req.bytes, pre) })));

test('CLTV below tip + final delta', () =>
  refused('cltv_too_soon', (hash, pre) => payer.sendPart(si, hash, { amount: AMT, total: AMT, cltvExtra: -1, extra: LdkPayer.extra(req.bytes, pre) })));

test('CLTV above the path’s max (an introduction node that does not enforce it)', async () => {
  // The honest introduction node S already refuses such an HTLC (its own constraint is
  // R's max + its delta), so here the payer plays a lax introduction node: a channel
  // straight to R, R's blinded hop and path key computed with S's key.
  const { p, r, s } = pn;
  const ch = net.addChannel(p, r, { scid: '950x1x0' });
  const path = si.paths[0]!;
  const pathKey = unblindHop(s.priv, path.firstPathKey, path.hops[0]!.encryptedData).nextPathKey;
  const hop = path.hops[1]!;
  await refused('cltv_too_far', async (hash, pre) => {
    const tip = net.blockheight;
    const cltv = tip + 10_000_000;
    const onion = buildPaymentOnionFromLayers(
      [{ pubkey: hop.blindedNodeId, payload: { encryptedRecipientData: hop.encryptedData, amtToForward: AMT, outgoingCltvValue: cltv, totalAmountMsat: AMT, extra: LdkPayer.extra(req.bytes, pre) } }],
      hash,
    );
    const sent = offerHtlc(p, ch, { amountMsat: AMT, cltvExpiry: cltv, paymentHash: hash, onion: onion.packet, pathKey });
    assert.ok(!('failmsg' in sent));
    const res = await (sent as { resolved: Promise<{ kind: string }> }).resolved;
    return { ok: res.kind === 'fulfill' };
  });
});

test('unknown TLV 10 (not a path of ours): passed on with continue, lightningd fails it', async () => {
  const { r, s } = pn;
  // A blinded path S → R that R's plugin never wrote (as another plugin or lightningd itself could).
  const real = si.paths[0]!;
  const sData = unblindHop(s.priv, real.firstPathKey, real.hops[0]!.encryptedData).data;
  const path = createBlindedPath([
    { nodeId: s.id, data: { shortChannelId: sData.shortChannelId!, paymentRelay: sData.paymentRelay!, paymentConstraints: sData.paymentConstraints! } },
    { nodeId: r.id, data: { pathId: randomBytes(32), paymentConstraints: { maxCltvExpiry: net.blockheight + 5000, htlcMinimumMsat: 0n } } },
  ]);
  const fake = { ...si, paths: [path] } as StaticInvoice;
  await refused('unknown', (hash, pre) => payer.sendPart(fake, hash, { amount: AMT, total: AMT, extra: LdkPayer.extra(req.bytes, pre) }), 'continue');
});

test('after all that, R still serves: a good payment completes', async () => {
  const pre = randomBytes(32);
  const out = await good()(sha256(pre), pre);
  assert.ok(out.ok);
  assert.equal((await payments(pn.r)).filter((x) => x.status === 'paid').length, 1);
  assert.deepEqual(net.violations(), []);
});

function virtualNodeOf(): Uint8Array {
  const m = pn.r.plugin!.logs.map((l) => /virtual node ([0-9a-f]{66})/.exec(l.message)).find((x) => x);
  assert.ok(m, 'the plugin logs its virtual node id');
  return fromHex(m[1]!);
}

test('held_htlc_available on a forged context: no release', async () => {
  const { p, r } = pn;
  const v = asPubKey(virtualNodeOf());
  // Shaped like a held_htlc context (kind 7, slot, expiry, offer tag) with a made-up MAC.
  const forged = concatBytes(new Uint8Array([7]), u16(pn.slot), u32(nowSecs() + 3600), fromHex(pn.offerId).subarray(0, 8), new Uint8Array(16));
  const path = createBlindedPath([
    { nodeId: pn.s.id, data: { nextNodeId: r.id } },
    { nodeId: r.id, data: { nextNodeId: v } },
    { nodeId: v, data: { pathId: forged } },
  ]);
  const from = logCount(r);
  const releasesBefore = (await payStatus(r)).releases_sent;
  const reply = p.makePath();
  assert.ok(p.send(path, [encodeMessage({ kind: 'held_htlc_available' })], { replyPath: reply.path }).ok);
  await logAfter(r, from, /held_htlc_available with unauthenticated path_id/);
  assert.equal((await payStatus(r)).releases_sent, releasesBefore);
  assert.equal(p.inbox.some((m) => m.records.some((x) => x.type === T_RELEASE) && toHex(m.pathId ?? new Uint8Array()) === toHex(reply.pathId)), false);
});

test('held_htlc_available on an expired context (the invoice is long gone): no release', async () => {
  const { p, r } = pn;
  // R's clock moves past the offer's and the held-HTLC path's expiry (restart with the dev offset).
  const far = Number(si.createdAt) + (si.relativeExpiry ?? 0) + 3 * 3600 - nowSecs();
  r.opts.env = { ...r.opts.env, ASYNCPAY_DEV_TIME_OFFSET: String(far) };
  await r.restart();
  await until(() => r.plugin?.logs.some((l) => /cln-asyncpay ready/.test(l.message)), 'R restarted');
  const from = logCount(r);
  const releasesBefore = (await payStatus(r)).releases_sent;
  const reply = p.makePath();
  assert.ok(p.send(si.heldHtlcAvailablePaths[0]!, [encodeMessage({ kind: 'held_htlc_available' })], { replyPath: reply.path }).ok);
  await logAfter(r, from, /held_htlc_available on an expired held_htlc path/);
  assert.equal((await payStatus(r)).releases_sent, releasesBefore);
  assert.equal(p.inbox.some((m) => toHex(m.pathId ?? new Uint8Array()) === toHex(reply.pathId)), false);
});

// Issue 14: this plugin on both S (the LSP: server + mailbox) and R (the async
// recipient, often offline). While R is offline, the invoice_request S forwards to R
// and a payer's held_htlc_available both wait in S's mailbox, and reach R's plugin
// when R reconnects (R's counters show them, and R answers both to the payer).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey } from '../../src/crypto/secp.js';
import { buildInvoiceRequest } from '../../src/bolt12/build.js';
import { parseOffer, type Offer } from '../../src/bolt12/offer.js';
import { decodeStaticInvoice } from '../../src/bolt12/static-invoice.js';
import { encodeMessage } from '../../src/messages/index.js';
import { SimNetwork } from '../sim/network.js';
import type { ExternalNode } from '../sim/external-node.js';
import { REGTEST_CHAIN, status, until, T } from './recipient-helpers.js';
import { mailbox } from './mailbox-helpers.js';

const net = new SimNetwork();
after(() => net.close());

async function payerRequests(p: ExternalNode, offer: Offer, n: number) {
  const req = buildInvoiceRequest(offer, {
    metadata: sha256(utf8(`payer metadata ${n}`)),
    payerKey: asPrivKey(sha256(utf8(`payer key ${n}`))),
    chain: REGTEST_CHAIN,
    amount: 21_000n,
  });
  const reply = p.makePath();
  assert.ok(p.send(offer.paths![0]!, [encodeMessage({ kind: 'invoice_request', bytes: req.bytes })], { replyPath: reply.path }).ok);
  const got = await p.waitForType(T.staticInvoice, reply.pathId);
  return { invoice: decodeStaticInvoice(got.records.find((x) => x.type === T.staticInvoice)!.value), replyPathId: reply.pathId };
}

test('R offline: the forwarded invoice_request and the payer’s held_htlc_available wait in S’s mailbox and reach R’s plugin on reconnect', async () => {
  const s = await net.addClnNode('lsp');
  const r = await net.addClnNode('recipient', { env: { ASYNCPAY_DEV_TICK_MS: '150' }, pluginOptions: { 'asyncpay-offer-count': 1 } });
  const p = net.addExternalNode('payer');
  net.addChannel(r, s, { scid: '810x1x0', public: false, aliasA: '3100x1x1', aliasB: '3101x1x1' });
  net.addChannel(p, s, { scid: '810x2x0' });
  const issued = await s.cli('asyncrecipient-paths', { recipient_id: 'bob' });
  await r.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
  await until(async () => (await status(r)).slots.every((x: any) => x.state === 'ready'), 'R’s offer ready');
  const offer = parseOffer((await r.cli('asyncoffer', {})).offer);

  await r.goOffline();
  // (S may also hold a late static_invoice_persisted for R: R re-sends invoices, S confirms each.)
  const stored0 = (await mailbox(s)).counters.stored;
  // 1. S serves R's static invoice and forwards the request to R: R is away, so S's mailbox keeps it.
  const { invoice, replyPathId } = await payerRequests(p, offer, 1);
  const logs = s.plugin!.logs;
  await until(
    () =>
      logs.some((l) => /invoice_request for bob slot \d+: served the static invoice, forwarded it to the recipient/.test(l.message)) &&
      logs.some((l) => /mailbox: holding a 1366-byte message for offline peer/.test(l.message) && l.message.includes(r.idHex)),
    'forwarded request held',
  );
  assert.equal((await s.cli('staticinvoice-list', { recipient_id: 'bob' })).recipients[0].counters.forwarded, 1, 'held counts as forwarded');
  const stored1 = (await mailbox(s)).counters.stored;
  assert.ok(stored1 > stored0);
  // 2. The payer asks R to release its HTLC, over the static invoice's held_htlc_available path (through S).
  const reply = p.makePath({ via: [s] });
  const heldPath = invoice.heldHtlcAvailablePaths![0]!;
  assert.ok(p.send(heldPath, [encodeMessage({ kind: 'held_htlc_available' })], { replyPath: reply.path }).ok);
  await until(() => s.forwardFails.some((f) => f.next_node_id === r.idHex), 'lightningd reported the failed forward');
  const box = await until(async () => {
    const m = await mailbox(s);
    return m.counters.stored > stored1 ? m : undefined;
  }, 'held_htlc_available held');
  assert.equal(box.peers[0].peer_id, r.idHex);
  const wakes = s.plugin!.notifications.filter((n) => n.method === 'asyncpay_mailbox');
  assert.equal(wakes.length, 1, 'one wake-up for the empty→non-empty transition');
  assert.equal(wakes[0]!.params.peer_id, r.idHex);

  await r.comeOnline();
  const st = await until(async () => {
    const x = await status(r);
    return x.forwarded_invoice_requests === 1 && x.held_htlc_available === 1 ? x : undefined;
  }, 'R’s counters show both messages');
  assert.equal(st.forwarded_invoice_requests, 1);
  assert.equal(st.held_htlc_available, 1);
  // R (recipient payments) answers both: a fresh invoice for the request, a release for the held HTLC.
  await p.waitForType(66n, replyPathId);
  await p.waitForType(74n, reply.pathId);
  const m = await until(async () => ((await mailbox(s)).total_messages === 0 ? mailbox(s) : undefined), 'S’s box emptied');
  assert.equal(m.counters.delivered, m.counters.stored);
  assert.deepEqual(r.dropped.filter((d) => /rate limit/.test(d.reason)), []);
  assert.deepEqual(net.violations(), []);
});

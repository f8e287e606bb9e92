// The htlc_accepted handler against a real LevelDB store and a stub lightningd RPC:
// hostile hook payloads are passed on (`continue`), mutated payloads of a payment over
// our path are never resolved, a good one is resolved once, recorded once, and its
// replay after a restart (new process state, same database) is resolved again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey, pubFromPriv } from '../../src/crypto/secp.js';
import { buildInvoiceRequest, buildOffer } from '../../src/bolt12/build.js';
import { offerIdOf } from '../../src/bolt12/offer-id.js';
import { encodeHopPayload, frameHopPayload } from '../../src/onion/hop_payload.js';
import { chainHashOf } from '../../src/recipient/chain.js';
import { RecipientPayments } from '../../src/recipient/pay/payments.js';
import { Store } from '../../src/store/store.js';
import type { Transport } from '../../src/transport/transport.js';
import { Prng } from '../helpers/prng.js';

const TIP = 800_000;
const REGTEST = chainHashOf('regtest');
const offerKey = asPrivKey(sha256(utf8('hook test offer')));
const offer = buildOffer({ chains: [REGTEST], issuerId: pubFromPriv(offerKey) });
const offerId = toHex(offerIdOf(offer.records));
const TLV10 = sha256(utf8('our final hop encrypted data'));
const preimage = sha256(utf8('hook test preimage'));
const hash = sha256(preimage);
const invreq = buildInvoiceRequest(offer, { metadata: sha256(utf8('m')), payerKey: asPrivKey(sha256(utf8('payer'))), chain: REGTEST, amount: 5000n, payerNote: 'hi' });

function payload(): Uint8Array {
  return payloadWith(preimage);
}

function payloadWith(pre: Uint8Array): Uint8Array {
  return frameHopPayload(
    encodeHopPayload({
      amtToForward: 5000n,
      outgoingCltvValue: TIP,
      encryptedRecipientData: TLV10,
      totalAmountMsat: 5000n,
      extra: [
        { type: 77777n, value: invreq.bytes },
        { type: 5482373484n, value: pre },
      ],
    }),
  );
}

function hook(p: Uint8Array | string, o: { id?: number; hash?: Uint8Array; amount?: number } = {}) {
  return {
    onion: { payload: typeof p === 'string' ? p : toHex(p), next_onion: '00', shared_secret: '00'.repeat(32) },
    htlc: { short_channel_id: '1x2x3', id: o.id ?? 0, amount_msat: o.amount ?? 5000, cltv_expiry: TIP + 40, cltv_expiry_relative: 40, payment_hash: toHex(o.hash ?? hash) },
  };
}

async function payments(dir: string, blockheight = TIP) {
  const store = await Store.open(dir);
  const notes: unknown[] = [];
  const pay = new RecipientPayments({
    transport: {} as Transport,
    store,
    rpc: { call: async (m: string) => (m === 'getinfo' ? { blockheight, network: 'regtest' } : m === 'listinvoices' ? { invoices: [] } : {}) as any },
    log: { debug() {}, info() {}, unusual() {} },
    now: () => 1_800_000_000,
    notify: (_t, p) => void notes.push(p),
    offers: { byOfferId: (id) => (id === offerId ? { slot: 0, offerId, offer: toHex(offer.bytes), nonce: '00' } : undefined) },
  }, {});
  await pay.start();
  return { store, pay, notes };
}

test('hook: hostile payloads are passed on, mutated payloads of our payment never resolved, a good one resolved once and again on replay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asyncpay-hook-'));
  try {
    let { store, pay, notes } = await payments(dir);
    await pay.registerInvoicePaths(offerId, 0, { payPaths: [{ encryptedData: TLV10, maxCltvExpiry: TIP + 5000, htlcMinimumMsat: 1n, minFinalCltvDelta: 18 }], createdAt: 1, expiresAt: 2_000_000_000 });

    for (const junk of [null, 7, 'x', [], {}, { onion: {} }, { onion: { payload: 'zz' }, htlc: {} }, hook('ff'), hook('00'), hook('a'.repeat(5000)), { ...hook(payload()), htlc: { payment_hash: 'nothex' } }]) {
      assert.deepEqual(await pay.onHtlcAccepted(junk), { result: 'continue' }, JSON.stringify(junk).slice(0, 60));
    }
    const prng = new Prng(12);
    const good = payload();
    // Mutations under another payment hash: no preimage in them can match it, so none may be resolved.
    const otherHash = sha256(utf8('another payment'));
    for (let i = 0; i < 150; i++) {
      const a = await pay.onHtlcAccepted(hook(prng.mutate(good), { id: 100 + i, hash: otherHash }));
      assert.ok(a.result === 'fail' || a.result === 'continue', JSON.stringify(a));
    }
    assert.deepEqual((await pay.listPayments({})).payments, [], 'nothing recorded');
    const a = await pay.onHtlcAccepted(hook(good, { id: 1 }));
    {
      assert.deepEqual(a, { result: 'resolve', payment_key: toHex(preimage) });
      const list = (await pay.listPayments({ payment_hash: toHex(hash) })).payments as any[];
      assert.equal(list.length, 1);
      assert.equal(list[0].status, 'paid');
      assert.equal(list[0].payer_note, 'hi');
      assert.equal(notes.length, 1);
      // The same HTLC replayed after a restart: resolved again from the record, counted once.
      await pay.stop();
      await store.close();
      ({ store, pay, notes } = await payments(dir));
      assert.deepEqual(await pay.onHtlcAccepted(hook(good, { id: 1 })), { result: 'resolve', payment_key: toHex(preimage) });
      assert.equal(pay.status().payments_received, 1);
      assert.equal(notes.length, 0, 'already announced before the restart');
      // A new HTLC for the paid hash is not taken.
      assert.equal((await pay.onHtlcAccepted(hook(good, { id: 2 }))).result, 'fail');
      // lightningd not synced yet after its restart (getinfo says 0): the CLTV floor still uses the last tip seen.
      await pay.stop();
      await store.close();
      ({ store, pay, notes } = await payments(dir, 0));
      const pre2 = sha256(utf8('second payment'));
      const soon = { ...hook(good, { id: 3, hash: sha256(pre2) }) };
      soon.htlc.cltv_expiry = TIP + 10;
      const early = await pay.onHtlcAccepted({ ...soon, onion: { ...soon.onion, payload: toHex(payloadWith(pre2)) } });
      assert.equal(early.result, 'fail');
      assert.equal((pay.status().failures as Record<string, number>).cltv_too_soon, 1);
    }
    await pay.stop();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

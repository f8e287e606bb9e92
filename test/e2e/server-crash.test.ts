// Issue 4: kill -9 of the plugin at random moments during 1,000 serve/replace/confirm
// cycles, restarted each time on the same directory: no torn or lost record, every
// confirmed invoice still served, old reply paths and offer paths still valid.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { decodeStaticInvoice } from '../../src/bolt12/static-invoice.js';
import { SimNetwork } from '../sim/network.js';
import { Prng } from '../helpers/prng.js';
import { LdkPayer, LdkRecipient, serverPathsOf, type OfferPathsReply } from './ldk-actors.js';
import type { BlindedPath } from '../../src/onion/types.js';

const CYCLES = Number(process.env.ASYNCPAY_CRASH_CYCLES ?? 1000);
const SLOTS = 4;
const net = new SimNetwork();
after(() => net.close());
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

test(`kill -9 at random moments during ${CYCLES} serve/replace/confirm cycles loses and tears nothing`, { timeout: 600_000 }, async () => {
  const s = await net.addClnNode('server', { pluginOptions: { 'asyncpay-autoconfirm': false, 'asyncpay-server-rate-per-minute': 0 } });
  const rNode = net.addExternalNode('ldk-recipient');
  const pNode = net.addExternalNode('ldk-payer');
  net.addChannel(rNode, s, { scid: '1x1x0' });
  net.addChannel(pNode, s, { scid: '2x1x0' });
  for (const n of [s, rNode, pNode]) n.rateLimit = false;
  const r = new LdkRecipient(rNode, s);
  const p = new LdkPayer(pNode, s);
  const [serverPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'crashy' })) as [BlindedPath];
  const slots: OfferPathsReply[] = [];
  for (let k = 0; k < SLOTS; k++) slots.push(await r.requestOfferPaths(serverPath, k));

  const rng = new Prng(20261125);
  const sent: string[][] = Array.from({ length: SLOTS }, () => []);
  const acked = new Array<number>(SLOTS).fill(-1);
  const base = BigInt(Math.floor(Date.now() / 1000)) - BigInt(CYCLES);
  let kills = 0;

  async function restart(): Promise<void> {
    await s.killPlugin('SIGKILL');
    kills++;
    try {
      await s.startPlugin();
    } catch (e) {
      const logs = s.plugin?.logs.slice(-10).map((l) => `${l.level}: ${l.message}`).join('\n');
      throw new Error(`restart ${kills} failed: ${(e as Error).message}\n${logs}\nviolations: ${[...s.violations, ...(s.plugin?.violations ?? [])].join('; ')}\nexit: ${await s.plugin?.exited}`);
    }
    await checkInvariants();
  }

  async function checkInvariants(): Promise<void> {
    const list = await s.cli('staticinvoice-list', { recipient_id: 'crashy' });
    for (const rec of list.invoices) {
      const idx = sent[rec.invoice_slot]!.indexOf(rec.invoice);
      assert.ok(idx >= 0, `slot ${rec.invoice_slot} holds an invoice we never sent`);
      assert.ok(idx >= acked[rec.invoice_slot]!, `slot ${rec.invoice_slot} lost a confirmed invoice (${idx} < ${acked[rec.invoice_slot]})`);
      const inv = decodeStaticInvoice(fromHex(rec.invoice)); // a torn record would not decode or verify
      assert.equal(rec.bytes, inv.bytes.length);
      assert.ok(rec.status === 'pending' || rec.status === 'confirmed');
    }
  }

  async function storedInvoice(slot: number): Promise<{ invoice: string; status: string } | undefined> {
    const list = await s.cli('staticinvoice-list', { recipient_id: 'crashy' });
    return list.invoices.find((x: { invoice_slot: number }) => x.invoice_slot === slot);
  }

  for (let i = 0; i < CYCLES; i++) {
    const slot = i % SLOTS;
    const { invoice } = r.build(slots[slot]!.paths, slots[slot]!.expiry, { createdAt: base + BigInt(i) });
    const hex = toHex(invoice.bytes);
    sent[slot]!.push(hex);
    let killAt = rng.next() < 1 / 25 ? rng.int(3) : -1;
    for (let attempt = 0; ; attempt++) {
      assert.ok(attempt < 5, `cycle ${i} does not converge`);
      try {
        const { persistedPathId } = r.serve(slots[slot]!.servePath, invoice.bytes);
        if (killAt === 0) {
          killAt = -1;
          await sleep(rng.int(4));
          throw new Error('kill');
        }
        for (let t = 0; ; t++) {
          if ((await storedInvoice(slot))?.invoice === hex) break;
          if (t > 300) throw new Error('not stored');
          await sleep(2);
        }
        const confirm = s.cli('staticinvoice-confirm', { recipient_id: 'crashy', invoice_slot: slot });
        if (killAt === 1) {
          killAt = -1;
          confirm.catch(() => {});
          await sleep(rng.int(3));
          throw new Error('kill');
        }
        await confirm;
        if (killAt === 2) {
          killAt = -1;
          throw new Error('kill');
        }
        await r.waitPersisted(persistedPathId, 3000);
        acked[slot] = sent[slot]!.length - 1;
        break;
      } catch {
        await restart();
      }
    }
  }
  await checkInvariants();
  assert.ok(kills >= 10, `only ${kills} kills`);

  // Every confirmed invoice is still served over the offer paths issued before all the restarts.
  for (let k = 0; k < SLOTS; k++) {
    const stored = await storedInvoice(k);
    assert.equal(stored?.status, 'confirmed');
    assert.equal(stored?.invoice, sent[k]!.at(-1));
    const { offer } = r.build(slots[k]!.paths, slots[k]!.expiry);
    const q = p.request(offer);
    const got = await p.node.waitForType(70n, q.replyPathId);
    assert.equal(toHex(got.records[0]!.value), sent[k]!.at(-1));
  }
  assert.deepEqual(net.violations(), []);
});

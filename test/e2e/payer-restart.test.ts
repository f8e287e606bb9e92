// kill -9 of the payer's plugin in each state of a static-invoice payment: the plugin
// dies right after storing the state (ASYNCPAY_DEV_PAYER_CRASH_AFTER, a dev option
// like lightningd's), comes back on the same database, and the payment carries on:
// the request is sent, held_htlc_available goes out, a release that arrives after
// the restart is honoured, and the payment moves to paying exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import { logAfter, logCount, until } from './recipient-helpers.js';
import { LdkAsyncRecipient, LdkInvoiceServer, offerToString, pays } from './payer-helpers.js';

const nets: SimNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.close())));

async function setup(crashAfter: string) {
  const net = new SimNetwork();
  nets.push(net);
  const env: Record<string, string> = { ASYNCPAY_DEV_PAYER_CRASH_AFTER: crashAfter };
  const p = await net.addClnNode('payer', { env });
  const sNode = net.addExternalNode('ldk-server');
  const rNode = net.addExternalNode('ldk-recipient');
  net.addChannel(p, sNode, { scid: '101x1x0' });
  net.addChannel(rNode, sNode, { scid: '102x1x0' });
  const s = new LdkInvoiceServer(sNode);
  const r = new LdkAsyncRecipient(rNode, sNode, (102n << 40n) | (1n << 16n));
  r.makeOffer(s.offerPath);
  return { net, p, s, r, env };
}

/** Waits for the plugin to kill itself, then starts it again (without the crash option) on the same data. */
async function restartAfterCrash(p: ClnNode, env: Record<string, string>): Promise<void> {
  const code = await p.plugin!.exited;
  assert.equal(code, null, 'killed by a signal');
  delete env.ASYNCPAY_DEV_PAYER_CRASH_AFTER;
  await p.killPlugin();
  await p.startPlugin();
}

for (const state of ['requested', 'static_invoice', 'waiting_for_release'] as const) {
  test(`kill -9 right after storing ${state}: the payment carries on after the restart, released once`, async () => {
    const { net, p, s, r, env } = await setup(state);
    const call = p.cli('asyncpay', { offer: offerToString(r.offer), amount_msat: 25_000, timeout: 30 }).catch((e) => e);
    if (state !== 'requested') {
      const { replyPath } = await s.nextRequest();
      s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
    }
    await restartAfterCrash(p, env);
    assert.match(String((await call).message), /PLUGIN_TERMINATED/);
    if (state === 'requested') {
      // The request had not left before the crash: it leaves now, over the same offer path.
      const { replyPath } = await s.nextRequest();
      s.reply(replyPath, 'static_invoice', r.staticInvoice().bytes);
    }
    const held = await r.nextHeld();
    const [rec] = await until(async () => {
      const l = await pays(p);
      return l[0]?.status === 'waiting_for_release' ? l : undefined;
    }, 'waiting_for_release');
    assert.equal(rec.held_htlc_sent, 1);
    assert.equal(r.heldMessages().length, 1, 'held_htlc_available sent once');
    const from = logCount(p);
    r.release(held);
    await logAfter(p, from, /-> paying/);
    assert.equal(p.plugin!.logs.slice(from).filter((l) => /-> paying/.test(l.message)).length, 1);
    assert.deepEqual(net.violations(), []);
  });
}

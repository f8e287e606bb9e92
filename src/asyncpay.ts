#!/usr/bin/env node
// cln-asyncpay: BOLT 12 async payments for Core Lightning. Entry point: reads the
// options, opens the store, and wires the transport and both roles to the runtime.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from './cln/plugin.js';
import { RpcError } from './cln/errors.js';
import { makeClock } from './clock.js';
import { Store } from './store/store.js';
import { Transport } from './transport/transport.js';
import { ServerStore } from './server/server-store.js';
import { StaticInvoiceServer } from './server/server.js';
import { createRecipient } from './recipient/recipient.js';
import type { RecipientRole } from './recipient/role.js';
import { Payer } from './payer/payer.js';
import { makeStaticPayer } from './payer/pay-static.js';
import { chainHashOf } from './recipient/chain.js';
import { Mailbox } from './mailbox/mailbox.js';
import { MailboxStore } from './mailbox/mailbox-store.js';
import { parseMailboxOptions } from './mailbox/options.js';
import type { ChannelView } from './mailbox/next-hop.js';
import { parseLimitOptions, RecipientLimits } from './server/limits.js';
import { secpBackend } from './crypto/secp.js';

const MANIFEST = fileURLToPath(new URL('../../plugin-manifest.json', import.meta.url));
const plugin = new Plugin(MANIFEST, { rpcIdPrefix: 'asyncpay' });
const now = makeClock();
// Dev option (tests): a short RPC timeout, like ASYNCPAY_DEV_TICK_MS; never set it on a real node.
if (Number(process.env.ASYNCPAY_DEV_RPC_TIMEOUT_MS) > 0) plugin.rpc.timeoutMs = Number(process.env.ASYNCPAY_DEV_RPC_TIMEOUT_MS);

interface App {
  store: Store;
  transport: Transport;
  server: StaticInvoiceServer;
  recipient: RecipientRole;
  payer: Payer;
  mailbox: Mailbox;
}
let app: App | undefined;

function ready(): App {
  if (!app) throw new RpcError(-1, 'cln-asyncpay is still starting');
  return app;
}

plugin.onInit(async (options, configuration) => {
  const maxSlots = Number(options['asyncpay-max-slots']);
  if (!Number.isInteger(maxSlots) || maxSlots < 10 || maxSlots > 65536) {
    return { disable: 'asyncpay-max-slots must be an integer from 10 to 65536 (LDK recipients use slots 0-9)' };
  }
  const maxInvoiceBytes = Number(options['asyncpay-max-invoice-bytes']);
  if (!Number.isInteger(maxInvoiceBytes) || maxInvoiceBytes < 512) return { disable: 'asyncpay-max-invoice-bytes must be an integer ≥ 512' };
  const limitOpts = parseLimitOptions(options);
  if (typeof limitOpts === 'string') return { disable: limitOpts };
  const mailboxOpts = parseMailboxOptions(options);
  if (typeof mailboxOpts === 'string') return { disable: mailboxOpts };
  const dir = String(options['asyncpay-db'] || join(configuration['lightning-dir'], 'asyncpay'));
  let store: Store;
  try {
    store = await Store.open(dir);
  } catch (e) {
    return { disable: (e as Error).message };
  }
  const log = plugin.log;
  const OWN = 'own-paths';
  const journalWrite = (p: Promise<void>) => p.catch((e) => log.unusual(`cannot journal own path: ${(e as Error).message}`));
  const transport = await Transport.start(plugin.rpc, log, {
    noconnect: options['asyncpay-noconnect'] === true,
    now,
    ownPathsJournal: {
      put: (key, entry) => void journalWrite(store.put(OWN, key, entry)),
      del: (key) => void journalWrite(store.batch([{ type: 'del', space: OWN, key }])),
    },
  });
  transport.ownPaths.restore(
    (await store.list<{ path_id: string; expires_at: number; seq: number }>(OWN)).map((e) => ({ key: e.key, ...e.value })),
    now(),
  );
  const server = new StaticInvoiceServer(
    transport,
    new ServerStore(store),
    { autoconfirm: options['asyncpay-autoconfirm'] !== false, maxSlots, maxInvoiceBytes, limits: new RecipientLimits(limitOpts) },
    log,
    now,
    (topic, payload) => plugin.notify(topic, payload),
  );
  await server.load();
  const recipient = createRecipient({ transport, store, rpc: plugin.rpc, log, now, options, notify: (topic, payload) => plugin.notify(topic, payload) });
  const releaseTimeout = Number(options['asyncpay-payer-release-timeout']);
  const network = (await plugin.rpc.call<{ network: string }>('getinfo')).network;
  const payer = new Payer({
    transport,
    store,
    rpc: plugin.rpc,
    log,
    now,
    notify: (topic, payload) => plugin.notify(topic, payload),
    chain: chainHashOf(network),
    payStatic: makeStaticPayer({ rpc: plugin.rpc, topology: transport.topology, log }),
    ...(Number.isInteger(releaseTimeout) && releaseTimeout > 0 ? { releaseTimeout } : {}),
  });
  transport.onMessage(async (m) => {
    if (await server.handle(m)) return;
    if (await recipient.handle(m)) return;
    if (await payer.handle(m)) return;
    log.debug(`dropped ${m.message.kind} on ${m.context.kind} path: no role handles it`);
  });
  // The LSP mailbox: holds messages for offline channel peers (src/mailbox/).
  const mailbox = new Mailbox({
    db: new MailboxStore(store),
    opts: mailboxOpts,
    rpc: plugin.rpc,
    channels: async (id) => (await plugin.rpc.call<{ channels: ChannelView[] }>('listpeerchannels', id ? { id } : {})).channels,
    ourId: Buffer.from(transport.secrets.ourId).toString('hex'),
    virtualId: Buffer.from(transport.secrets.virtualId).toString('hex'),
    log,
    now,
    notify: (topic, payload) => plugin.notify(topic, payload),
  });
  await mailbox.start();
  transport.onStranded((p, ours) => mailbox.onStranded(p, ours));
  app = { store, transport, server, recipient, payer, mailbox };
  await recipient.start();
  await payer.start();
  log.info(`cln-asyncpay ready: virtual node ${Buffer.from(transport.secrets.virtualId).toString('hex')}, database ${dir}`);
  // Which libsecp256k1 runs (issue 16): the native addon, or WASM and why.
  const secp = secpBackend();
  log.info(`secp256k1 backend: ${secp.name === 'native' ? 'native libsecp256k1 (secp256k1 addon)' : `tiny-secp256k1 (WASM)${secp.reason ? `: ${secp.reason}` : ''}`}`);
});

plugin.method('asyncrecipient-paths', (p) => ready().server.recipientPaths(p));
plugin.method('staticinvoice-list', (p) => ready().server.list(p));
plugin.method('staticinvoice-confirm', (p) => ready().server.confirm(p));
plugin.method('staticinvoice-delete', (p) => ready().server.delete(p));
plugin.method('asyncrecipient-revoke', (p) => ready().server.revoke(p));
plugin.method('asyncoffer', (p) => ready().recipient.asyncOffer(p));
plugin.method('asyncreceive-setserver', (p) => ready().recipient.setServer(p));
plugin.method('asyncreceive-status', (p) => ready().recipient.status(p));
plugin.method('asyncreceive-listpayments', (p) => ready().recipient.pay.listPayments(p));
plugin.method('asyncpay', (p) => ready().payer.asyncpay(p));
plugin.method('listasyncpays', (p) => ready().payer.list(p));
plugin.method('waitasyncpay', (p) => ready().payer.wait(p));
plugin.method('asyncpay-mailbox', (p) => ready().mailbox.list(p));
plugin.method('asyncpay-mailbox-purge', (p) => ready().mailbox.purge(p));

// Our paths end at the virtual node, so nothing of ours arrives through these hooks;
// they are registered `before: offers` so that, should a BOLT 12 message for us ever
// end at the real node, the offers plugin does not answer it with invoice_error.
const passOn = () => ({ result: 'continue' });
plugin.hook('onion_message_recv', passOn);
plugin.hook('onion_message_recv_secret', passOn);

// Ordered before keysend (manifest): keysend would rewrite a static-invoice payment and
// lightningd fail it (payments.md §2). HTLCs that are not ours get `continue` at once.
plugin.hook('htlc_accepted', (payload) => (app ? app.recipient.pay.onHtlcAccepted(payload) : { result: 'continue' }));
plugin.subscribe('invoice_payment', (payload) => app?.recipient.pay.onInvoicePayment(payload));

plugin.subscribe('onionmessage_forward_fail', (payload) => app?.transport.onForwardFail(payload));
plugin.subscribe('connect', (payload: { id?: string }) => {
  if (app && typeof payload?.id === 'string') app.transport.onPeerConnected(payload.id);
  if (app && typeof payload?.id === 'string') app.recipient.onPeerConnected(payload.id);
  if (app && typeof payload?.id === 'string') app.mailbox.onPeerConnected(payload.id);
});
plugin.subscribe('disconnect', (payload: { id?: string }) => {
  if (app && typeof payload?.id === 'string') app.transport.onPeerDisconnected(payload.id);
});
plugin.subscribe('shutdown', () => {});

plugin.onShutdown(async () => {
  if (!app) return;
  await app.recipient.stop();
  await app.payer.stop();
  await app.mailbox.stop();
  await app.server.flush();
  await app.store.close();
});

await plugin.start();

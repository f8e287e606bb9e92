// Issue 17, finding 2, the interleavings an end-to-end run cannot force: the store's
// write of one operation is held back while another operation on the same (recipient,
// slot) runs. With the per-slot critical section the held write finishes first and the
// other operation sees its result; without it, the older record is written back last.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { encodeBlindedPath } from '../../src/onion/blinded_path.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { Store, type StoreOp } from '../../src/store/store.js';
import { ServerStore } from '../../src/server/server-store.js';
import { StaticInvoiceServer, recipientKey } from '../../src/server/server.js';
import type { Transport } from '../../src/transport/transport.js';
import { SimNetwork } from '../sim/network.js';
import { LdkRecipient } from '../e2e/ldk-actors.js';

const dirs: string[] = [];
const net = new SimNetwork();
after(async () => {
  await net.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A ServerStore whose next batch matching `hold` waits until released. */
class GatedStore extends ServerStore {
  hold: ((ops: StoreOp[]) => boolean) | undefined;
  held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  writes: StoreOp[][] = [];
  override async batch(ops: StoreOp[]): Promise<void> {
    if (this.hold?.(ops)) {
      this.hold = undefined;
      this.held = new Promise((r) => (this.release = r));
      await this.held;
    }
    this.writes.push(ops);
    return super.batch(ops);
  }
  open(): void {
    this.release?.();
  }
}

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'asyncpay-race-'));
  dirs.push(dir);
  const store = await Store.open(dir);
  const ss = new GatedStore(store);
  const node = net.addExternalNode(`r${dirs.length}`);
  const r = new LdkRecipient(node, node);
  const transport = {
    createPath: async () => node.makePath().path,
    ownPathKind: () => undefined,
    send: async () => {},
  } as unknown as Transport;
  const silent = { debug() {}, info() {}, unusual() {} };
  const server = new StaticInvoiceServer(transport, ss, { autoconfirm: false, maxSlots: 16, maxInvoiceBytes: 5120 }, silent, () => Math.floor(Date.now() / 1000), () => {});
  await server.recipientPaths({ recipient_id: 'bob' });
  const rk = recipientKey('bob');
  const offerPath = node.makePath().path;
  const hash = toHex(sha256(encodeBlindedPath(offerPath)).subarray(0, 16));
  await ss.batch(await ss.issueOps(rk, 0, hash, 0, 0));
  const now = BigInt(Math.floor(Date.now() / 1000));
  const older = r.build([offerPath], undefined, { createdAt: now - 100n }).invoice;
  const newer = r.build([offerPath], undefined, { createdAt: now - 10n }).invoice;
  const serve = (bytes: Uint8Array) =>
    server.handle({
      context: { kind: 'serve', recipient: rk, slot: 0, expiresAt: 0 },
      message: { kind: 'serve_static_invoice', invoice: bytes, forwardInvoiceRequestPath: node.makePath().path as BlindedPath },
      replyPath: node.makePath().path,
    });
  return { store, ss, server, serve, older, newer };
}

const writesInvoice = (ops: StoreOp[]) => ops.some((o) => o.space === 'server-invoices');
const stored = async (server: StaticInvoiceServer) => ((await server.list({ recipient_id: 'bob' })).invoices as Array<{ invoice: string; status: string }>)[0];
/** Lets the other operation run as far as it can (it either writes or waits for the slot). */
const settle = (ss: GatedStore, n: number) => new Promise<void>((res) => {
  const t0 = Date.now();
  const poll = () => (ss.writes.length >= n || Date.now() - t0 > 500 ? res() : setTimeout(poll, 10));
  poll();
});

test('confirm whose write is held while a newer invoice arrives: the newer invoice stays', async () => {
  const { store, ss, server, serve, older, newer } = await setup();
  await serve(older.bytes);
  ss.hold = writesInvoice;
  const confirming = server.confirm({ recipient_id: 'bob', invoice_slot: 0 });
  while (!ss.held) await new Promise((r) => setImmediate(r));
  const serving = serve(newer.bytes);
  await settle(ss, ss.writes.length + 1);
  ss.open();
  await Promise.all([confirming, serving]);
  const rec = await stored(server);
  assert.equal(rec.invoice, toHex(newer.bytes), 'the older record was written back over the newer one');
  await store.close();
});

test('a newer invoice whose write is held while an older one arrives: the older is refused', async () => {
  const { store, ss, server, serve, older, newer } = await setup();
  ss.hold = writesInvoice;
  const first = serve(newer.bytes);
  while (!ss.held) await new Promise((r) => setImmediate(r));
  const second = serve(older.bytes);
  await settle(ss, ss.writes.length + 1);
  ss.open();
  await Promise.all([first, second]);
  assert.equal((await stored(server)).invoice, toHex(newer.bytes));
  const c = ((await server.list({ recipient_id: 'bob' })).recipients as Array<{ counters: { rejected: Record<string, number> } }>)[0]!.counters;
  assert.equal(c.rejected.replay, 1);
  await store.close();
});

test('delete whose write is held while an invoice is uploaded: the upload lands after the delete, never before it', async () => {
  const { store, ss, server, serve, older, newer } = await setup();
  await serve(older.bytes);
  ss.hold = writesInvoice;
  const deleting = server.delete({ recipient_id: 'bob', invoice_slot: 0 });
  while (!ss.held) await new Promise((r) => setImmediate(r));
  const serving = serve(newer.bytes);
  await settle(ss, ss.writes.length + 1);
  ss.open();
  await Promise.all([deleting, serving]);
  // Serialised: the delete removed the older invoice, then the newer one was stored.
  assert.equal((await stored(server))?.invoice, toHex(newer.bytes));
  await store.close();
});

// Server throughput and latency: invoice_requests served per second by one server
// plugin process under 1, 10 and 100 concurrent payers (each payer waits for its
// static invoice before asking again), through the simulated lightningd with the
// per-peer rate limit switched off (a real connectd allows 4/s per peer). Then
// LevelDB size and plugin RSS with 100,000 stored invoices.
import { readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { Store } from '../../src/store/store.js';
import { ServerStore, emptyCounters, type InvoiceRecord } from '../../src/server/server-store.js';
import { recipientKey } from '../../src/server/server.js';
import { SimNetwork } from '../../test/sim/network.js';
import { LdkPayer, LdkRecipient, serverPathsOf } from '../../test/e2e/ldk-actors.js';
import type { BlindedPath } from '../../src/onion/types.js';
import type { Offer } from '../../src/bolt12/offer.js';

type Row = Record<string, string | number>;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** utime + stime of a process, in ms (Linux /proc; USER_HZ = 100). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    const st = statSync(join(dir, f));
    n += st.isDirectory() ? dirBytes(join(dir, f)) : st.size;
  }
  return n;
}

async function throughput(payers: number, durationMs: number): Promise<Row> {
  const net = new SimNetwork();
  try {
    const s = await net.addClnNode('server');
    s.rateLimit = false;
    const rNode = net.addExternalNode('recipient');
    rNode.rateLimit = false;
    net.addChannel(rNode, s, { scid: '1x1x0' });
    const r = new LdkRecipient(rNode, s);
    const [serverPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'bench' })) as [BlindedPath];
    const op = await r.requestOfferPaths(serverPath, 0);
    const { offer, invoice } = r.build(op.paths, op.expiry);
    await r.waitPersisted(r.serve(op.servePath, invoice.bytes).persistedPathId);
    const ps: LdkPayer[] = [];
    for (let i = 0; i < payers; i++) {
      const n = net.addExternalNode(`payer${i}`);
      n.rateLimit = false;
      net.addChannel(n, s, { scid: `${10 + i}x1x0` });
      ps.push(new LdkPayer(n, s));
    }
    const lat: number[] = [];
    const deadline = performance.now() + durationMs;
    const cpu0 = cpuMs(s.plugin!.pid!);
    const t0 = performance.now();
    await Promise.all(ps.map((p) => loop(p, offer, deadline, lat)));
    const secs = (performance.now() - t0) / 1000;
    const cpuPerReq = (cpuMs(s.plugin!.pid!) - cpu0) / lat.length;
    lat.sort((a, b) => a - b);
    return {
      payers,
      requests: lat.length,
      'served/s': Math.round(lat.length / secs),
      'p50 ms': +pct(lat, 0.5).toFixed(2),
      'p99 ms': +pct(lat, 0.99).toFixed(2),
      'plugin CPU ms/req': +cpuPerReq.toFixed(2),
      'plugin capacity/s (1 core)': Math.round(1000 / cpuPerReq),
      'plugin RSS MB': rssMb(s.plugin!.pid!),
    };
  } finally {
    await net.close();
  }
}

async function loop(p: LdkPayer, offer: Offer, deadline: number, lat: number[]): Promise<void> {
  while (performance.now() < deadline) {
    const q = p.prepare(offer);
    const t = performance.now();
    q.send();
    await p.node.waitForType(70n, q.replyPathId, 30_000);
    lat.push(performance.now() - t);
    p.node.inbox.length = 0;
  }
}

async function storage(count: number): Promise<Row[]> {
  // Fill a database through the server's own storage code with realistic records
  // (a real ~1 KB static invoice from the protocol run), then start the plugin on it.
  const net = new SimNetwork();
  try {
    const s = await net.addClnNode('server', { pluginOptions: {} });
    const rNode = net.addExternalNode('recipient');
    net.addChannel(rNode, s, { scid: '1x1x0' });
    const r = new LdkRecipient(rNode, s);
    const [serverPath] = serverPathsOf(await s.cli('asyncrecipient-paths', { recipient_id: 'sample' })) as [BlindedPath];
    const op = await r.requestOfferPaths(serverPath, 0);
    const { invoice } = r.build(op.paths, op.expiry);
    const fwd = toHex(fromHex('02' + '11'.repeat(32))) + '00'.repeat(100);
    await s.killPlugin();
    const dir = join(s.lightningDir, 'asyncpay');
    const store = await Store.open(dir);
    const ss = new ServerStore(store);
    const t0 = performance.now();
    const perRecipient = 10;
    for (let i = 0; i < count / perRecipient; i++) {
      const name = `recipient-${i}`;
      const rk = recipientKey(name);
      const ops = [ss.putRecipientOp(rk, { recipient_id: name, created_at: 1_700_000_000, counters: emptyCounters() })];
      for (let slot = 0; slot < perRecipient; slot++) {
        const rec: InvoiceRecord = {
          recipient_id: name,
          invoice_slot: slot,
          status: 'confirmed',
          invoice: toHex(invoice.bytes),
          forward_invoice_request_path: fwd,
          persisted_reply_path: null,
          offer_id: toHex(invoice.records[0]!.raw).slice(0, 64).padEnd(64, '0'),
          created_at: 1_700_000_000,
          expires_at: 1_800_000_000,
          offer_expires_at: 0,
          stored_at: 1_700_000_000,
          bytes: invoice.bytes.length,
        };
        ops.push(ss.putInvoiceOp(rk, rec));
      }
      await ss.batch(ops);
    }
    const writeSecs = (performance.now() - t0) / 1000;
    await store.close();
    const t1 = performance.now();
    await s.startPlugin();
    const startMs = performance.now() - t1;
    const list = await s.cli('staticinvoice-list', { recipient_id: 'recipient-42' });
    return [
      {
        invoices: count,
        'invoice bytes': invoice.bytes.length,
        'write s': +writeSecs.toFixed(1),
        'LevelDB MB': +(dirBytes(dir) / 2 ** 20).toFixed(1),
        'plugin start ms': Math.round(startMs),
        'plugin RSS MB': rssMb(s.plugin!.pid!),
        'list one recipient': list.invoices.length,
      },
    ];
  } finally {
    await net.close();
  }
}

export async function report(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of [1, 10, 100]) rows.push(await throughput(n, 5000));
  const st = await storage(Number(process.env.ASYNCPAY_BENCH_INVOICES ?? 100_000));
  return [...rows, ...st];
}

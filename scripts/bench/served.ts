// "Served request as on a real node": the measurement of perf-real.md reproduced in the
// simulator. S (server role) and R (recipient role) both run this plugin, so R's static
// invoice, offer paths and forward_invoice_request_path are the real recipient role's;
// R's plugin is then stopped (R's node stays connected, as in the real run). A payer P,
// directly connected to S, sends invoice_requests with the reply path a stock CLN
// `fetchinvoice` makes: the forward path reversed without the destination, so with P
// directly connected to the offer path's introduction node S it is [P] alone, and S
// must blind a hop of its own in front of it.
// Per request S peels the message at its virtual node, forwards it to R and serves the
// static invoice: two injectonionmessage calls. lightningd's notification is the full
// onionmessage_forward_fail JSON (incoming + outgoing packets in hex).
//
// Plugin CPU per request comes from /proc/<pid>/task/*/schedstat (nanoseconds, all
// threads) read around each request; the "whole run" figure also counts idle timers,
// like the /proc utime+stime figure of the real node.
import { readdirSync, readFileSync } from 'node:fs';
import { REGTEST_CHAIN, until } from '../../test/e2e/recipient-helpers.js';
import { SimNetwork } from '../../test/sim/network.js';
import type { ExternalNode } from '../../test/sim/external-node.js';
import type { ClnNode } from '../../test/sim/cln-node.js';
import { buildInvoiceRequest } from '../../src/bolt12/build.js';
import { parseOffer, type Offer } from '../../src/bolt12/offer.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey } from '../../src/crypto/secp.js';
import { utf8 } from '../../src/codec/bytes.js';
import { encodeMessage } from '../../src/messages/index.js';

type Row = Record<string, string | number>;

/** CPU time of every thread of a process, in ms (ns resolution). */
export function processCpuMs(pid: number): number {
  let ns = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that just exited
    }
  }
  return ns / 1e6;
}

/** CPU time of the main (JavaScript) thread alone, in ms. */
export function mainThreadCpuMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RealShapeSetup {
  net: SimNetwork;
  s: ClnNode;
  p: ExternalNode;
  offer: Offer;
}

/** S, R (plugin stopped after registering) and a stock-CLN-shaped payer P. */
export async function realShapeNetwork(serverEnv: Record<string, string>): Promise<RealShapeSetup> {
  const net = new SimNetwork();
  const s = await net.addClnNode('server', { env: serverEnv });
  s.rateLimit = false;
  const r = await net.addClnNode('recipient', { env: { ASYNCPAY_DEV_TICK_MS: '150' }, pluginOptions: { 'asyncpay-offer-count': 1 } });
  const p = net.addExternalNode('payer');
  p.rateLimit = false;
  net.addChannel(r, s, { scid: '800x1x0' });
  net.addChannel(p, s, { scid: '800x2x0' });
  const issued = await s.cli('asyncrecipient-paths', { recipient_id: 'alice' });
  await r.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
  await until(async () => (await r.cli('asyncreceive-status', {})).slots.every((x: any) => x.state === 'ready'), 'R ready', 60_000);
  const offer = parseOffer((await r.cli('asyncoffer', {})).offer);
  await r.killPlugin('SIGTERM');
  return { net, s, p, offer };
}

let reqNo = 0;
/** One invoice_request as CLN's fetchinvoice sends it (reply path [P]); resolves when the static invoice is back. */
export async function serveOnce(x: RealShapeSetup): Promise<void> {
  const n = ++reqNo;
  const req = buildInvoiceRequest(x.offer, {
    metadata: sha256(utf8(`bench payer metadata ${n}`)),
    payerKey: asPrivKey(sha256(utf8('bench payer key'))),
    chain: REGTEST_CHAIN,
    amount: 1000n,
  });
  const reply = x.p.makePath();
  const sent = x.p.send(x.offer.paths![0]!, [encodeMessage({ kind: 'invoice_request', bytes: req.bytes })], { replyPath: reply.path });
  if (!sent.ok) throw new Error(`invoice_request not sent: ${sent.error}`);
  await x.p.waitForType(70n, reply.pathId, 30_000);
  x.p.inbox.length = 0;
}

export interface ServedStats {
  p50: number;
  /** The JavaScript thread only (no LevelDB/libuv worker threads). */
  mainP50: number;
  p99: number;
  wholeRun: number;
  idlePerS: number;
  calls: string;
  bytesOut: number;
  notification: number;
  perSec: number;
}

/** Serves `requests` invoice_requests one after another, reading S's CPU around each. */
export async function measureServed(x: RealShapeSetup, requests: number, warmup = 30, paceMs = 0): Promise<ServedStats> {
  const pid = x.s.plugin!.pid!;
  for (let i = 0; i < warmup; i++) await serveOnce(x); // JIT warm-up
  const calls0 = x.s.rpc.calls.length;
  const fails0 = x.s.forwardFails.length;
  const per: number[] = [];
  const main: number[] = [];
  const start = processCpuMs(pid);
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) {
    if (paceMs) await sleep(paceMs);
    const c0 = processCpuMs(pid);
    const m0 = mainThreadCpuMs(pid);
    await serveOnce(x);
    // Let S finish the tail of the request (counters, log line) before reading.
    await sleep(3);
    per.push(processCpuMs(pid) - c0);
    main.push(mainThreadCpuMs(pid) - m0);
  }
  const wallS = (performance.now() - t0) / 1000;
  const total = processCpuMs(pid) - start;
  const idleT0 = processCpuMs(pid);
  await sleep(2000);
  const idlePerS = (processCpuMs(pid) - idleT0) / 2;
  per.sort((a, b) => a - b);
  main.sort((a, b) => a - b);
  const calls = x.s.rpc.calls.slice(calls0);
  const methods = [...new Set(calls.map((c) => c.method))].join(' ');
  const notif = x.s.forwardFails.slice(fails0).map((f) => JSON.stringify(f).length);
  const injected = calls.filter((c) => c.method === 'injectonionmessage');
  return {
    p50: +pct(per, 0.5).toFixed(2),
    mainP50: +pct(main, 0.5).toFixed(2),
    p99: +pct(per, 0.99).toFixed(2),
    wholeRun: +(total / requests).toFixed(2),
    idlePerS: +idlePerS.toFixed(2),
    calls: `${+(calls.length / requests).toFixed(2)} (${methods})`,
    bytesOut: Math.round(injected.reduce((a, c) => a + String(c.params.message).length / 2, 0) / Math.max(1, injected.length)),
    notification: notif.length ? Math.round(notif.reduce((a, b) => a + b, 0) / notif.length) : 0,
    perSec: Math.round(requests / wallS),
  };
}

async function measureBackend(backend: 'native' | 'tiny', requests: number, paceMs = 0): Promise<Row> {
  const env: Record<string, string> = backend === 'tiny' ? { ASYNCPAY_NATIVE_SECP: '0' } : {};
  const x = await realShapeNetwork(env);
  try {
    const running = x.s.plugin!.logs.find((l) => /secp256k1 backend/.test(l.message))?.message;
    // (A build from before the backends existed has no such line: it is WASM only.)
    if (running !== undefined && !running.includes(backend)) throw new Error(`S runs the wrong backend: ${running}`);
    const m = await measureServed(x, requests, 30, paceMs);
    return {
      'served request as on a real node': paceMs ? `${backend}, one request every ${paceMs / 1000} s` : backend,
      requests,
      'plugin CPU ms/req p50': m.p50,
      'main thread p50': m.mainP50,
      p99: m.p99,
      'whole run ms/req': m.wholeRun,
      'idle ms/s': m.idlePerS,
      'RPC calls/req': m.calls,
      'onion bytes out': m.bytesOut,
      'notification bytes': m.notification,
      'req/s (serial)': m.perSec,
      'plugin RSS MB': rssMb(x.s.plugin!.pid!),
    };
  } finally {
    await x.net.close();
  }
}

export async function report(): Promise<Row[]> {
  const n = Number(process.env.ASYNCPAY_BENCH_SERVED ?? 300);
  const rows: Row[] = [];
  for (const b of ['native', 'tiny'] as const) rows.push(await measureBackend(b, n));
  // The real node's payer asked once every ~1.3 s: caches and branch predictors are cold
  // for every request, and the whole-run figure includes 1.3 s of idle timers per request.
  const paced = Number(process.env.ASYNCPAY_BENCH_PACED ?? 25);
  if (paced > 0) rows.push(await measureBackend('native', paced, 1300));
  return rows;
}

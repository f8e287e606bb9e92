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
//
// Each plugin is measured twice. Requests 31–330 after its start run mostly in V8's
// baseline code while the optimising compiler works in the background: a function called
// once per request reaches optimised code only after ~1,000–3,000 calls. A server that
// keeps serving runs in the steady state, measured after ASYNCPAY_BENCH_STEADY (3,000)
// requests; the row of window means in between shows the fall.
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
export async function realShapeNetwork(serverEnv: Record<string, string>, serverPlugin?: string): Promise<RealShapeSetup> {
  const net = new SimNetwork();
  const s = await net.addClnNode('server', { env: serverEnv, ...(serverPlugin ? { plugin: serverPlugin } : {}) });
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
    // A fresh payer key per request, as CLN derives invreq_payer_id from each request's metadata.
    payerKey: asPrivKey(sha256(utf8(`bench payer key ${n}`))),
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
  return (await measureServedMany([x], requests, warmup, paceMs))[0]!;
}

/**
 * The same for several setups at once, their requests interleaved one by one, so that
 * every setup sees the same machine load (the figures of a shared machine drift by
 * tens of percent over minutes; before/after compared this way do not).
 */
export async function measureServedMany(xs: RealShapeSetup[], requests: number, warmup = 30, paceMs = 0): Promise<ServedStats[]> {
  const pids = xs.map((x) => x.s.plugin!.pid!);
  for (let i = 0; i < warmup; i++) for (const x of xs) await serveOnce(x); // JIT warm-up
  const calls0 = xs.map((x) => x.s.rpc.calls.length);
  const fails0 = xs.map((x) => x.s.forwardFails.length);
  const per: number[][] = xs.map(() => []);
  const main: number[][] = xs.map(() => []);
  const wall = xs.map(() => 0);
  const start = pids.map(processCpuMs);
  // Each setup serves `batch` requests in a row before the next takes over: every setup
  // sees the same load, and caches are as warm as in a run of its own (the paced row
  // measures the cold case).
  const batch = Math.max(1, Number(process.env.ASYNCPAY_BENCH_BATCH ?? 10));
  for (let first = 0; first < requests; first += batch) {
    for (let j = 0; j < xs.length; j++) {
      for (let i = first; i < Math.min(requests, first + batch); i++) {
        if (paceMs) await sleep(paceMs);
        const pid = pids[j]!;
        const t0 = performance.now();
        const c0 = processCpuMs(pid);
        const m0 = mainThreadCpuMs(pid);
        await serveOnce(xs[j]!);
        wall[j]! += performance.now() - t0;
        // Let S finish the tail of the request (counters, log line) before reading.
        await sleep(3);
        per[j]!.push(processCpuMs(pid) - c0);
        main[j]!.push(mainThreadCpuMs(pid) - m0);
      }
    }
  }
  const total = pids.map((pid, j) => processCpuMs(pid) - start[j]!);
  const idleT0 = pids.map(processCpuMs);
  await sleep(2000);
  return xs.map((x, j) => {
    const idlePerS = (processCpuMs(pids[j]!) - idleT0[j]!) / 2;
    const sorted = per[j]!.sort((a, b) => a - b);
    const mainSorted = main[j]!.sort((a, b) => a - b);
    const calls = x.s.rpc.calls.slice(calls0[j]);
    const methods = [...new Set(calls.map((c) => c.method))].join(' ');
    const notif = x.s.forwardFails.slice(fails0[j]).map((f) => JSON.stringify(f).length);
    const injected = calls.filter((c) => c.method === 'injectonionmessage');
    return {
      p50: +pct(sorted, 0.5).toFixed(2),
      mainP50: +pct(mainSorted, 0.5).toFixed(2),
      p99: +pct(sorted, 0.99).toFixed(2),
      wholeRun: +(total[j]! / requests).toFixed(2),
      idlePerS: +idlePerS.toFixed(2),
      calls: `${+(calls.length / requests).toFixed(2)} (${methods})`,
      bytesOut: Math.round(injected.reduce((a, c) => a + String(c.params.message).length / 2, 0) / Math.max(1, injected.length)),
      notification: notif.length ? Math.round(notif.reduce((a, b) => a + b, 0) / notif.length) : 0,
      perSec: Math.round((requests * 1000) / Math.max(1, wall[j]! + 3 * requests)),
    };
  });
}

interface Variant {
  /** What the row says runs on S. */
  readonly label: string;
  readonly env: Record<string, string>;
  /** Another checkout's plugin entry (the "before" build), else this one's. */
  readonly script?: string;
}

/**
 * Serves `total` requests per setup, interleaved in batches of ten like the measured runs,
 * and returns each setup's mean plugin CPU (all threads) per window of `window` requests:
 * how the cost falls while V8 moves the per-request functions to optimised code.
 */
export async function warmUpWindows(xs: RealShapeSetup[], total: number, window: number): Promise<number[][]> {
  const pids = xs.map((x) => x.s.plugin!.pid!);
  const out: number[][] = xs.map(() => []);
  for (let first = 0; first < total; first += window) {
    const n = Math.min(window, total - first);
    const c0 = pids.map(processCpuMs);
    for (let done = 0; done < n; done += 10) for (const x of xs) for (let i = done; i < Math.min(n, done + 10); i++) await serveOnce(x);
    pids.forEach((pid, j) => out[j]!.push(+((processCpuMs(pid) - c0[j]!) / n).toFixed(2)));
  }
  return out;
}

function servedRow(label: string, requests: number, m: ServedStats, rss: number): Row {
  return {
    'served request as on a real node': label,
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
    'plugin RSS MB': rss,
  };
}

/**
 * Each variant's plugin measured twice: requests 31–330 after its start, while V8 still runs
 * most per-request functions in baseline code and compiles in the background, then in steady
 * state after `steady` requests, with the fall in between as a row of window means.
 * `steady` = 0 measures only the first phase (the paced row: its 25 requests are all early).
 */
async function measureVariants(variants: readonly Variant[], requests: number, paceMs = 0, steady = 0): Promise<Row[]> {
  const xs: RealShapeSetup[] = [];
  try {
    for (const v of variants) {
      const x = await realShapeNetwork(v.env, v.script);
      xs.push(x);
      const running = x.s.plugin!.logs.find((l) => /secp256k1 backend/.test(l.message))?.message;
      // (A build from before the backends existed has no such line: it is WASM only.)
      const want = v.env.ASYNCPAY_NATIVE_SECP === '0' ? 'tiny' : 'native';
      if (!v.script && running !== undefined && !running.includes(want)) throw new Error(`S runs the wrong backend: ${running}`);
    }
    const warm = 30;
    const early = await measureServedMany(xs, requests, warm, paceMs);
    const rss = () => xs.map((x) => rssMb(x.s.plugin!.pid!));
    const label = (j: number, phase: string) => (paceMs ? `${variants[j]!.label}, one request every ${paceMs / 1000} s` : `${variants[j]!.label}, ${phase}`);
    const r0 = rss();
    const rows = early.map((m, j) => servedRow(label(j, `requests ${warm + 1}–${warm + requests} after start`), requests, m, r0[j]!));
    if (steady > warm + requests) {
      const window = 300;
      const windows = await warmUpWindows(xs, steady - warm - requests, window);
      const late = await measureServedMany(xs, requests, 0);
      const r = rss();
      late.forEach((m, j) => rows.push(servedRow(label(j, `steady state, requests ${steady + 1}–${steady + requests}`), requests, m, r[j]!)));
      variants.forEach((v, j) =>
        rows.push({
          [`JIT warm-up (${v.label})`]: `mean plugin CPU ms/req per ${window} requests, from request ${warm + requests + 1} to ${steady}`,
          windows: windows[j]!.join(' '),
        }),
      );
    }
    return rows;
  } finally {
    for (const x of xs) await x.net.close();
  }
}

/**
 * ASYNCPAY_BENCH_BEFORE=<dir of another built checkout> adds that build as a "before"
 * row, measured interleaved with this one (e.g. `git worktree add /tmp/before <rev> &&
 * (cd /tmp/before && npm ci && npm run build)`).
 */
export async function report(): Promise<Row[]> {
  const n = Number(process.env.ASYNCPAY_BENCH_SERVED ?? 300);
  const before = process.env.ASYNCPAY_BENCH_BEFORE;
  const variants: Variant[] = [
    ...(before ? [{ label: `before (${before}), native`, env: {}, script: `${before}/cln-asyncpay.js` }] : []),
    { label: 'native', env: {} },
    { label: 'tiny', env: { ASYNCPAY_NATIVE_SECP: '0' } },
    ...(before ? [{ label: `before (${before}), tiny`, env: { ASYNCPAY_NATIVE_SECP: '0' }, script: `${before}/cln-asyncpay.js` }] : []),
  ];
  // Requests per setup before the steady-state row (default 3000; 0 leaves it out).
  const steady = Number(process.env.ASYNCPAY_BENCH_STEADY ?? 3000);
  const rows = await measureVariants(variants, n, 0, steady);
  rows.push(...(await runtimeFloor(Math.min(n, 300), variants.filter((v) => !v.env.ASYNCPAY_NATIVE_SECP))));
  // The real node's payer asked once every ~1.3 s: caches and branch predictors are cold
  // for every request, and the whole-run figure includes 1.3 s of idle timers per request.
  const paced = Number(process.env.ASYNCPAY_BENCH_PACED ?? 25);
  if (paced > 0) {
    rows.push(...(await measureVariants([{ label: 'native', env: {} }], paced, 1300)));
    rows.push(await coldMachineFactor(Math.min(paced, 12), 1300));
  }
  return rows;
}

/**
 * What any message costs this process before its work starts: lightningd's 5.8 KB
 * `onionmessage_forward_fail` for a packet that is not ours (dropped after one check and
 * one debug line), and a command answered from memory (one stdin read, one stdout write).
 * The served request pays one notification and two RPC round trips on top of its work.
 * Several builds (the "before" one) are measured interleaved in batches, like the served rows.
 */
export async function runtimeFloor(requests: number, variants: readonly Variant[]): Promise<Row[]> {
  const xs: RealShapeSetup[] = [];
  try {
    for (const v of variants) xs.push(await realShapeNetwork(v.env, v.script));
    const notification = {
      source: `02${'11'.repeat(32)}`,
      incoming: 'ab'.repeat(1366),
      path_key: `02${'22'.repeat(32)}`,
      outgoing: `0201${'cd'.repeat(1366 + 35)}`,
      next_node_id: `03${'33'.repeat(32)}`,
    };
    const dropNotification = (x: RealShapeSetup) => async () => {
      x.s.plugin!.notify('onionmessage_forward_fail', { onionmessage_forward_fail: notification });
      await sleep(1);
    };
    // An older "before" build may not have the command: its row says so instead.
    const hasCommand = await Promise.all(xs.map((x) => x.s.cli('asyncpay-mailbox', {}).then(() => true, () => false)));
    const command = (x: RealShapeSetup, j: number) => (hasCommand[j] ? () => x.s.cli('asyncpay-mailbox', {}) : () => sleep(0));
    const per = async (fs: Array<() => Promise<unknown>>): Promise<number[]> => {
      for (let i = 0; i < 30; i++) for (const f of fs) await f();
      const v: number[][] = fs.map(() => []);
      const batch = 10;
      for (let first = 0; first < requests; first += batch) {
        for (let j = 0; j < fs.length; j++) {
          const pid = xs[j]!.s.plugin!.pid!;
          for (let i = first; i < Math.min(requests, first + batch); i++) {
            const c0 = processCpuMs(pid);
            await fs[j]!();
            await sleep(3);
            v[j]!.push(processCpuMs(pid) - c0);
          }
        }
      }
      return v.map((a) => +pct(a.sort((p, q) => p - q), 0.5).toFixed(3));
    };
    const dropped = await per(xs.map(dropNotification));
    const commands = await per(xs.map(command));
    return variants.map((v, j) => ({
      [`runtime floor (${v.label})`]: 'per message, before any work',
      'forward_fail notification not for us, ms p50': dropped[j]!,
      'asyncpay-mailbox command, ms p50': hasCommand[j] ? commands[j]! : 'n/a (no such command in that build)',
      'notification bytes': JSON.stringify(notification).length,
    }));
  } finally {
    for (const x of xs) await x.net.close();
  }
}

/**
 * The machine's own part in a paced figure: a fixed piece of work (hashing and small
 * objects, a few ms) timed back to back, then once every `paceMs`, by this process's
 * CPU time. On the VMs measured here it costs several times more after an idle gap
 * (clock and caches), whatever the code: divide the paced row by this factor.
 */
async function coldMachineFactor(runs: number, paceMs: number): Promise<Row> {
  const work = (): number => {
    let h: Uint8Array = new Uint8Array(32);
    for (let i = 0; i < 2000; i++) h = sha256(h);
    const a: Array<{ i: number; s: string }> = [];
    for (let i = 0; i < 20_000; i++) a.push({ i, s: `x${i}` });
    return a.length + h[0]!;
  };
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const timed = async (pace: number): Promise<number> => {
    const v: number[] = [];
    for (let i = 0; i < runs; i++) {
      if (pace) await sleep(pace);
      const c = cpu();
      work();
      v.push(cpu() - c);
    }
    return pct(v.sort((a, b) => a - b), 0.5);
  };
  for (let i = 0; i < 20; i++) work();
  const warm = await timed(0);
  const cold = await timed(paceMs);
  return {
    'reference work (this process, no plugin)': `${runs} runs`,
    'CPU ms back to back, p50': +warm.toFixed(2),
    [`CPU ms once every ${paceMs / 1000} s, p50`]: +cold.toFixed(2),
    'cold-machine factor': +(cold / warm).toFixed(1),
  };
}

// Idle plugin CPU (issue 16): what a started plugin costs per second of wall time when
// nothing happens — a fresh server, a recipient holding ready offers (and its server),
// and a server before and after serving a burst of invoice_requests. On a real
// lightningd the plugin sat at 0.5 ms/s (perf-real.md); a plugin that does nothing
// while idle should not wake at all.
//
// Figures per window (ASYNCPAY_BENCH_IDLE_SECS, default 10 s), all threads of the
// plugin from /proc/<pid>/task/*/schedstat: CPU ms per second, and wake-ups per second
// (times a thread was scheduled in), the figure that does not depend on the machine.
// On a shared VM one wake-up can cost 0.1–1 ms of accounted CPU, so each row also
// reports a reference process measured over the same window: a bare `node` waking once
// a second. The first window after load includes V8's one-off memory-reducing GC
// (concurrent marking and sweeping threads, tens of ms once): steady-state windows
// start 15 s after activity, and the after-load figure has a first and a second window.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { until } from '../../test/e2e/recipient-helpers.js';
import { SimNetwork } from '../../test/sim/network.js';
import { realShapeNetwork, serveOnce } from './served.js';

type Row = Record<string, string | number>;

interface Sample {
  cpuMs: number;
  mainMs: number;
  switches: number;
}

/** CPU time (ms) and times scheduled in, summed over every thread of a process. */
function sample(pid: number): Sample {
  const s: Sample = { cpuMs: 0, mainMs: 0, switches: 0 };
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [run, , slices] = readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ').map(Number);
      s.cpuMs += run! / 1e6;
      s.switches += slices!;
      if (t === String(pid)) s.mainMs = run! / 1e6;
    } catch {
      // a thread that just exited
    }
  }
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WINDOW_S = Number(process.env.ASYNCPAY_BENCH_IDLE_SECS ?? 10);
/** V8's memory reducer runs one full GC some 5–10 s after activity stops: settle past it. */
const SETTLE_MS = 15_000;

/** The reference: a bare node process with one 1 s timer (its cost is this machine's, not ours). */
function reference(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); process.stdin.resume(); process.stdin.on("end", () => process.exit(0))'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
}

/** Idle figures of each pid over one window of `secs` seconds. */
async function idleWindow(pids: number[], ref: ChildProcess, secs = WINDOW_S): Promise<Row[]> {
  const a = pids.map(sample);
  const r0 = sample(ref.pid!);
  const t0 = performance.now();
  await sleep(secs * 1000);
  const dt = (performance.now() - t0) / 1000;
  const b = pids.map(sample);
  const r1 = sample(ref.pid!);
  return pids.map((_, i) => ({
    'plugin CPU ms/s': +((b[i]!.cpuMs - a[i]!.cpuMs) / dt).toFixed(3),
    'main thread ms/s': +((b[i]!.mainMs - a[i]!.mainMs) / dt).toFixed(3),
    'wake-ups/s': +((b[i]!.switches - a[i]!.switches) / dt).toFixed(2),
    'reference node (1 timer/s) ms/s': +((r1.cpuMs - r0.cpuMs) / dt).toFixed(3),
    window: `${Math.round(dt)} s`,
  }));
}

const label = (what: string, r: Row): Row => ({ 'idle plugin': what, ...r });

export async function report(): Promise<Row[]> {
  const rows: Row[] = [];
  const ref = reference();
  try {
    // (a) A freshly started node with nothing configured (the server role waits for recipients).
    {
      const net = new SimNetwork();
      try {
        const s = await net.addClnNode('server');
        // Start-up's own GC settles in the first seconds; this is the steady state after it.
        await sleep(SETTLE_MS);
        rows.push(label('server, freshly started', (await idleWindow([s.plugin!.pid!], ref))[0]!));
      } finally {
        await net.close();
      }
    }
    // (b) A recipient with a ready offer (default tick: nothing is due) and its server.
    {
      const net = new SimNetwork();
      try {
        const s = await net.addClnNode('server');
        const r = await net.addClnNode('recipient', { pluginOptions: { 'asyncpay-offer-count': 1 } });
        net.addChannel(r, s, { scid: '800x1x0' });
        const issued = await s.cli('asyncrecipient-paths', { recipient_id: 'alice' });
        await r.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
        await until(async () => (await r.cli('asyncreceive-status', {})).slots.every((x: any) => x.state === 'ready'), 'R ready', 60_000);
        await sleep(SETTLE_MS);
        const [ri, si] = await idleWindow([r.plugin!.pid!, s.plugin!.pid!], ref);
        rows.push(label('recipient with a ready offer', ri!), label('its server, holding the static invoice', si!));
      } finally {
        await net.close();
      }
    }
    // (c) The served bench's server: before load, then right after 300 requests and later.
    {
      const x = await realShapeNetwork({});
      try {
        const pid = x.s.plugin!.pid!;
        await sleep(SETTLE_MS);
        rows.push(label('server before load', (await idleWindow([pid], ref))[0]!));
        const n = Number(process.env.ASYNCPAY_BENCH_SERVED ?? 300);
        for (let i = 0; i < n; i++) await serveOnce(x);
        // The first window holds the tail of the load: the counters' flush and V8's GC.
        rows.push(label(`server 0–${WINDOW_S} s after ${n} requests`, (await idleWindow([pid], ref))[0]!));
        rows.push(label(`server ${WINDOW_S}–${2 * WINDOW_S} s after ${n} requests`, (await idleWindow([pid], ref))[0]!));
      } finally {
        await x.net.close();
      }
    }
  } finally {
    ref.stdin?.end();
    ref.kill();
  }
  return rows;
}

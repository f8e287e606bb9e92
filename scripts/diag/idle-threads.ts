// Diagnostic (not a bench): per-thread idle CPU of plugin processes in consecutive windows.
import { readdirSync, readFileSync } from 'node:fs';
import { SimNetwork } from '../../test/sim/network.js';
import { realShapeNetwork, serveOnce } from '../bench/served.js';
import { until } from '../../test/e2e/recipient-helpers.js';

function threads(pid: number): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim() + (t === String(pid) ? '(main)' : '');
      const ns = Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      m.set(name, (m.get(name) ?? 0) + ns / 1e6);
    } catch {}
  }
  return m;
}
import { spawn } from 'node:child_process';
const control = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); setInterval(() => {}, 1000); process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function windows(label: string, pid: number, n: number, secs: number) {
  for (let i = 0; i < n; i++) {
    const a = threads(pid);
    const ca = threads(control.pid!);
    const t0 = performance.now();
    await sleep(secs * 1000);
    const b = threads(pid);
    const dt = (performance.now() - t0) / 1000;
    let tot = 0;
    const parts: string[] = [];
    for (const [k, v] of b) {
      const d = (v - (a.get(k) ?? 0)) / dt;
      tot += d;
      if (d > 0.005) parts.push(`${k}=${d.toFixed(3)}`);
    }
    const cb = threads(control.pid!);
    let ctl = 0;
    for (const [k, v] of cb) ctl += (v - (ca.get(k) ?? 0)) / dt;
    parts.push(`| control=${ctl.toFixed(3)} load=${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
    console.log(`${label} window ${i} (${secs}s): ${tot.toFixed(3)} ms/s  ${parts.join(' ')}`);
  }
}
const which = process.argv[2] ?? 'all';
const n = Number(process.argv[3] ?? 4);
const secs = Number(process.argv[4] ?? 5);
if (which === 'server' || which === 'all') {
  const net = new SimNetwork();
  const s = await net.addClnNode('server');
  console.log('PID', s.plugin!.pid!);
  await sleep(1000);
  await windows('server-only', s.plugin!.pid!, n, secs);
  await net.close();
}
if (which === 'recipient' || which === 'all') {
  const net = new SimNetwork();
  const s = await net.addClnNode('server');
  const r = await net.addClnNode('recipient', { pluginOptions: { 'asyncpay-offer-count': 1 } });
  net.addChannel(r, s, { scid: '800x1x0' });
  const issued = await s.cli('asyncrecipient-paths', { recipient_id: 'alice' });
  await r.cli('asyncreceive-setserver', { paths: issued.paths_encoded });
  await until(async () => (await r.cli('asyncreceive-status', {})).slots.every((x: any) => x.state === 'ready'), 'R ready', 60_000);
  await windows('recipient', r.plugin!.pid!, 1, secs);
  await windows('server-with-recipient', s.plugin!.pid!, n, secs);
  await net.close();
}
if (which === 'served' || which === 'all') {
  const x = await realShapeNetwork({});
  const pid = x.s.plugin!.pid!;
  const cb = x.s.rpc.calls.length;
  await windows('served-before', pid, 1, secs);
  console.log('rpc calls before:', x.s.rpc.calls.slice(cb).map((c) => c.method).join(' '));
  for (let i = 0; i < 330; i++) await serveOnce(x);
  const c0 = x.s.rpc.calls.length;
  await windows('served-after', pid, n, secs);
  const calls = x.s.rpc.calls.slice(c0).map((c) => c.method);
  console.log('rpc calls during idle:', calls.length, [...new Set(calls)].join(' '));
  await x.net.close();
}
if (which === 'hold') {
  const x = await realShapeNetwork({});
  for (let i = 0; i < 330; i++) await serveOnce(x);
  console.log('PID', x.s.plugin!.pid!);
  await windows('hold', x.s.plugin!.pid!, n, secs);
  await x.net.close();
}
control.kill();
process.exit(0);

import crypto from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import * as js from './build/src/crypto/sha256-js.js';
let gcN = 0, gcMs = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) { gcN++; gcMs += e.duration; } }).observe({ entryTypes: ['gc'] });
async function bench(name, f, n = 200000) { for (let i = 0; i < 20000; i++) f(); await new Promise(r => setTimeout(r, 10)); gcN = 0; gcMs = 0; const c0 = process.cpuUsage(); for (let i = 0; i < n; i++) f(); const cu = process.cpuUsage(c0); await new Promise(r => setTimeout(r, 10)); console.log(name.padEnd(30), ((cu.user + cu.system) / n).toFixed(3), 'µs cpu', 'gc', gcN, (gcMs*1000/n).toFixed(3), 'µs/call'); }
for (const len of [32, 64, 119, 120, 183, 184, 247, 311]) {
  const m = new Uint8Array(crypto.randomBytes(len));
  await bench(`openssl ${len}`, () => new Uint8Array(crypto.hash('sha256', m, 'buffer').buffer));
  await bench(`js ${len}`, () => { js.start(js.IV); js.update(m); return js.digest(); });
}

// `npm run bench`: prints median µs/op for every case exported by scripts/bench/*.ts,
// then any larger scenario reports (server throughput, storage) those modules print.
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface BenchCase {
  name: string;
  run: () => void | Promise<void>;
}
interface BenchModule {
  cases?: BenchCase[];
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
  /** A scenario that prints its own table (e.g. throughput under load). */
  report?: () => Promise<Array<Record<string, string | number>>>;
}

const only = process.argv[2] ?? '';

async function measure(c: BenchCase): Promise<{ median: number; p90: number; n: number }> {
  // Warm up, then take per-batch timings until ~1 s has been spent.
  for (let i = 0; i < 5; i++) await c.run();
  const samples: number[] = [];
  const deadline = performance.now() + 1000;
  while (performance.now() < deadline || samples.length < 10) {
    const t0 = performance.now();
    await c.run();
    samples.push((performance.now() - t0) * 1000);
    if (samples.length >= 100_000) break;
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, p90: samples[Math.floor(samples.length * 0.9)]!, n: samples.length };
}

const dir = new URL('./bench/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.js') && f.includes(only)).sort();
const machine = `node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
console.log(`cln-asyncpay benchmarks — ${machine}`);
// One table: micro-benchmarks as median µs/op, then each scenario row as its figures.
const rows: Array<{ section: string; measurement: string; figure: string }> = [];
const fmt = (v: string | number) => (typeof v === 'number' ? String(v) : v);
for (const f of files) {
  const section = f.replace(/\.js$/, '');
  const mod = (await import(new URL(f, dir).href)) as BenchModule;
  await mod.setup?.();
  for (const c of mod.cases ?? []) {
    const r = await measure(c);
    rows.push({ section, measurement: c.name, figure: `median ${r.median.toFixed(1)} µs/op (p90 ${r.p90.toFixed(1)}, n=${r.n})` });
  }
  for (const row of (await mod.report?.()) ?? []) {
    const entries = Object.entries(row).filter(([, v]) => v !== undefined && v !== '');
    const [first, ...rest] = entries;
    rows.push({
      section,
      measurement: first ? `${first[0]} ${fmt(first[1]!)}` : '',
      figure: rest.map(([k, v]) => `${k}: ${fmt(v!)}`).join(', '),
    });
  }
  await mod.teardown?.();
}
console.table(rows);
process.exit(0);

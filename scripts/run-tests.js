#!/usr/bin/env node
// Runs every compiled test file under build/test with Node's built-in runner.
// Node 20's `--test` takes explicit files, so we list them here; an optional
// argument narrows the run to files whose path contains it. ldk02 tests get
// their Rust bridge built first (scripts/ldk02-build.js).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('../build/test/', import.meta.url).pathname;
const filter = process.argv[2] ?? '';
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && p.includes(filter)) files.push(p);
  }
})(root);
if (files.length === 0) {
  console.error(`no test files under ${root}${filter ? ` matching ${filter}` : ''}`);
  process.exit(1);
}
// The LDK 0.2.5 interop tests need their Rust bridge built first (skipped, loudly, without cargo).
if (files.some((f) => f.includes('ldk02'))) {
  const b = spawnSync(process.execPath, [new URL('./ldk02-build.js', import.meta.url).pathname], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);

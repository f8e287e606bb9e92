#!/usr/bin/env node
// Builds the LDK 0.2.5 bridge (test/interop/ldk02, Rust) that the ldk02 interop tests run.
// Cargo's own cache (test/interop/ldk02/target, git-ignored) makes a rebuild a no-op.
// Writes target/ldk02-build-status.json for the tests: no cargo → they skip, loudly;
// cargo present but the build fails → they fail (and so does this script).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const crate = new URL('../test/interop/ldk02/', import.meta.url).pathname;
const target = join(crate, 'target');
mkdirSync(target, { recursive: true });
const status = (s) => writeFileSync(join(target, 'ldk02-build-status.json'), JSON.stringify(s));

const probe = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n!! cargo not found: the LDK 0.2.5 interop tests (test/interop/ldk02-*.test.ts)\n!! will be SKIPPED. Install Rust (https://rustup.rs) to run them; CI has it.\n${bar}\n`);
  status({ cargo: false, ok: false, error: 'cargo not found' });
  process.exit(0);
}
const t0 = Date.now();
console.error(`ldk02: cargo build (LDK 0.2.5 bridge; first build takes a minute or more)…`);
const r = spawnSync('cargo', ['build', '--locked', '--manifest-path', join(crate, 'Cargo.toml')], { stdio: ['ignore', 'inherit', 'inherit'] });
const ok = r.status === 0;
status({ cargo: true, ok, ...(ok ? {} : { error: `cargo build exited with ${r.status}` }) });
console.error(`ldk02: cargo build ${ok ? 'done' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(ok ? 0 : 1);

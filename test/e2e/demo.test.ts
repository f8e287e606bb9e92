// Issues 6 and 13: `npm run demo` tells the whole story — up to money reaching a recipient
// that was offline when the payment began — and fails loudly when a step breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const DEMO = new URL('../../scripts/demo.js', import.meta.url).pathname;

test('the demo runs every step, prints the real lno1… and lni1… strings, pays R while it was offline, and exits 0', () => {
  const r = spawnSync(process.execPath, [DEMO], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `demo failed:\n${r.stdout}\n${r.stderr}`);
  for (let i = 1; i <= 13; i++) assert.match(r.stdout, new RegExp(`\\[${i}/13\\]`));
  assert.match(r.stdout, /\n\s+lno1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{50,}\n/);
  assert.match(r.stdout, /static invoice: lni1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]+/);
  assert.match(r.stdout, /forwarded by the server/);
  // P's payment, started while R was offline, completes once R is back; R's record agrees; money moved.
  assert.match(r.stdout, /asyncpay returned after its timeout: \{"status":"waiting_for_release"/);
  const pre = /P: \{"status":"complete","payment_preimage":"([0-9a-f]{64})"/.exec(r.stdout);
  assert.ok(pre, 'P prints the preimage');
  assert.match(r.stdout, /R: \{"status":"paid","kind":"static","received_msat":21\d{3}/);
  assert.match(r.stdout, /P's side of P–S: 500000000 → 4999\d+ msat/);
  assert.match(r.stdout, /R's side of R–S: 500000000 → 5000\d+ msat/);
  assert.match(r.stdout, /All 13 steps succeeded/);
});

test('a broken step makes the demo exit non-zero, naming the step', () => {
  const r = spawnSync(process.execPath, [DEMO], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, DEMO_SERVER_OPTIONS: '{"asyncpay-autoconfirm": false}', DEMO_WAIT_MS: '3000' },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /DEMO FAILED at step 6\/13 \(S stores it in LevelDB and confirms/);
  assert.match(r.stderr, /R's offer to become ready/);
});

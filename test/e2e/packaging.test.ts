// Issue 6: what reckless does to a Node.js plugin — `npm install --omit=dev` in a copy of
// the repository, then start `cln-asyncpay.js` — yields a plugin that lightningd can run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SimNetwork } from '../sim/network.js';

const repo = new URL('../../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'asyncpay-reckless-'));
const nets: SimNetwork[] = [];
after(async () => {
  await Promise.all(nets.map((n) => n.close()));
  rmSync(work, { recursive: true, force: true });
});

const files = spawnSync('git', ['ls-files'], { cwd: repo, encoding: 'utf8' });
const isCheckout = files.status === 0 && files.stdout.includes('cln-asyncpay.js');

test('reckless-style install: npm install --omit=dev, then cln-asyncpay.js runs under lightningd', { skip: !isCheckout && 'not a git checkout', timeout: 300_000 }, async () => {
  const dir = join(work, 'cln-asyncpay');
  for (const f of files.stdout.split('\n').filter(Boolean)) {
    if (!existsSync(join(repo, f))) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(repo, f), join(dir, f));
  }
  assert.ok(statSync(join(dir, 'cln-asyncpay.js')).mode & 0o111, 'entry is executable');
  const npm = spawnSync('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  assert.equal(npm.status, 0, `npm install failed:\n${npm.stdout}\n${npm.stderr}`);
  assert.ok(!existsSync(join(dir, 'node_modules', 'lightningdevkit')), 'devDependencies are not installed');
  assert.ok(existsSync(join(dir, 'build', 'src', 'asyncpay.js')), 'prepare compiled src/');

  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('s', { plugin: join(dir, 'cln-asyncpay.js') });
  const peer = net.addExternalNode('peer');
  net.addChannel(peer, s, { scid: '1x1x0' });
  const res = await s.cli('asyncrecipient-paths', { recipient_id: 'reckless' });
  assert.equal(res.recipient_id, 'reckless');
  assert.match(res.paths_encoded, /^0001[0-9a-f]+$/);
  assert.ok(existsSync(join(s.lightningDir, 'asyncpay')), 'database in <lightning-dir>/asyncpay');
  assert.deepEqual(net.violations(), []);
});

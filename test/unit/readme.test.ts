import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { currentSection, renderReference } from '../../scripts/manifest-doc.js';

const root = (p: string) => new URL(`../../../${p}`, import.meta.url);

test("README's option and RPC reference matches plugin-manifest.json (run `npm run docs` after changing the manifest)", () => {
  const manifest = JSON.parse(readFileSync(root('plugin-manifest.json'), 'utf8'));
  const readme = readFileSync(root('README.md'), 'utf8');
  const section = currentSection(readme);
  assert.ok(section, 'README.md lacks the generated reference section');
  assert.equal(section, renderReference(manifest));
});

test('README quick start uses the same test command as .ci/run', () => {
  const readme = readFileSync(root('README.md'), 'utf8');
  const ci = readFileSync(root('.ci/run'), 'utf8');
  const m = /```sh\n(npm ci && npm test)\n```/.exec(readme);
  assert.ok(m, 'README shows `npm ci && npm test`');
  assert.ok(ci.split('\n').some((l) => l.trim() === m[1]), '.ci/run runs the README command');
});

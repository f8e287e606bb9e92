// Renders the option and RPC reference of README.md from plugin-manifest.json, the one
// declaration of the plugin's interface. `npm run docs` rewrites the README section
// between the markers; test/unit/readme.test.ts fails when they disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BEGIN = '<!-- reference:begin (generated from plugin-manifest.json by `npm run docs`) -->';
export const END = '<!-- reference:end -->';

interface Manifest {
  options: Array<{ name: string; type: string; default?: unknown; description: string }>;
  rpcmethods: Array<{ name: string; usage: string; description: string }>;
  hooks: Array<string | { name: string; before?: string[] }>;
  subscriptions: string[];
  notifications?: Array<{ method: string }>;
}

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderReference(m: Manifest): string {
  const lines = [BEGIN, '', '### RPC methods', '', '| method | parameters | what it does |', '|---|---|---|'];
  for (const r of m.rpcmethods) lines.push(`| \`${r.name}\` | ${r.usage ? `\`${r.usage}\`` : '—'} | ${cell(r.description)} |`);
  lines.push('', '### Options', '', '| option | type | default | what it does |', '|---|---|---|---|');
  for (const o of m.options) {
    const def = o.default === undefined ? '—' : o.default === '' ? '(empty)' : `\`${String(o.default)}\``;
    lines.push(`| \`${o.name}\` | ${o.type} | ${def} | ${cell(o.description)} |`);
  }
  lines.push('', '### Hooks, subscriptions and notifications', '');
  for (const h of m.hooks) {
    const name = typeof h === 'string' ? h : h.name;
    const before = typeof h === 'string' ? [] : (h.before ?? []);
    lines.push(`- hook \`${name}\`${before.length ? ` (runs before ${before.map((b) => `\`${b}\``).join(', ')})` : ''}`);
  }
  for (const s of m.subscriptions) lines.push(`- subscribes to \`${s}\``);
  for (const n of m.notifications ?? []) lines.push(`- emits notification \`${n.method}\``);
  lines.push('', END);
  return lines.join('\n');
}

export function currentSection(readme: string): string | undefined {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  return a >= 0 && b > a ? readme.slice(a, b + END.length) : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const manifest = JSON.parse(readFileSync(root('plugin-manifest.json'), 'utf8')) as Manifest;
  const readme = readFileSync(root('README.md'), 'utf8');
  const old = currentSection(readme);
  if (!old) throw new Error('README.md has no reference markers');
  writeFileSync(root('README.md'), readme.replace(old, renderReference(manifest)));
  console.log('README.md reference section updated');
}

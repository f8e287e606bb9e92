/** Manifest validation, option typing and the handler/manifest check, in-process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { Plugin, unwrapNotification } from '../../src/cln/plugin.js';
import { HandlerMismatchError, ManifestError } from '../../src/cln/errors.js';
import { parseOptions, usageNames, validateManifest, type Manifest, type ManifestOption } from '../../src/cln/manifest.js';

const REAL = new URL('../../../plugin-manifest.json', import.meta.url).pathname;

function quiet(): { stdin: PassThrough; stdout: PassThrough; exit: () => void } {
  return { stdin: new PassThrough(), stdout: new PassThrough(), exit: () => undefined };
}

const small: Manifest = {
  options: [],
  rpcmethods: [{ name: 'm', usage: 'a [b]', description: '' }],
  hooks: [{ name: 'onion_message_recv', before: ['offers'] }],
  subscriptions: ['connect', 'shutdown'],
  notifications: [],
};

test('checkHandlers: a declared method, hook or subscription without a handler fails start()', async () => {
  const p = new Plugin(small, quiet());
  p.method('m', () => ({}));
  // hook and `connect` subscription missing; `shutdown` is the runtime's own business
  await assert.rejects(p.start(), (e: unknown) => {
    assert.ok(e instanceof HandlerMismatchError);
    assert.deepEqual(e.problems, [
      'hook "onion_message_recv" is declared in the manifest but has no handler',
      'subscription "connect" is declared in the manifest but has no handler',
    ]);
    return true;
  });
});

test('checkHandlers: a handler for something undeclared fails start()', async () => {
  const p = new Plugin(small, quiet());
  p.method('m', () => ({}));
  p.hook('onion_message_recv', () => undefined);
  p.subscribe('connect', () => undefined);
  p.method('secret-extra', () => ({}));
  p.hook('htlc_accepted', () => undefined);
  p.subscribe('block_added', () => undefined);
  await assert.rejects(p.start(), (e: unknown) => {
    assert.ok(e instanceof HandlerMismatchError);
    assert.deepEqual(e.problems, [
      'rpcmethod "secret-extra" has a handler but is not declared in the manifest',
      'hook "htlc_accepted" has a handler but is not declared in the manifest',
      'subscription "block_added" has a handler but is not declared in the manifest',
    ]);
    return true;
  });
});

test('checkHandlers: passes when everything matches; registering twice throws', () => {
  const p = new Plugin(small, quiet());
  p.method('m', () => ({}));
  p.hook('onion_message_recv', () => undefined);
  p.subscribe('connect', () => undefined);
  p.checkHandlers();
  assert.throws(() => p.method('m', () => ({})), /already/);
});

test('plugin-manifest.json is valid by lightningd\'s rules', () => {
  const m = validateManifest(JSON.parse(readFileSync(REAL, 'utf8')));
  assert.equal(m.nonnumericids, true);
  const p = new Plugin(REAL, quiet());
  assert.deepEqual(p.manifest, m);
});

test('validateManifest rejects what lightningd would refuse', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ options: [{ name: 'x', type: 'flag', default: true, description: '' }] }, /flag's default must be false/],
    [{ options: [{ name: 'x', type: 'float', description: '' }] }, /unsupported type/],
    [{ options: [{ name: 'X', type: 'int', description: '' }] }, /lowercase/],
    [{ options: [{ name: 'x', type: 'int', default: 'seven', description: '' }] }, /invalid default/],
    [{ options: [{ name: 'x', type: 'bool', multi: true, description: '' }] }, /cannot be multi/],
    [{ options: [{ name: 'x', type: 'int' }] }, /description/],
    [{ rpcmethods: [{ name: 'm', description: '' }] }, /usage/],
    [{ rpcmethods: [{ name: 'm', usage: '' }, { name: 'm', usage: '' }] }, /twice/],
    [{ hooks: [{ name: 'h', before: 'offers' }] }, /array of plugin names/],
    [{ notifications: ['x'] }, /method/],
    [[], /object/],
  ];
  for (const [m, re] of bad) assert.throws(() => validateManifest(m), (e: unknown) => e instanceof ManifestError && re.test(e.message), JSON.stringify(m));
});

test('usageNames: positional parameter names from usage strings', () => {
  assert.deepEqual(usageNames('recipient_id [expiry]'), ['recipient_id', 'expiry']);
  assert.deepEqual(usageNames('recipient_id invoice_slot'), ['recipient_id', 'invoice_slot']);
  assert.deepEqual(usageNames(''), []);
  assert.deepEqual(usageNames('  [a]  [b] '), ['a', 'b']);
});

test('parseOptions: native and string values, defaults, multi, errors', () => {
  const decl: ManifestOption[] = [
    { name: 'b', type: 'bool', default: true, description: '' },
    { name: 'i', type: 'int', default: 5, description: '' },
    { name: 's', type: 'string', default: '', description: '' },
    { name: 'c', type: 'string-conceal', description: '' },
    { name: 'f', type: 'flag', description: '' },
    { name: 'm', type: 'int', multi: true, description: '' },
    { name: 'n', type: 'int', description: '' },
  ];
  assert.deepEqual(parseOptions(decl, {}), { values: { b: true, i: 5, s: '', c: undefined, f: false, m: [], n: undefined }, errors: [] });
  assert.deepEqual(parseOptions(decl, { b: false, i: 9, s: 'x', c: 'secret', f: true, m: [1, '2'], n: '-3' }).values, { b: false, i: 9, s: 'x', c: 'secret', f: true, m: [1, 2], n: -3 });
  assert.deepEqual(parseOptions(decl, { b: 'false', i: '10', f: 'true', m: 4 }).values, { b: false, i: 10, s: '', c: undefined, f: true, m: [4], n: undefined });
  const bad = parseOptions(decl, { b: 'maybe', i: '1.5', n: 2 ** 60, s: {} });
  assert.equal(bad.errors.length, 4, bad.errors.join('; '));
});

test('unwrapNotification: wrapped, bare and old payload-style params', () => {
  assert.deepEqual(unwrapNotification('connect', { connect: { id: 'a' } }), { id: 'a' });
  assert.deepEqual(unwrapNotification('connect', { id: 'a', direction: 'in' }), { id: 'a', direction: 'in' });
  assert.deepEqual(unwrapNotification('custom', { origin: 'p', payload: { x: 1 } }), { x: 1 });
  assert.equal(unwrapNotification('x', null), null);
});

test('in-process plugin on PassThrough streams (as other layers\' unit tests can use it)', async () => {
  const io = quiet();
  const p = new Plugin(small, io);
  p.method('m', (params) => ({ got: params }));
  p.hook('onion_message_recv', () => 'handled');
  p.subscribe('connect', () => undefined);
  await p.start();
  const out: string[] = [];
  io.stdout.setEncoding('utf8');
  io.stdout.on('data', (s: string) => out.push(s));
  io.stdin.write('{"jsonrpc":"2.0","id":"a","method":"getmanifest","params":{}}\n\n');
  io.stdin.write('{"jsonrpc":"2.0","id":"b","method":"init","params":{"options":{},"configuration":{"lightning-dir":"/x","rpc-file":"lightning-rpc"}}}\n\n');
  io.stdin.write('{"jsonrpc":"2.0","id":"c","method":"m","params":["one","two"]}\n\n');
  await p.whenInitialized();
  await new Promise((r) => setImmediate(r));
  const msgs = out.join('').split('\n\n').filter(Boolean).map((t) => JSON.parse(t) as { id?: string; result?: unknown });
  const byId = new Map(msgs.filter((m) => m.id).map((m) => [m.id, m.result]));
  assert.deepEqual(byId.get('a'), small);
  assert.deepEqual(byId.get('b'), {});
  assert.deepEqual(byId.get('c'), { got: { a: 'one', b: 'two' } });
  assert.equal(p.rpc.socketPath, '/x/lightning-rpc');
  assert.equal(p.configuration['rpc-file'], 'lightning-rpc');
});

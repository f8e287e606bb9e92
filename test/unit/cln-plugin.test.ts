/**
 * The runtime as lightningd sees it: a child process on pipes. Each test
 * spawns test/helpers/cln-test-plugin.ts (built on src/cln) and plays
 * lightningd's side with test/helpers/cln-driver.ts.
 */
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PluginProcess, initConfiguration, type Json } from '../helpers/cln-driver.js';
import { FakeRpcServer, ok, err } from '../helpers/cln-fake-rpc.js';

const REPO = new URL('../../../', import.meta.url);
const SAMPLES = JSON.parse(readFileSync(new URL('test/helpers/cln-samples.json', REPO), 'utf8')).samples as Record<string, { method: string; params: Json }>;

/** A broken runtime tends to leave a request unanswered: fail, don't hang. */
const T = { timeout: 20_000 };

const running: PluginProcess[] = [];
function spawnPlugin(args: string[] = []): PluginProcess {
  const p = PluginProcess.spawn(args);
  running.push(p);
  return p;
}
afterEach(async () => {
  // Every test must leave a well-behaved stdout behind.
  for (const p of running.splice(0)) {
    p.kill();
    assert.deepEqual(p.garbage, [], `non-JSON-RPC output on stdout: ${JSON.stringify(p.garbage)}`);
  }
});

function answersTo(p: PluginProcess, id: unknown): Json[] {
  return p.messages.filter((m) => m.method === undefined && JSON.stringify(m.id) === JSON.stringify(id));
}

test('getmanifest answers exactly the content of plugin-manifest.json; id echoed as sent', T, async () => {
  const p = spawnPlugin(['real']);
  const id = 'cli:getmanifest#7/ünï"code';
  const r = await p.request('getmanifest', { 'allow-deprecated-apis': false }, id);
  assert.equal(r.id, id);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.result, JSON.parse(readFileSync(new URL('plugin-manifest.json', REPO), 'utf8')));
  // A numeric id comes back as a number, not a string.
  const n = await p.request('getmanifest', {}, 42);
  assert.equal(n.id, 42);
});

/** Defaults of the mailbox and server-limit options (issue 14). */
const LIMIT_AND_MAILBOX_DEFAULTS = {
  'asyncpay-server-rate-burst': 40,
  'asyncpay-server-rate-per-minute': 20,
  'asyncpay-server-max-recipient-bytes': 65536,
  'asyncpay-mailbox-disable': false,
  'asyncpay-mailbox-max-per-peer': 30,
  'asyncpay-mailbox-max-bytes': 10485760,
  'asyncpay-mailbox-ttl': 604800,
};

test('init: options of plugin-manifest.json typed per declaration, defaults applied', T, async () => {
  const p = spawnPlugin(['real']);
  await p.handshake({});
  const r = await p.request('asyncreceive-status', {});
  assert.deepEqual(r.result.options, {
    'asyncpay-autoconfirm': true,
    'asyncpay-max-slots': 16,
    'asyncpay-max-invoice-bytes': 5120,
    'asyncpay-db': '',
    'asyncpay-noconnect': false,
    'asyncpay-server-paths': '',
    'asyncpay-offer-count': 10,
    'asyncpay-payer-release-timeout': 604800,
    ...LIMIT_AND_MAILBOX_DEFAULTS,
  });

  // lightningd sends native JSON types; older ones (and people) send strings.
  const q = spawnPlugin(['real']);
  await q.handshake({
    'asyncpay-autoconfirm': 'false',
    'asyncpay-max-slots': 12,
    'asyncpay-max-invoice-bytes': '4096',
    'asyncpay-noconnect': true,
    'asyncpay-server-paths': 'abcd',
    'asyncpay-db': '/var/db/x',
    'asyncpay-offer-count': 3,
  });
  const s = await q.request('asyncreceive-status', {});
  assert.deepEqual(s.result.options, {
    'asyncpay-autoconfirm': false,
    'asyncpay-max-slots': 12,
    'asyncpay-max-invoice-bytes': 4096,
    'asyncpay-db': '/var/db/x',
    'asyncpay-noconnect': true,
    'asyncpay-server-paths': 'abcd',
    'asyncpay-offer-count': 3,
    'asyncpay-payer-release-timeout': 604800,
    ...LIMIT_AND_MAILBOX_DEFAULTS,
  });
});

test('init: every option type, multi, no default; configuration exposed', T, async () => {
  const p = spawnPlugin();
  const conf = initConfiguration('/tmp/some/regtest');
  const { init } = await p.handshake({ 't-bool': 'false', 't-int': '-42', 't-multi': ['a', 'b'], 't-flag': true }, conf);
  assert.deepEqual(init.result, {});
  const r = await p.request('show-options', []);
  assert.deepEqual(r.result.options, {
    't-bool': false,
    't-int': -42,
    't-string': 'dflt',
    't-flag': true,
    't-multi': ['a', 'b'],
    // 't-nodefault' is undefined, so absent from JSON
    't-init-delay': 0,
    't-disable': '',
  });
  assert.deepEqual(r.result.configuration, conf);
  // p.log(level, message) from the init handler; an unknown level is downgraded, never sent as is.
  await p.waitForLog((l) => l.level === 'info' && l.message === 'test plugin initialised');
  await p.waitForLog((l) => l.level === 'info' && l.message === '[loud] a level lightningd does not know');
  assert.ok(p.logs.every((l) => ['trace', 'debug', 'info', 'unusual', 'broken'].includes(l.level)));
});

test('init: an option of the wrong type disables the plugin (never a JSON-RPC error)', T, async () => {
  const p = spawnPlugin();
  const { init } = await p.handshake({ 't-int': 'seven' });
  assert.equal(init.error, undefined);
  assert.match(init.result.disable, /t-int/);
});

test('init: a handler can disable the plugin; calls queued before init are still answered', T, async () => {
  const p = spawnPlugin();
  await p.request('getmanifest', {});
  const hook = p.responseTo('early-hook');
  await p.send({ jsonrpc: '2.0', id: 'early-hook', method: 'onion_message_recv', params: { onion_message: {} } });
  const init = await p.request('init', { options: { 't-disable': 'not today' }, configuration: initConfiguration('/tmp/x') });
  assert.deepEqual(init.result, { disable: 'not today' });
  assert.deepEqual((await hook).result, { result: 'continue' });
});

test('a hook and a method that arrive before init are answered after init is done', T, async () => {
  const p = spawnPlugin();
  await p.request('getmanifest', {});
  const hook = p.responseTo('hook-before-init');
  const meth = p.responseTo('cli:echo#before-init');
  await p.send({ jsonrpc: '2.0', id: 'hook-before-init', method: 'onion_message_recv', params: { n: 1, blob: 'x' } });
  await p.send({ jsonrpc: '2.0', id: 'cli:echo#before-init', method: 'echo', params: { n: 2, blob: 'y' } });
  // The init handler waits 100 ms, so an unqueued hook would be answered first.
  const init = await p.request('init', { options: { 't-init-delay': 100 }, configuration: initConfiguration('/tmp/x') }, 'init-id');
  assert.deepEqual(init.result, {});
  const [h, m] = await Promise.all([hook, meth]);
  assert.equal(h.result.initialized, true);
  assert.equal(m.result.initialized, true);
  const order = p.messages.filter((x) => x.id !== undefined).map((x) => x.id);
  assert.ok(order.indexOf('init-id') < order.indexOf('hook-before-init'), `answer order ${JSON.stringify(order)}`);
  assert.ok(order.indexOf('init-id') < order.indexOf('cli:echo#before-init'), `answer order ${JSON.stringify(order)}`);
});

test('handlers run concurrently: a hook that is still waiting does not hold up later calls', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  const slow = p.request('onion_message_recv', { mode: 'gate' }, 'hook:slow');
  // Answered while hook:slow is still pending (it waits for open-gate, sent only after these answers).
  assert.equal((await p.request('onion_message_recv', { n: 1, blob: 'b' }, 'hook:fast')).result.n, 1);
  assert.equal((await p.request('echo', { n: 2, blob: 'c' })).result.n, 2);
  assert.equal(answersTo(p, 'hook:slow').length, 0);
  await p.request('open-gate', {});
  assert.deepEqual((await slow).result, { result: 'continue', gated: true });
});

test('a hook handler that throws, rejects or returns junk is answered {"result":"continue"} once, with a log', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  const cases: Array<[string, RegExp]> = [
    ['throw', /sync boom/],
    ['reject', /async boom/],
    ['bad-shape', /returned 42/],
    ['bigint', /serialise/i],
  ];
  for (const [mode, logPattern] of cases) {
    const id = `hook:${mode}`;
    const r = await p.request('onion_message_recv', { mode }, id);
    assert.deepEqual(r, { jsonrpc: '2.0', id, result: { result: 'continue' } }, mode);
    const log = await p.waitForLog((l) => l.level === 'broken' && logPattern.test(l.message));
    assert.match(log.params.message, /onion_message_recv/);
  }
  assert.deepEqual((await p.request('onion_message_recv', { mode: 'stop' })).result, { result: 'handled' });
  assert.deepEqual((await p.request('onion_message_recv', { mode: 'undefined' })).result, { result: 'continue' });
  // Still alive and answering.
  assert.equal((await p.request('echo', { n: 5, blob: 'z' })).result.n, 5);
  for (const mode of ['throw', 'reject', 'bad-shape', 'bigint']) assert.equal(answersTo(p, `hook:${mode}`).length, 1, mode);
  assert.ok(p.messages.every((m) => m.error === undefined || !String(m.id).startsWith('hook:')));
});

test('a hook with timeoutMs that hangs or settles late is answered its fallback exactly once', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  const hang = await p.request('onion_message_recv_secret', { mode: 'hang' }, 'hook:hang');
  assert.deepEqual(hang.result, { result: 'continue' });
  const late = await p.request('onion_message_recv_secret', { mode: 'late' }, 'hook:late');
  assert.deepEqual(late.result, { result: 'continue' });
  await p.waitForLog((l) => l.level === 'debug' && l.message.includes('"hook:late"') && /after its timeout/.test(l.message));
  assert.equal(answersTo(p, 'hook:hang').length, 1);
  assert.equal(answersTo(p, 'hook:late').length, 1);
  assert.deepEqual((await p.request('onion_message_recv_secret', {})).result, { result: 'continue' });
});

test('methods: RpcError keeps its code/message/data; other throws are -32603; unknown method -32601; positional params', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  const e1 = await p.request('fail', { code: 1234, message: 'no offer ready', data: { state: 'requesting' } });
  assert.deepEqual(e1.error, { code: 1234, message: 'no offer ready', data: { state: 'requesting' } });
  assert.equal(e1.result, undefined);
  // Positional form of the same call (lightning-cli fail 77 nope).
  const e2 = await p.request('fail', [77, 'nope']);
  assert.deepEqual(e2.error, { code: 77, message: 'nope' });
  const e3 = await p.request('boom', {});
  assert.equal(e3.error.code, -32603);
  assert.match(e3.error.message, /kaboom/);
  const e4 = await p.request('no-such-method', {});
  assert.equal(e4.error.code, -32601);
  const e5 = await p.request('echo', [1, 'a', 0, 'one too many']);
  assert.equal(e5.error.code, -32602);
  const okr = await p.request('echo', [9, 'é']);
  assert.deepEqual({ n: okr.result.n, bytes: okr.result.bytes }, { n: 9, bytes: 2 });
  assert.equal((await p.request('echo', { n: 10, blob: 'q' })).result.n, 10);
});

test('notifications: the onionmessage_forward_fail sample from lightningd v26.06 reaches the handler unwrapped', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  const sample = SAMPLES['onionmessage_forward_fail (next hop is the virtual node V: outgoing is the whole next onion_message)']!;
  assert.equal(sample.method, 'onionmessage_forward_fail');
  await p.notify(sample.method, sample.params);
  const r = await p.request('last-notification', { topic: 'onionmessage_forward_fail' });
  assert.deepEqual(r.result.payload, sample.params.onionmessage_forward_fail);
  assert.equal(typeof r.result.payload.next_node_id, 'string');

  // Tolerates the bare (unwrapped) form, and passes `origin` along.
  await p.notify('connect', { id: '02'.padEnd(66, 'a'), direction: 'in', address: { type: 'ipv4', address: '127.0.0.1', port: 9735 } });
  const c1 = await p.request('last-notification', { topic: 'connect' });
  assert.equal(c1.result.payload.payload.direction, 'in');
  await p.send({ jsonrpc: '2.0', method: 'connect', origin: 'someplugin', params: { connect: { id: 'x', direction: 'out' } } });
  const c2 = await p.request('last-notification', { topic: 'connect' });
  assert.deepEqual(c2.result.payload, { payload: { id: 'x', direction: 'out' }, origin: 'someplugin' });
  // A topic nobody subscribed to is ignored without an answer.
  await p.notify('block_added', { block_added: { height: 1 } });
  assert.equal((await p.request('echo', { n: 1, blob: '' })).result.n, 1);
});

test('custom notifications go out as {"<topic>": payload}; undeclared topics are refused', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  await p.request('emit', { payload: { recipient_id: 'alice', invoice_slot: 3 } });
  const n = await p.waitFor((m) => m.method === 'test_event');
  assert.deepEqual(n, { jsonrpc: '2.0', method: 'test_event', params: { test_event: { recipient_id: 'alice', invoice_slot: 3 } } });
  const e = await p.request('emit-undeclared', {});
  assert.match(e.error.message, /not declared/);
  assert.equal(p.messages.filter((m) => m.method === 'nobody_declared_this').length, 0);
});

test('console.log and process.stdout.write become log notifications; stdout stays pure JSON-RPC', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  const r = await p.request('say', { text: 'hello there' });
  assert.deepEqual(r.result, { said: 'hello there' });
  await p.waitForLog((l) => l.message === 'hello there');
  await p.waitForLog((l) => l.message === 'raw hello there');
  await p.waitForLog((l) => l.message.includes("obj: 'hello there'"));
  // (afterEach asserts that nothing but JSON-RPC reached stdout)
});

test('malformed input is logged and skipped; the plugin keeps answering', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  await p.writeRaw('{"jsonrpc":"2.0","id":"trunc","method":"echo","params":{"n":\n\n');
  await p.writeRaw('this is not json\n\n');
  await p.writeRaw('{"jsonrpc":"2.0","id":"bad",}\n\n');
  await p.writeRaw('["not","an","object"]\n\n');
  const r = await p.request('echo', { n: 3, blob: 'after' });
  assert.equal(r.result.n, 3);
  await p.waitForLog((l) => l.level === 'unusual' && /malformed/.test(l.message));
  assert.equal(answersTo(p, 'trunc').length, 0);
  assert.equal(answersTo(p, 'bad').length, 0);
});

test('RPC from a handler goes to <lightning-dir>/<rpc-file> with ids naming the plugin', T, async () => {
  const seen: string[] = [];
  const server = await FakeRpcServer.start((req, sock) => {
    seen.push(req.id);
    if (req.method === 'getinfo') sock.write(JSON.stringify(ok(req.id, { id: '02abc', alias: 'SILENTARTIST' })));
    else sock.write(JSON.stringify(err(req.id, -32601, `Unknown command '${req.method}'`)));
  });
  try {
    const p = spawnPlugin();
    await p.handshake({}, initConfiguration(server.dir));
    const r = await p.request('call-rpc', { method: 'getinfo' });
    assert.deepEqual(r.result, { ok: true, result: { id: '02abc', alias: 'SILENTARTIST' } });
    const e = await p.request('call-rpc', { method: 'nosuch' });
    assert.deepEqual(e.result, { ok: false, code: -32601, message: "Unknown command 'nosuch'", data: null });
    assert.match(seen[0]!, /^cln-test-plugin:getinfo#\d+$/);
  } finally {
    await server.close();
  }
});

test('shutdown notification: onShutdown runs, then the process exits 0 (stdin still open)', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  await p.notify('shutdown', { shutdown: {} });
  const exit = await p.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(p.logs.some((l) => l.message === 'shutdown handler ran: lightningd sent shutdown'), JSON.stringify(p.logs));
});

test('stdin closing (lightningd gone) runs onShutdown and exits 0', T, async () => {
  const p = spawnPlugin();
  await p.handshake();
  const exit = await p.closeAndWait();
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(p.logs.some((l) => l.message === 'shutdown handler ran: lightningd closed our stdin'), JSON.stringify(p.logs));
});

test('start() refuses a manifest/handler mismatch in either direction (process exits non-zero, says why)', T, async () => {
  const missing = spawnPlugin(['missing']);
  const e1 = await missing.exited;
  assert.notEqual(e1.code, 0);
  assert.match(missing.stderr, /rpcmethod "boom" is declared in the manifest but has no handler/);
  const extra = spawnPlugin(['extra']);
  const e2 = await extra.exited;
  assert.notEqual(e2.code, 0);
  assert.match(extra.stderr, /rpcmethod "not-in-manifest" has a handler but is not declared in the manifest/);
  assert.deepEqual(missing.messages, []);
});

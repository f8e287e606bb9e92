#!/usr/bin/env node
/**
 * A small plugin built on src/cln, run as a child process by the runtime
 * tests and the bench, exactly as lightningd runs a plugin (stdin/stdout
 * pipes). Its behaviour is steered by the requests it gets.
 *
 *   node cln-test-plugin.js            test manifest below
 *   node cln-test-plugin.js real       the project's plugin-manifest.json, stub handlers
 *   node cln-test-plugin.js missing    test manifest, one declared method without handler
 *   node cln-test-plugin.js extra      test manifest, one handler for an undeclared method
 */
import { createHash } from 'node:crypto';
import { Plugin, RpcCallError, RpcError, type Manifest } from '../../src/cln/index.js';

export const TEST_MANIFEST: Manifest = {
  options: [
    { name: 't-bool', type: 'bool', default: true, description: 'a bool with a default' },
    { name: 't-int', type: 'int', default: 7, description: 'an int with a default' },
    { name: 't-string', type: 'string', default: 'dflt', description: 'a string with a default' },
    { name: 't-flag', type: 'flag', description: 'a flag' },
    { name: 't-multi', type: 'string', multi: true, description: 'a multi string' },
    { name: 't-nodefault', type: 'int', description: 'an int without default' },
    { name: 't-init-delay', type: 'int', default: 0, description: 'ms the init handler waits' },
    { name: 't-disable', type: 'string', default: '', description: 'non-empty: disable at init with this reason' },
  ],
  rpcmethods: [
    { name: 'echo', usage: 'n blob [delay]', description: 'digest of blob' },
    { name: 'fail', usage: 'code message [data]', description: 'throws RpcError' },
    { name: 'boom', usage: '', description: 'throws a plain Error' },
    { name: 'show-options', usage: '', description: 'options and configuration' },
    { name: 'say', usage: 'text', description: 'prints to stdout via console.log and process.stdout.write' },
    { name: 'emit', usage: 'payload', description: 'custom notification test_event' },
    { name: 'emit-undeclared', usage: '', description: 'custom notification that is not declared' },
    { name: 'last-notification', usage: 'topic', description: 'last payload of a subscription' },
    { name: 'call-rpc', usage: 'method [params]', description: 'calls lightningd' },
    { name: 'open-gate', usage: '', description: "releases hooks waiting in 'gate' mode" },
  ],
  hooks: [{ name: 'onion_message_recv', before: ['offers'] }, 'onion_message_recv_secret'],
  subscriptions: ['onionmessage_forward_fail', 'connect', 'shutdown'],
  notifications: [{ method: 'test_event' }],
  featurebits: {},
  dynamic: true,
  nonnumericids: true,
};

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Yields to the event loop `hops` times: shuffles completion order without wall-clock waits. */
async function hop(hops: number): Promise<void> {
  for (let i = 0; i < hops; i++) await new Promise<void>((r) => setImmediate(r));
}
function digest(blob: unknown): { bytes: number; sha256: string } {
  const s = typeof blob === 'string' ? blob : JSON.stringify(blob ?? null);
  return { bytes: Buffer.byteLength(s), sha256: createHash('sha256').update(s).digest('hex') };
}

function testPlugin(mode: string): Plugin {
  const p = new Plugin(TEST_MANIFEST);
  const seen = new Map<string, unknown>();
  // Hooks in 'gate' mode wait until the `open-gate` method is called.
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));

  p.onInit(async (options) => {
    if (typeof options['t-init-delay'] === 'number' && options['t-init-delay'] > 0) await delay(options['t-init-delay']);
    if (options['t-disable']) return { disable: String(options['t-disable']) };
    p.log('info', 'test plugin initialised');
    p.log('loud' as never, 'a level lightningd does not know');
  });
  p.onShutdown(async (reason) => {
    p.log.info(`shutdown handler ran: ${reason}`);
  });

  p.method<{ n: number; blob: unknown; delay?: number }>('echo', async (params, ctx) => {
    await hop(params.delay ?? 0);
    return { n: params.n, id: ctx.id, initialized: p.initialized, ...digest(params.blob) };
  });
  p.method<{ code: number; message: string; data?: unknown }>('fail', (params) => {
    throw new RpcError(Number(params.code), String(params.message), params.data);
  });
  if (mode !== 'missing') {
    p.method('boom', () => {
      throw new Error('kaboom');
    });
  }
  if (mode === 'extra') p.method('not-in-manifest', () => ({}));
  p.method('open-gate', () => {
    openGate();
    return {};
  });
  p.method('show-options', () => ({ options: p.options, configuration: p.configuration }));
  p.method<{ text: string }>('say', (params) => {
    console.log(params.text);
    process.stdout.write(`raw ${params.text}\n`);
    console.info({ obj: params.text });
    return { said: params.text };
  });
  p.method<{ payload: unknown }>('emit', (params) => {
    p.notify('test_event', params.payload);
    return {};
  });
  p.method('emit-undeclared', () => {
    p.notify('nobody_declared_this', {});
    return {};
  });
  p.method<{ topic: string }>('last-notification', (params) => ({ payload: seen.get(params.topic) ?? null, has: seen.has(params.topic) }));
  p.method<{ method: string; params?: Record<string, unknown> }>('call-rpc', async (params, ctx) => {
    try {
      return { ok: true, result: await ctx.rpc.call(params.method, params.params ?? {}) };
    } catch (e) {
      if (e instanceof RpcCallError) return { ok: false, code: e.code, message: e.rpcMessage, data: e.data ?? null };
      return { ok: false, name: (e as Error).name, message: (e as Error).message };
    }
  });

  // Not `async`: the 'throw' mode must throw synchronously, before any promise exists.
  p.hook<{ mode?: string; n?: number; blob?: unknown; delay?: number }>('onion_message_recv', (params, ctx) => {
    switch (params.mode) {
      case 'throw':
        throw new Error('sync boom');
      case 'reject':
        return Promise.reject(new Error('async boom'));
      case 'bad-shape':
        return 42 as never;
      case 'bigint':
        return { result: 'continue', n: 1n } as never;
      case 'stop':
        return 'handled';
      case 'undefined':
        return undefined;
      case 'gate':
        return gate.then(() => ({ result: 'continue', gated: true }));
      default:
        return hop(params.delay ?? 0).then(() => ({ result: 'continue', n: params.n, id: ctx.id, initialized: p.initialized, ...digest(params.blob) }));
    }
  });
  // A hook with a safety timeout: 'hang' never settles, 'late' settles after the timeout.
  p.hook<{ mode?: string }>(
    'onion_message_recv_secret',
    async (params) => {
      if (params.mode === 'hang') await new Promise(() => undefined);
      if (params.mode === 'late') await delay(600);
      return { result: params.mode === 'late' ? 'handled' : 'continue' };
    },
    { timeoutMs: 300 },
  );

  p.subscribe('onionmessage_forward_fail', (payload) => {
    seen.set('onionmessage_forward_fail', payload);
  });
  p.subscribe('connect', (payload, ctx) => {
    seen.set('connect', { payload, origin: ctx.origin ?? null });
  });
  return p;
}

/** The real manifest with a stub for everything it declares, for the manifest/options tests. */
async function realPlugin(): Promise<Plugin> {
  const path = new URL('../../../plugin-manifest.json', import.meta.url);
  const p = new Plugin(path.pathname);
  for (const m of p.manifest.rpcmethods ?? []) p.method(m.name, (params) => ({ method: m.name, params, options: p.options }));
  for (const h of p.manifest.hooks ?? []) p.hook(typeof h === 'string' ? h : h.name, () => undefined);
  for (const s of p.manifest.subscriptions ?? []) if (s !== 'shutdown') p.subscribe(s, () => undefined);
  return p;
}

const mode = process.argv[2] ?? 'test';
const plugin = mode === 'real' ? await realPlugin() : testPlugin(mode);
await plugin.start();

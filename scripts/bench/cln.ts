/**
 * Plugin runtime benchmark: one hook round trip through a real plugin
 * process (test/helpers/cln-test-plugin.ts on src/cln), as lightningd
 * drives it: request written to the child's stdin, answer read from its
 * stdout. Measures framing, dispatch and the pipe hop, not any handler work.
 */
import { PassThrough, Writable } from 'node:stream';
import { Plugin } from '../../src/cln/plugin.js';
import { PluginProcess } from '../../test/helpers/cln-driver.js';
import { processCpuMs } from './served.js';

let plugin: PluginProcess | undefined;
let n = 0;

/** A realistic hook payload: the size of an onion_message_recv with an invoice_request (~1 KB). */
const PARAMS = { onion_message: { invoice_request: 'ab'.repeat(250), reply_blindedpath: { first_node_id: '02'.padEnd(66, 'c'), hops: [] }, unknown_fields: [] } };

/**
 * The runtime in-process, with no pipe and no process wake-up: what its own JavaScript
 * costs per message (framing, parsing, dispatch, one debug log line written as a `log`
 * notification), for lightningd's 5.8 KB `onionmessage_forward_fail` notification.
 */
let inProcess: { stdin: PassThrough; seen: () => number } | undefined;
const FORWARD_FAIL = Buffer.from(
  `${JSON.stringify({
    jsonrpc: '2.0',
    method: 'onionmessage_forward_fail',
    params: {
      onionmessage_forward_fail: {
        source: `02${'11'.repeat(32)}`,
        incoming: 'ab'.repeat(1366),
        path_key: `02${'22'.repeat(32)}`,
        outgoing: `0201${'cd'.repeat(1366 + 35)}`,
        next_node_id: `03${'33'.repeat(32)}`,
      },
    },
  })}\n\n`,
);

async function inProcessPlugin(): Promise<{ stdin: PassThrough; seen: () => number }> {
  const stdin = new PassThrough();
  const stdout = new Writable({ write: (_c, _e, cb) => cb() });
  const p = new Plugin({ options: [], rpcmethods: [], subscriptions: ['onionmessage_forward_fail'], dynamic: true }, { stdin, stdout, exit: () => {} });
  let seen = 0;
  p.subscribe('onionmessage_forward_fail', (payload: { next_node_id?: unknown }, ctx) => {
    seen++;
    ctx.log.debug(`mailbox: next hop ${String(payload.next_node_id).slice(0, 8)}… is not a channel peer`);
  });
  await p.start();
  // (Fed with emit('data'): what the stdin stream hands the runtime, without the stream's own buffering.)
  stdin.emit('data', Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'init', params: { options: {}, configuration: {} } })}\n\n`));
  await p.whenInitialized();
  return { stdin, seen: () => seen };
}

export async function setup(): Promise<void> {
  if (plugin) return;
  plugin = PluginProcess.spawn();
  await plugin.handshake();
}

export async function teardown(): Promise<void> {
  if (!plugin) return;
  await plugin.closeAndWait();
  plugin = undefined;
}

export const cases: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: '5.8 KB forward_fail notification through the runtime, in-process (no pipe, no wake-up)',
    run: async () => {
      inProcess ??= await inProcessPlugin();
      const before = inProcess.seen();
      inProcess.stdin.emit('data', FORWARD_FAIL);
      // The handler runs a few microtasks later.
      while (inProcess.seen() === before) await Promise.resolve();
    },
  },
  {
    name: 'hook round trip through the runtime',
    run: async () => {
      if (!plugin) await setup();
      const id = `bench/hook#${++n}`;
      const r = await plugin!.request('onion_message_recv', PARAMS, id);
      if (r.result?.result !== 'continue') throw new Error(`unexpected hook answer ${JSON.stringify(r)}`);
      // The driver keeps every message for the tests; a bench must not grow it without bound.
      plugin!.messages.length = 0;
    },
  },
];

/**
 * Throughput with many hook calls in flight (lightningd runs every onion
 * message's hook chain independently, so calls overlap under load).
 */
export async function report(): Promise<Array<Record<string, string | number>>> {
  await setup();
  const rows: Array<Record<string, string | number>> = [];
  for (const inFlight of [1, 16, 256]) {
    const total = 20_000;
    let next = 0;
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < total) {
        const id = `bench/tput#${inFlight}-${next++}`;
        await plugin!.request('onion_message_recv', PARAMS, id);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const s = (performance.now() - t0) / 1000;
    plugin!.messages.length = 0;
    rows.push({ 'hook calls in flight': inFlight, calls: total, 'calls/s': Math.round(total / s) });
  }
  rows.push(await wakeUpCost());
  return rows;
}

/**
 * The plugin process's CPU for one hook round trip, back to back and after 3 ms of idle
 * (as every message of the served row is measured): the difference is the cost of
 * waking an idle process on this machine, which no change to the runtime's JavaScript
 * touches. It is most of the served row's "runtime floor".
 */
async function wakeUpCost(): Promise<Record<string, string | number>> {
  const pid = plugin!.child.pid!;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const p50 = async (idleMs: number): Promise<number> => {
    const v: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const c0 = processCpuMs(pid);
      await plugin!.request('onion_message_recv', PARAMS, `bench/wake#${idleMs}-${i}`);
      if (idleMs) await sleep(idleMs);
      v.push(processCpuMs(pid) - c0);
      plugin!.messages.length = 0;
    }
    return +v.sort((a, b) => a - b)[500]!.toFixed(3);
  };
  await p50(0);
  const hot = await p50(0);
  const idle = await p50(3);
  return { 'hook round trip, plugin CPU ms p50': `back to back ${hot}`, 'after 3 ms idle': idle, 'wake-up share': +(idle - hot).toFixed(3) };
}

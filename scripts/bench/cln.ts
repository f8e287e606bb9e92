/**
 * Plugin runtime benchmark: one hook round trip through a real plugin
 * process (test/helpers/cln-test-plugin.ts on src/cln), as lightningd
 * drives it: request written to the child's stdin, answer read from its
 * stdout. Measures framing, dispatch and the pipe hop, not any handler work.
 */
import { PluginProcess } from '../../test/helpers/cln-driver.js';

let plugin: PluginProcess | undefined;
let n = 0;

/** A realistic hook payload: the size of an onion_message_recv with an invoice_request (~1 KB). */
const PARAMS = { onion_message: { invoice_request: 'ab'.repeat(250), reply_blindedpath: { first_node_id: '02'.padEnd(66, 'c'), hops: [] }, unknown_fields: [] } };

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
  return rows;
}

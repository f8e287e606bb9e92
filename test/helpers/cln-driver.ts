/**
 * Plays lightningd's side of the plugin pipes for the runtime tests and
 * the bench: spawns a plugin script, writes requests to its stdin, reads
 * its stdout.
 *
 * stdout is parsed strictly, the way a careful lightningd would see it, and
 * deliberately not with the runtime's own scanner (which is what is under
 * test): every message must be one line of JSON followed by "\n\n".
 * Anything else is kept in `garbage`, which tests assert is empty.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';

export type Json = Record<string, any>;

export const TEST_PLUGIN = new URL('./cln-test-plugin.js', import.meta.url).pathname;

/** The init sample lightningd v26.06 sent (test/helpers/cln-samples.json), with our own directory. */
export function initConfiguration(lightningDir: string): Json {
  return {
    'lightning-dir': lightningDir,
    'rpc-file': 'lightning-rpc',
    startup: false,
    network: 'regtest',
    feature_set: {
      init: '800898880a8a59a1',
      node: '808898880a8a59a1',
      channel: '',
      invoice: '02000002024100',
      bolt12_offer: '',
      bolt12_invreq: '',
      bolt12_invoice: '020000',
      channel_type: '08800000800000',
    },
  };
}

export class PluginProcess {
  /** Every message the plugin wrote, in order. */
  readonly messages: Json[] = [];
  /** stdout pieces that were not one line of JSON + blank line. */
  readonly garbage: string[] = [];
  readonly logs: Array<{ level: string; message: string }> = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private pending: Buffer = Buffer.alloc(0);
  private readonly byId = new Map<string, Array<(m: Json) => void>>();
  private readonly watchers: Array<{ pred: (m: Json) => boolean; resolve: (m: Json) => void }> = [];
  private counter = 0;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (c: Buffer) => this.onStdout(c));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (this.stderr += s));
    // A plugin that dies makes writes fail with EPIPE; tests look at `exited`.
    child.stdin.on('error', () => undefined);
    // 'close', not 'exit': 'exit' can fire before the last stdout/stderr
    // bytes have been read, and tests look at those after the exit.
    this.exited = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  static spawn(args: string[] = [], script = TEST_PLUGIN): PluginProcess {
    return new PluginProcess(spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  private onStdout(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const end = this.pending.indexOf('\n\n');
      if (end === -1) break;
      const text = this.pending.subarray(0, end).toString('utf8');
      this.pending = this.pending.subarray(end + 2);
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        this.garbage.push(text);
        continue;
      }
      if (text.includes('\n') || typeof msg !== 'object' || msg === null || (msg as Json).jsonrpc !== '2.0') {
        this.garbage.push(text);
        continue;
      }
      this.onMessage(msg as Json);
    }
  }

  private onMessage(m: Json): void {
    this.messages.push(m);
    if (m.method === 'log' && m.params) this.logs.push(m.params as { level: string; message: string });
    if (m.id !== undefined && m.method === undefined) {
      const key = JSON.stringify(m.id);
      const waiting = this.byId.get(key);
      const w = waiting?.shift();
      if (waiting && waiting.length === 0) this.byId.delete(key);
      w?.(m);
    }
    for (let i = 0; i < this.watchers.length; i++) {
      const w = this.watchers[i]!;
      if (w.pred(m)) {
        this.watchers.splice(i--, 1);
        w.resolve(m);
      }
    }
  }

  /** Resolves with the next message (already received or future) matching `pred`. */
  waitFor(pred: (m: Json) => boolean, { includePast = true } = {}): Promise<Json> {
    if (includePast) {
      const found = this.messages.find(pred);
      if (found) return Promise.resolve(found);
    }
    return new Promise((resolve) => this.watchers.push({ pred, resolve }));
  }

  waitForLog(pred: (l: { level: string; message: string }) => boolean): Promise<Json> {
    return this.waitFor((m) => m.method === 'log' && pred(m.params));
  }

  /** Writes bytes to the plugin's stdin, honouring backpressure. */
  async writeRaw(data: Buffer | string): Promise<void> {
    if (!this.child.stdin.write(data)) {
      // One shared wait: many concurrent writers must not each add a listener.
      this.drain ??= once(this.child.stdin, 'drain').then(() => {
        this.drain = undefined;
      });
      await this.drain;
    }
  }
  private drain: Promise<void> | undefined;

  send(message: Json): Promise<void> {
    return this.writeRaw(JSON.stringify(message) + '\n\n');
  }

  /** Promise of the response with this id (registered before the request is written). */
  responseTo(id: string | number): Promise<Json> {
    const key = JSON.stringify(id);
    return new Promise((resolve) => {
      const list = this.byId.get(key) ?? [];
      list.push(resolve);
      this.byId.set(key, list);
    });
  }

  async request(method: string, params: unknown = {}, id: string | number = `cli:${method}#${++this.counter}`): Promise<Json> {
    const answer = this.responseTo(id);
    await this.send({ jsonrpc: '2.0', id, method, params });
    return answer;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.send({ jsonrpc: '2.0', method, params });
  }

  /** getmanifest then init, as lightningd does at startup. */
  async handshake(options: Json = {}, configuration: Json = initConfiguration('/tmp/cln-asyncpay-test-none')): Promise<{ manifest: Json; init: Json }> {
    const manifest = await this.request('getmanifest', { 'allow-deprecated-apis': false });
    const init = await this.request('init', { options, configuration });
    return { manifest, init };
  }

  /** Closes stdin (lightningd went away) and waits for the exit. */
  async closeAndWait(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

// lightningd's side of one plugin process: spawn, getmanifest, init, hook calls,
// notifications, and the plugin's log lines — the same framing and JSON as lightningd.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { JsonObjectStream } from './json-stream.js';

const SAMPLES = JSON.parse(
  readFileSync(new URL('../../../test/sim/cln-samples.json', import.meta.url), 'utf8'),
) as { samples: Record<string, { method: string; params: any }> };
export const clnSamples = SAMPLES.samples;

export interface PluginManifest {
  options: Array<{ name: string; type: string; default?: unknown; description: string }>;
  rpcmethods: Array<{ name: string; usage: string; description: string }>;
  hooks: Array<string | { name: string; before?: string[]; after?: string[] }>;
  subscriptions: string[];
  notifications?: Array<{ method: string }>;
  dynamic?: boolean;
  nonnumericids?: boolean;
}

export interface LogLine {
  level: string;
  message: string;
}

interface Pending {
  method: string;
  resolve: (v: any) => void;
  reject: (e: Error) => void;
}

export class PluginHost {
  manifest!: PluginManifest;
  readonly logs: LogLine[] = [];
  /** Custom notifications the plugin emitted (declared in its manifest). */
  readonly notifications: Array<{ method: string; params: any }> = [];
  /** Protocol violations that would make lightningd kill the plugin or exit. */
  readonly violations: string[] = [];
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private logWaiters: Array<{ re: RegExp; resolve: (l: LogLine) => void }> = [];

  constructor(script: string, args: string[], env: Record<string, string>, private readonly label: string) {
    // SIM_PLUGIN_NODE_ARGS: extra node flags for the plugin (e.g. --cpu-prof when profiling).
    const nodeArgs = (process.env.SIM_PLUGIN_NODE_ARGS ?? '').split(' ').filter(Boolean);
    this.child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const stream = new JsonObjectStream();
    this.child.stdout!.on('data', (chunk: Buffer) => {
      let msgs: unknown[];
      try {
        msgs = stream.push(chunk);
      } catch (e) {
        this.violations.push(`non-JSON on stdout: ${(e as Error).message}`);
        this.child.kill('SIGKILL');
        return;
      }
      for (const m of msgs) this.onMessage(m as Record<string, any>);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.pushLog({ level: 'stderr', message: line });
    });
    this.child.stdin!.on('error', () => {});
    // 'close' (not 'exit'): it comes after stdout is drained, so a last answer (e.g. an
    // init that disables the plugin) is read before pending requests are failed.
    this.exited = new Promise((res) =>
      this.child.once('close', (code) => {
        for (const p of this.pending.values()) p.reject(Object.assign(new Error('PLUGIN_TERMINATED'), { terminated: true }));
        this.pending.clear();
        res(code);
      }),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private pushLog(l: LogLine): void {
    this.logs.push(l);
    if (process.env.SIM_VERBOSE) process.stderr.write(`[${this.label}] ${l.level}: ${l.message}\n`);
    this.logWaiters = this.logWaiters.filter((w) => (w.re.test(l.message) ? (w.resolve(l), false) : true));
  }

  /** Resolves with the first log line matching `re`, looking from line `since` on (past or future). */
  waitForLog(re: RegExp, timeoutMs = 10_000, since = 0): Promise<LogLine> {
    const seen = this.logs.slice(since).find((l) => re.test(l.message));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`[${this.label}] no log matching ${re} within ${timeoutMs} ms`)), timeoutMs);
      this.logWaiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
    });
  }

  private onMessage(m: Record<string, any>): void {
    if (m.jsonrpc !== '2.0') this.violations.push(`message without jsonrpc 2.0: ${JSON.stringify(m).slice(0, 200)}`);
    if ('id' in m && ('result' in m || 'error' in m)) {
      const key = JSON.stringify(m.id);
      const p = this.pending.get(key);
      if (!p) {
        this.violations.push(`response to unknown id ${key}`);
        return;
      }
      this.pending.delete(key);
      if ('error' in m) p.reject(Object.assign(new Error(`plugin returned error to ${p.method}: ${JSON.stringify(m.error)}`), { rpcError: m.error }));
      else p.resolve(m.result);
      return;
    }
    if (typeof m.method === 'string' && !('id' in m)) {
      if (m.method === 'log') this.pushLog({ level: String(m.params?.level), message: String(m.params?.message) });
      else if (m.method === 'message' || m.method === 'progress') return;
      else {
        const declared = this.manifest?.notifications?.some((n) => n.method === m.method);
        if (!declared) this.violations.push(`undeclared notification ${m.method}`);
        // Since v25.09 a custom notification's payload is wrapped in an object named
        // after the topic (lightningd passes it on to subscribers like its own).
        const wrapped = m.params && typeof m.params === 'object' && m.method in m.params;
        if (!wrapped) this.violations.push(`notification ${m.method} not wrapped in {"${m.method}": ...}`);
        this.notifications.push({ method: m.method, params: wrapped ? m.params[m.method] : m.params });
      }
      return;
    }
    this.violations.push(`unexpected message ${JSON.stringify(m).slice(0, 200)}`);
  }

  /** Sends a request and awaits its answer (string ids, as lightningd uses). */
  request(method: string, params: unknown, timeoutMs = 30_000): Promise<any> {
    const id = `cln:${method}#${++this.nextId}`;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(JSON.stringify(id));
        reject(new Error(`[${this.label}] ${method} (${id}) not answered within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(JSON.stringify(id), {
        method,
        resolve: (v) => (clearTimeout(t), resolve(v)),
        reject: (e) => (clearTimeout(t), reject(e)),
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(topic: string, payload: unknown): void {
    this.write({ jsonrpc: '2.0', method: topic, params: { [topic]: payload } });
  }

  private write(obj: unknown): void {
    if (this.child.stdin!.writable) this.child.stdin!.write(JSON.stringify(obj) + '\n\n');
  }

  /** getmanifest then init, as lightningd does at start-up (60 s limits each). */
  async handshake(options: Record<string, unknown>, lightningDir: string, network = 'regtest'): Promise<void> {
    this.manifest = (await this.request('getmanifest', { 'allow-deprecated-apis': false }, 60_000)) as PluginManifest;
    const sample = clnSamples['init']!.params;
    const defaults: Record<string, unknown> = {};
    for (const o of this.manifest.options ?? []) if (o.default !== undefined && o.type !== 'flag') defaults[o.name] = o.default;
    const init = {
      options: { ...defaults, ...options },
      configuration: { ...sample.configuration, 'lightning-dir': lightningDir, 'rpc-file': 'lightning-rpc', network },
    };
    const res = await this.request('init', init, 60_000);
    if (res && typeof res === 'object' && 'disable' in res) throw new Error(`plugin disabled itself: ${res.disable}`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  /** Closes stdin (lightningd exiting) and waits for the process to leave. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.child.stdin!.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(t);
  }
}

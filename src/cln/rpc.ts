/**
 * Client for lightningd's JSON-RPC unix socket.
 *
 * One connection carries any number of concurrent calls; each gets a unique
 * string id and its answer is matched by id, because lightningd answers in
 * completion order, not request order. Answers are parsed with the same
 * incremental scanner as stdin: lightningd does not promise blank lines
 * between them, and reads split them anywhere (a `listnodes` answer can be
 * many megabytes).
 */
import { createConnection, type Socket } from 'node:net';
import { RpcCallError, RpcConnectionError, RpcNotReadyError } from './errors.js';
import { JsonScanner } from './framing.js';
import type { Logger } from './log.js';
import { requestText } from './request-text.js';

export type RpcParams = Record<string, unknown> | unknown[];

interface Pending {
  method: string;
  timer: NodeJS.Timeout | undefined;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  /** The connection the request was written to. */
  conn: Connection;
}

interface Connection {
  socket: Socket;
  scanner: JsonScanner;
  closed: boolean;
  /** Request text of this tick's calls, written as one string when the tick ends. */
  out: string | undefined;
}

export interface RpcClientOptions {
  /** Id prefix; lightningd shows ids in its logs, so make them say who called. */
  idPrefix?: string;
  log?: Logger;
  /** Default per-call timeout in ms (0: none). Long-poll methods (`wait*`) have none unless asked. */
  timeoutMs?: number;
}

/** Every call fails after this long without an answer, unless the caller says otherwise. */
export const DEFAULT_RPC_TIMEOUT_MS = 60_000;
/** Methods that wait for an event by design (`wait*`): no default timeout (they take their own `timeout` parameter). */
const isLongPoll = (method: string): boolean => method.startsWith('wait');

/**
 * No answer within the call's timeout: the call is forgotten (a late answer is dropped).
 * Like a lost connection, lightningd may still have executed it.
 */
export class RpcTimeoutError extends RpcConnectionError {
  readonly timedOut = true;
  constructor(method: string, readonly timeoutMs: number) {
    super(method, `no answer from lightningd within ${timeoutMs} ms`);
  }
}

export class RpcClient {
  private path: string | undefined;
  private conn: Connection | undefined;
  private readonly pending = new Map<string, Pending>();
  private counter = 0;
  private readonly idPrefix: string;
  private readonly log: Logger | undefined;
  /** Default per-call timeout (ms, 0 = none); the entry point may change it (dev option). */
  timeoutMs: number;

  constructor(options: RpcClientOptions = {}) {
    this.idPrefix = options.idPrefix ?? 'plugin';
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  }

  /** Sets the socket path (the plugin runtime does this at init). */
  configure(socketPath: string): void {
    if (this.path !== socketPath) this.disconnect();
    this.path = socketPath;
  }

  /** True once the socket path is known. */
  get ready(): boolean {
    return this.path !== undefined;
  }

  get socketPath(): string | undefined {
    return this.path;
  }

  /** Calls currently waiting for an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Calls `method` and resolves with lightningd's `result`. Rejects with
   * RpcCallError (lightningd's code, message, data) for an error answer,
   * RpcConnectionError if the socket fails first, RpcNotReadyError before init.
   *
   * `filter` is lightningd's top-level output filter (`{"channels":[{"short_channel_id":true}]}`),
   * worth using for listnodes/listchannels, whose full answers are many MB on mainnet.
   *
   * `timeoutMs` bounds the wait (default: the client's, none for `wait*` methods): an
   * answer that never comes — dropped as malformed, or a call lightningd sits on — then
   * rejects with RpcTimeoutError and the call is forgotten, so no caller waits for ever.
   */
  call<T = any>(method: string, params: RpcParams = {}, options: { filter?: unknown; timeoutMs?: number } = {}): Promise<T> {
    if (this.path === undefined) return Promise.reject(new RpcNotReadyError(method));
    const id = `${this.idPrefix}:${method}#${++this.counter}`;
    let text: string;
    try {
      text = requestText(id, method, params, options.filter);
    } catch (e) {
      return Promise.reject(new TypeError(`${method}: params are not JSON-serialisable: ${(e as Error).message}`));
    }
    const conn = this.connection();
    const timeoutMs = options.timeoutMs ?? (isLongPoll(method) ? 0 : this.timeoutMs);
    return new Promise<T>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              if (!this.pending.delete(id)) return;
              this.log?.unusual(`lightningd RPC: ${method} (${id}) unanswered after ${timeoutMs} ms; giving up on it`);
              if (this.pending.size === 0 && !conn.closed) conn.socket.unref();
              reject(new RpcTimeoutError(method, timeoutMs));
            }, timeoutMs)
          : undefined;
      this.pending.set(id, { method, timer, resolve: resolve as (v: unknown) => void, reject, conn });
      // Keep the process alive only while answers are awaited: an idle
      // connection must not stop a plugin (or a test) from exiting.
      conn.socket.ref();
      // Calls made in the same tick (a served request's two injections) leave in one
      // write of one string: no corked chunk list, no writev.
      if (conn.out === undefined) {
        conn.out = text;
        process.nextTick(flush, conn);
      } else conn.out += text;
    });
  }

  /** Closes the connection; calls in flight reject with RpcConnectionError. */
  close(): void {
    this.disconnect();
  }

  private connection(): Connection {
    if (this.conn && !this.conn.closed) return this.conn;
    const socket = createConnection(this.path!);
    const conn: Connection = { socket, scanner: new JsonScanner(), closed: false, out: undefined };
    this.conn = conn;
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    socket.on('error', (err) => this.onClose(conn, err));
    socket.on('close', () => this.onClose(conn, undefined));
    return conn;
  }

  private onData(conn: Connection, chunk: Buffer): void {
    for (const r of conn.scanner.push(chunk)) {
      if (r.kind === 'malformed') {
        this.log?.unusual(`lightningd RPC: dropped ${r.bytes} bytes (${r.reason}): ${r.sample}`);
        continue;
      }
      this.onMessage(r.value);
    }
    if (this.pending.size === 0) conn.socket.unref();
  }

  private onMessage(msg: unknown): void {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.log?.unusual('lightningd RPC: ignoring a message that is not an object');
      return;
    }
    const m = msg as Record<string, unknown>;
    // Messages without an id are notifications (progress/message) lightningd
    // may send on the socket; we do not ask for them.
    if (m.id === undefined || m.id === null) return;
    const id = String(m.id);
    const p = this.pending.get(id);
    if (!p) {
      this.log?.debug(`lightningd RPC: answer for unknown id ${id}`);
      return;
    }
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    const error = m.error;
    if (error !== undefined && error !== null) {
      const e = typeof error === 'object' ? (error as Record<string, unknown>) : { message: String(error) };
      const code = typeof e.code === 'number' ? e.code : -1;
      const message = typeof e.message === 'string' ? e.message : JSON.stringify(error);
      p.reject(new RpcCallError(p.method, code, message, e.data));
    } else {
      p.resolve(m.result);
    }
  }

  private onClose(conn: Connection, err: Error | undefined): void {
    if (conn.closed) return;
    conn.closed = true;
    if (this.conn === conn) this.conn = undefined;
    for (const r of conn.scanner.end()) {
      if (r.kind === 'malformed') this.log?.unusual(`lightningd RPC: connection closed mid-answer (${r.bytes} bytes lost)`);
    }
    const reason = err ? `cannot use lightningd RPC socket ${this.path}: ${err.message}` : 'lightningd RPC connection closed before the answer arrived';
    for (const [id, p] of this.pending) {
      if (p.conn !== conn) continue;
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(new RpcConnectionError(p.method, reason, err));
    }
    conn.socket.destroy();
  }

  private disconnect(): void {
    const conn = this.conn;
    if (!conn) return;
    conn.socket.destroy();
    this.onClose(conn, undefined);
  }
}

function flush(conn: Connection): void {
  const text = conn.out!;
  conn.out = undefined;
  // A closed connection has rejected these calls already (onClose).
  if (!conn.closed) conn.socket.write(text);
}

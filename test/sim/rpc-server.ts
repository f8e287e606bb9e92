// lightningd's JSON-RPC unix socket, as the plugin sees it.
import { createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { JsonObjectStream } from './json-stream.js';

export class SimRpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

export type RpcHandler = (method: string, params: Record<string, unknown>) => Promise<unknown>;

export class RpcServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Every call received, for tests that check what the plugin asked lightningd. */
  readonly calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  /**
   * Fault injection: when it returns true for a call, the answer written is not valid
   * JSON (balanced braces, a trailing comma), as a corrupted answer would be: the
   * plugin's reader drops it and the call never gets its answer.
   */
  corruptAnswer: ((method: string, params: Record<string, unknown>) => boolean) | undefined;

  constructor(readonly path: string, private readonly handler: RpcHandler) {}

  async listen(): Promise<void> {
    rmSync(this.path, { force: true });
    this.server = createServer((sock) => this.serve(sock));
    await new Promise<void>((res, rej) => {
      this.server!.once('error', rej);
      this.server!.listen(this.path, () => res());
    });
  }

  private serve(sock: Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    const stream = new JsonObjectStream();
    sock.on('data', (chunk: Buffer) => {
      let msgs: unknown[];
      try {
        msgs = stream.push(chunk);
      } catch {
        sock.destroy();
        return;
      }
      for (const m of msgs) void this.answer(sock, m as { id: unknown; method: string; params?: unknown });
    });
  }

  private async answer(sock: Socket, req: { id: unknown; method: string; params?: unknown }): Promise<void> {
    const params = (req.params && typeof req.params === 'object' ? req.params : {}) as Record<string, unknown>;
    this.calls.push({ method: req.method, params });
    let reply: unknown;
    try {
      reply = { jsonrpc: '2.0', id: req.id, result: await this.handler(req.method, params) };
    } catch (e) {
      const err = e instanceof SimRpcError ? e : new SimRpcError(-32603, String((e as Error)?.message ?? e));
      reply = { jsonrpc: '2.0', id: req.id, error: { code: err.code, message: err.message, ...(err.data === undefined ? {} : { data: err.data }) } };
    }
    if (this.corruptAnswer?.(req.method, params)) {
      if (!sock.destroyed) sock.write(`{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"result":{"corrupted":true,}}\n\n`);
      return;
    }
    if (!sock.destroyed) sock.write(JSON.stringify(reply) + '\n\n');
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((res) => (this.server ? this.server.close(() => res()) : res()));
    rmSync(this.path, { force: true });
  }
}

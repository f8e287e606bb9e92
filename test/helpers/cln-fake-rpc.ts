/**
 * A stand-in for lightningd's JSON-RPC unix socket, for the RPC client
 * tests. Requests are parsed with the runtime's JsonScanner (tested on its
 * own in cln-framing.test); how and when to answer is up to the test, so it
 * can answer out of order, in fragments, several per write, or hang up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonScanner } from '../../src/cln/framing.js';
import type { Rand } from './cln-random.js';

export type RpcRequest = { jsonrpc: string; id: string; method: string; params: any };
export type RequestHandler = (req: RpcRequest, conn: Socket) => void;

export class FakeRpcServer {
  /** Connections accepted so far. */
  connections = 0;
  readonly sockets = new Set<Socket>();

  private constructor(
    readonly dir: string,
    readonly path: string,
    private readonly server: Server,
  ) {}

  /** Listens on `<fresh tmp dir>/lightning-rpc`, like lightningd's `<lightning-dir>/lightning-rpc`. */
  static async start(onRequest: RequestHandler): Promise<FakeRpcServer> {
    const dir = mkdtempSync(join(tmpdir(), 'cln-rpc-'));
    const path = join(dir, 'lightning-rpc');
    const server = createServer();
    const fake = new FakeRpcServer(dir, path, server);
    server.on('connection', (sock) => {
      fake.connections++;
      fake.sockets.add(sock);
      sock.on('close', () => fake.sockets.delete(sock));
      sock.on('error', () => undefined);
      const scanner = new JsonScanner();
      sock.on('data', (chunk: Buffer) => {
        for (const r of scanner.push(chunk)) {
          if (r.kind !== 'message') throw new Error(`fake lightningd got malformed request: ${r.reason} ${r.sample}`);
          onRequest(r.value as RpcRequest, sock);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return fake;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** lightningd's success answer. */
export function ok(id: string, result: unknown): object {
  return { jsonrpc: '2.0', id, result };
}

/** lightningd's error answer. */
export function err(id: string, code: number, message: string, data?: unknown): object {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

/**
 * Writes `buf` to `sock` in random pieces, yielding to the event loop
 * between some of them so the reader sees separate reads.
 */
export async function writeFragmented(sock: Socket, buf: Buffer, r: Rand, maxPiece = 4096): Promise<void> {
  let i = 0;
  while (i < buf.length) {
    const size = r.int(3) === 0 ? 1 + r.int(8) : 1 + r.int(maxPiece);
    const ok = sock.write(buf.subarray(i, i + size));
    i += size;
    if (!ok) await new Promise<void>((resolve) => sock.once('drain', () => resolve()));
    else if (r.int(4) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

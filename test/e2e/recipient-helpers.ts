// Test helpers for the recipient role: an LDK static invoice server played by a
// simulated external node (through src/messages and src/onion directly, with LDK's
// byte formats — not this plugin's server code), and small waiting utilities.
import assert from 'node:assert/strict';
import { fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { decodeStaticInvoice, type StaticInvoice } from '../../src/bolt12/static-invoice.js';
import type { ChainHash } from '../../src/bolt12/values.js';
import { decodeMessage, encodeMessage, type OnionMessage } from '../../src/messages/index.js';
import { encodeBlindedPathVec } from '../../src/onion/blinded_path.js';
import type { BlindedPath } from '../../src/onion/types.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode, Received } from '../sim/external-node.js';

export const REGTEST_CHAIN = fromHex('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f') as ChainHash;
export const DAY = 86_400;
export const nowSecs = () => Math.floor(Date.now() / 1000);

export const T = {
  offerPathsRequest: 75540n,
  offerPaths: 75542n,
  serveStaticInvoice: 75544n,
  staticInvoicePersisted: 75546n,
  invoiceRequest: 64n,
  staticInvoice: 70n,
} as const;

export function messageOf(r: Received): OnionMessage {
  const rec = r.records.find((x) => x.type >= 64n);
  assert.ok(rec, 'message has a data TLV');
  return decodeMessage(rec.type, rec.value);
}

const same = (a?: Uint8Array, b?: Uint8Array) => a !== undefined && b !== undefined && toHex(a) === toHex(b);

/** Polls `f` until it returns a truthy value (generous limit, for loaded machines; the test asserts on the value, not the time). */
export async function until<T>(f: () => Promise<T | undefined | false | null> | T | undefined | false | null, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function status(r: ClnNode): Promise<any> {
  return r.cli('asyncreceive-status', {});
}

export async function slotStates(r: ClnNode): Promise<string[]> {
  return (await status(r)).slots.map((s: any) => s.state);
}

/** The plugin's error for `method`, or a failure if it succeeded. */
export async function rpcError(node: ClnNode, method: string, params: Record<string, unknown> = {}): Promise<{ code: number; message: string; data?: any }> {
  try {
    const res = await node.cli(method, params);
    assert.fail(`${method} succeeded: ${JSON.stringify(res)}`);
  } catch (e) {
    const err = (e as { rpcError?: { code: number; message: string; data?: any } }).rpcError;
    if (!err) throw e;
    return err;
  }
}

/** Resolves when the plugin logs a line matching `re` after the log had `from` lines. */
export async function logAfter(node: ClnNode, from: number, re: RegExp, timeoutMs = 30_000): Promise<string> {
  return until(() => node.plugin?.logs.slice(from).find((l) => re.test(l.message))?.message, `log ${re}`, timeoutMs);
}

export function logCount(node: ClnNode): number {
  return node.plugin?.logs.length ?? 0;
}

export interface Request {
  readonly slot: number;
  readonly replyPath: BlindedPath;
  readonly msg: Received;
}

export interface Serve {
  readonly invoice: StaticInvoice;
  readonly forwardPath: BlindedPath;
  readonly replyPath?: BlindedPath;
  /** path_id of our serve path it arrived on. */
  readonly servePathId: Uint8Array;
  readonly msg: Received;
}

/**
 * An LDK static invoice server, by hand: a recipient path for offer_paths_request,
 * offer_paths answers with fresh offer paths and a serve (update) path, and
 * static_invoice_persisted confirmations — each step explicit, or all automatic.
 */
export class LdkServerStandIn {
  readonly recipientPath: BlindedPath;
  readonly recipientPathId: Uint8Array;
  private readonly handled = new Set<Received>();
  /** Serve path ids we handed out, by slot. */
  readonly servePaths = new Map<string, number>();
  readonly serves: Serve[] = [];
  readonly requests: Request[] = [];
  private pump: NodeJS.Timeout | undefined;
  private counter = 0;

  constructor(readonly node: ExternalNode) {
    const p = node.makePath({ pathId: sha256(utf8('ldk recipient path')) });
    this.recipientPath = p.path;
    this.recipientPathId = p.pathId;
  }

  /** What an operator pastes into asyncpay-server-paths (LDK's Vec encoding). */
  encodedPaths(): string {
    return toHex(encodeBlindedPathVec([this.recipientPath]));
  }

  private isRequest = (m: Received) => same(m.pathId, this.recipientPathId) && m.records.some((r) => r.type === T.offerPathsRequest);
  private isServe = (m: Received) => m.pathId !== undefined && this.servePaths.has(toHex(m.pathId)) && m.records.some((r) => r.type === T.serveStaticInvoice);

  private toRequest(m: Received): Request {
    const msg = messageOf(m);
    assert.equal(msg.kind, 'offer_paths_request');
    assert.ok(m.replyPath, 'offer_paths_request carries a reply path');
    const req = { slot: msg.kind === 'offer_paths_request' ? msg.invoiceSlot : -1, replyPath: m.replyPath, msg: m };
    this.requests.push(req);
    return req;
  }

  private toServe(m: Received): Serve {
    const msg = messageOf(m);
    assert.equal(msg.kind, 'serve_static_invoice');
    if (msg.kind !== 'serve_static_invoice') throw new Error('unreachable');
    const s = { invoice: decodeStaticInvoice(msg.invoice), forwardPath: msg.forwardInvoiceRequestPath, ...(m.replyPath ? { replyPath: m.replyPath } : {}), servePathId: m.pathId!, msg: m };
    this.serves.push(s);
    return s;
  }

  /** The next offer_paths_request not handled yet. */
  async nextRequest(timeoutMs = 30_000): Promise<Request> {
    const m = await this.node.waitFor((x) => !this.handled.has(x) && this.isRequest(x), timeoutMs, 'offer_paths_request');
    this.handled.add(m);
    return this.toRequest(m);
  }

  /** The next serve_static_invoice not handled yet (optionally for one slot's serve path). */
  async nextServe(slot?: number, timeoutMs = 30_000): Promise<Serve> {
    const m = await this.node.waitFor(
      (x) => !this.handled.has(x) && this.isServe(x) && (slot === undefined || this.servePaths.get(toHex(x.pathId!)) === slot),
      timeoutMs,
      'serve_static_invoice',
    );
    this.handled.add(m);
    return this.toServe(m);
  }

  /** A fresh offer path (ending here) and serve path for `slot`, as LDK's handle_offer_paths_request builds. */
  freshPaths(slot: number): { offerPath: BlindedPath; servePath: BlindedPath; servePathId: Uint8Array } {
    const n = ++this.counter;
    const offerPath = this.node.makePath({ pathId: sha256(utf8(`offer path ${slot} ${n}`)) }).path;
    const serve = this.node.makePath({ pathId: sha256(utf8(`serve path ${slot} ${n}`)) });
    this.servePaths.set(toHex(serve.pathId), slot);
    return { offerPath, servePath: serve.path, servePathId: serve.pathId };
  }

  /** Answers with offer_paths (LDK: one year of expiry, a serve reply path). */
  answer(
    req: Request,
    o: { paths?: BlindedPath[]; expiry?: bigint | null; replyPath?: boolean; slot?: number } = {},
  ): { paths: BlindedPath[]; servePath: BlindedPath; servePathId: Uint8Array } {
    const slot = o.slot ?? req.slot;
    const f = this.freshPaths(slot);
    const paths = o.paths ?? [f.offerPath];
    const expiry = o.expiry === null ? undefined : o.expiry ?? BigInt(nowSecs() + 365 * DAY);
    const msg: OnionMessage = { kind: 'offer_paths', paths, ...(expiry !== undefined ? { pathsAbsoluteExpiry: expiry } : {}) };
    const res = this.node.send(req.replyPath, [encodeMessage(msg)], o.replyPath === false ? {} : { replyPath: f.servePath });
    assert.ok(res.ok, `offer_paths sent: ${res.ok ? '' : res.error}`);
    return { paths, servePath: f.servePath, servePathId: f.servePathId };
  }

  /** static_invoice_persisted over the serve_static_invoice's reply path. */
  confirm(s: Serve): void {
    assert.ok(s.replyPath, 'serve_static_invoice carries a reply path');
    const res = this.node.send(s.replyPath, [encodeMessage({ kind: 'static_invoice_persisted' })]);
    assert.ok(res.ok, `static_invoice_persisted sent: ${res.ok ? '' : res.error}`);
  }

  /** Answers every request and confirms every invoice as they arrive (until stopped). */
  auto(opts: { confirm?: boolean; expiry?: () => bigint } = {}): () => void {
    const tick = () => {
      for (const m of this.node.inbox) {
        if (this.handled.has(m)) continue;
        if (this.isRequest(m)) {
          this.handled.add(m);
          this.answer(this.toRequest(m), opts.expiry ? { expiry: opts.expiry() } : {});
        } else if (this.isServe(m)) {
          this.handled.add(m);
          const s = this.toServe(m);
          if (opts.confirm !== false) this.confirm(s);
        }
      }
    };
    this.pump = setInterval(tick, 10);
    return () => {
      clearInterval(this.pump);
      this.pump = undefined;
    };
  }
}

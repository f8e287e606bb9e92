/**
 * Running one call from lightningd: a hook, a method or a notification, each
 * through its handler, and turning the outcome into exactly the answer
 * lightningd accepts (hooks never get a JSON-RPC error: lightningd calls
 * fatal() on one; a failing hook answers its fallback).
 */
import { JSONRPC_INTERNAL_ERROR, RpcError } from './errors.js';
import { describeError, type Logger } from './log.js';
import { isPlainObject, namedParams, unwrapNotification } from './params.js';
import { CONTINUE, type HookEntry, type MethodEntry } from './registry.js';
import type { JsonRpcId, NotificationContext, NotificationHandler, RequestContext } from './types.js';

/** A JSON-RPC message from lightningd with a method (a call or a notification). */
export type Incoming = Record<string, unknown> & { method: string };

/** Where answers go (the plugin's stdout). */
export interface Answers {
  respond(id: JsonRpcId, result: unknown): void;
  /** Sends `body` under `id`, or calls `onUnserialisable` if it cannot be serialised (nothing written). */
  respondRaw(id: JsonRpcId, body: { result: unknown } | { error: unknown }, onUnserialisable: (e: unknown) => void): void;
  respondError(id: JsonRpcId, code: number, message: string): void;
}

export async function runHook(out: Answers, log: Logger, msg: Incoming, hook: HookEntry, ctx: RequestContext): Promise<void> {
  const id = msg.id as JsonRpcId;
  const { fallback, timeoutMs } = hook;
  // The one place a hook gets answered; `answered` makes it exactly once
  // even when a timeout and a late handler race.
  let answered = false;
  const answer = (body: Record<string, unknown>): void => {
    if (answered) return;
    answered = true;
    try {
      out.respond(id, body);
    } catch (e) {
      // Unserialisable answer (BigInt, cycle): still answer.
      log.broken(`hook ${msg.method}: cannot serialise the answer (${describeError(e)}); answering ${JSON.stringify(fallback)}`);
      out.respond(id, fallback);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== undefined && timeoutMs > 0) {
    timer = setTimeout(() => {
      log.unusual(`hook ${msg.method} (id ${JSON.stringify(id)}) still running after ${timeoutMs} ms; answering ${JSON.stringify(fallback)}`);
      answer(fallback);
    }, timeoutMs);
  }
  let body: Record<string, unknown>;
  try {
    const r = await hook.handler(isPlainObject(msg.params) ? msg.params : {}, ctx);
    if (r === undefined) body = CONTINUE;
    else if (typeof r === 'string') body = { result: r };
    else if (isPlainObject(r)) body = r;
    else throw new TypeError(`hook handler returned ${JSON.stringify(r)}, not an object or string`);
  } catch (e) {
    log.broken(`hook ${msg.method} (id ${JSON.stringify(id)}) failed, answering ${JSON.stringify(fallback)}: ${describeError(e)}`);
    if (e instanceof Error && e.stack) log.debug(e.stack);
    body = fallback;
  }
  clearTimeout(timer);
  if (answered) {
    log.debug(`hook ${msg.method} (id ${JSON.stringify(id)}) finished after its timeout; result dropped`);
    return;
  }
  answer(body);
}

export async function runMethod(out: Answers, log: Logger, msg: Incoming, method: MethodEntry, ctx: RequestContext): Promise<void> {
  const id = msg.id as JsonRpcId;
  let result: unknown;
  try {
    const params = namedParams(msg.method, msg.params, method.names);
    result = await method.handler(params, ctx);
  } catch (e) {
    if (e instanceof RpcError) {
      out.respondRaw(id, { error: e.toJSON() }, () => out.respondError(id, e.code, e.message));
    } else {
      log.unusual(`method ${msg.method} failed: ${describeError(e)}`);
      if (e instanceof Error && e.stack) log.debug(e.stack);
      out.respondError(id, JSONRPC_INTERNAL_ERROR, e instanceof Error ? e.message : describeError(e));
    }
    return;
  }
  out.respondRaw(id, { result: result === undefined ? {} : result }, (e) =>
    out.respondError(id, JSONRPC_INTERNAL_ERROR, `${msg.method}: result is not JSON-serialisable: ${describeError(e)}`),
  );
}

/** `origin` of a notification: top-level (lightningd's custom notifications) or inside params. */
export function notificationOrigin(msg: Incoming): string | undefined {
  const raw = msg.params;
  return typeof msg.origin === 'string' ? msg.origin : isPlainObject(raw) && typeof raw.origin === 'string' ? raw.origin : undefined;
}

/** Runs a notification's handler; a failure is logged (notifications have no answer). */
export async function runNotification(log: Logger, handler: NotificationHandler, msg: Incoming, ctx: NotificationContext): Promise<void> {
  try {
    await handler(unwrapNotification(msg.method, msg.params), ctx);
  } catch (e) {
    log.broken(`notification handler for ${msg.method} failed: ${describeError(e)}`);
    if (e instanceof Error && e.stack) log.debug(e.stack);
  }
}

/**
 * Shapes of incoming params: positional method arguments and wrapped
 * notification payloads, turned into what handlers expect.
 */
import { JSONRPC_INVALID_PARAMS, RpcError } from './errors.js';
import type { Params } from './types.js';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Method params as an object: lightningd passes them as the caller gave
 * them, an array for positional calls (`lightning-cli m a b`) or an object.
 */
export function namedParams(method: string, params: unknown, names: string[]): Params {
  if (params === undefined || params === null) return {};
  if (isPlainObject(params)) return params;
  if (Array.isArray(params)) {
    if (params.length > names.length) {
      throw new RpcError(JSONRPC_INVALID_PARAMS, `${method} takes at most ${names.length} parameter(s) (${names.join(' ') || 'none'}), got ${params.length}`);
    }
    const out: Params = {};
    params.forEach((v, i) => {
      if (v !== undefined && v !== null) out[names[i]!] = v;
    });
    return out;
  }
  throw new RpcError(JSONRPC_INVALID_PARAMS, `${method}: params must be an object or an array`);
}

/**
 * lightningd (since v24) sends notification params wrapped as
 * `{"<topic>": {...}}`; older ones and custom notifications from old
 * plugins may send the payload bare or as `{"payload": ...}`.
 */
export function unwrapNotification(topic: string, params: unknown): unknown {
  if (!isPlainObject(params)) return params;
  if (Object.prototype.hasOwnProperty.call(params, topic)) return params[topic];
  if (Object.prototype.hasOwnProperty.call(params, 'payload') && Object.keys(params).every((k) => k === 'payload' || k === 'origin')) return params.payload;
  return params;
}

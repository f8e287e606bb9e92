// Checking the server's RPC parameters: clear JSON-RPC errors for bad input.
import { utf8 } from '../codec/bytes.js';
import { RpcError, JSONRPC_INVALID_PARAMS } from '../cln/errors.js';

/** LDK caps recipient ids at 1024 bytes. */
export const MAX_RECIPIENT_ID_BYTES = 1024;

export function requireRecipientId(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw new RpcError(JSONRPC_INVALID_PARAMS, 'recipient_id must be a non-empty string');
  if (utf8(v).length > MAX_RECIPIENT_ID_BYTES) throw new RpcError(JSONRPC_INVALID_PARAMS, `recipient_id longer than ${MAX_RECIPIENT_ID_BYTES} bytes`);
  return v;
}

export function requireSlot(v: unknown): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffff) throw new RpcError(JSONRPC_INVALID_PARAMS, 'invoice_slot must be an integer 0..65535');
  return n;
}

export const isAbsent = (v: unknown) => v === undefined || v === null;

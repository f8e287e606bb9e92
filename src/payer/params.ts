// Parameters of the payer's RPC methods, checked into typed values. Each bad value is
// a JSON-RPC invalid-params error naming the parameter.
import { DecodeError } from '../codec/errors.js';
import { parseOffer, type Offer } from '../bolt12/offer.js';
import { JSONRPC_INVALID_PARAMS, RpcError } from '../cln/errors.js';
import { DEFAULT_CALL_TIMEOUT } from './types.js';

const bad = (msg: string): never => {
  throw new RpcError(JSONRPC_INVALID_PARAMS, msg);
};

/** An msat amount as lightningd accepts it: a number, or digits with an optional `msat` suffix. */
export function parseMsat(v: unknown, name: string): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  let s: string;
  if (typeof v === 'number') s = Number.isSafeInteger(v) ? String(v) : '';
  else if (typeof v === 'string') s = v.trim().replace(/msat$/, '');
  else s = '';
  if (!/^[0-9]{1,16}$/.test(s)) return bad(`${name} must be a whole number of millisatoshis`);
  const n = BigInt(s);
  if (n === 0n) return bad(`${name} must be positive`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) return bad(`${name} is too large`);
  return n;
}

function parseCount(v: unknown, name: string, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^[0-9]+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) return bad(`${name} must be an integer from 0 to ${max}`);
  return n;
}

export interface AsyncpayParams {
  readonly offer: Offer;
  readonly offerString: string;
  readonly amountMsat?: bigint;
  readonly payerNote?: string;
  readonly quantity?: bigint;
  readonly timeout: number;
}

export function parseAsyncpayParams(p: Record<string, unknown>): AsyncpayParams {
  if (typeof p.offer !== 'string' || p.offer.length === 0) return bad('offer (an lno1... string) is required');
  let offer: Offer;
  try {
    offer = parseOffer(p.offer);
  } catch (e) {
    if (e instanceof DecodeError) return bad(`invalid offer: ${e.message}`);
    throw e;
  }
  const amountMsat = parseMsat(p.amount_msat, 'amount_msat');
  if (p.payer_note !== undefined && p.payer_note !== null && (typeof p.payer_note !== 'string' || Buffer.byteLength(p.payer_note) > 512)) {
    return bad('payer_note must be a string of at most 512 bytes');
  }
  const q = parseCount(p.quantity, 'quantity', Number.MAX_SAFE_INTEGER);
  if (q === 0) return bad('quantity must be at least 1');
  const timeout = parseCount(p.timeout, 'timeout', 86_400) ?? DEFAULT_CALL_TIMEOUT;
  return {
    offer,
    offerString: p.offer,
    ...(amountMsat !== undefined ? { amountMsat } : {}),
    ...(typeof p.payer_note === 'string' ? { payerNote: p.payer_note } : {}),
    ...(q !== undefined ? { quantity: BigInt(q) } : {}),
    timeout,
  };
}

/** A payment named by its payment_hash (64 hex) or its payment_id (32 hex). */
export function parsePaymentRef(v: unknown, name = 'payment_hash'): { hash?: string; id?: string } {
  if (typeof v !== 'string') return bad(`${name} is required`);
  const s = v.toLowerCase();
  if (/^[0-9a-f]{64}$/.test(s)) return { hash: s };
  if (/^[0-9a-f]{32}$/.test(s)) return { id: s };
  return bad(`${name} must be a 32-byte payment hash (or a 16-byte payment_id) in hex`);
}

export function parseWaitTimeout(v: unknown): number {
  return parseCount(v, 'timeout', 7 * 86_400) ?? DEFAULT_CALL_TIMEOUT;
}

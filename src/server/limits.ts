// Per-recipient protections of the static invoice server (bLIP 66: a server SHOULD
// limit what a recipient can make it store and compute): a token bucket per recipient
// and message kind for offer_paths_request and serve_static_invoice, and a cap on the
// invoice bytes one recipient may keep stored. Each recipient has its own buckets, so
// one recipient's flood never costs another anything.

export interface RecipientLimitOptions {
  /** Requests of one kind a recipient may send at once. */
  readonly burst: number;
  /** Tokens added per minute and kind; 0 disables rate limiting. */
  readonly perMinute: number;
  /** Static invoice bytes stored per recipient, all slots together. */
  readonly maxRecipientBytes: number;
}

export const LIMIT_DEFAULTS: RecipientLimitOptions = { burst: 40, perMinute: 20, maxRecipientBytes: 65_536 };

export type LimitedKind = 'offer_paths_request' | 'serve_static_invoice';

/** The options, or a sentence saying which one is wrong. */
export function parseLimitOptions(o: Readonly<Record<string, unknown>>): RecipientLimitOptions | string {
  const int = (name: string, def: number, min: number, max: number): number | string => {
    const v = o[name] === undefined ? def : Number(o[name]);
    return Number.isInteger(v) && v >= min && v <= max ? v : `${name} must be an integer from ${min} to ${max}`;
  };
  const burst = int('asyncpay-server-rate-burst', LIMIT_DEFAULTS.burst, 1, 1_000_000);
  const perMinute = int('asyncpay-server-rate-per-minute', LIMIT_DEFAULTS.perMinute, 0, 1_000_000);
  const maxRecipientBytes = int('asyncpay-server-max-recipient-bytes', LIMIT_DEFAULTS.maxRecipientBytes, 512, 2 ** 40);
  for (const v of [burst, perMinute, maxRecipientBytes]) if (typeof v === 'string') return v;
  return { burst: burst as number, perMinute: perMinute as number, maxRecipientBytes: maxRecipientBytes as number };
}

export class RecipientLimits {
  /** One bucket per (recipient, kind); recipients exist only by the operator's RPC, so this is bounded. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly opts: RecipientLimitOptions) {}

  /** Takes a token for `kind` from the recipient's bucket; false when it is empty. `now` in seconds. */
  allow(recipient: string, kind: LimitedKind, now: number): boolean {
    if (this.opts.perMinute === 0) return true;
    const key = `${recipient}:${kind}`;
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, at: now };
    b.tokens = Math.min(this.opts.burst, b.tokens + (Math.max(0, now - b.at) * this.opts.perMinute) / 60);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /**
   * Why storing `bytes` in `slot` would put the recipient over its byte cap (the slot's
   * current invoice is replaced, so it does not count), or undefined when it fits.
   */
  storageOver(stored: ReadonlyArray<{ invoice_slot: number; bytes: number }>, slot: number, bytes: number): string | undefined {
    const others = stored.reduce((n, r) => n + (r.invoice_slot === slot ? 0 : r.bytes), 0);
    const total = others + bytes;
    return total > this.opts.maxRecipientBytes ? `${total} bytes stored would exceed asyncpay-server-max-recipient-bytes ${this.opts.maxRecipientBytes}` : undefined;
  }
}

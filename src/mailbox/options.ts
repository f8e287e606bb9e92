// The mailbox's options, checked once at start (a bad value disables the plugin with
// a message, as the server's options do).

export interface MailboxOptions {
  readonly enabled: boolean;
  /** Messages held per peer (ldk-node keeps 30). */
  readonly maxPerPeer: number;
  /** Packet bytes held in total, all peers together. */
  readonly maxBytes: number;
  /** Seconds a message is kept: an LDK payer waits 7 days for its HTLC's release. */
  readonly ttl: number;
}

export const MAILBOX_DEFAULTS: MailboxOptions = { enabled: true, maxPerPeer: 30, maxBytes: 10 * 1024 * 1024, ttl: 7 * 24 * 3600 };

/** The options, or a sentence saying which one is wrong. */
export function parseMailboxOptions(o: Readonly<Record<string, unknown>>): MailboxOptions | string {
  const int = (name: string, def: number, min: number, max: number): number | string => {
    const v = o[name] === undefined ? def : Number(o[name]);
    return Number.isInteger(v) && v >= min && v <= max ? v : `${name} must be an integer from ${min} to ${max}`;
  };
  const maxPerPeer = int('asyncpay-mailbox-max-per-peer', MAILBOX_DEFAULTS.maxPerPeer, 1, 100_000);
  // One packet is up to 65535 bytes (injectonionmessage's limit): the total must hold one.
  const maxBytes = int('asyncpay-mailbox-max-bytes', MAILBOX_DEFAULTS.maxBytes, 65_535, 2 ** 40);
  const ttl = int('asyncpay-mailbox-ttl', MAILBOX_DEFAULTS.ttl, 60, 365 * 24 * 3600);
  for (const v of [maxPerPeer, maxBytes, ttl]) if (typeof v === 'string') return v;
  return { enabled: o['asyncpay-mailbox-disable'] !== true, maxPerPeer: maxPerPeer as number, maxBytes: maxBytes as number, ttl: ttl as number };
}

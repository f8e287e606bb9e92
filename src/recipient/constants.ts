// The async recipient's constants. Names and values follow LDK's offer cache
// (async_receive_offer_cache.rs, flow.rs; async-protocol.md §9) so an LDK server
// sees the same behaviour from us as from an LDK recipient.

/** LDK MAX_CACHED_OFFERS_TARGET: slots 0..9; `asyncpay-offer-count` overrides it. */
export const DEFAULT_OFFER_COUNT = 10;
/** Our own bound: the server must keep a slot per offer (our server defaults to 16). */
export const MAX_OFFER_COUNT = 64;
/** LDK MAX_UPDATE_ATTEMPTS: offer_paths_request checks that may send, per timer tick. */
export const MAX_UPDATE_ATTEMPTS = 3;
/** LDK OFFER_REFRESH_THRESHOLD: a ready, never handed out offer older than this is rotated. */
export const OFFER_REFRESH_THRESHOLD = 2 * 3600;
/** LDK INVOICE_REFRESH_THRESHOLD: a used offer's confirmed invoice older than this is re-sent. */
export const INVOICE_REFRESH_THRESHOLD = 2 * 3600;
/** LDK MIN_OFFER_PATHS_RELATIVE_EXPIRY_SECS: offer paths must last 90 days (3 × 30 d). */
export const MIN_OFFER_PATHS_RELATIVE_EXPIRY = 90 * 24 * 3600;
/** LDK TEMP_REPLY_PATH_RELATIVE_EXPIRY: our reply path for offer_paths lives 2 h. */
export const OFFER_PATHS_REPLY_LIFETIME = 2 * 3600;
/** LDK: held_htlc_available paths live until the invoice expires plus 2 h. */
export const HELD_HTLC_PATH_GRACE = 2 * 3600;
/** LDK OFFERS_MESSAGE_REQUEST_LIMIT: at most this many copies of one request. */
export const MAX_REQUEST_COPIES = 10;
/** LDK MAX_PAYMENT_PATHS: blinded payment paths per static invoice. */
export const MAX_PAYMENT_PATHS = 3;
/** LDK's background processor calls the cache every 60 s (FRESHNESS_TIMER). */
export const DEFAULT_TICK_MS = 60_000;

/**
 * Ours, not LDK's: a ready offer whose paths expire within this margin may be
 * replaced regardless of age, so the cache never holds on to unused offers that
 * are about to die (LDK only prunes them once expired). Used offers are kept
 * until they expire, as in LDK: someone may hold them.
 */
export const NEAR_EXPIRY_MARGIN = 24 * 3600;

/**
 * Backoff when the server does not answer (ours; LDK just re-asks every tick):
 * after this many consecutive unanswered requests, skip 1, 2, 4, … ticks between
 * requests, at most MAX_BACKOFF_TICKS.
 */
export const BACKOFF_AFTER_UNANSWERED = 3;
export const MAX_BACKOFF_TICKS = 60;

/** Outstanding offer_paths_request nonces remembered per slot (late answers to older ones are stale). */
export const MAX_REQUEST_NONCES = 4;

/**
 * CLN's default `cltv-final` (min_final_cltv_expiry_delta): the blocks the final
 * hop (us) needs; part of every blinded payinfo's cltv_expiry_delta.
 */
export const MIN_FINAL_CLTV_EXPIRY_DELTA = 18;
/** LDK: assume 9-minute blocks when turning the invoice lifetime into blocks. */
export const SECONDS_PER_BLOCK = 9 * 60;
/** LDK CLTV_FAR_FAR_AWAY (two weeks of blocks) and LATENCY_GRACE_PERIOD_BLOCKS. */
export const CLTV_FAR_FAR_AWAY = 14 * 24 * 6;
export const LATENCY_GRACE_PERIOD_BLOCKS = 3;

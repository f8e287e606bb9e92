// Path contexts: what a blinded path this plugin made is for, carried in the final
// hop's `path_id` and authenticated with a MAC under a makesecret-derived key.
// Anyone can build a path to our virtual node with any path_id they like, so nothing
// in a context is trusted until its MAC checks out.
import { concatBytes, equalBytes, u16, u32 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { hmacSha256 } from '../crypto/hash.js';

/** 16 bytes identifying a recipient on the server: SHA256(recipient_id)[0..16]. */
export type RecipientKey = Uint8Array;

export type PathContext =
  /** S: where a recipient sends offer_paths_request. */
  | { readonly kind: 'recipient'; readonly recipient: RecipientKey; readonly expiresAt: number }
  /** S: an offer path; payers' invoice_requests arrive here. */
  | { readonly kind: 'offer'; readonly recipient: RecipientKey; readonly slot: number; readonly expiresAt: number }
  /** S: reply path sent with offer_paths; serve_static_invoice arrives here (now and on refreshes). */
  | { readonly kind: 'serve'; readonly recipient: RecipientKey; readonly slot: number; readonly expiresAt: number }
  /** R: reply path of offer_paths_request; offer_paths arrives here. */
  | { readonly kind: 'offer_paths_reply'; readonly slot: number; readonly expiresAt: number; readonly nonce: Uint8Array }
  /** R: reply path of serve_static_invoice; static_invoice_persisted arrives here. */
  | { readonly kind: 'persisted_reply'; readonly slot: number; readonly createdAt: number; readonly offerTag: Uint8Array }
  /** R: forward_invoice_request_path; payers' invoice_requests forwarded by S arrive here. */
  | { readonly kind: 'forwarded_invreq'; readonly slot: number; readonly offerTag: Uint8Array }
  /** R: held_htlc_available paths of a static invoice. */
  | { readonly kind: 'held_htlc'; readonly slot: number; readonly expiresAt: number; readonly offerTag: Uint8Array }
  /** P: reply path of an invoice_request; invoice / static_invoice / invoice_error arrive here. */
  | { readonly kind: 'payer_invoice'; readonly paymentId: Uint8Array; readonly expiresAt: number }
  /** P: reply path of held_htlc_available; release_held_htlc arrives here. */
  | { readonly kind: 'payer_release'; readonly paymentId: Uint8Array; readonly expiresAt: number };

export type ContextKind = PathContext['kind'];

const KIND_BYTE: Record<ContextKind, number> = {
  recipient: 1,
  offer: 2,
  serve: 3,
  offer_paths_reply: 4,
  persisted_reply: 5,
  forwarded_invreq: 6,
  held_htlc: 7,
  // The payer's kinds sit apart from the others so other roles can add theirs.
  payer_invoice: 32,
  payer_release: 33,
};
const KIND_OF = new Map(Object.entries(KIND_BYTE).map(([k, v]) => [v, k as ContextKind]));

const MAC_LEN = 16;
const RECIPIENT_KEY_LEN = 16;
const TAG_LEN = 8;
/** The payer's payment ids (random, so a path cannot be guessed from a payment). */
export const PAYMENT_ID_LEN = 16;
/** No expiry: stored as 0. */
export const NEVER = 0;

function body(ctx: PathContext): Uint8Array {
  switch (ctx.kind) {
    case 'recipient':
      return concatBytes(fixed(ctx.recipient, RECIPIENT_KEY_LEN), u32(ctx.expiresAt));
    case 'offer':
    case 'serve':
      return concatBytes(fixed(ctx.recipient, RECIPIENT_KEY_LEN), u16(ctx.slot), u32(ctx.expiresAt));
    case 'offer_paths_reply':
      return concatBytes(u16(ctx.slot), u32(ctx.expiresAt), fixed(ctx.nonce, TAG_LEN));
    case 'persisted_reply':
      return concatBytes(u16(ctx.slot), u32(ctx.createdAt), fixed(ctx.offerTag, TAG_LEN));
    case 'forwarded_invreq':
      return concatBytes(u16(ctx.slot), fixed(ctx.offerTag, TAG_LEN));
    case 'held_htlc':
      return concatBytes(u16(ctx.slot), u32(ctx.expiresAt), fixed(ctx.offerTag, TAG_LEN));
    case 'payer_invoice':
    case 'payer_release':
      return concatBytes(fixed(ctx.paymentId, PAYMENT_ID_LEN), u32(ctx.expiresAt));
  }
}

function fixed(b: Uint8Array, len: number): Uint8Array {
  if (b.length !== len) throw new RangeError(`context field must be ${len} bytes`);
  return b;
}

function mac(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmacSha256(key, msg).subarray(0, MAC_LEN);
}

/** Serializes a context into a path_id: kind ‖ body ‖ MAC16. */
export function encodeContext(key: Uint8Array, ctx: PathContext): Uint8Array {
  const msg = concatBytes(new Uint8Array([KIND_BYTE[ctx.kind]]), body(ctx));
  return concatBytes(msg, mac(key, msg));
}

/** Authenticates and parses a path_id. A bad MAC, kind or length is a DecodeError. */
export function decodeContext(key: Uint8Array, pathId: Uint8Array): PathContext {
  if (pathId.length < 1 + MAC_LEN) throw new DecodeError('path_id too short');
  const msg = pathId.subarray(0, pathId.length - MAC_LEN);
  if (!equalBytes(mac(key, msg), pathId.subarray(pathId.length - MAC_LEN))) throw new DecodeError('path_id MAC mismatch');
  const kind = KIND_OF.get(msg[0]!);
  if (!kind) throw new DecodeError('unknown path context kind');
  const r = new Reader(msg.subarray(1));
  const copy = (n: number) => r.bytes(n).slice(); // slice: a typed-array copy, not Uint8Array.from's iteration
  let ctx: PathContext;
  switch (kind) {
    case 'recipient':
      ctx = { kind, recipient: copy(RECIPIENT_KEY_LEN), expiresAt: r.u32() };
      break;
    case 'offer':
    case 'serve':
      ctx = { kind, recipient: copy(RECIPIENT_KEY_LEN), slot: r.u16(), expiresAt: r.u32() };
      break;
    case 'offer_paths_reply':
      ctx = { kind, slot: r.u16(), expiresAt: r.u32(), nonce: copy(TAG_LEN) };
      break;
    case 'persisted_reply':
      ctx = { kind, slot: r.u16(), createdAt: r.u32(), offerTag: copy(TAG_LEN) };
      break;
    case 'forwarded_invreq':
      ctx = { kind, slot: r.u16(), offerTag: copy(TAG_LEN) };
      break;
    case 'held_htlc':
      ctx = { kind, slot: r.u16(), expiresAt: r.u32(), offerTag: copy(TAG_LEN) };
      break;
    case 'payer_invoice':
    case 'payer_release':
      ctx = { kind, paymentId: copy(PAYMENT_ID_LEN), expiresAt: r.u32() };
      break;
  }
  if (!r.done()) throw new DecodeError('trailing bytes in path context');
  return ctx;
}

/** True when the context carries an expiry that has passed. */
export function contextExpired(ctx: PathContext, now: number): boolean {
  return 'expiresAt' in ctx && ctx.expiresAt !== NEVER && now > ctx.expiresAt;
}

// The offer cache (LDK async_receive_offer_cache.rs, async-protocol.md §7.2–7.7):
// a fixed number of slots, the slot index being the invoice_slot the server sees.
// Pure decisions over plain JSON records; the role persists what changes.
//
// States: requesting (no offer; asking the server for paths), awaiting_confirmation
// (LDK Pending: invoice sent, not confirmed), ready (confirmed, never handed out),
// used (handed out by `asyncoffer`; kept and refreshed until it expires), expired
// (the offer's paths expired and it was pruned; like requesting, but says why).
import type { Json } from '../store/store.js';
import {
  INVOICE_REFRESH_THRESHOLD, MAX_REQUEST_NONCES, MIN_OFFER_PATHS_RELATIVE_EXPIRY, NEAR_EXPIRY_MARGIN, OFFER_REFRESH_THRESHOLD,
} from './constants.js';

export type SlotState = 'requesting' | 'awaiting_confirmation' | 'ready' | 'used' | 'expired';

export interface CachedOffer {
  [k: string]: Json | undefined;
  /** The offer's TLV bytes, hex. */
  offer: string;
  /** CLN offer_id (SHA256 of the offer records), hex. */
  offer_id: string;
  /** Random nonce the signing key and payment path_id derive from, hex. */
  nonce: string;
  /** The server's reply path from offer_paths: where every invoice for this offer goes. */
  update_path: string;
  /** SHA256 of the offer paths' encoding, to refuse a second offer with the same paths. */
  paths_hash: string;
  created_at: number;
  /** offer_absolute_expiry; null = never. */
  expires_at: number | null;
  /** created_at of the newest invoice the server confirmed (ready/used). */
  invoice_created_at: number | null;
  /** created_at of the newest invoice we sent, and when. */
  sent_invoice_created_at: number | null;
  sent_at: number | null;
  invoices_sent: number;
  confirmations: number;
}

export interface SlotRecord {
  [k: string]: Json | undefined;
  slot: number;
  state: SlotState;
  offer: CachedOffer | null;
  /** The id of the offer this slot lost to expiry (state `expired`). */
  expired_offer_id: string | null;
  /** Nonces of our outstanding offer_paths_request reply paths, newest last. */
  request_nonces: string[];
  requested_at: number | null;
  requests_sent: number;
  last_error: string | null;
  last_error_at: number | null;
  /** Payers' invoice_requests the server forwarded to us for this slot's offers. */
  forwarded_invreqs: number;
  last_forwarded_invreq_at: number | null;
  held_htlc_available: number;
}

export function emptySlot(slot: number): SlotRecord {
  return {
    slot,
    state: 'requesting',
    offer: null,
    expired_offer_id: null,
    request_nonces: [],
    requested_at: null,
    requests_sent: 0,
    last_error: null,
    last_error_at: null,
    forwarded_invreqs: 0,
    last_forwarded_invreq_at: null,
    held_htlc_available: 0,
  };
}

/** The 8 bytes of the offer id our path contexts carry (persisted_reply, forwarded_invreq, held_htlc). */
export function offerTagOf(offerIdHex: string): string {
  return offerIdHex.slice(0, 16);
}

function isExpired(o: CachedOffer, now: number): boolean {
  return o.expires_at !== null && now > o.expires_at;
}

function nearExpiry(o: CachedOffer, now: number): boolean {
  return o.expires_at !== null && o.expires_at - now < NEAR_EXPIRY_MARGIN;
}

export class OfferCache {
  private readonly slots = new Map<number, SlotRecord>();

  constructor(
    /** Target number of slots (asyncpay-offer-count): 0..count-1 are filled. */
    readonly count: number,
    records: readonly SlotRecord[] = [],
  ) {
    for (const r of records) this.slots.set(r.slot, r);
  }

  get(slot: number): SlotRecord | undefined {
    return this.slots.get(slot);
  }

  all(): SlotRecord[] {
    return [...this.slots.values()].sort((a, b) => a.slot - b.slot);
  }

  private active(): SlotRecord[] {
    return this.all().filter((r) => r.slot < this.count);
  }

  /** Creates missing slots 0..count-1 (LDK allocates them when the server is set). Returns the new ones. */
  ensureSlots(): SlotRecord[] {
    const created: SlotRecord[] = [];
    for (let i = 0; i < this.count; i++) {
      if (!this.slots.has(i)) {
        const r = emptySlot(i);
        this.slots.set(i, r);
        created.push(r);
      }
    }
    return created;
  }

  /**
   * Expired offers leave their slot (it becomes `expired`, needing an offer). Slots
   * beyond `count` (the option was lowered) are dropped unless they hold a used
   * offer, which someone may still pay until it expires.
   */
  prune(now: number): { changed: SlotRecord[]; deleted: number[]; removedOffer: boolean } {
    const changed: SlotRecord[] = [];
    const deleted: number[] = [];
    let removedOffer = false;
    for (const r of this.all()) {
      if (r.offer && isExpired(r.offer, now)) {
        r.expired_offer_id = r.offer.offer_id;
        r.offer = null;
        r.state = 'expired';
        r.request_nonces = [];
        changed.push(r);
        removedOffer = true;
      }
      if (r.slot >= this.count && r.state !== 'used') {
        this.slots.delete(r.slot);
        deleted.push(r.slot);
      }
    }
    return { changed: changed.filter((r) => !deleted.includes(r.slot)), deleted, removedOffer };
  }

  /**
   * Whether `slot` may take a new offer (LDK slot_needs_offer): it has none, or holds
   * a ready (never handed out) offer that is stale — older than 2 h, or (ours) close
   * to expiry. Pending and used offers are never replaced.
   */
  slotNeedsOffer(slot: number, now: number): boolean {
    const r = this.slots.get(slot);
    if (!r || slot >= this.count) return false;
    if (!r.offer) return true;
    return r.state === 'ready' && (r.offer.created_at < now - OFFER_REFRESH_THRESHOLD || nearExpiry(r.offer, now));
  }

  /**
   * The slot to request offer paths for (LDK needs_new_offer_idx): the first one
   * without an offer; else (ours) the oldest ready offer near expiry; else, if some
   * offer could be replaced and more than one is payable, the oldest ready offer
   * older than 2 h.
   */
  needsNewOfferSlot(now: number): number | undefined {
    const act = this.active();
    const empty = act.find((r) => !r.offer);
    if (empty) return empty.slot;
    const byAge = (a: SlotRecord, b: SlotRecord) => a.offer!.created_at - b.offer!.created_at;
    const dying = act.filter((r) => r.state === 'ready' && nearExpiry(r.offer!, now)).sort(byAge);
    if (dying[0]) return dying[0].slot;
    if (act.every((r) => r.state === 'used' || r.state === 'awaiting_confirmation')) return undefined;
    const payable = act.filter((r) => r.state === 'used' || r.state === 'ready').length;
    if (payable <= 1) return undefined;
    const stale = act.filter((r) => r.state === 'ready' && r.offer!.created_at < now - OFFER_REFRESH_THRESHOLD).sort(byAge);
    return stale[0]?.slot;
  }

  /** LDK: the server's paths must last ≥ 90 days (absent = forever). */
  static pathsExpiryAcceptable(expiry: bigint | undefined, now: number): boolean {
    return expiry === undefined || expiry >= BigInt(now + MIN_OFFER_PATHS_RELATIVE_EXPIRY);
  }

  /** LDK: a server must hand out fresh paths; a set some cached offer already has is refused. */
  hasOfferWithPaths(pathsHash: string): boolean {
    return this.all().some((r) => r.offer?.paths_hash === pathsHash);
  }

  recordRequest(slot: number, nonceHex: string, now: number): SlotRecord {
    const r = this.slots.get(slot)!;
    r.request_nonces = [...r.request_nonces, nonceHex].slice(-MAX_REQUEST_NONCES);
    r.requested_at = now;
    r.requests_sent++;
    return r;
  }

  /** Whether an offer_paths reply path (slot, nonce) answers a request this slot still waits on. */
  isOutstanding(slot: number, nonceHex: string): boolean {
    return this.slots.get(slot)?.request_nonces.includes(nonceHex) ?? false;
  }

  /** Stores a freshly built offer as awaiting confirmation; older requests for the slot become stale. */
  cachePending(
    slot: number,
    offer: Pick<CachedOffer, 'offer' | 'offer_id' | 'nonce' | 'update_path' | 'paths_hash' | 'created_at' | 'expires_at'>,
  ): SlotRecord {
    const r = this.slots.get(slot)!;
    r.offer = { ...offer, invoice_created_at: null, sent_invoice_created_at: null, sent_at: null, invoices_sent: 0, confirmations: 0 };
    r.state = 'awaiting_confirmation';
    r.expired_offer_id = null;
    r.request_nonces = [];
    r.last_error = null;
    r.last_error_at = null;
    return r;
  }

  /** The slot holding the offer with this tag (first 8 bytes of its id), if any. */
  findByTag(tagHex: string): SlotRecord | undefined {
    return this.all().find((r) => r.offer && offerTagOf(r.offer.offer_id) === tagHex);
  }

  /** static_invoice_persisted (LDK §7.6): pending → ready; ready/used keep the newest confirmed created_at. */
  confirm(r: SlotRecord, invoiceCreatedAt: number): void {
    const o = r.offer!;
    o.confirmations++;
    if (r.state === 'awaiting_confirmation') {
      r.state = 'ready';
      o.invoice_created_at = invoiceCreatedAt;
    } else o.invoice_created_at = Math.max(o.invoice_created_at ?? 0, invoiceCreatedAt);
  }

  /**
   * `asyncoffer` (LDK get_async_receive_offer, after pruning): the most recently
   * created ready offer, which becomes used; else the used offer that expires last
   * (no expiry counts as last); else nothing.
   */
  pickForAsyncOffer(): { record: SlotRecord; fresh: boolean } | undefined {
    const ready = this.all().filter((r) => r.state === 'ready' && r.offer);
    if (ready.length > 0) {
      const best = ready.reduce((a, b) => (b.offer!.created_at > a.offer!.created_at ? b : a));
      best.state = 'used';
      return { record: best, fresh: true };
    }
    const exp = (r: SlotRecord) => r.offer!.expires_at ?? Number.POSITIVE_INFINITY;
    const used = this.all().filter((r) => r.state === 'used' && r.offer);
    if (used.length === 0) return undefined;
    return { record: used.reduce((a, b) => (exp(b) > exp(a) ? b : a)), fresh: false };
  }

  /**
   * Offers whose invoice is sent again on a timer tick (LDK §7.5): every pending one
   * (until the server confirms), and used ones whose confirmed invoice is older than 2 h.
   * Ready offers are rotated instead.
   */
  needingInvoiceRefresh(now: number): SlotRecord[] {
    return this.all().filter((r) => {
      if (!r.offer) return false;
      if (r.state === 'awaiting_confirmation') return true;
      return r.state === 'used' && (r.offer.invoice_created_at ?? 0) + INVOICE_REFRESH_THRESHOLD < now;
    });
  }

  /** What the cache is doing when no offer can be handed out, for error messages. */
  waitingFor(): 'awaiting_confirmation' | 'requesting' {
    return this.all().some((r) => r.state === 'awaiting_confirmation') ? 'awaiting_confirmation' : 'requesting';
  }
}

// Who gets a place in the mailbox (pure: no I/O, no clock). The bounds are a count
// per peer and bytes in total. When a bound is reached, the new message may take the
// place of the oldest message of the source (the peer it came from) that holds the
// most — and only if that is another source holding more than the newcomer's. So a
// flood from one source fills at most its fair share: it can neither push out what
// other sources left nor keep them out; its own surplus is what gets refused.

export interface Held {
  readonly key: string;
  readonly peer: string;
  readonly source: string;
  readonly bytes: number;
  readonly receivedAt: number;
  /** Arrival order, across peers and restarts. */
  readonly seq: number;
  /** sha256(path_key ‖ packet): identical packets are held once. */
  readonly hash: string;
}

export interface Candidate {
  readonly peer: string;
  readonly source: string;
  readonly bytes: number;
  readonly hash: string;
}

export type RefuseReason = 'duplicate' | 'peer_full' | 'mailbox_full';
export type Admission = { readonly ok: true; readonly evict: readonly Held[] } | { readonly ok: false; readonly reason: RefuseReason };

export interface Bounds {
  readonly maxPerPeer: number;
  readonly maxBytes: number;
}

/** Decides on `c` given what is held (`boxes`: per peer, oldest first). Never mutates. */
export function admit(boxes: ReadonlyMap<string, readonly Held[]>, c: Candidate, bounds: Bounds): Admission {
  for (const h of boxes.get(c.peer) ?? []) if (h.hash === c.hash) return { ok: false, reason: 'duplicate' };
  const evict: Held[] = [];
  const gone = (h: Held) => evict.includes(h);
  const box = boxes.get(c.peer) ?? [];
  if (box.length >= bounds.maxPerPeer) {
    const v = victim(box, c.source, () => 1);
    if (!v) return { ok: false, reason: 'peer_full' };
    evict.push(v);
  }
  let total = 0;
  for (const b of boxes.values()) for (const h of b) total += h.bytes;
  total -= evict.reduce((n, h) => n + h.bytes, 0);
  while (total + c.bytes > bounds.maxBytes) {
    const all = [...boxes.values()].flat().filter((h) => !gone(h));
    const v = victim(all, c.source, (h) => h.bytes, c.bytes);
    if (!v) return { ok: false, reason: 'mailbox_full' };
    evict.push(v);
    total -= v.bytes;
  }
  return { ok: true, evict };
}

/**
 * The oldest message of the largest holder among `held` (weighed by `w`), if that holder
 * is another source and holds more than the newcomer's source would after admission.
 */
function victim(held: readonly Held[], source: string, w: (h: Held) => number, incoming = 1): Held | undefined {
  const share = new Map<string, number>();
  for (const h of held) share.set(h.source, (share.get(h.source) ?? 0) + w(h));
  let top: string | undefined;
  for (const [s, n] of share) if (top === undefined || n > share.get(top)!) top = s;
  if (top === undefined || top === source) return undefined;
  if ((share.get(source) ?? 0) + incoming > share.get(top)!) return undefined;
  let oldest: Held | undefined;
  for (const h of held) if (h.source === top && (!oldest || h.seq < oldest.seq)) oldest = h;
  return oldest;
}

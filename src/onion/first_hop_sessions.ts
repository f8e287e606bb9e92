// Sphinx session keys for the packets we hand to `injectonionmessage`, whose first layer
// our own node peels (connectd, with the node key) before anything leaves the machine.
// A served request builds two such packets, and their first hop key repeats: our own
// injected hop (self_hop.ts) and, for the forward to a recipient, our blinded id in the
// recipient's stored path. For a key P that repeats, fresh session keys come cheaper:
// e_{k+1} = e_k + d, so E_{k+1} = E_k + d·G and ECDH(e_{k+1}, P) = e_k·P + d·P, two point
// additions (~16 µs) instead of k·G and k·P (~60 µs native, ~250 µs WASM).
//
// What leaves the node stays independent per packet: the next hop's ephemeral key is
// e_1·G with e_1 = e_0·SHA256(E_0 ‖ ss_0), and E_0, ss_0 and e_0 never leave this process
// and our connectd; no two packets share an e_0. The linear relation between successive
// e_0 is hidden behind that hash as it is behind any other. Keys are redrawn after
// `uses` packets and for a key seen the first time (most keys are used once: a stepper
// costs one multiplication more to set up than the packet it serves), so a stepper is
// made for a key on its second sighting.
import { sha256 } from '../crypto/hash.js';
import { byteKey, Generations } from '../generations.js';
import {
  compressFull,
  fullPointAdd,
  fullPointMulOnce,
  fullPubFromPriv,
  privAdd,
  randomPrivKey,
  type FullPoint,
  type PrivKey,
  type PubKey,
} from '../crypto/secp.js';

/** What the Sphinx key schedule needs for hop 0: e_0, E_0 = e_0·G and ss_0 = ECDH(e_0, P). */
export interface FirstHopKeys {
  readonly sessionKey: PrivKey;
  readonly ephemeralKey: PubKey;
  readonly sharedSecret: Uint8Array;
}

/** Packets per stepper before its secrets are redrawn. */
export const FIRST_HOP_USES = 1000;
/** First hop keys with a stepper at once (a stepper is ~0.5 KB). */
export const FIRST_HOP_KEYS = 256;

interface Stepper {
  e: PrivKey;
  readonly d: PrivKey;
  E: FullPoint;
  readonly D: FullPoint;
  S: FullPoint;
  readonly dP: FullPoint;
  /** Packets still to serve; the first one uses e as drawn. */
  left: number;
}

export class FirstHopSessions {
  /** Insertion order is recency order: a hit re-inserts, the oldest is evicted. */
  private readonly steppers = new Map<string, Stepper>();
  /** Keys seen once lately (at most 8 × maxKeys, in two generations). */
  private readonly seen: Generations<true>;

  constructor(
    private readonly uses = FIRST_HOP_USES,
    private readonly maxKeys = FIRST_HOP_KEYS,
    /** Tests pin the secrets; production draws them. */
    private readonly secret: () => PrivKey = randomPrivKey,
  ) {
    if (!Number.isInteger(uses) || uses < 1) throw new RangeError('first hop sessions: uses must be a positive integer');
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError('first hop sessions: maxKeys must be a positive integer');
    this.seen = new Generations(8 * maxKeys);
  }

  /** Steppers held now (for tests and the bench). */
  get size(): number {
    return this.steppers.size;
  }

  /**
   * Keys for one packet whose first layer, encrypted to `p`, our own node peels; undefined
   * when `p` is seen for the first time lately (build that packet the ordinary way).
   */
  next(p: PubKey): FirstHopKeys | undefined {
    const id = byteKey(p);
    let s = this.steppers.get(id);
    if (s) {
      this.steppers.delete(id);
    } else {
      if (!this.seen.get(id)) {
        this.seen.set(id, true);
        return undefined;
      }
      this.seen.delete(id);
    }
    if (!s || s.left === 0 || !this.step(s)) s = this.draw(p);
    this.steppers.set(id, s);
    if (this.steppers.size > this.maxKeys) this.steppers.delete(this.steppers.keys().next().value!);
    s.left--;
    return { sessionKey: s.e, ephemeralKey: compressFull(s.E), sharedSecret: sha256(compressFull(s.S)) };
  }

  private draw(p: PubKey): Stepper {
    const e = this.secret();
    const d = this.secret();
    return { e, d, E: fullPubFromPriv(e), D: fullPubFromPriv(d), S: fullPointMulOnce(p, e), dP: fullPointMulOnce(p, d), left: this.uses };
  }

  /** Advances by d; false on a degenerate sum (probability ~2^-256: redraw). */
  private step(s: Stepper): boolean {
    let e: PrivKey;
    try {
      e = privAdd(s.e, s.d);
    } catch {
      return false;
    }
    const E = fullPointAdd(s.E, s.D);
    const S = fullPointAdd(s.S, s.dP);
    if (!E || !S) return false;
    s.e = e;
    s.E = E;
    s.S = S;
    return true;
  }
}

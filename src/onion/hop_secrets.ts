// What a receiving node derives from a hop's path key, remembered by path key. On a path
// we made, the path key a hop receives does not depend on the sender: the introduction
// node derives E_1 = SHA256(E_0 ‖ ss_0)·E_0 from the path's first key, the same for every
// payer of the offer. So at our virtual node every invoice_request for one offer path
// arrives under the same path key, and its ECDH (a constant-time point multiplication),
// the blinded private key and the key of the encrypted data are the same each time.
// The Sphinx layer's own ECDH, with the packet's fresh ephemeral key, is never cached.
//
// The secrets are a deterministic function of (node key, path key): remembering them
// tells nobody anything, and a sender of random path keys only makes us forget (two
// generations, src/generations.ts).
import { equalBytes } from '../codec/bytes.js';
import { deriveKey } from '../crypto/hash.js';
import { ecdh, type PrivKey, type PubKey } from '../crypto/secp.js';
import { blindedPrivKey, nextPathKey } from './blinding.js';
import { byteKey, Generations } from '../generations.js';

export interface HopSecrets {
  /** ECDH(node key, path key). */
  readonly sharedSecret: Uint8Array;
  /** The node key blinded for this hop: it peels the Sphinx layer. */
  readonly blindedPriv: PrivKey;
  /** Key of the hop's encrypted_recipient_data. */
  readonly rho: Uint8Array;
  /** The path key the next hop gets when the data has no override (a point multiplication: on first use). */
  readonly nextPathKey: PubKey;
}

/** Path keys remembered per node key. */
export const HOP_SECRETS_MAX = 1024;

class Entry implements HopSecrets {
  private next: PubKey | undefined;
  constructor(
    private readonly pathKey: PubKey,
    readonly sharedSecret: Uint8Array,
    readonly blindedPriv: PrivKey,
    readonly rho: Uint8Array,
  ) {}
  get nextPathKey(): PubKey {
    return (this.next ??= nextPathKey(this.pathKey, this.sharedSecret));
  }
}

/** The secrets of `nodePriv`'s hops, computed once per path key. */
export function hopSecrets(nodePriv: PrivKey, pathKey: PubKey): HopSecrets {
  const ss = ecdh(nodePriv, pathKey);
  return new Entry(pathKey, ss, blindedPrivKey(nodePriv, ss), deriveKey('rho', ss));
}

export class HopSecretCache {
  private readonly entries: Generations<HopSecrets>;

  constructor(
    readonly nodePriv: PrivKey,
    max = HOP_SECRETS_MAX,
  ) {
    if (!Number.isInteger(max) || max < 2) throw new RangeError('hop secret cache needs room for two path keys');
    this.entries = new Generations(max);
  }

  /** Entries held (an upper bound on distinct path keys). */
  get size(): number {
    return this.entries.size;
  }

  /** The secrets of the hop `nodePriv` gets under `pathKey` (a validated point). */
  get(nodePriv: PrivKey, pathKey: PubKey): HopSecrets {
    if (!equalBytes(nodePriv, this.nodePriv)) throw new RangeError('hop secret cache: another node key');
    const k = byteKey(pathKey);
    let s = this.entries.get(k);
    if (!s) {
      // A copy: the key may be a view into a whole received packet, which the entry would keep alive.
      s = hopSecrets(nodePriv, pathKey.slice() as PubKey);
      this.entries.set(k, s);
    }
    return s;
  }
}

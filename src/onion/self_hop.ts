// Our own outermost hop of the packets we hand to `injectonionmessage`. lightningd peels
// that layer itself (connectd, with the node key) before anything leaves the node, so the
// hop's blinding secret protects nothing from anyone else: it is drawn once and reused
// for `uses` packets instead of costing three point multiplications per packet (a
// served request builds one such hop). What leaves the node stays fresh: the Sphinx
// session key is new for every packet, so every later layer, ephemeral key and keystream
// differs, and the path key the next hop gets is the override we put in this hop.
// (Only when the next hop is their introduction node: a longer prefix through other
// nodes would give those nodes a derived, repeated path key, so it is blinded afresh.)
import { aeadEncrypt } from '../crypto/chacha.js';
import { deriveKey } from '../crypto/hash.js';
import { ecdhOnce, pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../crypto/secp.js';
import { blindedNodeId } from './blinding.js';
import { encryptedDataBytes } from './encrypted_data.js';
import type { BlindedHop, EncryptedData } from './types.js';

/** Packets per blinding secret: the three multiplications cost 1/1000 of that each. */
export const SELF_HOP_USES = 1000;

interface Keys {
  readonly pathKey: PubKey;
  readonly rho: Uint8Array;
  readonly blindedNodeId: PubKey;
  left: number;
}

export class SelfHopBlinding {
  private keys: Keys | undefined;

  constructor(
    readonly ourNodeId: PubKey,
    private readonly uses = SELF_HOP_USES,
    /** Tests pin the secret; production draws a fresh one at each rotation. */
    private readonly secret: () => PrivKey = randomPrivKey,
  ) {
    if (!Number.isInteger(uses) || uses < 1) throw new RangeError('self hop: uses must be a positive integer');
  }

  /** Our hop carrying `data` (which must name the next node), and the path key to inject it under. */
  hop(data: EncryptedData): { pathKey: PubKey; hop: BlindedHop } {
    if (data.nextNodeId === undefined || data.nextPathKeyOverride === undefined) {
      throw new RangeError('self hop: only for a next hop given with its path key override');
    }
    let k = this.keys;
    if (!k || k.left === 0) {
      const e = this.secret();
      const ss = ecdhOnce(e, this.ourNodeId);
      k = this.keys = { pathKey: pubFromPriv(e), rho: deriveKey('rho', ss), blindedNodeId: blindedNodeId(this.ourNodeId, ss), left: this.uses };
    }
    k.left--;
    return { pathKey: k.pathKey, hop: { blindedNodeId: k.blindedNodeId, encryptedData: aeadEncrypt(k.rho, encryptedDataBytes(data)) } };
  }
}

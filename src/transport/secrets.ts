// The plugin stores no private key: every secret it needs is derived at start from
// lightningd's HSM with `makesecret`, under labels of our own (the same label gives
// the same secret to anyone who can call the RPC, so never reuse CLN's labels).
import { fromHex, utf8 } from '../codec/bytes.js';
import { sha256 } from '../crypto/hash.js';
import { asPubKey, isPrivKey, pubFromPriv, type PrivKey, type PubKey } from '../crypto/secp.js';

export interface RpcLike {
  call<T = any>(method: string, params?: Record<string, unknown>, options?: { filter?: unknown; timeoutMs?: number }): Promise<T>;
}

export interface NodeSecrets {
  readonly ourId: PubKey;
  /** MAC key of path contexts (transport/context.ts). */
  readonly contextKey: Uint8Array;
  /** The virtual node V our paths end at; its key never leaves the plugin. */
  readonly virtualPriv: PrivKey;
  readonly virtualId: PubKey;
  /** Base secret of the recipient's per-offer signing keys. */
  readonly offerKeyBase: Uint8Array;
}

export const SECRET_LABELS = {
  context: 'asyncpay-path-context-v1',
  virtualNode: 'asyncpay-virtual-node-v1',
  offerKeys: 'asyncpay-offer-keys-v1',
} as const;

async function makesecret(rpc: RpcLike, label: string): Promise<Uint8Array> {
  const r = await rpc.call<{ secret: string }>('makesecret', { string: label });
  const secret = fromHex(r.secret);
  if (secret.length !== 32) throw new Error(`makesecret returned ${secret.length} bytes`);
  return secret;
}

/** A valid private key from a secret (re-hashing in the negligible case it is not one). */
export function privKeyFromSecret(secret: Uint8Array): PrivKey {
  let k = secret;
  while (!isPrivKey(k)) k = sha256(k);
  return k;
}

export async function loadNodeSecrets(rpc: RpcLike): Promise<NodeSecrets> {
  const info = await rpc.call<{ id: string }>('getinfo');
  const [contextKey, vSecret, offerKeyBase] = await Promise.all([
    makesecret(rpc, SECRET_LABELS.context),
    makesecret(rpc, SECRET_LABELS.virtualNode),
    makesecret(rpc, SECRET_LABELS.offerKeys),
  ]);
  const virtualPriv = privKeyFromSecret(sha256(utf8('virtual node'), vSecret));
  return { ourId: asPubKey(fromHex(info.id)), contextKey, virtualPriv, virtualId: pubFromPriv(virtualPriv), offerKeyBase };
}

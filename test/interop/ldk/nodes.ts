// Named deterministic test nodes (key = SHA256 of the name), shared by the
// interop tests so hops can be addressed as `n.bob.pub`.
import { toHex } from '../../../src/codec/bytes.js';
import { pubFromPriv, type PrivKey, type PubKey } from '../../../src/crypto/secp.js';
import { testPriv } from './adapters.js';

export interface TestNode {
  readonly name: string;
  readonly priv: PrivKey;
  readonly pub: PubKey;
}

export type TestNodes<N extends string> = { readonly [K in N]: TestNode } & {
  /** node-id hex → private key, for ldkDeliver. */
  readonly keys: ReadonlyMap<string, PrivKey>;
  /** node-id hex → name, for readable assertions on hop lists. */
  nameOf(nodeId: Uint8Array): string;
};

export function testNodes<N extends string>(...names: N[]): TestNodes<N> {
  const nodes = {} as Record<string, TestNode>;
  const keys = new Map<string, PrivKey>();
  const names_ = new Map<string, string>();
  for (const name of names) {
    const priv = testPriv(`node/${name}`);
    const pub = pubFromPriv(priv);
    nodes[name] = { name, priv, pub };
    keys.set(toHex(pub), priv);
    names_.set(toHex(pub), name);
  }
  return Object.assign(nodes, {
    keys,
    nameOf: (id: Uint8Array) => names_.get(toHex(id)) ?? `?${toHex(id).slice(0, 8)}`,
  }) as unknown as TestNodes<N>;
}

// Onion-layer micro-benchmarks (run by scripts/bench.ts). Inputs are fixed and built
// once, so each case times only the operation named.
import { asPrivKey, ecdh, pubFromPriv, type PrivKey } from '../../src/crypto/secp.js';
import { buildOnionMessageToRoute, createBlindedPath, peelOnionMessage } from '../../src/onion/index.js';

const key = (b: number): PrivKey => asPrivKey(new Uint8Array(32).fill(b));
const nodes = [0x41, 0x42, 0x43, 0x44].map(key);
const ids = nodes.map(pubFromPriv);
const payload = { message: { type: 64n, value: new Uint8Array(200).fill(7) } };

// A 4-hop message (us → a → b → dest) for the build and peel cases.
const msg = buildOnionMessageToRoute({ route: ids, finalData: { pathId: new Uint8Array(32) }, payload, pathKeySecret: key(1), sessionKey: key(2) });

export const cases: { name: string; run: () => void }[] = [
  { name: 'ECDH (SHA256 of k·P)', run: () => void ecdh(nodes[0]!, ids[1]!) },
  {
    name: 'build 4-hop onion message (1366 B, fresh keys)',
    run: () => void buildOnionMessageToRoute({ route: ids, finalData: { pathId: new Uint8Array(32) }, payload }),
  },
  {
    name: 'create 2-hop blinded path',
    run: () =>
      void createBlindedPath([
        { nodeId: ids[2]!, data: { nextNodeId: ids[3]! } },
        { nodeId: ids[3]!, data: { pathId: new Uint8Array(32) } },
      ]),
  },
  { name: 'peel one onion-message layer (forwarding hop)', run: () => void peelOnionMessage(nodes[0]!, msg.pathKey, msg.packet) },
];

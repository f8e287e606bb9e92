// Onion-layer micro-benchmarks (run by scripts/bench.ts). Inputs are fixed and built
// once, so each case times only the operation named.
import { asPrivKey, ecdh, pubFromPriv, type PrivKey } from '../../src/crypto/secp.js';
import { perBackend } from './backends.js';
import { buildOnionMessageToBlindedPath, buildOnionMessageToRoute, createBlindedPath, FirstHopSessions, HopSecretCache, peelOnionMessage, SelfHopBlinding } from '../../src/onion/index.js';

const key = (b: number): PrivKey => asPrivKey(new Uint8Array(32).fill(b));
const nodes = [0x41, 0x42, 0x43, 0x44].map(key);
const ids = nodes.map(pubFromPriv);
const payload = { message: { type: 64n, value: new Uint8Array(200).fill(7) } };

// A 4-hop message (us → a → b → dest) for the build and peel cases.
const msg = buildOnionMessageToRoute({ route: ids, finalData: { pathId: new Uint8Array(32) }, payload, pathKeySecret: key(1), sessionKey: key(2) });

// The served request's onions (issue 16), per secp256k1 backend: the peel at our virtual
// node (final layer, invoice_request + reply path), the reply to a stock CLN payer's
// one-hop reply path (we blind a hop of our own in front), the forward over a 3-hop path
// starting at us.
const V = key(0x51);
const vPath = createBlindedPath([
  { nodeId: ids[0]!, data: { nextNodeId: pubFromPriv(V) } },
  { nodeId: pubFromPriv(V), data: { pathId: new Uint8Array(33) } },
]);
const payerReply = createBlindedPath([{ nodeId: ids[3]!, data: { pathId: new Uint8Array(32) } }]);
const invreq = { message: { type: 64n, value: new Uint8Array(240).fill(9) }, replyPath: payerReply };
const toV = buildOnionMessageToBlindedPath({ ourNodeId: ids[0]!, path: vPath, payload: invreq });
// The packet as V receives it: peel our node's layer first.
const atV = peelOnionMessage(nodes[0]!, toV.pathKey, toV.packet);
if (atV.kind !== 'forward') throw new Error('bench fixture: expected a forward layer');
const fwdPath = createBlindedPath([
  { nodeId: ids[0]!, data: { nextNodeId: ids[1]! } },
  { nodeId: ids[1]!, data: { nextNodeId: ids[2]! } },
  { nodeId: ids[2]!, data: { pathId: new Uint8Array(18) } },
]);
const staticInvoice = { message: { type: 70n, value: new Uint8Array(935).fill(5) } };
// Our own hop's blinding is reused across packets, as the transport's sender does.
const selfHop = new SelfHopBlinding(ids[0]!);
// And so are stepped session keys for a first hop that repeats (first_hop_sessions.ts).
const sessions = new FirstHopSessions();
// V remembers its secrets per path key (hop_secrets.ts), as the transport's receiver does.
const vSecrets = new HopSecretCache(V);

const perBackendCases = perBackend((b, on) => {
  return [
    { name: `[${b}] served request: peel at the virtual node (final layer)`, run: on(() => void peelOnionMessage(V, atV.nextPathKey, atV.nextPacket, vSecrets)) },
    { name: `[${b}] the same peel, path key not remembered`, run: on(() => void peelOnionMessage(V, atV.nextPathKey, atV.nextPacket)) },
    { name: `[${b}] served request: build the reply (CLN payer's 1-hop path + our hop)`, run: on(() => void buildOnionMessageToBlindedPath({ ourNodeId: ids[0]!, path: payerReply, payload: staticInvoice, selfHop, sessions })) },
    { name: `[${b}] served request: build the forward (3-hop path from us)`, run: on(() => void buildOnionMessageToBlindedPath({ ourNodeId: ids[0]!, path: fwdPath, payload: invreq, sessions })) },
    { name: `[${b}] the same forward, fresh session key (a first hop seen once)`, run: on(() => void buildOnionMessageToBlindedPath({ ourNodeId: ids[0]!, path: fwdPath, payload: invreq })) },
    { name: `[${b}] ECDH`, run: on(() => void ecdh(nodes[0]!, ids[1]!)) },
  ];
});

export const cases: { name: string; run: () => void }[] = [
  ...perBackendCases,
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

// Issue 17, finding 1 at the transport: relaying (peerOnly) third-party content into one
// of our own paths is refused unless the path is our recipient's forwarded-request
// endpoint, which consumes it; what is delivered that way is marked relayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pubFromPriv, randomBytes, randomPrivKey } from '../../src/crypto/secp.js';
import { encodeContext, type PathContext } from '../../src/transport/context.js';
import { OwnPaths } from '../../src/transport/own-paths.js';
import { Sender } from '../../src/transport/send.js';
import type { Topology } from '../../src/transport/topology.js';
import type { RpcLike } from '../../src/transport/secrets.js';
import type { BlindedPath } from '../../src/onion/types.js';
import type { OnionMessage } from '../../src/messages/index.js';

const KEY = randomBytes(32);
const ourId = pubFromPriv(randomPrivKey());
const path = (): BlindedPath => ({ intro: { kind: 'pubkey', nodeId: ourId }, firstPathKey: pubFromPriv(randomPrivKey()), hops: [] });
const invreq: OnionMessage = { kind: 'invoice_request', bytes: randomBytes(40) };

function setup() {
  const own = new OwnPaths(KEY);
  const delivered: Array<{ relayed: boolean }> = [];
  const rpcCalls: string[] = [];
  const rpc = { call: async (m: string) => (rpcCalls.push(m), {}) } as unknown as RpcLike;
  const topo = { ourId } as unknown as Topology;
  const sender = new Sender(rpc, topo, own, (_id, _m, _r, relayed) => delivered.push({ relayed }), { noconnect: true, now: () => 0 });
  const add = (ctx: PathContext) => {
    const p = path();
    own.remember(p, encodeContext(KEY, ctx), 0, 0);
    return p;
  };
  return { sender, delivered, rpcCalls, add };
}

test('relay into our own offer, serve or recipient path: refused, nothing delivered, nothing injected', async () => {
  const { sender, delivered, rpcCalls, add } = setup();
  const rk = randomBytes(16);
  for (const ctx of [
    { kind: 'offer', recipient: rk, slot: 0, expiresAt: 0 },
    { kind: 'serve', recipient: rk, slot: 0, expiresAt: 0 },
    { kind: 'recipient', recipient: rk, expiresAt: 0 },
  ] as PathContext[]) {
    await assert.rejects(sender.send(add(ctx), invreq, { peerOnly: true }), new RegExp(`refusing to relay to our own ${ctx.kind} path`));
  }
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(delivered, []);
  assert.deepEqual(rpcCalls, []);
});

test("relay into our own recipient's forwarded-request path: delivered in-process, marked relayed; a normal send is not", async () => {
  const { sender, delivered, add } = setup();
  const fwd = add({ kind: 'forwarded_invreq', slot: 1, offerTag: randomBytes(8) });
  await sender.send(fwd, invreq, { peerOnly: true });
  const offer = add({ kind: 'offer', recipient: randomBytes(16), slot: 0, expiresAt: 0 });
  await sender.send(offer, invreq, {}); // our own payer paying an offer we serve
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(delivered, [{ relayed: true }, { relayed: false }]);
});

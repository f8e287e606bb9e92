// secp256k1 micro-benchmarks per backend (run by scripts/bench.ts): BIP 340 verification
// (a served invoice_request verifies one signature) and isPubKey on a point already
// validated in an earlier array (the content cache hit) versus a point not seen lately.
import { asPrivKey, isPubKey, pubFromPriv, schnorrSign, schnorrVerify } from '../../src/crypto/secp.js';
import { perBackend } from './backends.js';

const k = asPrivKey(new Uint8Array(32).fill(0x61));
const pub = pubFromPriv(k);
const msg = new Uint8Array(32).fill(3);
const sig = schnorrSign(msg, k, new Uint8Array(32));
if (!schnorrVerify(sig, msg, pub)) throw new Error('bench fixture: signature does not verify');

// More distinct points than the cache holds, visited in a cycle: every lookup misses.
const MISS_POOL = 10_000;
const missPoints = Array.from({ length: MISS_POOL }, (_, i) => {
  const s = new Uint8Array(32);
  new DataView(s.buffer).setUint32(28, i + 1);
  s[0] = 0x5a;
  return pubFromPriv(asPrivKey(s));
});
let at = 0;

export const cases = perBackend((b, on) => {
  // Each lookup gets a fresh array (as a decoded message does), so only the content cache
  // can hit; 100 lookups per op, as one lookup is too short for the harness's timer.
  const hundred = (f: () => void) => () => {
    for (let i = 0; i < 100; i++) f();
  };
  return [
    { name: `[${b}] BIP 340 verify`, run: on(() => void schnorrVerify(sig, msg, pub)) },
    { name: `[${b}] isPubKey ×100, same point in a new array (cache hit)`, run: on(hundred(() => void isPubKey(Uint8Array.from(pub)))) },
    { name: `[${b}] isPubKey ×100, points not seen lately (cache miss)`, run: on(hundred(() => void isPubKey(Uint8Array.from(missPoints[at++ % MISS_POOL]!)))) },
  ];
});

// Helpers for the mailbox tests: an LSP (this plugin, simulated lightningd) with a
// wallet peer that goes offline (an external node, as an LDK wallet would be) and
// payers that send onion messages to the wallet through the LSP.
import { SimNetwork } from '../sim/network.js';
import type { ClnNode } from '../sim/cln-node.js';
import type { ExternalNode, Received } from '../sim/external-node.js';
import { simCreatePath } from '../sim/onion-adapter.js';
import { scidToBigInt } from '../sim/scid.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { randomBytes } from '../../src/crypto/secp.js';
import { until } from './recipient-helpers.js';

export { until };

/** The odd TLV our probes carry (payments.md §4's probe used 77 too): any final node accepts it. */
export const PROBE = 77n;

export interface Lsp {
  net: SimNetwork;
  s: ClnNode;
  wallet: ExternalNode;
  payer: ExternalNode;
}

/** S (plugin) with a private channel to `wallet` (aliases: S's is 5001x1x1) and a public one to `payer`. */
export async function lsp(nets: SimNetwork[], pluginOptions: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<Lsp> {
  const net = new SimNetwork();
  nets.push(net);
  const s = await net.addClnNode('lsp', { pluginOptions, env });
  const wallet = net.addExternalNode('wallet');
  const payer = net.addExternalNode('payer');
  net.addChannel(wallet, s, { scid: '900x1x0', public: false, aliasA: '5000x1x1', aliasB: '5001x1x1' });
  net.addChannel(payer, s, { scid: '900x2x0' });
  // The payers' bursts into S are not what is tested; the wallet's limiter (on) is.
  s.rateLimit = false;
  return { net, s, wallet, payer };
}

/** A path S → wallet; the S hop names the wallet by node id or by a short channel id. */
export function walletPath(l: Lsp, via: 'node' | string = 'node'): { path: BlindedPath; pathId: Uint8Array } {
  const pathId = randomBytes(32);
  const path = simCreatePath([
    { nodeId: l.s.id, data: via === 'node' ? { nextNodeId: l.wallet.id } : { shortChannelId: scidToBigInt(via) } },
    { nodeId: l.wallet.id, data: { pathId } },
  ]);
  return { path, pathId };
}

export function offline(l: Lsp, n: ExternalNode = l.wallet): void {
  l.net.disconnect(n, l.s);
  n.online = false;
}

export function online(l: Lsp, n: ExternalNode = l.wallet): void {
  n.online = true;
  l.net.connect(n, l.s);
}

/** Sends probe `i` (TLV 77 = i as 2 bytes) from `from` to `path`. */
export function probe(from: ExternalNode, path: BlindedPath, i: number): void {
  const r = from.send(path, [{ type: PROBE, value: new Uint8Array([i >> 8, i & 0xff]) }]);
  if (!r.ok) throw new Error(`send failed: ${r.error}`);
}

export function probeNo(m: Received): number | undefined {
  const v = m.records.find((r) => r.type === PROBE)?.value;
  return v ? (v[0]! << 8) | v[1]! : undefined;
}

export async function mailbox(s: ClnNode, peer?: string): Promise<any> {
  return s.cli('asyncpay-mailbox', peer ? { peer_id: peer } : {});
}

/** Waits until the mailbox holds `n` messages in total. */
export function held(s: ClnNode, n: number): Promise<any> {
  return until(async () => {
    const m = await mailbox(s);
    return m.total_messages === n ? m : undefined;
  }, `${n} message(s) held`);
}

export function rateLimitDrops(n: ExternalNode): string[] {
  return n.dropped.filter((d) => /rate limit/.test(d.reason)).map((d) => d.reason);
}

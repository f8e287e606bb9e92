// What every ldk02 test file sets up alike: the bridge binary (or a loud skip when cargo is
// absent), the cleanups run after the file's tests, and the simulator network with LDK nodes
// joined to it. Also the topology several files share: an LDK server S_L between payer P_L
// and hub H.
import { after } from 'node:test';
import { SimNetwork } from '../../sim/network.js';
import { Ldk02, type Ldk02Spec, type LdkSimNode } from './driver.js';
import { ldk02Binary } from './binary.js';

export interface Ldk02Suite {
  /** For `test(..., { skip })`: the reason the bridge is missing, or false. */
  skip: string | false;
  /** A fresh simulator network, closed after the file's tests. */
  network(): SimNetwork;
  /** LDK nodes started on `net`, closed (before `net`) after the file's tests. */
  startLdk(net: SimNetwork, spec: Ldk02Spec): Promise<Ldk02>;
}

/** Call once at the top of a test file. */
export function ldk02Suite(): Ldk02Suite {
  const found = ldk02Binary();
  const skip = 'skip' in found ? found.skip : false;
  if (skip) console.error(`\n!!! ${skip}\n`);
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  return {
    skip,
    network() {
      const net = new SimNetwork();
      cleanups.push(() => net.close());
      return net;
    },
    async startLdk(net, spec) {
      const ldk = await Ldk02.start(net, (found as { bin: string }).bin, spec);
      cleanups.push(() => ldk.close());
      return ldk;
    },
  };
}

/** P_L ──(private)── S_L ──(public)── H, all LDK; S_L is a server (`server`, or `server_manual`
 *  that persists and answers only when the test says). */
export async function ldkServerNetwork(suite: Ldk02Suite, serverRole: 'server' | 'server_manual'): Promise<{ net: SimNetwork; ldk: Ldk02; sl: LdkSimNode }> {
  const net = suite.network();
  const ldk = await suite.startLdk(net, {
    nodes: [
      { name: 'PL', role: 'plain' },
      { name: 'SL', role: serverRole },
      { name: 'H', role: 'plain' },
    ],
    channels: [
      { a: 'PL', b: 'SL' },
      { a: 'SL', b: 'H', announced: true },
    ],
  });
  return { net, ldk, sl: ldk.node('SL') };
}

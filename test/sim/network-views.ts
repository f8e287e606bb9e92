// What a simulated lightningd's list RPCs show of the network: its connected peers and
// their channels (listpeers, listpeerchannels) and the public gossip it has seen
// (listchannels, listnodes: announced nodes and public channels only), in v26.06's shapes.
import { toHex } from '../../src/codec/bytes.js';
import type { SimNodeBase } from './node-base.js';

/** A feature bitmap (hex) with option_onion_messages (bit 39) and a few usual bits. */
export function featuresHex(onion: boolean): string {
  const bits = [1, 5, 7, 9, 11, 13, 15, 17, 27, 45, 47, 51].concat(onion ? [39] : []);
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[bytes.length - 1 - Math.floor(b / 8)]! |= 1 << (b % 8);
  return toHex(bytes);
}

type Params = Record<string, any>;

export function listPeers(node: SimNodeBase, p: Params): unknown {
  const peers = node.net.peersOf(node).filter((n) => !p.id || n.idHex === p.id);
  return {
    peers: peers.map((n) => ({
      id: n.idHex,
      connected: true,
      num_channels: node.net.channelsOf(node).filter((c) => c.a === n || c.b === n).length,
      netaddr: ['127.0.0.1:9735'],
      features: featuresHex(n.supportsOnionMessages),
    })),
  };
}

export function listPeerChannels(node: SimNodeBase, p: Params): unknown {
  const chans = node.net.channelsOf(node).filter((c) => !p.id || (c.a === node ? c.b : c.a).idHex === p.id);
  return {
    channels: chans.map((c) => {
      const mine = c.a === node;
      const peer = mine ? c.b : c.a;
      const local = mine ? c.policyA : c.policyB;
      const remote = mine ? c.policyB : c.policyA;
      const alias: Record<string, string> = {};
      const la = mine ? c.aliasA : c.aliasB;
      const ra = mine ? c.aliasB : c.aliasA;
      if (la) alias.local = la;
      if (ra) alias.remote = ra;
      return {
        peer_id: peer.idHex,
        peer_connected: node.net.isConnected(node, peer),
        state: 'CHANNELD_NORMAL',
        short_channel_id: c.scid,
        direction: node.idHex < peer.idHex ? 0 : 1,
        ...(Object.keys(alias).length ? { alias } : {}),
        private: !c.public,
        total_msat: c.capacityMsat,
        spendable_msat: Math.floor(c.capacityMsat / 2),
        receivable_msat: Math.floor(c.capacityMsat / 2),
        updates: {
          local: { ...local },
          remote: { ...remote },
        },
      };
    }),
  };
}

export function listChannels(node: SimNodeBase, p: Params): unknown {
  const out = [];
  for (const c of node.net.channels) {
    if (!c.public) continue;
    if (p.short_channel_id && c.scid !== p.short_channel_id) continue;
    for (const [src, dst, pol] of [[c.a, c.b, c.policyA], [c.b, c.a, c.policyB]] as const) {
      if (p.source && src.idHex !== p.source) continue;
      if (p.destination && dst.idHex !== p.destination) continue;
      out.push({
        source: src.idHex,
        destination: dst.idHex,
        short_channel_id: c.scid,
        direction: src.idHex < dst.idHex ? 0 : 1,
        public: true,
        amount_msat: c.capacityMsat,
        message_flags: 1,
        channel_flags: src.idHex < dst.idHex ? 0 : 1,
        active: true,
        last_update: 1_700_000_000,
        base_fee_millisatoshi: pol.fee_base_msat,
        fee_per_millionth: pol.fee_proportional_millionths,
        delay: pol.cltv_expiry_delta,
        htlc_minimum_msat: pol.htlc_minimum_msat,
        htlc_maximum_msat: pol.htlc_maximum_msat,
        features: '',
      });
    }
  }
  return { channels: out };
}

export function listNodes(node: SimNodeBase, p: Params): unknown {
  const nodes = [...node.net.nodes.values()].filter((n) => n.announced && node.net.channels.some((c) => c.public && (c.a === n || c.b === n)));
  return {
    nodes: nodes
      .filter((n) => !p.id || n.idHex === p.id)
      .map((n) => ({
        nodeid: n.idHex,
        alias: n.name.toUpperCase(),
        color: '02bf81',
        last_timestamp: 1_700_000_000,
        features: featuresHex(n.supportsOnionMessages),
        addresses: [{ type: 'ipv4', address: '127.0.0.1', port: 9735 }],
      })),
  };
}

// What a stranded packet is and where it was going. The notification's fields are
// hostile until checked here; the next hop (a node id, or a short channel id that
// must be one of our channels: its real scid or the alias we gave it, as connectd
// resolves it) must be a peer we have an open channel with.
import { parseScid, formatScid } from '../transport/scid.js';

export interface Stranded {
  readonly source: string;
  readonly pathKey: string;
  readonly incoming: string;
  readonly next: { readonly nodeId: string } | { readonly scid: string };
}

const PUBKEY = /^0[23][0-9a-f]{64}$/;
/** injectonionmessage refuses longer packets; a version byte, a key and an HMAC are the least. */
const MIN_PACKET = 1 + 33 + 32;
const MAX_PACKET = 65_535;

/** The checked packet, or why it is not one the mailbox could hold. */
export function parseStranded(p: Record<string, unknown>): Stranded | string {
  const { source, path_key: pathKey, incoming } = p;
  if (typeof source !== 'string' || !PUBKEY.test(source)) return 'bad source';
  if (typeof pathKey !== 'string' || !PUBKEY.test(pathKey)) return 'bad path_key';
  if (typeof incoming !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(incoming)) return 'bad incoming';
  if (incoming.length / 2 < MIN_PACKET || incoming.length / 2 > MAX_PACKET) return `incoming of ${incoming.length / 2} bytes`;
  if (p.next_node_id !== undefined) {
    if (typeof p.next_node_id !== 'string' || !PUBKEY.test(p.next_node_id)) return 'bad next_node_id';
    return { source, pathKey, incoming, next: { nodeId: p.next_node_id } };
  }
  if (p.next_short_channel_id_dir !== undefined) {
    const m = typeof p.next_short_channel_id_dir === 'string' ? /^(\d+x\d+x\d+)\/[01]$/.exec(p.next_short_channel_id_dir) : null;
    if (!m) return 'bad next_short_channel_id_dir';
    try {
      return { source, pathKey, incoming, next: { scid: formatScid(parseScid(m[1]!)) } };
    } catch {
      return 'bad next_short_channel_id_dir';
    }
  }
  return 'no next hop';
}

export interface ChannelView {
  readonly peer_id: string;
  readonly peer_connected?: boolean;
  readonly state?: string;
  readonly short_channel_id?: string;
  readonly alias?: { readonly local?: string; readonly remote?: string };
}

/** Channel states in which the peer is a channel peer worth holding messages for. */
const OPEN = new Set(['CHANNELD_AWAITING_LOCKIN', 'DUALOPEND_AWAITING_LOCKIN', 'DUALOPEND_OPEN_COMMITTED', 'CHANNELD_NORMAL', 'CHANNELD_AWAITING_SPLICE']);

/** The channel peer `next` names, with whether it is connected; undefined if none. */
export function resolveNextPeer(channels: readonly ChannelView[], next: Stranded['next']): { peer: string; connected: boolean } | undefined {
  const open = channels.filter((c) => c.state === undefined || OPEN.has(c.state));
  const c =
    'nodeId' in next
      ? open.find((x) => x.peer_id === next.nodeId)
      : open.find((x) => x.short_channel_id === next.scid || x.alias?.local === next.scid);
  return c ? { peer: c.peer_id, connected: open.some((x) => x.peer_id === c.peer_id && x.peer_connected === true) } : undefined;
}

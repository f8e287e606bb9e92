// Packets lightningd could not forward because the next peer was away. Two sources
// report them in one shape (that of `onionmessage_forward_fail`), so one consumer (the
// mailbox) can hold them and re-inject them later with `injectonionmessage`:
// - the notification itself, for packets a peer sent through us (raw, unchecked);
// - our own sends, which lightningd never reports: a relayed message whose next hop
//   is an offline peer (the packet we would have injected is kept instead).
import { fromHex, toHex } from '../codec/bytes.js';
import { parseTlvStream } from '../codec/tlv.js';
import type { BlindedPath } from '../onion/types.js';
import { formatScid } from './scid.js';
import type { RpcLike } from './secrets.js';

/**
 * `onionmessage_forward_fail` fields, or ours in the same shape (`source` = our id).
 * From the notification nothing is checked yet: the consumer validates everything.
 * Returns true when the packet was taken (it will be delivered later).
 */
export type StrandedHandler = (payload: Record<string, unknown>, ours: boolean) => Promise<boolean>;

/**
 * Our packet (outermost layer for us) whose injection failed. When we are the path's
 * introduction node, lightningd's `decryptencrypteddata` (our node key) tells the next
 * hop our layer names; otherwise it is the introduction node. Undefined if unknown.
 */
export async function strandedOwnPacket(
  rpc: RpcLike,
  ourId: Uint8Array,
  path: BlindedPath,
  built: { pathKey: Uint8Array; packet: Uint8Array },
  introIsUs: boolean,
  intro: Uint8Array,
): Promise<Record<string, unknown> | undefined> {
  const base = { source: toHex(ourId), incoming: toHex(built.packet), path_key: toHex(built.pathKey) };
  if (!introIsUs) return { ...base, next_node_id: toHex(intro) };
  const hop = path.hops[0];
  if (!hop) return undefined;
  try {
    const r = await rpc.call<{ decryptencrypteddata?: { decrypted?: string } }>('decryptencrypteddata', {
      encrypted_data: toHex(hop.encryptedData),
      path_key: toHex(path.firstPathKey),
    });
    const recs = parseTlvStream(fromHex(String(r.decryptencrypteddata?.decrypted ?? '')));
    const nodeId = recs.find((x) => x.type === 4n)?.value;
    if (nodeId?.length === 33) return { ...base, next_node_id: toHex(nodeId) };
    const scid = recs.find((x) => x.type === 2n)?.value;
    if (scid?.length === 8) return { ...base, next_short_channel_id_dir: `${formatScid(Buffer.from(scid).readBigUInt64BE())}/0` };
  } catch {
    // An undecryptable first hop is not ours to hold.
  }
  return undefined;
}

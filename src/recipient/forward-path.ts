// The forward_invoice_request_path we give the server: where it forwards payers'
// invoice_requests while we are online. The server relays to it like a forwarded
// onion message — no route search, no new connection — so its introduction node
// must be the server itself or one of the server's peers (async-protocol.md §4.4).
//
// We do not know the server's node id, but we know a node that is the server or its
// peer: the introduction node of the server's reply path (its update path), which
// the server built from itself or one of its peers. If that node is us or our
// connected peer, the path starts there; otherwise we fall back to the transport's
// usual choice (ourselves when announced, else our best peer) and say so.
import { equalBytes, toHex } from '../codec/bytes.js';
import type { BlindedPath } from '../onion/types.js';
import { encodeContext, NEVER, type PathContext } from '../transport/context.js';
import { createReceivePath } from '../transport/own-paths.js';
import type { Transport } from '../transport/transport.js';

export interface ForwardPathResult {
  readonly path: BlindedPath;
  /** How the introduction node was chosen (for the log). */
  readonly intro: 'us' | 'server-side peer' | 'fallback';
}

export async function createForwardPath(
  transport: Transport,
  ctx: Extract<PathContext, { kind: 'forwarded_invreq' }>,
  serverReplyPath: BlindedPath,
): Promise<ForwardPathResult> {
  const { secrets, topology } = transport;
  const x = await topology.resolveIntro(serverReplyPath.intro).catch(() => undefined);
  // Compact (no padding): the server stores it and it is small either way.
  const make = (introPeer?: typeof secrets.ourId) => {
    const pathId = encodeContext(secrets.contextKey, ctx);
    const path = createReceivePath({ ourId: secrets.ourId, virtualId: secrets.virtualId, pathId, ...(introPeer ? { introPeer } : {}), pad: false });
    // A path that starts at us must be delivered in-process if we ever send to it ourselves (S = R).
    if (!introPeer) transport.ownPaths.remember(path, pathId, NEVER);
    return path;
  };
  if (x && equalBytes(x, secrets.ourId)) return { path: make(), intro: 'us' };
  if (x && (await topology.isConnectedPeer(toHex(x)).catch(() => false))) return { path: make(x), intro: 'server-side peer' };
  return { path: await transport.createPath(ctx, { compact: true }), intro: 'fallback' };
}

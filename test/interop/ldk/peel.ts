// LDK's peel_onion_message at one node, wrapped so an interop test deals only in
// bytes (split from onion.ts, which builds; see its header for the LDK API used).
import {
  MessageContext,
  MessageContext_AsyncPayments,
  MessageContext_Custom,
  MessageContext_DNSResolver,
  MessageContext_Offers,
  NextMessageHop_NodeId,
  NextMessageHop_ShortChannelId,
  Option_MessageContextZ_Some,
  ParsedOnionMessageContents,
  ParsedOnionMessageContents_Custom,
  OffersMessage_Invoice,
  OffersMessage_InvoiceError,
  OffersMessage_InvoiceRequest,
  DNSResolverMessage_DNSSECProof,
  DNSResolverMessage_DNSSECQuery,
  ParsedOnionMessageContents_DNSResolver,
  ParsedOnionMessageContents_Offers,
  PeeledOnion_Forward,
  PeeledOnion_Receive,
  Result_PeeledOnionNoneZ_OK,
  UtilMethods,
} from 'lightningdevkit';
import { toHex } from '../../../src/codec/bytes.js';
import type { PrivKey } from '../../../src/crypto/secp.js';
import { CapturingHandler, contentsToRaw, TestLogger, TestNodeSigner } from './adapters.js';
import { LdkError, signerOf, omToBytes, ldkOnionMessage } from './onion.js';

// ---------------------------------------------------------------------------
// Peeling

export type LdkContext =
  | { readonly kind: 'custom'; readonly data: Uint8Array }
  | { readonly kind: 'offers' | 'async_payments' | 'dns_resolver'; readonly bytes: Uint8Array };

export interface LdkForward {
  readonly kind: 'forward';
  readonly next: { readonly nodeId: Uint8Array } | { readonly scid: bigint };
  readonly pathKey: Uint8Array;
  readonly packet: Uint8Array;
  readonly wire: Uint8Array;
}

export interface LdkReceive {
  readonly kind: 'receive';
  /** Data TLV type and its exact value bytes. */
  readonly type: bigint;
  readonly body: Uint8Array;
  /** Which LDK reader took it: its Offers parser (64/66/68) or our custom handler. */
  readonly parsedBy: 'offers' | 'custom' | 'dns_resolver';
  /** Context from the final hop's encrypted data, if any (LDK 0.1 has no path_id, see README). */
  readonly context?: LdkContext;
  readonly replyPath?: Uint8Array;
}

export interface LdkDrop {
  readonly kind: 'drop';
  readonly log: readonly string[];
}

export type LdkPeeled = LdkForward | LdkReceive | LdkDrop;

function contextToPlain(c: MessageContext): LdkContext {
  if (c instanceof MessageContext_Custom) return { kind: 'custom', data: Uint8Array.from(c.custom) };
  if (c instanceof MessageContext_Offers) return { kind: 'offers', bytes: c.write() };
  if (c instanceof MessageContext_AsyncPayments) return { kind: 'async_payments', bytes: c.write() };
  if (c instanceof MessageContext_DNSResolver) return { kind: 'dns_resolver', bytes: c.write() };
  throw new Error(`unknown MessageContext ${c.constructor.name}`);
}

/**
 * Type and value bytes of what LDK parsed. Bindings bug: tlv_type() of LDK's
 * own (Rust-side) contents returns garbage (a pointer-like u64), so for
 * Offers / DNS messages the type comes from the variant; write() is fine.
 */
function parsedToRaw(parsed: ParsedOnionMessageContents): Pick<LdkReceive, 'type' | 'body' | 'parsedBy'> {
  if (parsed instanceof ParsedOnionMessageContents_Custom) {
    const raw = contentsToRaw(parsed.custom);
    return { type: raw.type, body: raw.body, parsedBy: 'custom' };
  }
  if (parsed instanceof ParsedOnionMessageContents_Offers) {
    const m = parsed.offers;
    const type =
      m instanceof OffersMessage_InvoiceRequest ? 64n : m instanceof OffersMessage_Invoice ? 66n : m instanceof OffersMessage_InvoiceError ? 68n : -1n;
    if (type < 0n) throw new Error(`unknown OffersMessage ${m.constructor.name}`);
    return { type, body: m.write(), parsedBy: 'offers' };
  }
  if (parsed instanceof ParsedOnionMessageContents_DNSResolver) {
    const m = parsed.dns_resolver;
    const type = m instanceof DNSResolverMessage_DNSSECQuery ? 65536n : m instanceof DNSResolverMessage_DNSSECProof ? 65538n : -1n;
    if (type < 0n) throw new Error(`unknown DNSResolverMessage ${m.constructor.name}`);
    return { type, body: m.write(), parsedBy: 'dns_resolver' };
  }
  throw new Error(`unknown ParsedOnionMessageContents ${parsed.constructor.name}`);
}

export interface LdkPeelSpec {
  readonly node: PrivKey | TestNodeSigner;
  readonly pathKey: Uint8Array;
  readonly packet: Uint8Array;
  readonly handler?: CapturingHandler;
  readonly logger?: TestLogger;
}

/**
 * LDK's peel_onion_message at one node. LDK gives no reason on failure
 * (Result<_, ()>); a 'drop' carries what LDK logged instead.
 */
export function ldkPeel(spec: LdkPeelSpec): LdkPeeled {
  const signer = signerOf(spec.node, 'unused');
  const handler = spec.handler ?? new CapturingHandler();
  const logger = spec.logger ?? new TestLogger();
  const om = ldkOnionMessage(spec.pathKey, spec.packet);
  const r = UtilMethods.constructor_peel_onion_message(om, signer.signer, logger.logger, handler.handler);
  if (!(r instanceof Result_PeeledOnionNoneZ_OK)) return { kind: 'drop', log: [...logger.lines] };
  const p = r.res;
  if (p instanceof PeeledOnion_Forward) {
    const hop = p._0;
    const next =
      hop instanceof NextMessageHop_NodeId
        ? { nodeId: hop.node_id }
        : hop instanceof NextMessageHop_ShortChannelId
          ? { scid: hop.short_channel_id }
          : (() => {
              throw new Error(`unknown NextMessageHop ${hop.constructor.name}`);
            })();
    return { kind: 'forward', next, ...omToBytes(p._1, new Uint8Array(0)) };
  }
  if (p instanceof PeeledOnion_Receive) {
    const parsed = p._0;
    const { type, body, parsedBy } = parsedToRaw(parsed);
    const out: { -readonly [K in keyof LdkReceive]: LdkReceive[K] } = { kind: 'receive', type, body, parsedBy };
    if (p._1 instanceof Option_MessageContextZ_Some) out.context = contextToPlain(p._1.some);
    // The reply path comes back as a null-pointer object when absent.
    const reply = p._2;
    if (!isNullOpaque(reply)) out.replyPath = reply.write();
    return out;
  }
  throw new Error(`unknown PeeledOnion ${p.constructor.name}`);
}

/**
 * Opaque LDK structs returned for an absent Option (here: no reply path) are
 * objects whose native pointer is 0; calling a method on them would crash.
 */
function isNullOpaque(o: object | null | undefined): boolean {
  return o == null || (o as unknown as { ptr: bigint }).ptr === 0n;
}

/** Narrowing helpers for tests: fail loudly with LDK's log. */
export function expectForward(r: LdkPeeled): LdkForward {
  if (r.kind !== 'forward') throw new LdkError(`expected LDK to forward, got ${r.kind}`, r.kind === 'drop' ? r.log : []);
  return r;
}
export function expectReceive(r: LdkPeeled): LdkReceive {
  if (r.kind !== 'receive') throw new LdkError(`expected LDK to receive, got ${r.kind}`, r.kind === 'drop' ? r.log : []);
  return r;
}

export interface LdkDelivery {
  /** Node ids in the order they peeled the message. */
  readonly hops: readonly Uint8Array[];
  readonly final: LdkReceive;
}

/**
 * Walks a message through LDK peels: starts at `firstNodeId`, follows
 * forwards (scids via `lookup`) until some node receives it. `keys` maps
 * node-id hex → private key for every node on the way.
 */
export function ldkDeliver(
  msg: { readonly firstNodeId: Uint8Array; readonly pathKey: Uint8Array; readonly packet: Uint8Array },
  keys: ReadonlyMap<string, PrivKey>,
  opts: { readonly lookup?: ReadonlyMap<bigint, Uint8Array>; readonly handler?: CapturingHandler; readonly maxHops?: number } = {},
): LdkDelivery {
  const hops: Uint8Array[] = [];
  let at = msg.firstNodeId;
  let pathKey = msg.pathKey;
  let packet = msg.packet;
  for (let i = 0; i < (opts.maxHops ?? 20); i++) {
    const priv = keys.get(toHex(at));
    if (!priv) throw new Error(`ldkDeliver: no key for node ${toHex(at)}`);
    hops.push(at);
    const r = ldkPeel({ node: priv, pathKey, packet, ...(opts.handler ? { handler: opts.handler } : {}) });
    if (r.kind === 'receive') return { hops, final: r };
    const f = expectForward(r);
    if ('nodeId' in f.next) at = f.next.nodeId;
    else {
      const n = opts.lookup?.get(f.next.scid);
      if (!n) throw new Error(`ldkDeliver: unknown scid ${f.next.scid}`);
      at = n;
    }
    pathKey = f.pathKey;
    packet = f.packet;
  }
  throw new Error('ldkDeliver: too many hops');
}

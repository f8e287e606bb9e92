// lightningd's htlc_accepted hook chain (plugin_hook.c + peer_htlcs.c): the built-in
// keysend plugin and the node's plugin in lightningd's order (ours first only with
// "before": ["keysend"]), each answer applied as htlc_accepted_hook_deserialize does —
// payload replaced and re-decoded, extra_tlvs, forward_to, invoice_msat; `fail`,
// `resolve` (only sha256(payment_key) == payment_hash is checked, else 0x400f) end the
// chain; a plugin that dies mid-call counts as `continue`. Then htlc_accepted_hook_final.
import { concatBytes, fromHex, toHex, u16 } from '../../src/codec/bytes.js';
import { parseTlvStream } from '../../src/codec/tlv.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPubKey, type PubKey } from '../../src/crypto/secp.js';
import { frameHopPayload } from '../../src/onion/hop_payload.js';
import { channelIdOf, findOutgoingChannel, forwardHtlc } from './htlc-forward.js';
import { htlcAcceptedPayload } from './htlc-hook-payload.js';
import { failHtlcWithOnion, fulfillHtlc, invalidOnionPayload, localFailHtlc, type HtlcIn } from './htlc-in.js';
import { keysendHtlcAccepted, type KeysendHost } from './keysend-standin.js';
import type { LocalPay } from './localpay.js';
import type { SimChannel } from './network.js';
import type { PluginHost } from './plugin-host.js';

export interface HookHost extends KeysendHost {
  readonly plugin: PluginHost | null;
  readonly hookTimeoutMs: number;
  readonly localpay: LocalPay;
  /** Bumped by a restart: answers to calls made before it are dropped. */
  readonly epoch: number;
  /** The tip the hook payload uses (0 right after a restart). */
  hookBlockheight(): number;
  /** Incoming channel name in `htlc.short_channel_id` (scid or our alias). */
  incomingScid(hin: HtlcIn): string;
  /** lightningd fatal(): a malformed hook answer kills the node. */
  fatal(message: string): void;
  /** An `important-plugin` died: lightningd stops, so the chain does not go on. */
  readonly important: boolean;
  readonly violations: string[];
  /** Every htlc_accepted payload sent and answer received, for tests. */
  readonly htlcHookCalls: Array<{ who: string; payload: any; answer?: any }>;
}

type Who = 'keysend' | 'plugin';

/** lightningd's order for the htlc_accepted chain. */
export function hookOrder(plugin: PluginHost | null): Who[] {
  const reg = plugin?.manifest?.hooks.find((h) => (typeof h === 'string' ? h : h.name) === 'htlc_accepted');
  if (!reg) return ['keysend'];
  const before = typeof reg !== 'string' && reg.before?.includes('keysend');
  return before ? ['plugin', 'keysend'] : ['keysend', 'plugin'];
}

interface ChainState {
  nextPathKey: PubKey | undefined;
  forwardTo: SimChannel | undefined;
  invoiceMsat: bigint | undefined;
}

/** Runs the chain for `hin`, then lightningd's final step. `replay`: after a restart. */
export async function runHtlcHooks(host: HookHost, hin: HtlcIn): Promise<void> {
  const epoch = host.epoch;
  hin.inHook = true;
  const st: ChainState = {
    nextPathKey: hin.decoded.ok ? hin.decoded.payload.nextPathKey : undefined,
    forwardTo: forwardChannel(hin),
    invoiceMsat: undefined,
  };
  for (const who of hookOrder(host.plugin)) {
    const payload = serialize(host, hin, st);
    const call: { who: string; payload: any; answer?: any } = { who, payload };
    host.htlcHookCalls.push(call);
    let answer: any;
    if (who === 'keysend') answer = keysendHtlcAccepted(payload, host);
    else {
      const plugin = host.plugin;
      if (!plugin) continue;
      try {
        answer = await plugin.request('htlc_accepted', payload, host.hookTimeoutMs);
      } catch (e) {
        const err = e as Error & { rpcError?: unknown; terminated?: boolean };
        if (host.epoch !== epoch) return;
        if (err.terminated && host.important) return host.fatal('important plugin died');
        if (err.terminated) continue; // "Plugin died from htlc_accepted hook call": next in chain
        if (err.rpcError) return host.fatal(`Plugin for htlc_accepted returned non-result response ${JSON.stringify(err.rpcError)}`);
        host.violations.push(`htlc_accepted not answered: ${err.message}`);
        return;
      }
    }
    if (host.epoch !== epoch) return; // the node restarted meanwhile: the replay takes over
    call.answer = answer;
    const verdict = apply(host, hin, st, answer);
    if (verdict === 'fatal') return;
    if (verdict === 'done') {
      hin.inHook = false;
      return;
    }
  }
  hin.inHook = false;
  final(host, hin, st);
}

function forwardChannel(hin: HtlcIn): SimChannel | undefined {
  const d = hin.decoded;
  if (!d.ok || d.payload.final) return undefined;
  const p = d.payload;
  return findOutgoingChannel(hin.node, p.forwardChannel !== undefined ? { scid: p.forwardChannel } : { nodeId: p.forwardNodeId! });
}

function serialize(host: HookHost, hin: HtlcIn, st: ChainState): any {
  const d = hin.decoded;
  return htlcAcceptedPayload({
    peerId: hin.htlc.from.idHex,
    rawPayload: hin.rawPayload,
    ...(d.ok ? { payload: d.payload } : {}),
    nextOnion: hin.peeled.nextOnion,
    sharedSecret: hin.sharedSecret,
    ...(st.forwardTo ? { forwardTo: channelIdOf(st.forwardTo) } : {}),
    shortChannelId: host.incomingScid(hin),
    htlcId: hin.htlc.id,
    amountMsat: hin.htlc.amountMsat,
    cltvExpiry: hin.htlc.cltvExpiry,
    blockheight: host.hookBlockheight(),
    paymentHash: hin.htlc.paymentHash,
    ...(hin.extraTlvs ? { extraTlvs: hin.extraTlvs } : {}),
  });
}

function hex(v: unknown): Uint8Array | undefined {
  try {
    return typeof v === 'string' ? fromHex(v) : undefined;
  } catch {
    return undefined;
  }
}

function msatOf(v: unknown): bigint | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+(msat)?$/.test(v)) return BigInt(v.replace('msat', ''));
  return undefined;
}

/** htlc_accepted_hook_deserialize: 'next' (continue), 'done' (resolved) or 'fatal'. */
function apply(host: HookHost, hin: HtlcIn, st: ChainState, a: any): 'next' | 'done' | 'fatal' {
  const fatal = (m: string): 'fatal' => (host.fatal(m), 'fatal');
  if (!a || typeof a !== 'object' || typeof a.result !== 'string') return fatal(`Plugin return value does not contain 'result' key ${JSON.stringify(a)}`);
  if ('invoice_msat' in a) {
    const m = msatOf(a.invoice_msat);
    if (m === undefined) return fatal(`Bad invoice_msat for htlc_accepted hook: ${JSON.stringify(a.invoice_msat)}`);
    st.invoiceMsat = m;
  }
  if ('extra_tlvs' in a) {
    const raw = hex(a.extra_tlvs);
    let ok = raw !== undefined;
    if (raw) {
      try {
        const recs = parseTlvStream(raw);
        for (const r of recs) if (r.type % 2n === 0n && r.type !== 0n) ok = false;
        const pk = recs.find((r) => r.type === 0n);
        if (pk) st.nextPathKey = asPubKey(pk.value);
      } catch {
        ok = false;
      }
    }
    if (!ok) return fatal(`htlc_accepted_hook returned bad extra_tlvs ${String(a.extra_tlvs)}`);
    hin.extraTlvs = raw!;
  }
  if ('payload' in a) {
    const p = hex(a.payload);
    if (!p) return fatal(`Bad payload for htlc_accepted hook: ${String(a.payload)}`);
    hin.rawPayload = frameHopPayload(p);
    hin.decoded = hin.decode();
  }
  if ('forward_to' in a) {
    const id = hex(a.forward_to);
    if (!id || id.length !== 32) return fatal(`Bad forward_to for htlc_accepted hook: ${String(a.forward_to)}`);
    st.forwardTo = hin.node.net.channels.find((c) => channelIdOf(c) === toHex(id));
  }
  switch (a.result) {
    case 'continue':
      return 'next';
    case 'fail': {
      const onion = a.failure_onion !== undefined ? hex(a.failure_onion) : undefined;
      if (a.failure_onion !== undefined) {
        if (!onion) return fatal(`Bad failure_onion for htlc_accepted hook: ${String(a.failure_onion)}`);
        failHtlcWithOnion(hin, onion);
        return 'done';
      }
      if (a.failure_message === undefined) return fatal('Missing both failure_onion and failure_message for htlc_accepted hook fail');
      const msg = hex(a.failure_message);
      if (!msg) return fatal(`Bad failure_message for htlc_accepted hook: ${String(a.failure_message)}`);
      localFailHtlc(hin, msg, 'plugin answered fail');
      return 'done';
    }
    case 'resolve': {
      if (a.payment_key === undefined) return fatal(`Plugin did not specify a 'payment_key' in return value to the htlc_accepted hook`);
      const key = hex(a.payment_key);
      if (!key || key.length !== 32) return fatal(`Plugin specified an invalid 'payment_key': ${JSON.stringify(a)}`);
      if (toHex(sha256(key)) !== toHex(hin.htlc.paymentHash)) {
        host.log('broken', `Plugin returned a preimage that doesn't match the HTLC hash it tries to resolve.`);
        localFailHtlc(hin, concatBytes(u16(0x400f)), 'resolve with a wrong preimage');
      } else fulfillHtlc(hin, key);
      return 'done';
    }
    default:
      return fatal(`Plugin responded with an unknown result to the htlc_accepted hook: ${a.result}`);
  }
}

/** htlc_accepted_hook_final: undecodable → invalid_onion_payload; forward; or local payment. */
function final(host: HookHost, hin: HtlcIn, st: ChainState): void {
  const d = hin.decoded;
  if (!d.ok) return localFailHtlc(hin, invalidOnionPayload(d.failTlvType, d.failTlvPos), `invalid payload (TLV ${d.failTlvType} pos ${d.failTlvPos}): ${d.explanation}`);
  if (!d.payload.final) return forwardHtlc(hin, d.payload, st.nextPathKey, hin.extraTlvs, st.forwardTo);
  host.localpay.handle(hin, d.payload, st.invoiceMsat);
}

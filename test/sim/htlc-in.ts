// An incoming HTLC at a simulated node, lightningd's way (lightningd/peer_htlcs.c):
// peel the onion with the node key (blinded key when update_add_htlc carried a path key),
// decode the payload, and fail/fulfill it back to the channel peer. Failures inside a
// blinded path become invalid_onion_blinding, made and wrapped with this hop's secret.
import { concatBytes, toHex, u16 } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { ecdh, asPubKey, type PubKey } from '../../src/crypto/secp.js';
import { blindedPrivKey } from '../../src/onion/blinding.js';
import {
  buildFailurePacket,
  FAILCODE,
  invalidOnionBlinding,
  wrapFailurePacket,
} from '../../src/onion/failure.js';
import { onionHash, peelPaymentOnion, type PeeledPayment } from '../../src/onion/payment_onion.js';
import { encodeBigSize } from '../../src/codec/bigsize.js';
import type { HtlcResolution, SimHtlc } from './channels.js';
import { lightningdOnionDecode, type DecodeOutcome } from './htlc-decode.js';
import type { SimNodeBase } from './node-base.js';

/** One HTLC a node received and has not yet resolved (lightningd's `struct htlc_in`). */
export class HtlcIn {
  /** Set once fulfilled or failed: every HTLC is resolved exactly once. */
  resolution: HtlcResolution | undefined;
  /** The hook chain is running for it (a restart replays these). */
  inHook = false;
  /** Called once when this node settles the HTLC (the owner's coin_movement). */
  onFulfilled: (() => void) | undefined;
  /** The decode result the hook and final logic see (a hook's `payload` replaces it). */
  decoded: DecodeOutcome;
  rawPayload: Uint8Array;

  constructor(
    readonly node: SimNodeBase,
    readonly htlc: SimHtlc,
    readonly peeled: PeeledPayment,
    /** hin->path_key: from update_add_htlc; lost on a restart (the replay has none). */
    public pathKey: PubKey | undefined,
    /** Raw update_add_htlc TLVs (lightningd's hin->extra_tlvs); a replay has none. */
    public extraTlvs: Uint8Array | undefined,
  ) {
    this.rawPayload = peeled.framedPayload;
    this.decoded = this.decode();
  }

  get sharedSecret(): Uint8Array {
    return this.peeled.sharedSecret;
  }

  /** lightningd's onion_decode over the current raw payload. */
  decode(acceptExtraTlvTypes?: readonly bigint[]): DecodeOutcome {
    return lightningdOnionDecode({
      nodePriv: this.node.priv,
      rawPayload: this.rawPayload,
      final: this.peeled.isFinal,
      ...(this.pathKey ? { pathKey: this.pathKey } : {}),
      amountIn: this.htlc.amountMsat,
      cltvExpiry: this.htlc.cltvExpiry,
      ...(acceptExtraTlvTypes ? { acceptExtraTlvTypes } : {}),
    });
  }

  /** BOLT 4 / blind_error_return: inside a blinded path every error is invalid_onion_blinding. */
  blindErrorReturn(): boolean {
    if (this.pathKey) return true;
    return this.decoded.ok && this.decoded.payload.pathKey !== undefined && !this.decoded.payload.final;
  }

  get done(): boolean {
    return this.resolution !== undefined;
  }
}

/** The result of receiving an HTLC: an HtlcIn to process, or nothing (already failed back). */
export function receiveHtlc(node: SimNodeBase, htlc: SimHtlc): HtlcIn | undefined {
  let peeled: PeeledPayment;
  try {
    peeled = peelPaymentOnion(node.priv, htlc.onion, htlc.paymentHash, htlc.pathKey);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    const sha = onionHash(htlc.onion);
    // In a blinded path the failure is an ordinary error onion with our (possibly HMAC-less) secret.
    if (htlc.pathKey) {
      const ss = layerSecret(node, htlc);
      if (ss) return void resolve(node, htlc, { kind: 'fail', onion: wrapFailurePacket(ss, buildFailurePacket(ss, invalidOnionBlinding(sha))) });
    }
    const code = /version/.test(e.message) ? FAILCODE.invalid_onion_version : /key/.test(e.message) ? FAILCODE.invalid_onion_key : FAILCODE.invalid_onion_hmac;
    node.htlcLog.push(`rejecting htlc ${htlc.id}: unprocessable onion (${e.message})`);
    return void resolve(node, htlc, { kind: 'malformed', failcode: code, sha256OfOnion: sha });
  }
  return new HtlcIn(node, htlc, peeled, htlc.pathKey, htlc.extraTlvs);
}

/** ECDH of the (blinded) node key with the packet key, when the packet key is a point. */
function layerSecret(node: SimNodeBase, htlc: SimHtlc): Uint8Array | undefined {
  try {
    const priv = htlc.pathKey ? blindedPrivKey(node.priv, ecdh(node.priv, htlc.pathKey)) : node.priv;
    return ecdh(priv, asPubKey(htlc.onion.subarray(1, 34)));
  } catch {
    return undefined;
  }
}

function resolve(node: SimNodeBase, htlc: SimHtlc, r: HtlcResolution): void {
  if (!node.net.ledger.resolve(htlc, r)) node.violations.push(`htlc ${htlc.id} on ${htlc.channel.scid} resolved twice`);
}

/**
 * fail_in_htlc: `failOnion` is the downstream's (already wrapped) onion, or undefined for
 * a local failure made by `localFailure`. Inside a blinded path both are replaced.
 */
function failWith(hin: HtlcIn, unwrapped: Uint8Array | undefined, downstream: Uint8Array | undefined): void {
  if (hin.done) return;
  const ss = hin.sharedSecret;
  let onion: Uint8Array;
  if (hin.blindErrorReturn()) {
    onion = wrapFailurePacket(ss, buildFailurePacket(ss, invalidOnionBlinding(onionHash(hin.htlc.onion))));
  } else if (unwrapped) {
    onion = wrapFailurePacket(ss, unwrapped);
  } else {
    onion = wrapFailurePacket(ss, downstream!);
  }
  hin.resolution = { kind: 'fail', onion };
  resolve(hin.node, hin.htlc, hin.resolution);
}

/** local_fail_in_htlc: fail with `failmsg` from this node. */
export function localFailHtlc(hin: HtlcIn, failmsg: Uint8Array, why: string): void {
  hin.node.htlcLog.push(`failing htlc ${hin.htlc.id} (${toHex(failmsg.subarray(0, 2))}): ${why}`);
  failWith(hin, buildFailurePacket(hin.sharedSecret, failmsg), undefined);
}

/** A plugin's `failure_onion`: already built, wrapped once more with our secret. */
export function failHtlcWithOnion(hin: HtlcIn, onion: Uint8Array): void {
  failWith(hin, undefined, onion);
}

/** Passes a downstream failure back (or converts a malformed one into our own failure). */
export function failHtlcFromDownstream(hin: HtlcIn, r: Exclude<HtlcResolution, { kind: 'fulfill' }>): void {
  if (r.kind === 'malformed') localFailHtlc(hin, concatBytes(u16(r.failcode), r.sha256OfOnion), 'downstream says malformed onion');
  else failWith(hin, undefined, r.onion);
}

export function fulfillHtlc(hin: HtlcIn, preimage: Uint8Array): void {
  if (hin.done) return;
  hin.resolution = { kind: 'fulfill', preimage };
  resolve(hin.node, hin.htlc, hin.resolution);
  hin.onFulfilled?.();
}

/** invalid_onion_payload: failcode ‖ bigsize type ‖ u16 offset. */
export function invalidOnionPayload(type: bigint, offset: number): Uint8Array {
  return concatBytes(u16(FAILCODE.invalid_onion_payload), encodeBigSize(type), u16(offset & 0xffff));
}

/** A failure code with an empty channel_update (the simulator does not model gossip updates). */
export function channelFailure(code: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concatBytes(u16(code), prefix, u16(0));
}

// Payments a node sends with an onion it was given (lightningd's sendonion/waitsendpay,
// lightningd/pay.c): the first hop's channel, the HTLC's fate, and lightningd's failure
// object (erring_index = decoded hop + 1, failcode, failcodename, raw_message; without
// shared secrets the error onion cannot be read: code 202 with `onionreply`).
import { toHex } from '../../src/codec/bytes.js';
import type { PubKey } from '../../src/crypto/secp.js';
import { decodeFailureOnion, failcodeName } from '../../src/onion/failure.js';
import type { HtlcResolution } from './channels.js';
import { findOutgoingChannel, offerHtlc } from './htlc-forward.js';
import type { SimNodeBase } from './node-base.js';
import { SimRpcError } from './rpc-server.js';

export const PAY_RHASH_ALREADY_USED = 201;
export const PAY_UNPARSEABLE_ONION = 202;
export const PAY_TRY_OTHER_ROUTE = 204;
export const PAY_NO_SUCH_PAYMENT = 208;
export const PAY_IN_PROGRESS = 200;

export interface SendPayFailure {
  readonly code: number;
  readonly message: string;
  readonly erringIndex?: number;
  readonly failcode?: number;
  readonly rawMessage?: Uint8Array;
  readonly onionreply?: Uint8Array;
}

export interface SendPay {
  readonly id: number;
  readonly paymentHash: Uint8Array;
  readonly partid: number;
  readonly groupid: number;
  status: 'pending' | 'complete' | 'failed';
  readonly amountMsat: bigint;
  readonly amountSentMsat: bigint;
  readonly createdAt: number;
  completedAt?: number;
  preimage?: Uint8Array;
  failure?: SendPayFailure;
  readonly destination?: string;
  readonly label?: string;
  readonly bolt12?: string;
}

export interface SendOnionArgs {
  readonly onion: Uint8Array;
  readonly firstHop: { readonly id: PubKey; readonly amountMsat: bigint; readonly delay: number };
  readonly paymentHash: Uint8Array;
  readonly sharedSecrets?: readonly Uint8Array[];
  readonly partid?: number;
  readonly groupid?: number;
  /** What the destination gets (`amount_msat`); 0 = unknown. */
  readonly amountMsat?: bigint;
  readonly destination?: string;
  readonly label?: string;
  readonly bolt12?: string;
}

export class SendPays {
  readonly payments: SendPay[] = [];
  private waiters: Array<{ p: SendPay; resolve: (p: SendPay) => void }> = [];

  constructor(private readonly node: SimNodeBase) {}

  find(hash: Uint8Array, partid = 0, groupid?: number): SendPay | undefined {
    const h = toHex(hash);
    const all = this.payments.filter((p) => toHex(p.paymentHash) === h && p.partid === partid && (groupid === undefined || p.groupid === groupid));
    return all[all.length - 1];
  }

  /** sendonion: offers the HTLC and returns the pending payment (errors as SimRpcError). */
  send(a: SendOnionArgs): SendPay {
    const partid = a.partid ?? 0;
    const prior = this.find(a.paymentHash, partid);
    if (prior?.status === 'complete') throw new SimRpcError(PAY_RHASH_ALREADY_USED, 'Already succeeded');
    if (prior?.status === 'pending' && prior.groupid === (a.groupid ?? prior.groupid)) throw new SimRpcError(PAY_IN_PROGRESS, 'Already have parallel payment in progress');
    if (a.onion.length !== 1366) throw new SimRpcError(-32602, 'onion: must be 1366 bytes');
    const ch = findOutgoingChannel(this.node, { nodeId: a.firstHop.id });
    if (!ch) throw new SimRpcError(PAY_TRY_OTHER_ROUTE, 'No connection to first peer found');
    const sent = offerHtlc(this.node, ch, { amountMsat: a.firstHop.amountMsat, cltvExpiry: a.firstHop.delay, paymentHash: a.paymentHash, onion: a.onion });
    if ('failmsg' in sent) throw new SimRpcError(PAY_TRY_OTHER_ROUTE, `failed: ${failcodeName((sent.failmsg[0]! << 8) | sent.failmsg[1]!)} (${sent.why})`);
    const p: SendPay = {
      id: this.payments.length + 1,
      paymentHash: a.paymentHash,
      partid,
      groupid: a.groupid ?? (prior ? prior.groupid + 1 : 1),
      status: 'pending',
      amountMsat: a.amountMsat ?? 0n,
      amountSentMsat: a.firstHop.amountMsat,
      createdAt: Math.floor(Date.now() / 1000),
      ...(a.destination ? { destination: a.destination } : {}),
      ...(a.label ? { label: a.label } : {}),
      ...(a.bolt12 ? { bolt12: a.bolt12 } : {}),
    };
    this.payments.push(p);
    void sent.resolved.then((r) => this.settle(p, r, a.sharedSecrets));
    return p;
  }

  private settle(p: SendPay, r: HtlcResolution, secrets: readonly Uint8Array[] | undefined): void {
    p.completedAt = Math.floor(Date.now() / 1000);
    if (r.kind === 'fulfill') {
      p.status = 'complete';
      p.preimage = r.preimage;
    } else {
      p.status = 'failed';
      p.failure = failureOf(r, secrets);
    }
    this.waiters = this.waiters.filter((w) => (w.p === p ? (w.resolve(p), false) : true));
  }

  /** waitsendpay: resolves when the part is no longer pending. */
  wait(hash: Uint8Array, partid = 0, groupid?: number, timeoutMs?: number): Promise<SendPay> {
    const p = this.find(hash, partid, groupid);
    if (!p) return Promise.reject(new SimRpcError(PAY_NO_SUCH_PAYMENT, `Never attempted payment part ${partid} for '${toHex(hash)}'`));
    if (p.status !== 'pending') return Promise.resolve(p);
    return new Promise((resolve, reject) => {
      const w = { p, resolve: (x: SendPay) => (clearTimeout(t), resolve(x)) };
      const t = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new SimRpcError(PAY_IN_PROGRESS, 'Timed out while waiting'));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }
}

function failureOf(r: Exclude<HtlcResolution, { kind: 'fulfill' }>, secrets: readonly Uint8Array[] | undefined): SendPayFailure {
  if (r.kind === 'malformed') {
    // A direct peer's update_fail_malformed_htlc: origin_index 0.
    const raw = new Uint8Array([r.failcode >> 8, r.failcode & 0xff, ...r.sha256OfOnion]);
    return { code: PAY_TRY_OTHER_ROUTE, message: `failed: ${failcodeName(r.failcode)} (local failure)`, erringIndex: 1, failcode: r.failcode, rawMessage: raw };
  }
  if (r.onion.length === 0) {
    return { code: PAY_TRY_OTHER_ROUTE, message: 'failed: WIRE_TEMPORARY_CHANNEL_FAILURE (peer went away)', erringIndex: 0, failcode: 0x1007, rawMessage: new Uint8Array([0x10, 0x07]) };
  }
  const d = secrets ? decodeFailureOnion(secrets, r.onion) : undefined;
  if (!d) return { code: PAY_UNPARSEABLE_ONION, message: 'Malformed error reply', onionreply: r.onion };
  const name = failcodeName(d.failcode) ?? `UNKNOWN ${d.failcode}`;
  return { code: PAY_TRY_OTHER_ROUTE, message: `failed: ${name} (reply from remote)`, erringIndex: d.hopIndex + 1, failcode: d.failcode, rawMessage: d.failureMessage };
}

/** json_add_payment_fields. */
export function sendPayJson(p: SendPay): Record<string, unknown> {
  const out: Record<string, unknown> = { created_index: p.id, id: p.id, payment_hash: toHex(p.paymentHash), groupid: p.groupid };
  if (p.status !== 'pending') out.updated_index = p.id;
  if (p.partid) out.partid = p.partid;
  if (p.destination) out.destination = p.destination;
  if (p.amountMsat > 0n) out.amount_msat = Number(p.amountMsat);
  out.amount_sent_msat = Number(p.amountSentMsat);
  out.created_at = p.createdAt;
  if (p.completedAt !== undefined && p.status !== 'pending') out.completed_at = p.completedAt;
  out.status = p.status;
  if (p.preimage) out.payment_preimage = toHex(p.preimage);
  if (p.label) out.label = p.label;
  if (p.bolt12) out.bolt12 = p.bolt12;
  return out;
}

/** lightningd's waitsendpay error `data`: payment fields, then the routing failure. */
export function sendPayErrorData(p: SendPay): Record<string, unknown> {
  const f = p.failure!;
  const data = sendPayJson(p);
  if (f.onionreply) data.onionreply = toHex(f.onionreply);
  else {
    data.erring_index = f.erringIndex;
    data.failcode = f.failcode;
    const name = failcodeName(f.failcode!);
    if (name) data.failcodename = name;
    if (f.rawMessage) data.raw_message = toHex(f.rawMessage);
  }
  return data;
}

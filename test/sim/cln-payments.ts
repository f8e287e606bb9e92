// The payment half of a simulated lightningd: incoming HTLCs through the htlc_accepted
// chain, its invoice table and receive logic, payments it sends, the payment RPCs, and a
// lightningd restart that replays HTLCs still waiting for the hook (after the plugin's
// init, before peers reconnect; no extra_tlvs, no path key, tip 0 in the payload).
import { fromHex, toHex, utf8 } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { aeadDecrypt } from '../../src/crypto/chacha.js';
import { deriveKey } from '../../src/crypto/hash.js';
import { asPubKey, ecdh } from '../../src/crypto/secp.js';
import { nextPathKey } from '../../src/onion/blinding.js';
import type { SimHtlc } from './channels.js';
import type { ClnNode } from './cln-node.js';
import { runHtlcHooks, type HookHost } from './htlc-hook.js';
import { channelIdOf } from './htlc-forward.js';
import { HtlcIn, receiveHtlc } from './htlc-in.js';
import { InvoiceBook, invoiceJson, preimageParam } from './invoices.js';
import { LocalPay } from './localpay.js';
import { xpay } from './xpay.js';
import { findRoute, routeJson } from './routes.js';
import { SimRpcError } from './rpc-server.js';
import { sendPayErrorData, sendPayJson, SendPays } from './sendpays.js';

/** Regtest defaults observed on v26.06 (payments.md §5). */
export const CLTV_FINAL = 10;
export const CLTV_DELTA = 6;

const METHODS = new Set([
  'sendonion', 'waitsendpay', 'listsendpays', 'getroute', 'xpay', 'createinvoice', 'invoice', 'listinvoices',
  'waitinvoice', 'decryptencrypteddata', 'listconfigs',
]);

export class ClnPayments implements HookHost {
  readonly invoices = new InvoiceBook();
  readonly localpay: LocalPay;
  readonly sendpays: SendPays;
  /** HTLCs received and not resolved (lightningd's htlcs_in). */
  readonly htlcsIn: HtlcIn[] = [];
  readonly htlcHookCalls: Array<{ who: string; payload: any; answer?: any }> = [];
  /** What lightningd and its built-in plugins logged about payments. */
  readonly logs: Array<{ level: string; message: string }> = [];
  epoch = 0;
  /** False between a restart and the first sync: hook payloads then say tip 0. */
  synced = true;
  readonly cltvFinal = CLTV_FINAL;
  mppTimeoutMs?: number;

  constructor(private readonly node: ClnNode) {
    this.localpay = new LocalPay(this);
    this.sendpays = new SendPays(node);
  }

  get plugin() {
    return this.node.plugin;
  }
  get hookTimeoutMs(): number {
    return this.node.opts.hookTimeoutMs ?? 15_000;
  }
  get important(): boolean {
    return this.node.opts.importantPlugin ?? false;
  }
  get violations(): string[] {
    return this.node.violations;
  }
  blockheight(): number {
    return this.node.net.blockheight;
  }
  hookBlockheight(): number {
    return this.synced ? this.node.net.blockheight : 0;
  }
  incomingScid(hin: HtlcIn): string {
    const c = hin.htlc.channel;
    const local = c.a === this.node ? c.aliasA : c.aliasB;
    return c.public || !local ? c.scid : local;
  }
  bolt12InvoiceBase(): Uint8Array {
    return fromHex(this.node.makesecret(utf8('bolt12-invoice-base')));
  }
  notify(topic: string, payload: unknown): void {
    const p = this.node.plugin;
    if (p?.manifest?.subscriptions?.includes(topic) || p?.manifest?.subscriptions?.includes('*')) p.notify(topic, payload);
  }
  log(level: string, message: string): void {
    this.logs.push({ level, message });
    if (process.env.SIM_VERBOSE) process.stderr.write(`[${this.node.name} lightningd] ${level}: ${message}\n`);
  }
  /** lightningd exits: hooks in flight are dropped, HTLCs stay in the database for restart(). */
  fatal(message: string): void {
    this.node.fatal = message;
    if (message !== 'important plugin died') this.violations.push(message);
    this.epoch++;
    this.node.online = false;
    for (const peer of this.node.net.peersOf(this.node)) this.node.net.disconnect(this.node, peer);
    void this.node.killPlugin();
  }

  /** An HTLC from a channel peer. */
  onHtlc(htlc: SimHtlc): void {
    if (!this.node.online) return void this.node.net.ledger.resolve(htlc, { kind: 'fail', onion: new Uint8Array(0) });
    const hin = receiveHtlc(this.node, htlc);
    if (!hin) return;
    this.htlcsIn.push(hin);
    if (hin.peeled.isFinal) hin.onFulfilled = () => this.coinMovement(hin);
    void runHtlcHooks(this, hin);
  }

  private movements = 0;
  /** bookkeeper's view of a payment we received: `invoice` income on the incoming channel. */
  private coinMovement(hin: HtlcIn): void {
    this.notify('coin_movement', {
      version: 2,
      coin_type: 'bcrt',
      node_id: this.node.idHex,
      type: 'channel_mvt',
      created_index: ++this.movements,
      account_id: channelIdOf(hin.htlc.channel),
      credit_msat: Number(hin.htlc.amountMsat),
      debit_msat: 0,
      timestamp: Math.floor(Date.now() / 1000),
      primary_tag: 'invoice',
      extra_tags: [],
      payment_hash: toHex(hin.htlc.paymentHash),
      fees_msat: 0,
    });
  }

  /** HTLCs lightningd would re-submit to the hook on restart: unresolved and not forwarded. */
  private replayable(): HtlcIn[] {
    const forwarded = new Set(this.node.forwards.map((f) => f.in));
    return this.htlcsIn.filter((h) => !h.done && !forwarded.has(h.htlc));
  }

  /**
   * lightningd stops (plugin killed with `signal`, peers disconnected) and starts again on
   * the same data: the plugin's init, then the replay of unresolved HTLCs, then peers.
   */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.epoch++;
    this.htlcsIn.splice(0, this.htlcsIn.length, ...this.htlcsIn.filter((h) => !h.done));
    this.localpay.clear();
    for (const peer of this.node.net.peersOf(this.node)) this.node.net.disconnect(this.node, peer);
    this.node.online = false;
    await this.node.killPlugin(signal);
    this.node.fatal = null;
    this.node.online = true;
    this.synced = false;
    if (this.node.opts.plugin !== false) await this.node.startPlugin();
    for (const hin of this.replayable()) {
      // The database keeps the payload and shared secret, not update_add_htlc's TLVs.
      hin.pathKey = undefined;
      hin.extraTlvs = undefined;
      hin.rawPayload = hin.peeled.framedPayload;
      hin.decoded = hin.decode();
      void runHtlcHooks(this, hin);
    }
    this.synced = true;
    for (const c of this.node.net.channelsOf(this.node)) {
      const other = c.a === this.node ? c.b : c.a;
      if (other.online) this.node.net.connect(this.node, other);
    }
  }

  handles(method: string): boolean {
    return METHODS.has(method);
  }

  async rpc(method: string, p: Record<string, any>): Promise<unknown> {
    switch (method) {
      case 'listconfigs':
        return { configs: { 'cltv-final': { value_int: CLTV_FINAL, source: 'default' }, 'cltv-delta': { value_int: CLTV_DELTA, source: 'default' } } };
      case 'sendonion': {
        const fh = p.first_hop ?? {};
        const secrets = Array.isArray(p.shared_secrets) ? p.shared_secrets.map((s: unknown) => hexParam(s, 'shared_secrets', 32)) : undefined;
        const sp = this.sendpays.send({
          onion: hexParam(p.onion, 'onion'),
          // lightningd (pay.c send_onion): the HTLC's cltv_expiry is blockheight + 1 + first_hop.delay.
          firstHop: { id: asPubKey(hexParam(fh.id, 'first_hop.id', 33)), amountMsat: msatParam(fh.amount_msat, 'first_hop.amount_msat'), delay: this.node.net.blockheight + 1 + intParam(fh.delay, 'first_hop.delay') },
          paymentHash: hexParam(p.payment_hash, 'payment_hash', 32),
          ...(secrets ? { sharedSecrets: secrets } : {}),
          ...(p.partid !== undefined ? { partid: intParam(p.partid, 'partid') } : {}),
          ...(p.groupid !== undefined ? { groupid: intParam(p.groupid, 'groupid') } : {}),
          ...(p.amount_msat !== undefined ? { amountMsat: msatParam(p.amount_msat, 'amount_msat') } : {}),
          ...(typeof p.destination === 'string' ? { destination: p.destination } : {}),
          ...(typeof p.label === 'string' ? { label: p.label } : {}),
        });
        return { message: 'Monitor status with listpays or waitsendpay', ...sendPayJson(sp) };
      }
      case 'waitsendpay': {
        const hash = hexParam(p.payment_hash, 'payment_hash', 32);
        const timeout = p.timeout === undefined ? undefined : intParam(p.timeout, 'timeout') * 1000;
        const sp = await this.sendpays.wait(hash, p.partid === undefined ? 0 : intParam(p.partid, 'partid'), p.groupid === undefined ? undefined : intParam(p.groupid, 'groupid'), timeout);
        if (sp.status === 'complete') return sendPayJson(sp);
        throw new SimRpcError(sp.failure!.code, sp.failure!.message, sendPayErrorData(sp));
      }
      case 'listsendpays': {
        const h = typeof p.payment_hash === 'string' ? p.payment_hash : undefined;
        return { payments: this.sendpays.payments.filter((x) => (!h || toHex(x.paymentHash) === h) && (!p.status || x.status === p.status)).map(sendPayJson) };
      }
      case 'getroute': {
        const to = this.node.net.node(String(p.id));
        const amount = msatParam(p.amount_msat, 'amount_msat');
        const route = to && findRoute(this.node.net, this.node, to, amount, this.node.net.blockheight + (p.cltv === undefined ? 9 : intParam(p.cltv, 'cltv')));
        if (!route) throw new SimRpcError(205, 'Could not find a route');
        // lightningd's getroute delays are relative to the tip (the last one is `cltv`).
        const tip = this.node.net.blockheight;
        return { route: routeJson(route, this.node).map((h) => ({ ...h, delay: (h.delay as number) - tip })) };
      }
      case 'xpay':
        return xpay(this.node, this.sendpays, p);
      case 'invoice': {
        const inv = this.invoices.invoice({
          ...(p.amount_msat === 'any' || p.amount_msat === undefined ? {} : { amountMsat: msatParam(p.amount_msat, 'amount_msat') }),
          label: String(p.label),
          description: String(p.description ?? ''),
          ...(p.preimage !== undefined ? { preimage: preimageParam(p.preimage) } : {}),
        });
        return { payment_hash: toHex(inv.paymentHash), expires_at: inv.expiresAt, bolt11: inv.bolt11, payment_secret: toHex(inv.paymentSecret!), created_index: inv.createdIndex };
      }
      case 'createinvoice': {
        if (typeof p.invstring !== 'string' || typeof p.label !== 'string') throw new SimRpcError(-32602, 'invstring and label are required');
        if (!p.invstring.startsWith('lni1')) throw new SimRpcError(-32602, 'the simulator only takes BOLT 12 invoices');
        return invoiceJson(this.invoices.createBolt12(p.invstring, p.label, preimageParam(p.preimage), this.node.priv));
      }
      case 'listinvoices': {
        this.invoices.refresh();
        const h = typeof p.payment_hash === 'string' ? p.payment_hash : undefined;
        const list = this.invoices.invoices.filter((i) => (p.label === undefined || i.label === p.label) && (!h || toHex(i.paymentHash) === h));
        return { invoices: list.map(invoiceJson) };
      }
      case 'waitinvoice': {
        const inv = await this.invoices.wait(String(p.label));
        if (inv.status === 'expired') throw new SimRpcError(903, 'invoice expired during wait', invoiceJson(inv));
        return invoiceJson(inv);
      }
      case 'decryptencrypteddata': {
        const enc = hexParam(p.encrypted_data, 'encrypted_data');
        const pk = asPubKey(hexParam(p.path_key, 'path_key', 33));
        const ss = ecdh(this.node.priv, pk);
        let decrypted: Uint8Array;
        try {
          decrypted = aeadDecrypt(deriveKey('rho', ss), enc);
        } catch (e) {
          if (e instanceof DecodeError) throw new SimRpcError(-32602, 'Decryption failed!');
          throw e;
        }
        return { decryptencrypteddata: { decrypted: toHex(decrypted), next_path_key: toHex(nextPathKey(pk, ss)) } };
      }
      default:
        throw new SimRpcError(-32601, `Unknown command '${method}'`);
    }
  }
}

export function hexParam(v: unknown, name: string, len?: number): Uint8Array {
  try {
    const b = fromHex(String(v));
    if (len === undefined || b.length === len) return b;
  } catch {
    /* below */
  }
  throw new SimRpcError(-32602, `${name}: should be ${len ? `${len} bytes of ` : ''}hex`);
}

export function msatParam(v: unknown, name: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+(msat)?$/.test(v)) return BigInt(v.replace('msat', ''));
  throw new SimRpcError(-32602, `${name}: should be a millisatoshi amount`);
}

export function intParam(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new SimRpcError(-32602, `${name}: should be an unsigned integer`);
}

// lightningd's invoice table: `invoice` (bolt11-ish, for the keysend stand-in and
// tests), `createinvoice` (a BOLT 12 invoice without signature, re-signed with the node
// key), listinvoices/waitinvoice shapes, and marking an invoice paid.
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { DecodeError } from '../../src/codec/errors.js';
import { parseTlvStream, type TlvRecord } from '../../src/codec/tlv.js';
import { sha256 } from '../../src/crypto/hash.js';
import { randomBytes, type PrivKey } from '../../src/crypto/secp.js';
import { decodeBolt12As, encodeBolt12 } from '../../src/bolt12/bech32.js';
import { MESSAGE_NAME, T } from '../../src/bolt12/fields.js';
import { signAndEncode } from '../../src/bolt12/sign.js';
import { SimRpcError } from './rpc-server.js';

/** BOLT 12 default invoice_relative_expiry (seconds). */
const BOLT12_DEFAULT_REL_EXPIRY = 7200;

export interface SimInvoice {
  readonly label: string;
  readonly bolt11?: string;
  readonly bolt12?: string;
  readonly paymentHash: Uint8Array;
  readonly preimage: Uint8Array;
  readonly amountMsat?: bigint;
  status: 'unpaid' | 'paid' | 'expired';
  readonly description?: string;
  readonly expiresAt: number;
  readonly createdIndex: number;
  updatedIndex?: number;
  payIndex?: number;
  amountReceivedMsat?: bigint;
  paidAt?: number;
  /** Set only for offers lightningd itself made (the simulator has no `offer` command). */
  readonly localOfferId?: string;
  /** bolt11 payment_secret (BOLT 12 payments prove the path_id instead). */
  readonly paymentSecret?: Uint8Array;
}

export class InvoiceBook {
  readonly invoices: SimInvoice[] = [];
  private payIndex = 0;
  private updated = 0;
  private waiters: Array<{ label: string; resolve: (i: SimInvoice) => void }> = [];

  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  byLabel(label: string): SimInvoice | undefined {
    return this.invoices.find((i) => i.label === label);
  }

  byHash(hash: Uint8Array): SimInvoice | undefined {
    const h = toHex(hash);
    return this.invoices.find((i) => toHex(i.paymentHash) === h);
  }

  /** Marks expired invoices as lightningd's timer would. */
  refresh(): void {
    const t = this.now();
    for (const i of this.invoices) if (i.status === 'unpaid' && t > i.expiresAt) i.status = 'expired';
  }

  private add(inv: Omit<SimInvoice, 'createdIndex' | 'status'>): SimInvoice {
    if (this.byLabel(inv.label)) throw new SimRpcError(900, `Duplicate label '${inv.label}'`);
    if (this.byHash(inv.paymentHash)) throw new SimRpcError(901, 'preimage already used');
    const rec: SimInvoice = { ...inv, status: 'unpaid', createdIndex: this.invoices.length + 1 };
    this.invoices.push(rec);
    return rec;
  }

  /** `invoice amount_msat label description [expiry] [preimage]` (no real bolt11 string). */
  invoice(p: { amountMsat?: bigint; label: string; description: string; preimage?: Uint8Array; expiry?: number }): SimInvoice {
    const preimage = p.preimage ?? randomBytes(32);
    const paymentSecret = randomBytes(32);
    return this.add({
      label: p.label,
      bolt11: `lnbcrt-sim-${toHex(sha256(preimage)).slice(0, 16)}`,
      paymentHash: sha256(preimage),
      preimage,
      ...(p.amountMsat !== undefined ? { amountMsat: p.amountMsat } : {}),
      description: p.description,
      expiresAt: this.now() + (p.expiry ?? 604800),
      paymentSecret,
    });
  }

  /**
   * `createinvoice invstring label preimage` for a BOLT 12 invoice: refuses a signed one
   * ("invoice already signed"), re-signs with the node key and stores that string.
   */
  createBolt12(invstring: string, label: string, preimage: Uint8Array, nodeKey: PrivKey): SimInvoice {
    let records: TlvRecord[];
    try {
      records = parseTlvStream(decodeBolt12As(invstring, 'lni'));
    } catch (e) {
      if (e instanceof DecodeError) throw new SimRpcError(-32602, `Unparsable invoice '${invstring}': ${e.message}`);
      throw e;
    }
    const get = (t: bigint) => records.find((r) => r.type === t)?.value;
    if (!get(T.invoicePaths)) throw new SimRpcError(-32602, `Unparsable invoice '${invstring}': missing invoice_paths`);
    if (records.some((r) => r.type === T.signature)) throw new SimRpcError(-32602, 'invoice already signed');
    const amount = get(T.invoiceAmount);
    if (!amount) throw new SimRpcError(-32602, 'Missing invoice_amount in invoice');
    const hash = get(T.invoicePaymentHash);
    if (!hash) throw new SimRpcError(-32602, 'Missing payment_hash in invoice');
    const paymentHash = sha256(preimage);
    if (toHex(hash) !== toHex(paymentHash)) throw new SimRpcError(-32602, 'Incorrect preimage');
    const relExp = get(T.invoiceRelativeExpiry);
    const createdAt = get(T.invoiceCreatedAt);
    const desc = get(T.offerDescription);
    const signed = encodeBolt12('lni', signAndEncode(MESSAGE_NAME.invoice, records, nodeKey));
    return this.add({
      label,
      bolt12: signed,
      paymentHash,
      preimage,
      amountMsat: beU(amount),
      ...(desc ? { description: Buffer.from(desc).toString('utf8') } : {}),
      expiresAt: (createdAt ? Number(beU(createdAt)) : this.now()) + (relExp ? Number(beU(relExp)) : BOLT12_DEFAULT_REL_EXPIRY),
    });
  }

  /** invoice_try_pay: the set reached the amount. Returns the pay index. */
  markPaid(inv: SimInvoice, receivedMsat: bigint): void {
    inv.status = 'paid';
    inv.payIndex = ++this.payIndex;
    inv.updatedIndex = ++this.updated;
    inv.amountReceivedMsat = receivedMsat;
    inv.paidAt = this.now();
    this.waiters = this.waiters.filter((w) => (w.label === inv.label ? (w.resolve(inv), false) : true));
  }

  /** waitinvoice: resolves when the invoice is paid (or at once if it is already). */
  wait(label: string): Promise<SimInvoice> {
    const inv = this.byLabel(label);
    if (!inv) return Promise.reject(new SimRpcError(-1, 'Unknown invoice'));
    if (inv.status !== 'unpaid') return Promise.resolve(inv);
    return new Promise((resolve) => this.waiters.push({ label, resolve }));
  }
}

function beU(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** json_add_invoice_fields. */
export function invoiceJson(i: SimInvoice): Record<string, unknown> {
  const out: Record<string, unknown> = { label: i.label };
  if (i.bolt12) out.bolt12 = i.bolt12;
  else if (i.bolt11) out.bolt11 = i.bolt11;
  out.payment_hash = toHex(i.paymentHash);
  if (i.amountMsat !== undefined) out.amount_msat = Number(i.amountMsat);
  out.status = i.status;
  if (i.status === 'paid') {
    out.pay_index = i.payIndex;
    out.amount_received_msat = Number(i.amountReceivedMsat);
    out.paid_at = i.paidAt;
    out.payment_preimage = toHex(i.preimage);
  }
  if (i.description !== undefined) out.description = i.description;
  out.expires_at = i.expiresAt;
  if (i.localOfferId) out.local_offer_id = i.localOfferId;
  out.created_index = i.createdIndex;
  if (i.updatedIndex) out.updated_index = i.updatedIndex;
  return out;
}

/** Parses a `preimage` RPC parameter. */
export function preimageParam(v: unknown): Uint8Array {
  try {
    const b = fromHex(String(v));
    if (b.length === 32) return b;
  } catch {
    /* fall through */
  }
  throw new SimRpcError(-32602, "preimage: should be a 32 byte hex value");
}

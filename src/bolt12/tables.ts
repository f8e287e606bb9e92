// Field tables: for every known record of each BOLT 12 object, its type, spec name
// and value codec. The typed objects are derived from these tables, and one generic
// routine (below) turns records into typed values and back, so the field list of
// each object is written exactly once.
import { DecodeError } from '../codec/errors.js';
import { tlvRecord, type TlvRecord } from '../codec/tlv.js';
import { T } from './fields.js';
import {
  bip353Codec, bytesCodec, chainCodec, chainListCodec, fallbackListCodec, pathListCodec, payInfoListCodec, pointCodec,
  sha256Codec, signatureCodec, tu32Codec, tu64Codec, utf8Codec, type Codec,
} from './values.js';

export interface Field<V> {
  readonly type: bigint;
  readonly name: string;
  readonly codec: Codec<V>;
}
const f = <V>(type: bigint, name: string, codec: Codec<V>): Field<V> => ({ type, name, codec });

export type Table = Readonly<Record<string, Field<any>>>;
/** The typed values of a table: every field optional (presence rules live in validation). */
export type Values<Tb extends Table> = { -readonly [K in keyof Tb]?: Tb[K] extends Field<infer V> ? V : never };

export const OFFER_TABLE = {
  chains: f(T.offerChains, 'offer_chains', chainListCodec),
  metadata: f(T.offerMetadata, 'offer_metadata', bytesCodec),
  currency: f(T.offerCurrency, 'offer_currency', utf8Codec),
  amount: f(T.offerAmount, 'offer_amount', tu64Codec),
  description: f(T.offerDescription, 'offer_description', utf8Codec),
  features: f(T.offerFeatures, 'offer_features', bytesCodec),
  absoluteExpiry: f(T.offerAbsoluteExpiry, 'offer_absolute_expiry', tu64Codec),
  paths: f(T.offerPaths, 'offer_paths', pathListCodec),
  issuer: f(T.offerIssuer, 'offer_issuer', utf8Codec),
  quantityMax: f(T.offerQuantityMax, 'offer_quantity_max', tu64Codec),
  issuerId: f(T.offerIssuerId, 'offer_issuer_id', pointCodec),
} as const;

export const INVREQ_TABLE = {
  metadata: f(T.invreqMetadata, 'invreq_metadata', bytesCodec),
  chain: f(T.invreqChain, 'invreq_chain', chainCodec),
  amount: f(T.invreqAmount, 'invreq_amount', tu64Codec),
  features: f(T.invreqFeatures, 'invreq_features', bytesCodec),
  quantity: f(T.invreqQuantity, 'invreq_quantity', tu64Codec),
  payerId: f(T.invreqPayerId, 'invreq_payer_id', pointCodec),
  payerNote: f(T.invreqPayerNote, 'invreq_payer_note', utf8Codec),
  paths: f(T.invreqPaths, 'invreq_paths', pathListCodec),
  bip353Name: f(T.invreqBip353Name, 'invreq_bip_353_name', bip353Codec),
} as const;

export const INVOICE_TABLE = {
  paths: f(T.invoicePaths, 'invoice_paths', pathListCodec),
  blindedPay: f(T.invoiceBlindedPay, 'invoice_blindedpay', payInfoListCodec),
  createdAt: f(T.invoiceCreatedAt, 'invoice_created_at', tu64Codec),
  relativeExpiry: f(T.invoiceRelativeExpiry, 'invoice_relative_expiry', tu32Codec),
  paymentHash: f(T.invoicePaymentHash, 'invoice_payment_hash', sha256Codec),
  amount: f(T.invoiceAmount, 'invoice_amount', tu64Codec),
  fallbacks: f(T.invoiceFallbacks, 'invoice_fallbacks', fallbackListCodec),
  features: f(T.invoiceFeatures, 'invoice_features', bytesCodec),
  nodeId: f(T.invoiceNodeId, 'invoice_node_id', pointCodec),
} as const;

/**
 * Static invoice own fields (LDK). 168 and 170 are deliberately absent: they are
 * forbidden, and the decoder reports them by name before the unknown-even rule would.
 */
export const STATIC_INVOICE_TABLE = {
  paths: INVOICE_TABLE.paths,
  blindedPay: INVOICE_TABLE.blindedPay,
  createdAt: INVOICE_TABLE.createdAt,
  relativeExpiry: INVOICE_TABLE.relativeExpiry,
  fallbacks: INVOICE_TABLE.fallbacks,
  features: INVOICE_TABLE.features,
  nodeId: INVOICE_TABLE.nodeId,
  heldHtlcAvailablePaths: f(T.heldHtlcAvailablePaths, 'held_htlc_available_paths', pathListCodec),
} as const;

export const SIGNATURE_TABLE = {
  signature: f(T.signature, 'signature', signatureCodec),
} as const;

export type OfferValues = Values<typeof OFFER_TABLE>;
export type InvreqValues = Values<typeof INVREQ_TABLE>;
export type InvoiceValues = Values<typeof INVOICE_TABLE>;
export type StaticInvoiceValues = Values<typeof STATIC_INVOICE_TABLE>;

/** Type → (table key, field) lookup for a table. */
function index(tb: Table): Map<bigint, [string, Field<unknown>]> {
  const m = new Map<bigint, [string, Field<unknown>]>();
  for (const [k, fl] of Object.entries(tb)) m.set(fl.type, [k, fl]);
  return m;
}
const indexCache = new WeakMap<Table, Map<bigint, [string, Field<unknown>]>>();
function indexOf(tb: Table): Map<bigint, [string, Field<unknown>]> {
  let m = indexCache.get(tb);
  if (!m) indexCache.set(tb, (m = index(tb)));
  return m;
}

export function isKnownIn(tb: Table, type: bigint): boolean {
  return indexOf(tb).has(type);
}

/**
 * Decodes the records of `tb` found in `records`; other records are ignored here
 * (the caller decides what unknown records mean). A codec failure names the field.
 */
export function readTable<Tb extends Table>(tb: Tb, records: readonly TlvRecord[]): Values<Tb> {
  const idx = indexOf(tb);
  const out: Record<string, unknown> = {};
  for (const rec of records) {
    const hit = idx.get(rec.type);
    if (!hit) continue;
    try {
      out[hit[0]] = hit[1].codec.decode(rec.value);
    } catch (e) {
      if (e instanceof DecodeError) throw new DecodeError(`${hit[1].name}: ${e.message}`);
      throw e;
    }
  }
  return out as Values<Tb>;
}

/** Encodes the present values of `tb` as records (unsorted; encodeTlvStream sorts). */
export function writeTable<Tb extends Table>(tb: Tb, v: Values<Tb>): TlvRecord[] {
  const out: TlvRecord[] = [];
  for (const [k, fl] of Object.entries(tb)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out.push(tlvRecord(fl.type, fl.codec.encode(x)));
  }
  return out;
}

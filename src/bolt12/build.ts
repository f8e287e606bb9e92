// Builders. Each one assembles records, signs if needed, and then runs the very
// decoder a peer would run on the result, so nothing leaves here that we (or LDK's
// equivalent rules) would refuse. Records copied from an earlier object (offer →
// invreq/static invoice, invreq → invoice) are copied raw, byte for byte.
import { DecodeError } from '../codec/errors.js';
import { encodeTlvStream, type TlvRecord } from '../codec/tlv.js';
import { equalBytes } from '../codec/bytes.js';
import { pubFromPriv, type PrivKey, type PubKey } from '../crypto/secp.js';
import type { BlindedPath } from '../onion/types.js';
import { featureBits, FEATURE } from './features.js';
import { MESSAGE_NAME, isInvreqRecordType, isOfferRecordType } from './fields.js';
import { decodeInvoice, type Invoice } from './invoice.js';
import { BITCOIN_CHAIN, decodeInvoiceRequest, offerChains, type InvoiceRequest } from './invoice-request.js';
import { decodeOffer, type Offer, type OfferFields } from './offer.js';
import { signAndEncode } from './sign.js';
import { decodeStaticInvoice, type StaticInvoice } from './static-invoice.js';
import {
  INVOICE_TABLE, INVREQ_TABLE, OFFER_TABLE, STATIC_INVOICE_TABLE, readTable, writeTable, type InvreqValues,
} from './tables.js';
import type { BlindedPayInfo, Bip353Name, ChainHash, FallbackAddress } from './values.js';

/** A builder was asked for something invalid. (Decoders throw DecodeError instead.) */
export class Bolt12BuildError extends Error {
  override readonly name = 'Bolt12BuildError';
}

export type NonEmpty<T> = readonly [T, ...T[]];

/** An invoice payment path with the fees/limits the payer needs to use it. */
export interface PaymentPath {
  readonly path: BlindedPath;
  readonly payinfo: BlindedPayInfo;
}

/** The (path, payinfo) pairs of an invoice or static invoice. */
export function paymentPathsOf(inv: { readonly paths: readonly BlindedPath[]; readonly blindedPay: readonly BlindedPayInfo[] }): PaymentPath[] {
  return inv.paths.map((path, i) => ({ path, payinfo: inv.blindedPay[i]! }));
}

/** Runs `f`, turning any failure (decode or encode) into a Bolt12BuildError. */
function checked<R>(what: string, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof DecodeError || e instanceof RangeError) throw new Bolt12BuildError(`${what}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------- offer

/** An offer needs at least one of a non-empty path list and an issuer id. */
export type BuildOfferOptions = Omit<OfferFields, 'paths' | 'issuerId'> &
  (
    | { readonly paths: NonEmpty<BlindedPath>; readonly issuerId?: PubKey }
    | { readonly paths?: NonEmpty<BlindedPath>; readonly issuerId: PubKey }
  ) & {
    /** Unknown odd / experimental (1e9–2e9−1) records to include verbatim. */
    readonly extra?: readonly TlvRecord[];
  };

export function buildOffer(opts: BuildOfferOptions): Offer {
  const { extra = [], ...fields } = opts;
  return checked('buildOffer', () => decodeOffer(encodeTlvStream([...writeTable(OFFER_TABLE, fields), ...extra])));
}

// ---------------------------------------------------------------- invoice_request

export interface BuildInvoiceRequestOptions {
  readonly metadata: Uint8Array;
  readonly payerKey: PrivKey;
  /**
   * Default: omitted when the offer accepts bitcoin (absent means bitcoin), else the
   * offer's first chain, written explicitly (as LDK: it omits only bitcoin).
   */
  readonly chain?: ChainHash;
  readonly amount?: bigint;
  readonly features?: Uint8Array;
  readonly quantity?: bigint;
  readonly payerNote?: string;
  readonly paths?: readonly BlindedPath[];
  readonly bip353Name?: Bip353Name;
  /** Unknown odd records in the invreq ranges (80–159 odd, 2e9–3e9−1). */
  readonly extra?: readonly TlvRecord[];
}

/** A signed invoice_request for `offer`, its offer records copied raw. */
export function buildInvoiceRequest(offer: Pick<Offer, 'records'>, o: BuildInvoiceRequestOptions, aux?: Uint8Array): InvoiceRequest {
  return checked('buildInvoiceRequest', () => {
    const chains = offerChains(readTable({ chains: OFFER_TABLE.chains }, offer.records));
    const chain = o.chain ?? (chains.some((c) => equalBytes(c, BITCOIN_CHAIN)) ? undefined : chains[0]);
    const v: InvreqValues = {
      metadata: o.metadata,
      chain,
      amount: o.amount,
      features: o.features,
      quantity: o.quantity,
      payerId: pubFromPriv(o.payerKey),
      payerNote: o.payerNote,
      paths: o.paths,
      bip353Name: o.bip353Name,
    };
    const records = [...offer.records.filter((r) => isOfferRecordType(r.type)), ...writeTable(INVREQ_TABLE, v), ...(o.extra ?? [])];
    return decodeInvoiceRequest(signAndEncode(MESSAGE_NAME.invoiceRequest, records, o.payerKey, aux));
  });
}

// ---------------------------------------------------------------- invoice (66)

export interface BuildInvoiceOptions {
  readonly paymentPaths: NonEmpty<PaymentPath>;
  readonly createdAt: bigint;
  readonly paymentHash: Uint8Array;
  /** Defaults to the request's amount, else the offer's bitcoin amount × quantity. */
  readonly amount?: bigint;
  readonly relativeExpiry?: number;
  readonly fallbacks?: readonly FallbackAddress[];
  /** Defaults to basic_mpp optional (bit 17); an empty array writes no record. */
  readonly features?: Uint8Array;
  /** Unknown odd records in 160–239 or 3e9–4e9−1. */
  readonly extra?: readonly TlvRecord[];
}

/** Answers `req` with an invoice signed by `nodeKey` (the offer's issuer key). */
export function buildInvoice(req: InvoiceRequest, o: BuildInvoiceOptions, nodeKey: PrivKey, aux?: Uint8Array): Invoice {
  return checked('buildInvoice', () => {
    let amount = o.amount ?? req.amount;
    if (amount === undefined && req.offer.amount !== undefined && req.offer.currency === undefined) {
      amount = req.offer.amount * (req.quantity ?? 1n);
    }
    if (amount === undefined) throw new Bolt12BuildError('buildInvoice: no amount (offer in a currency: pass one)');
    const features = o.features ?? featureBits(FEATURE.basicMpp + 1);
    const records = [
      ...req.records.filter((r) => isInvreqRecordType(r.type)),
      ...writeTable(INVOICE_TABLE, {
        paths: o.paymentPaths.map((p) => p.path),
        blindedPay: o.paymentPaths.map((p) => p.payinfo),
        createdAt: o.createdAt,
        relativeExpiry: o.relativeExpiry,
        paymentHash: o.paymentHash,
        amount,
        fallbacks: o.fallbacks,
        features: features.length ? features : undefined,
        nodeId: pubFromPriv(nodeKey),
      }),
      ...(o.extra ?? []),
    ];
    return decodeInvoice(signAndEncode(MESSAGE_NAME.invoice, records, nodeKey, aux));
  });
}

// ---------------------------------------------------------------- static invoice

export interface BuildStaticInvoiceOptions {
  /** The offer (or any decoded object carrying its records): its 1–79 and 1e9–2e9−1 records are copied raw. */
  readonly offer: { readonly records: readonly TlvRecord[] };
  readonly paymentPaths: NonEmpty<PaymentPath>;
  readonly heldHtlcAvailablePaths: NonEmpty<BlindedPath>;
  readonly createdAt: bigint;
  /**
   * Always written (TLV 166). Default, as LDK's recipient: seconds until the offer
   * expires, capped at u32::MAX; u32::MAX for an offer without expiry.
   */
  readonly relativeExpiry?: number;
  readonly fallbacks?: readonly FallbackAddress[];
  /** Defaults to basic_mpp optional (bit 17, `020000`) as LDK; an empty array writes no record. */
  readonly features?: Uint8Array;
  /** Unknown odd records in 160–239 or experimental invoice records (3e9–4e9−1). */
  readonly extra?: readonly TlvRecord[];
}

const U32_MAX = 0xffffffff;

/**
 * Builds and signs a static invoice, with LDK's builder rules (§5.8): the offer has
 * an issuer id equal to the signing key, ≤ 1 chain, paths; ≥ 1 payment and held-HTLC
 * path; the offer has not expired at `createdAt`.
 */
export function buildStaticInvoice(o: BuildStaticInvoiceOptions, signingKey: PrivKey, aux?: Uint8Array): StaticInvoice {
  return checked('buildStaticInvoice', () => {
    const offerRecs = o.offer.records.filter((r) => isOfferRecordType(r.type));
    // Only these two offer fields matter here; the full check happens in the decode below.
    const offer = readTable({ issuerId: OFFER_TABLE.issuerId, absoluteExpiry: OFFER_TABLE.absoluteExpiry }, offerRecs);
    const nodeId = pubFromPriv(signingKey);
    if (offer.issuerId === undefined) throw new Bolt12BuildError('buildStaticInvoice: offer has no offer_issuer_id');
    if (!equalBytes(offer.issuerId, nodeId)) throw new Bolt12BuildError('buildStaticInvoice: signing key is not the offer_issuer_id');
    // The types say non-empty; check anyway for callers coming from untyped data.
    if (o.paymentPaths.length === 0) throw new Bolt12BuildError('buildStaticInvoice: no payment paths');
    if (o.heldHtlcAvailablePaths.length === 0) throw new Bolt12BuildError('buildStaticInvoice: no held_htlc_available paths');
    if (offer.absoluteExpiry !== undefined && o.createdAt > offer.absoluteExpiry) {
      throw new Bolt12BuildError('buildStaticInvoice: offer already expired');
    }
    const relativeExpiry =
      o.relativeExpiry ??
      (offer.absoluteExpiry === undefined
        ? U32_MAX
        : Number(offer.absoluteExpiry - o.createdAt > BigInt(U32_MAX) ? BigInt(U32_MAX) : offer.absoluteExpiry - o.createdAt));
    const features = o.features ?? featureBits(FEATURE.basicMpp + 1);
    const records = [
      ...offerRecs,
      ...writeTable(STATIC_INVOICE_TABLE, {
        paths: o.paymentPaths.map((p) => p.path),
        blindedPay: o.paymentPaths.map((p) => p.payinfo),
        createdAt: o.createdAt,
        relativeExpiry,
        fallbacks: o.fallbacks,
        features: features.length ? features : undefined,
        nodeId,
        heldHtlcAvailablePaths: o.heldHtlcAvailablePaths,
      }),
      ...(o.extra ?? []),
    ];
    return decodeStaticInvoice(signAndEncode(MESSAGE_NAME.staticInvoice, records, signingKey, aux));
  });
}

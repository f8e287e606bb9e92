// LDK's BOLT 12 objects as plain data, and LDK-built offers / invoice
// requests as bytes, for field-by-field comparison with src/bolt12.
//
// LDK API used: Offer.constructor_from_str / constructor_read / write / to_str
// and its accessors; InvoiceRequest.constructor_read / write and accessors;
// OfferWithExplicitMetadataBuilder; Offer.request_invoice(expanded_key, nonce,
// payment_id).build_and_sign(); HeldHtlcAvailable / ReleaseHeldHtlc /
// AsyncPaymentsMessage write/read.
import {
  Amount_Bitcoin,
  Amount_Currency,
  AsyncPaymentsMessage,
  AsyncPaymentsMessage_HeldHtlcAvailable,
  AsyncPaymentsMessage_ReleaseHeldHtlc,
  BlindedMessagePath,
  ExpandedKey,
  HeldHtlcAvailable,
  InvoiceRequest,
  Nonce,
  Offer,
  OfferFeatures,
  OfferWithExplicitMetadataBuilder,
  Option_AmountZ_Some,
  Option_CVec_u8ZZ_Some,
  Option_u64Z_Some,
  PrintableString,
  Quantity,
  Quantity_Bounded,
  Quantity_One,
  Quantity_Unbounded,
  ReleaseHeldHtlc,
  Result_AsyncPaymentsMessageDecodeErrorZ_OK,
  Result_HeldHtlcAvailableDecodeErrorZ_OK,
  Result_InvoiceRequestBolt12SemanticErrorZ_OK,
  Result_InvoiceRequestBolt12SemanticErrorZ_Err,
  Result_InvoiceRequestDecodeErrorZ_OK,
  Result_InvoiceRequestWithDerivedPayerSigningPubkeyBuilderBolt12SemanticErrorZ_Err,
  Result_InvoiceRequestWithDerivedPayerSigningPubkeyBuilderBolt12SemanticErrorZ_OK,
  Result_OfferBolt12ParseErrorZ_OK,
  Result_OfferBolt12SemanticErrorZ_Err,
  Result_OfferBolt12SemanticErrorZ_OK,
  Result_OfferDecodeErrorZ_OK,
  Result_ReleaseHeldHtlcDecodeErrorZ_OK,
  Bolt12SemanticError,
  InvoiceRequestWithDerivedPayerSigningPubkeyBuilder,
} from 'lightningdevkit';
import { CommonBase } from 'lightningdevkit/structs/CommonBase.mjs';
import { utf8 } from '../../../src/codec/bytes.js';
import { sha256 } from '../../../src/crypto/hash.js';
import { TestEntropy } from './adapters.js';
import { LdkError } from './onion.js';

const isNullOpaque = (o: object | null | undefined): boolean => o == null || (o as unknown as { ptr: bigint }).ptr === 0n;
const isAbsentKey = (k: Uint8Array): boolean => k.length === 0 || k.every((b) => b === 0);

/** Bitcoin mainnet chain hash as BOLT 12 writes it (little-endian genesis hash). */
export const BITCOIN_CHAIN = Uint8Array.from(Buffer.from('6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000', 'hex'));

/** Features from LDK's little-endian flags to the wire's big-endian bytes. */
function featureBytes(f: { le_flags(): Uint8Array }): Uint8Array {
  return Uint8Array.from(f.le_flags()).reverse();
}

export type LdkAmount = { readonly msat: bigint } | { readonly currency: Uint8Array; readonly amount: bigint };
export type LdkQuantity = 'one' | 'unbounded' | { readonly max: bigint };

/** The offer part (TLVs 1–79) as LDK reports it. */
export interface LdkOfferFields {
  /** LDK's write(): the raw TLV stream it parsed (or built). */
  readonly bytes: Uint8Array;
  /** LDK's chains(): the implied [bitcoin] when offer_chains is absent (or empty, see #51). */
  readonly chains: readonly Uint8Array[];
  readonly metadata?: Uint8Array;
  readonly amount?: LdkAmount;
  readonly description?: string;
  /** Big-endian feature bytes, as on the wire. */
  readonly features: Uint8Array;
  readonly featuresRequireUnknown: boolean;
  /** Seconds since the epoch. */
  readonly absoluteExpiry?: bigint;
  readonly issuer?: string;
  /** Each path's BlindedMessagePath.write(). */
  readonly paths: readonly Uint8Array[];
  readonly quantity: LdkQuantity;
  readonly issuerId?: Uint8Array;
}

interface OfferLike {
  chains(): Uint8Array[];
  metadata(): unknown;
  amount(): unknown;
  description(): PrintableString;
  offer_features(): OfferFeatures;
  absolute_expiry(): unknown;
  issuer(): PrintableString;
  paths(): BlindedMessagePath[];
  supported_quantity(): Quantity;
  issuer_signing_pubkey(): Uint8Array;
  write(): Uint8Array;
}

function offerFields(o: OfferLike): LdkOfferFields {
  const out: { -readonly [K in keyof LdkOfferFields]: LdkOfferFields[K] } = {
    bytes: o.write(),
    chains: o.chains().map((c) => Uint8Array.from(c)),
    features: featureBytes(o.offer_features()),
    featuresRequireUnknown: !!o.offer_features().requires_unknown_bits(), // bindings return 0/1
    paths: o.paths().map((p) => p.write()),
    quantity: 'one',
  };
  const md = o.metadata();
  if (md instanceof Option_CVec_u8ZZ_Some) out.metadata = Uint8Array.from(md.some);
  const amt = o.amount();
  if (amt instanceof Option_AmountZ_Some) {
    const a = amt.some;
    if (a instanceof Amount_Bitcoin) out.amount = { msat: a.amount_msats };
    else if (a instanceof Amount_Currency) out.amount = { currency: Uint8Array.from(a.iso4217_code), amount: a.amount };
  }
  const d = o.description();
  if (!isNullOpaque(d)) out.description = d.get_a();
  const exp = o.absolute_expiry();
  if (exp instanceof Option_u64Z_Some) out.absoluteExpiry = exp.some;
  const iss = o.issuer();
  if (!isNullOpaque(iss)) out.issuer = iss.get_a();
  const q = o.supported_quantity();
  out.quantity = q instanceof Quantity_Bounded ? { max: q.bounded } : q instanceof Quantity_Unbounded ? 'unbounded' : 'one';
  if (!(q instanceof Quantity_One || q instanceof Quantity_Bounded || q instanceof Quantity_Unbounded)) throw new Error('unknown Quantity');
  const id = o.issuer_signing_pubkey();
  if (!isAbsentKey(id)) out.issuerId = Uint8Array.from(id);
  return out;
}

export type LdkParsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/** LDK's Offer::from_str (bech32 `lno1…`). LDK's parse error is opaque in the bindings. */
export function ldkParseOffer(s: string): LdkParsed<LdkOfferFields & { readonly offer: Offer; readonly str: string }> {
  const r = Offer.constructor_from_str(s);
  if (!(r instanceof Result_OfferBolt12ParseErrorZ_OK)) return { ok: false };
  return { ok: true, value: { ...offerFields(r.res), offer: r.res, str: r.res.to_str() } };
}

/** LDK's Offer reader over raw TLV bytes. */
export function ldkReadOffer(bytes: Uint8Array): LdkParsed<LdkOfferFields & { readonly offer: Offer; readonly str: string }> {
  const r = Offer.constructor_read(bytes);
  if (!(r instanceof Result_OfferDecodeErrorZ_OK)) return { ok: false };
  return { ok: true, value: { ...offerFields(r.res), offer: r.res, str: r.res.to_str() } };
}

export interface LdkInvoiceRequestFields extends LdkOfferFields {
  readonly payerMetadata: Uint8Array;
  /** LDK's chain(): the one requested, or the offer's implied chain. */
  readonly chain: Uint8Array;
  readonly amountMsat?: bigint;
  readonly invreqFeatures: Uint8Array;
  readonly quantityRequested?: bigint;
  readonly payerId: Uint8Array;
  readonly payerNote?: string;
  readonly signature: Uint8Array;
}

/** LDK's InvoiceRequest reader (raw TLV bytes, as in onion message type 64). Verifies the signature. */
export function ldkReadInvoiceRequest(bytes: Uint8Array): LdkParsed<LdkInvoiceRequestFields & { readonly invreq: InvoiceRequest }> {
  const r = InvoiceRequest.constructor_read(bytes);
  if (!(r instanceof Result_InvoiceRequestDecodeErrorZ_OK)) return { ok: false };
  const ir = r.res;
  const out: { -readonly [K in keyof LdkInvoiceRequestFields]: LdkInvoiceRequestFields[K] } & { invreq: InvoiceRequest } = {
    ...offerFields(ir),
    invreq: ir,
    payerMetadata: Uint8Array.from(ir.payer_metadata()),
    chain: Uint8Array.from(ir.chain()),
    invreqFeatures: featureBytes(ir.invoice_request_features()),
    payerId: Uint8Array.from(ir.payer_signing_pubkey()),
    signature: Uint8Array.from(ir.signature()),
  };
  const a = ir.amount_msats();
  if (a instanceof Option_u64Z_Some && !!ir.has_amount_msats()) out.amountMsat = a.some;
  const q = ir.quantity();
  if (q instanceof Option_u64Z_Some) out.quantityRequested = q.some;
  const note = ir.payer_note();
  if (!isNullOpaque(note)) out.payerNote = note.get_a();
  return { ok: true, value: out };
}

// ---------------------------------------------------------------------------
// LDK-built objects, and the bindings' builder quirks
//
// LDK's builders are Rust "by value" builders (`fn amount_msats(mut self, ..)
// -> Self`). The C/TS bindings turn every setter into a call that consumes the
// builder and drops the updated one, so in lightningdevkit 0.1.2-0:
//   * OfferWithExplicitMetadataBuilder / OfferWithDerivedMetadataBuilder
//     setters (description, amount_msats, path, metadata, ...) have no effect
//     (the TS glue clones the builder first, the clone is updated and dropped):
//     an LDK-built offer can only carry offer_issuer_id;
//   * InvoiceRequestWithDerivedPayerSigningPubkeyBuilder setters (amount_msats,
//     quantity, payer_note, chain) consume a builder that has no clone(), and
//     leave the JS handle dangling — later calls hit freed memory (wrong
//     errors, then a WASM `unreachable`). Only build_and_sign() is usable, so
//     LDK can build invoice requests only for offers that need no setter: an
//     msat offer_amount (else MissingAmount), no quantity, a bitcoin chain.
//   * Offer.request_invoice returns the builder inside a Result; `.res` is a
//     *borrowed* handle (ownership is bit 32 of the pointer; Result getters
//     hand out borrowed ones) and build_and_sign() panics "assertion failed:
//     self.is_owned" on it. Work-around: re-wrap the pointer with the owned bit
//     and make sure nothing frees it twice — the Result is never freed (a few
//     bytes leaked per call) and the owned handle is unregistered once
//     build_and_sign has moved the builder out.

const OWNED_BIT = 1n << 32n;
type Ctor<T> = { new (dummy: null, ptr: bigint): T };
const ptrOf = (o: object): bigint => (o as unknown as { ptr: bigint }).ptr;
function skipFree(o: object): void {
  (CommonBase as unknown as { set_null_skip_free(o: object): void }).set_null_skip_free(o);
}
function takeOwned<T extends object>(result: object, borrowed: T, ctor: unknown): T {
  const p = ptrOf(borrowed);
  if (p === 0n || (p & OWNED_BIT) !== 0n) throw new Error('takeOwned: expected a borrowed, non-null handle');
  skipFree(result);
  return new (ctor as Ctor<T>)(null, p | OWNED_BIT);
}

/**
 * LDK's OfferWithExplicitMetadataBuilder::new(issuer_id).build(): the only
 * offer these bindings can build (see above). Bytes and bech32 string.
 */
export function ldkBuildOffer(issuerId: Uint8Array): { readonly bytes: Uint8Array; readonly str: string; readonly offer: Offer } {
  const r = OfferWithExplicitMetadataBuilder.constructor_new(issuerId).build();
  if (!(r instanceof Result_OfferBolt12SemanticErrorZ_OK)) {
    throw new LdkError(`LDK offer builder: ${Bolt12SemanticError[(r as Result_OfferBolt12SemanticErrorZ_Err).err]}`);
  }
  return { bytes: r.res.write(), str: r.res.to_str(), offer: r.res };
}

/**
 * LDK as payer: Offer.request_invoice(expanded_key, nonce, payment_id), then
 * build_and_sign() — payer key derived from the key and nonce, payer metadata
 * = LDK's encrypted payment id + nonce. `seed` fixes key, nonce and payment id
 * (the signature is BIP 340 without aux randomness, so the bytes are
 * reproducible). Throws LdkError naming the Bolt12SemanticError
 * (UnknownRequiredFeatures, MissingAmount, UnsupportedCurrency, ...).
 */
export function ldkRequestInvoice(offer: string | Uint8Array | Offer, seed = 'ldk payer'): { readonly bytes: Uint8Array; readonly invreq: InvoiceRequest } {
  const o =
    offer instanceof Offer
      ? offer
      : (() => {
          const p = typeof offer === 'string' ? ldkParseOffer(offer) : ldkReadOffer(offer);
          if (!p.ok) throw new LdkError('LDK could not parse the offer');
          return p.value.offer;
        })();
  const key = ExpandedKey.constructor_new(sha256(utf8(`${seed}/expanded-key`)));
  const nonce = Nonce.constructor_from_entropy_source(new TestEntropy(`${seed}/nonce`).source);
  const r = o.request_invoice(key, nonce, sha256(utf8(`${seed}/payment-id`)));
  if (!(r instanceof Result_InvoiceRequestWithDerivedPayerSigningPubkeyBuilderBolt12SemanticErrorZ_OK)) {
    const err = (r as Result_InvoiceRequestWithDerivedPayerSigningPubkeyBuilderBolt12SemanticErrorZ_Err).err;
    throw new LdkError(`LDK request_invoice: ${Bolt12SemanticError[err]}`);
  }
  const b = takeOwned(r, r.res, InvoiceRequestWithDerivedPayerSigningPubkeyBuilder);
  const built = b.build_and_sign();
  skipFree(b); // moved out by build_and_sign
  if (!(built instanceof Result_InvoiceRequestBolt12SemanticErrorZ_OK)) {
    throw new LdkError(`LDK build_and_sign: ${Bolt12SemanticError[(built as Result_InvoiceRequestBolt12SemanticErrorZ_Err).err]}`);
  }
  return { bytes: built.res.write(), invreq: built.res };
}

// ---------------------------------------------------------------------------
// Async payments messages (LDK 0.1.2 has only these two; the 7554x server
// messages do not exist in this LDK version)

/** HeldHtlcAvailable.write(): the onion TLV 72 value LDK sends. */
export function ldkHeldHtlcAvailableBody(): Uint8Array {
  return HeldHtlcAvailable.constructor_new().write();
}

/** ReleaseHeldHtlc.write(): the onion TLV 74 value LDK sends. */
export function ldkReleaseHeldHtlcBody(): Uint8Array {
  return ReleaseHeldHtlc.constructor_new().write();
}

/** Whether LDK's readers accept `body` as the value of onion TLV 72 / 74. */
export function ldkReadsAsyncBody(type: 72 | 74, body: Uint8Array): boolean {
  const direct =
    type === 72
      ? HeldHtlcAvailable.constructor_read(body) instanceof Result_HeldHtlcAvailableDecodeErrorZ_OK
      : ReleaseHeldHtlc.constructor_read(body) instanceof Result_ReleaseHeldHtlcDecodeErrorZ_OK;
  const r = AsyncPaymentsMessage.constructor_read(body, BigInt(type));
  const viaEnum =
    r instanceof Result_AsyncPaymentsMessageDecodeErrorZ_OK &&
    (type === 72 ? r.res instanceof AsyncPaymentsMessage_HeldHtlcAvailable : r.res instanceof AsyncPaymentsMessage_ReleaseHeldHtlc);
  if (direct !== viaEnum) throw new Error(`LDK's two readers disagree on type ${type} body`);
  return direct;
}

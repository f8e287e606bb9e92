// A fresh BOLT 12 invoice answering a payer's invoice_request while we are online,
// made so that lightningd settles it itself (payments.md §3): every payment path's
// final path_id is SHA256(makesecret "bolt12-invoice-base" ‖ payment_hash), which is
// how lightningd's offers code recognises invoices of its own; the invoice is signed
// with the offer's key for the payer, and registered with `createinvoice` unsigned.
// Pure: keys, paths, hash and time are inputs.
import { encodeTlvStream } from '../../codec/tlv.js';
import { sha256 } from '../../crypto/hash.js';
import type { PrivKey } from '../../crypto/secp.js';
import { encodeBolt12, HRP } from '../../bolt12/bech32.js';
import { buildInvoice, type NonEmpty, type PaymentPath } from '../../bolt12/build.js';
import { isSignatureType } from '../../bolt12/fields.js';
import type { Invoice } from '../../bolt12/invoice.js';
import type { InvoiceRequest } from '../../bolt12/invoice-request.js';

/** lightningd's makesecret label for its BOLT 12 invoice path_ids. */
export const INVOICE_BASE_LABEL = 'bolt12-invoice-base';
/** BOLT 12's default invoice lifetime, written explicitly. */
export const FRESH_INVOICE_EXPIRY_SECS = 7200;

/** The final hop's path_id lightningd expects for an invoice of payment_hash `hash`. */
export function invoicePathId(base: Uint8Array, hash: Uint8Array): Uint8Array {
  return sha256(base, hash);
}

export interface FreshInvoiceArgs {
  readonly req: InvoiceRequest;
  readonly paymentPaths: NonEmpty<PaymentPath>;
  readonly paymentHash: Uint8Array;
  readonly createdAt: number;
  readonly amountMsat: bigint;
  /** The offer's signing key (offer_issuer_id). */
  readonly offerKey: PrivKey;
}

export interface FreshInvoice {
  readonly invoice: Invoice;
  /** `lni1…` of the same invoice without its signature: what `createinvoice` takes. */
  readonly unsigned: string;
}

export function buildFreshInvoice(a: FreshInvoiceArgs): FreshInvoice {
  const invoice = buildInvoice(
    a.req,
    {
      paymentPaths: a.paymentPaths,
      createdAt: BigInt(a.createdAt),
      paymentHash: a.paymentHash,
      amount: a.amountMsat,
      relativeExpiry: FRESH_INVOICE_EXPIRY_SECS,
    },
    a.offerKey,
  );
  return { invoice, unsigned: unsignedInvoiceString(invoice) };
}

/** The invoice's string without signature records (createinvoice refuses a signed one). */
export function unsignedInvoiceString(inv: Pick<Invoice, 'records'>): string {
  return encodeBolt12(HRP.invoice, encodeTlvStream(inv.records.filter((r) => !isSignatureType(r.type))));
}

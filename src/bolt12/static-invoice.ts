// Static invoices (LDK offers/static_invoice.rs, bolts #1149 draft; async-protocol.md
// §5): offer records copied from the offer, invoice fields without payment hash or
// amount, held_htlc_available_paths (236), signed by the offer's issuer key under
// "lightningstatic_invoicesignature". Parsing applies LDK's StaticInvoice::try_from
// rules (§5.7), signature included; expiry and size are the caller's checks.
import { T, ALLOWED, MESSAGE_NAME } from './fields.js';
import { checkPaymentPaths } from './invoice.js';
import { verifyRecords } from './merkle.js';
import { isAllowedSigningKey } from './node-id.js';
import { checkOfferFields, type OfferFields } from './offer.js';
import { OFFER_TABLE, SIGNATURE_TABLE, STATIC_INVOICE_TABLE, readTable, type StaticInvoiceValues } from './tables.js';
import { fail, parseObject, type Parsed } from './stream.js';

export type StaticInvoiceFields = Readonly<
  StaticInvoiceValues &
    Required<Pick<StaticInvoiceValues, 'paths' | 'blindedPay' | 'createdAt' | 'nodeId' | 'heldHtlcAvailablePaths'>>
>;

export interface StaticInvoice extends StaticInvoiceFields, Parsed {
  readonly kind: 'static_invoice';
  readonly offer: OfferFields;
  readonly signature: Uint8Array;
}

const FORBIDDEN = new Map<bigint, string>([
  [T.invoicePaymentHash, 'invoice_payment_hash'],
  [T.invoiceAmount, 'invoice_amount'],
  [T.invreqMetadata, 'invreq_metadata'],
]);

export function decodeStaticInvoice(input: Uint8Array): StaticInvoice {
  const what = 'static_invoice';
  const { bytes, records, unknown } = parseObject(
    input,
    ALLOWED.staticInvoice,
    [OFFER_TABLE, STATIC_INVOICE_TABLE, SIGNATURE_TABLE],
    what,
    FORBIDDEN,
  );
  const offer = readTable(OFFER_TABLE, records);
  const inv = readTable(STATIC_INVOICE_TABLE, records);
  const { signature } = readTable(SIGNATURE_TABLE, records);

  checkPaymentPaths(inv, what);
  if (inv.heldHtlcAvailablePaths === undefined) fail(what, 'missing held_htlc_available_paths');
  if (inv.createdAt === undefined) fail(what, 'missing invoice_created_at');
  if (inv.nodeId === undefined) fail(what, 'missing invoice_node_id');
  if (offer.paths === undefined) fail(what, 'missing offer_paths');
  if (offer.chains !== undefined && offer.chains.length > 1) fail(what, 'more than one offer chain');
  checkOfferFields(offer, what);
  if (!isAllowedSigningKey(offer, inv.nodeId)) fail(what, 'invoice_node_id not allowed for this offer');
  if (signature === undefined) fail(what, 'missing signature');
  if (!verifyRecords(MESSAGE_NAME.staticInvoice, records, signature, inv.nodeId)) fail(what, 'bad signature');
  return { kind: 'static_invoice', ...(inv as StaticInvoiceFields), offer, signature, bytes, records, unknown };
}

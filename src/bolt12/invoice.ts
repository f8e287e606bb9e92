// BOLT 12 invoice (onion message type 66): typed decode with the invoice-reader
// rules that need only the invoice itself. Matching it against the request we sent
// (same invreq records, amount) is the payer's job.
import type { TlvRecord } from '../codec/tlv.js';
import { unknownRequiredBits, FEATURE } from './features.js';
import { ALLOWED, MESSAGE_NAME, isInvreqRecordType } from './fields.js';
import { checkInvreqFields, type InvreqFields } from './invoice-request.js';
import { verifyRecords } from './merkle.js';
import { isAllowedSigningKey } from './node-id.js';
import { checkOfferFields, type OfferFields } from './offer.js';
import { INVOICE_TABLE, INVREQ_TABLE, OFFER_TABLE, SIGNATURE_TABLE, readTable, type InvoiceValues } from './tables.js';
import { fail, parseObject, type Parsed } from './stream.js';

export type InvoiceFields = Readonly<
  InvoiceValues & Required<Pick<InvoiceValues, 'paths' | 'blindedPay' | 'createdAt' | 'paymentHash' | 'amount' | 'nodeId'>>
>;

export interface Invoice extends InvoiceFields, Parsed {
  readonly kind: 'invoice';
  readonly offer: OfferFields;
  readonly invreq: InvreqFields;
  readonly signature: Uint8Array;
}

export const KNOWN_INVOICE_FEATURES: readonly number[] = [FEATURE.basicMpp];

/** Shared by invoices and static invoices: payment paths present, one payinfo each. */
export function checkPaymentPaths(v: Pick<InvoiceValues, 'paths' | 'blindedPay'>, what: string): void {
  if (v.paths === undefined || v.paths.length === 0) fail(what, 'missing or empty invoice_paths');
  if (v.blindedPay === undefined) fail(what, 'missing invoice_blindedpay');
  if (v.blindedPay.length !== v.paths.length) fail(what, 'invoice_blindedpay count differs from invoice_paths');
}

export function decodeInvoice(input: Uint8Array): Invoice {
  const what = 'invoice';
  const { bytes, records, unknown } = parseObject(
    input,
    ALLOWED.invoice,
    [OFFER_TABLE, INVREQ_TABLE, INVOICE_TABLE, SIGNATURE_TABLE],
    what,
  );
  const offer = readTable(OFFER_TABLE, records);
  const invreq = readTable(INVREQ_TABLE, records);
  const inv = readTable(INVOICE_TABLE, records);
  const { signature } = readTable(SIGNATURE_TABLE, records);

  // An invoice with no offer fields to bind to answers a refund: only the payer
  // fields are required then (LDK's ForRefund); otherwise the full offer/invreq rules.
  const forOffer = offer.issuerId !== undefined || offer.paths !== undefined;
  if (forOffer) {
    checkOfferFields(offer, what);
    checkInvreqFields(offer, invreq, what);
  } else {
    if (invreq.metadata === undefined) fail(what, 'missing invreq_metadata');
    if (invreq.payerId === undefined) fail(what, 'missing invreq_payer_id');
  }
  checkPaymentPaths(inv, what);
  if (inv.createdAt === undefined) fail(what, 'missing invoice_created_at');
  if (inv.paymentHash === undefined) fail(what, 'missing invoice_payment_hash');
  if (inv.amount === undefined) fail(what, 'missing invoice_amount');
  if (inv.nodeId === undefined) fail(what, 'missing invoice_node_id');
  if (unknownRequiredBits(inv.features, KNOWN_INVOICE_FEATURES).length > 0) fail(what, 'unknown required invoice feature');
  if (!isAllowedSigningKey(offer, inv.nodeId)) fail(what, 'invoice_node_id not allowed for this offer');
  if (signature === undefined) fail(what, 'missing signature');
  if (!verifyRecords(MESSAGE_NAME.invoice, records, signature, inv.nodeId)) fail(what, 'bad signature');
  return {
    kind: 'invoice',
    ...(inv as InvoiceFields),
    offer,
    invreq: invreq as InvreqFields,
    signature,
    bytes,
    records,
    unknown,
  };
}

/** Records an invoice copies from its request: all of them except signatures. */
export function invreqRecordsForInvoice(records: readonly TlvRecord[]): TlvRecord[] {
  return records.filter((r) => isInvreqRecordType(r.type));
}

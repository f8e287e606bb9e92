// Sending our invoice_request over one of the offer's paths, with a reply path to our
// virtual node whose context names the payment. An offer without paths is reached at
// its issuer node, through a one-hop blinded path we make for it (as BOLT 12 payers do).
import { fromHex } from '../codec/bytes.js';
import type { Offer } from '../bolt12/offer.js';
import { createBlindedPath } from '../onion/blinding.js';
import type { BlindedPath } from '../onion/types.js';
import type { Transport } from '../transport/transport.js';
import type { PaymentRecord } from './types.js';

/** Where the request can go: the offer's paths, else a path to its issuer. */
export function requestDestinations(offer: Offer): BlindedPath[] {
  if (offer.paths && offer.paths.length > 0) return [...offer.paths];
  if (offer.issuerId) return [createBlindedPath([{ nodeId: offer.issuerId, data: {} }])];
  return [];
}

/** Reply-path lifetime past the invoice deadline: a late invoice is still recognised (and ignored as such). */
const REPLY_SLACK = 600;

export async function sendInvoiceRequest(transport: Transport, rec: PaymentRecord, destination: BlindedPath): Promise<void> {
  const replyPath = await transport.createPath({
    kind: 'payer_invoice',
    paymentId: fromHex(rec.payment_id),
    expiresAt: rec.invoice_deadline + REPLY_SLACK,
  });
  await transport.send(destination, { kind: 'invoice_request', bytes: fromHex(rec.invreq) }, { replyPath });
}

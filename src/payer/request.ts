// Building our invoice_request for an offer (BOLT 12 "Requirements for invoice
// requests"): a fresh transient payer key per request (never stored: nothing needs
// it once the request is signed), random metadata, the chain of our network, an
// amount whenever the offer does not fix one in bitcoin. Pure but for randomness.
import { equalBytes } from '../codec/bytes.js';
import { randomBytes, randomPrivKey } from '../crypto/secp.js';
import { buildInvoiceRequest, Bolt12BuildError } from '../bolt12/build.js';
import { BITCOIN_CHAIN, offerChains, type InvoiceRequest } from '../bolt12/invoice-request.js';
import type { Offer } from '../bolt12/offer.js';
import { offerExpired } from '../bolt12/expiry.js';
import type { ChainHash } from '../bolt12/values.js';

export interface RequestParams {
  readonly amountMsat?: bigint;
  readonly payerNote?: string;
  readonly quantity?: bigint;
}

/** Why we will not request an invoice for this offer (said to the caller as is). */
export class RequestRefused extends Error {
  override readonly name = 'RequestRefused';
}

/** The amount the payee must receive: the request's, else the offer's bitcoin amount × quantity. */
export function amountOf(req: InvoiceRequest): bigint {
  if (req.amount !== undefined) return req.amount;
  // checkInvreqFields guarantees one of the two (a currency offer needs invreq_amount).
  return req.offer.amount! * (req.quantity ?? 1n);
}

export function buildPayerRequest(offer: Offer, chain: ChainHash, p: RequestParams, now: number): InvoiceRequest {
  if (offerExpired(offer, now)) throw new RequestRefused('offer has expired');
  if (!offerChains(offer).some((c) => equalBytes(c, chain))) throw new RequestRefused("offer is not for this node's chain");
  if (offer.amount === undefined && p.amountMsat === undefined) throw new RequestRefused('offer has no amount: amount_msat is required');
  if (offer.currency !== undefined && p.amountMsat === undefined) {
    throw new RequestRefused(`offer is priced in ${offer.currency}: give amount_msat`);
  }
  if (p.quantity !== undefined && offer.quantityMax === undefined) throw new RequestRefused('offer does not take a quantity');
  const quantity = offer.quantityMax !== undefined ? p.quantity ?? 1n : undefined;
  try {
    return buildInvoiceRequest(offer, {
      metadata: randomBytes(16),
      payerKey: randomPrivKey(),
      // BOLT 12: invreq_chain is omitted for bitcoin (LDK does the same).
      ...(equalBytes(chain, BITCOIN_CHAIN) ? {} : { chain }),
      ...(p.amountMsat !== undefined ? { amount: p.amountMsat } : {}),
      ...(quantity !== undefined ? { quantity } : {}),
      ...(p.payerNote !== undefined ? { payerNote: p.payerNote } : {}),
    });
  } catch (e) {
    if (e instanceof Bolt12BuildError) throw new RequestRefused(e.message.replace(/^buildInvoiceRequest: invoice_request: /, ''));
    throw e;
  }
}

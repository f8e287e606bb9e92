// Which key may sign an invoice for an offer (BOLT 12 invoice reader; LDK
// check_invoice_signing_pubkey; async-protocol.md §5.5): the offer's issuer id if it
// has one, otherwise the final blinded node id of one of the offer's paths.
import { equalBytes } from '../codec/bytes.js';
import type { PubKey } from '../crypto/secp.js';
import type { OfferFields } from './offer.js';

/** Whether `nodeId` is allowed to sign invoices for `offer`. */
export function isAllowedSigningKey(offer: OfferFields, nodeId: PubKey): boolean {
  if (offer.issuerId !== undefined) return equalBytes(offer.issuerId, nodeId);
  if (offer.paths !== undefined) {
    return offer.paths.some((p) => {
      const last = p.hops[p.hops.length - 1];
      return last !== undefined && equalBytes(last.blindedNodeId, nodeId);
    });
  }
  // No offer fields to bind to (an invoice for a refund): nothing to compare.
  return true;
}

// Building the async offer and its static invoice, as LDK's recipient does
// (async-protocol.md §7.4). Pure: keys, paths and time are inputs.
import { buildOffer, buildStaticInvoice, type NonEmpty, type PaymentPath } from '../bolt12/build.js';
import type { Offer } from '../bolt12/offer.js';
import type { StaticInvoice } from '../bolt12/static-invoice.js';
import type { ChainHash } from '../bolt12/values.js';
import { pubFromPriv, type PrivKey } from '../crypto/secp.js';
import type { BlindedPath } from '../onion/types.js';

const U32_MAX = 0xffffffff;

export interface AsyncOfferArgs {
  /** Omitted on mainnet (the implied chain), as LDK's builder does. */
  readonly chains?: readonly ChainHash[];
  /** Exactly the paths the server sent, all of them, in order. */
  readonly paths: NonEmpty<BlindedPath>;
  readonly signingKey: PrivKey;
  /** The server's paths_absolute_expiry; none = the offer does not expire. */
  readonly absoluteExpiry?: bigint;
}

/** The offer: chains, the server's paths, our per-offer issuer id, the paths' expiry. No amount, no description, no metadata. */
export function buildAsyncOffer(a: AsyncOfferArgs): Offer {
  return buildOffer({
    ...(a.chains ? { chains: a.chains } : {}),
    paths: a.paths,
    issuerId: pubFromPriv(a.signingKey),
    ...(a.absoluteExpiry !== undefined ? { absoluteExpiry: a.absoluteExpiry } : {}),
  });
}

/** LDK: the invoice lives as long as the offer (seconds until its expiry, capped at u32::MAX). */
export function invoiceRelativeExpiry(offer: Pick<Offer, 'absoluteExpiry'>, createdAt: number): number {
  if (offer.absoluteExpiry === undefined) return U32_MAX;
  const left = offer.absoluteExpiry - BigInt(createdAt);
  if (left <= 0n) return 0;
  return left > BigInt(U32_MAX) ? U32_MAX : Number(left);
}

export interface StaticInvoiceArgs {
  readonly offer: Offer;
  readonly signingKey: PrivKey;
  readonly paymentPaths: NonEmpty<PaymentPath>;
  readonly heldHtlcAvailablePaths: NonEmpty<BlindedPath>;
  readonly createdAt: number;
}

/** The static invoice: offer records copied raw, basic_mpp optional, TLV 166 always written, signed with the offer key. */
export function buildAsyncStaticInvoice(a: StaticInvoiceArgs): StaticInvoice {
  return buildStaticInvoice(
    {
      offer: a.offer,
      paymentPaths: a.paymentPaths,
      heldHtlcAvailablePaths: a.heldHtlcAvailablePaths,
      createdAt: BigInt(a.createdAt),
      relativeExpiry: invoiceRelativeExpiry(a.offer, a.createdAt),
    },
    a.signingKey,
  );
}

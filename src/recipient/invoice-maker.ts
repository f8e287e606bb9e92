// Gathers what a static invoice needs from the node — usable channels, block
// height, network — and our paths (held-HTLC paths, forward path), then builds
// the offer or the invoice with the pure builders. Used for the first invoice of
// an offer and for every refresh (same offer and key, new paths and created_at).
import { toHex } from '../codec/bytes.js';
import type { NonEmpty } from '../bolt12/build.js';
import { offerIdOf } from '../bolt12/offer-id.js';
import type { Offer } from '../bolt12/offer.js';
import type { StaticInvoice } from '../bolt12/static-invoice.js';
import type { BlindedPath } from '../onion/types.js';
import type { Transport } from '../transport/transport.js';
import { offerChainsFor } from './chain.js';
import { HELD_HTLC_PATH_GRACE } from './constants.js';
import { createForwardPath } from './forward-path.js';
import { offerSigningKey, paymentPathId } from './keys.js';
import { buildAsyncOffer, buildAsyncStaticInvoice, invoiceRelativeExpiry } from './offer-builder.js';
import { buildPaymentPaths, finalHopInfo, inboundChannels, type FinalHopInfo, type PeerChannelJson } from './payment-paths.js';

/** No channel we could build a payment path through: nothing can pay us. */
export class NoChannelError extends Error {
  override readonly name = 'NoChannelError';
  constructor() {
    super('no channel to build payment paths from (need a channel in normal state with a connected peer whose policy toward us is known)');
  }
}

export interface Rpc {
  call<T = any>(method: string, params?: Record<string, unknown>): Promise<T>;
}

export interface MadeInvoice {
  readonly invoice: StaticInvoice;
  readonly forwardPath: BlindedPath;
  readonly createdAt: number;
  readonly forwardIntro: string;
  /** Our final hop of each payment path: registered so payments over them are recognised. */
  readonly payPaths: readonly FinalHopInfo[];
  /** When the invoice expires (created_at + relative expiry). */
  readonly expiresAt: number;
}

const U32_MAX = 0xffffffff;

export class InvoiceMaker {
  constructor(
    private readonly transport: Transport,
    private readonly rpc: Rpc,
    private readonly now: () => number,
  ) {}

  private getinfo(): Promise<{ network: string; blockheight: number }> {
    return this.rpc.call('getinfo');
  }

  /** Usable inbound channels, for `asyncoffer`'s "no channel" diagnosis too. */
  async channels() {
    return inboundChannels((await this.transport.topology.peerChannels()) as PeerChannelJson[]);
  }

  async buildOffer(paths: NonEmpty<BlindedPath>, absoluteExpiry: bigint | undefined, nonce: Uint8Array): Promise<Offer> {
    const { network } = await this.getinfo();
    return buildAsyncOffer({
      ...(offerChainsFor(network) ? { chains: offerChainsFor(network)! } : {}),
      paths,
      signingKey: offerSigningKey(this.transport.secrets.offerKeyBase, nonce),
      ...(absoluteExpiry !== undefined ? { absoluteExpiry } : {}),
    });
  }

  /** A new static invoice for `offer` (created now), with its forward path. */
  async makeInvoice(slot: number, offer: Offer, nonce: Uint8Array, serverReplyPath: BlindedPath): Promise<MadeInvoice> {
    const { secrets } = this.transport;
    const createdAt = this.now();
    const relativeExpiry = invoiceRelativeExpiry(offer, createdAt);
    const [info, channels] = await Promise.all([this.getinfo(), this.channels()]);
    const pathArgs = {
      channels,
      ourId: secrets.ourId,
      pathId: paymentPathId(secrets.offerKeyBase, nonce),
      blockHeight: info.blockheight,
      relativeExpirySecs: relativeExpiry,
    };
    const paymentPaths = buildPaymentPaths(pathArgs);
    if (paymentPaths.length === 0) throw new NoChannelError();
    const offerTag = offerIdOf(offer.records).slice(0, 8);
    const held = await this.transport.createPath({
      kind: 'held_htlc',
      slot,
      expiresAt: Math.min(createdAt + relativeExpiry + HELD_HTLC_PATH_GRACE, U32_MAX),
      offerTag,
    });
    const invoice = buildAsyncStaticInvoice({
      offer,
      signingKey: offerSigningKey(secrets.offerKeyBase, nonce),
      paymentPaths: paymentPaths as unknown as NonEmpty<(typeof paymentPaths)[number]>,
      heldHtlcAvailablePaths: [held],
      createdAt,
    });
    const fwd = await createForwardPath(this.transport, { kind: 'forwarded_invreq', slot, offerTag }, serverReplyPath);
    return {
      invoice,
      forwardPath: fwd.path,
      createdAt,
      forwardIntro: fwd.intro,
      payPaths: finalHopInfo(paymentPaths, pathArgs),
      expiresAt: Math.min(createdAt + relativeExpiry, U32_MAX),
    };
  }
}

export function offerIdHex(offer: Offer): string {
  return toHex(offerIdOf(offer.records));
}

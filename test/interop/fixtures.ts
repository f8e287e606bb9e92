// Shared objects for the LDK cross-checks: named nodes, and one message of
// every kind this plugin sends or receives, each built by our own code
// (src/bolt12, src/onion, src/messages) with fixed keys.
import { fromHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import type { PrivKey, PubKey } from '../../src/crypto/secp.js';
import { buildInvoiceRequest, buildOffer, buildStaticInvoice } from '../../src/bolt12/build.js';
import { BITCOIN_CHAIN } from '../../src/bolt12/invoice-request.js';
import type { OnionMessage } from '../../src/messages/types.js';
import { createBlindedPath } from '../../src/onion/blinding.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { createReceivePath } from '../../src/transport/own-paths.js';
import { testNodes } from './ldk/nodes.js';

/**
 * us / virt: our node and its virtual node V (src/transport/own-paths.ts);
 * lsp, peer, hop1, hop2: LDK forwarders; ldkpayer, ldkserver: LDK endpoints;
 * issuer / payer: keys for BOLT 12 objects.
 */
export const n = testNodes('us', 'virt', 'lsp', 'peer', 'hop1', 'hop2', 'ldkpayer', 'ldkserver', 'issuer', 'payer');

/** Deterministic session / path keys for our builders. */
export const key = (label: string): PrivKey => sha256(utf8(`interop key ${label}`)) as PrivKey;

export const PATH_ID = fromHex('a1'.repeat(32));

/** Our receive path: us → V, V's hop holding PATH_ID (what the plugin hands out). */
export function ourReceivePath(opts: { introPeer?: PubKey; pad?: boolean; pathId?: Uint8Array } = {}): BlindedPath {
  return createReceivePath({
    ourId: n.us.pub,
    virtualId: n.virt.pub,
    pathId: opts.pathId ?? PATH_ID,
    ...(opts.introPeer ? { introPeer: opts.introPeer } : {}),
    ...(opts.pad !== undefined ? { pad: opts.pad } : {}),
  });
}

/** A payment-flavoured blinded path (for invoice_paths): us with payment fields. */
export function ourPaymentPath(): BlindedPath {
  return createBlindedPath(
    [
      {
        nodeId: n.us.pub,
        data: {
          pathId: fromHex('b2'.repeat(32)),
          paymentConstraints: { maxCltvExpiry: 800_000, htlcMinimumMsat: 1n },
        },
      },
    ],
    key('payment path'),
  );
}

export const NOW = 1_767_225_600n; // 2026-01-01

export const offerWithAmount = () =>
  buildOffer({ description: 'coffee', amount: 1000n, issuerId: n.issuer.pub, paths: [ourReceivePath()] });

export const asyncOffer = () =>
  buildOffer({ issuerId: n.issuer.pub, paths: [ourReceivePath()], absoluteExpiry: NOW + 365n * 86400n });

export function ourInvoiceRequest() {
  return buildInvoiceRequest(offerWithAmount(), { metadata: fromHex('01'.repeat(16)), payerKey: n.payer.priv, payerNote: 'hello LDK' });
}

export function ourStaticInvoice() {
  return buildStaticInvoice(
    {
      offer: asyncOffer(),
      paymentPaths: [
        {
          path: ourPaymentPath(),
          payinfo: {
            feeBaseMsat: 1,
            feeProportionalMillionths: 100,
            cltvExpiryDelta: 144,
            htlcMinimumMsat: 1n,
            htlcMaximumMsat: 1_000_000_000n,
            features: new Uint8Array(0),
          },
        },
      ],
      heldHtlcAvailablePaths: [ourReceivePath()],
      createdAt: NOW,
    },
    n.issuer.priv,
    new Uint8Array(32),
  );
}

/** One message of each kind the cross-checks carry, built by our code. */
export function ourMessages(extraPath: BlindedPath): ReadonlyArray<OnionMessage> {
  return [
    { kind: 'invoice_request', bytes: ourInvoiceRequest().bytes },
    { kind: 'held_htlc_available' },
    { kind: 'release_held_htlc' },
    { kind: 'offer_paths_request', invoiceSlot: 3 },
    { kind: 'offer_paths', paths: [ourReceivePath(), extraPath], pathsAbsoluteExpiry: NOW + 365n * 86400n },
    { kind: 'serve_static_invoice', invoice: ourStaticInvoice().bytes, forwardInvoiceRequestPath: ourReceivePath({ introPeer: n.lsp.pub }) },
    { kind: 'static_invoice_persisted' },
  ];
}

export { BITCOIN_CHAIN };

// Deterministic keys, paths and objects for the bolt12/messages tests.
import { asPrivKey, pubFromPriv, type PrivKey, type PubKey } from '../../src/crypto/secp.js';
import type { BlindedPath } from '../../src/onion/types.js';
import { fromHex } from '../../src/codec/bytes.js';
import {
  asChainHash, buildInvoiceRequest, buildOffer, buildStaticInvoice, type BlindedPayInfo, type Offer, type PaymentPath,
  type StaticInvoice,
} from '../../src/bolt12/index.js';

export function key(byte: number): PrivKey {
  return asPrivKey(new Uint8Array(32).fill(byte));
}
export function pub(byte: number): PubKey {
  return pubFromPriv(key(byte));
}

/** A path of `hops` hops whose keys derive from `seed`; the last hop's id is `last` if given. */
export function path(seed: number, hops = 1, dataLen = 10, last?: PubKey): BlindedPath {
  return {
    intro: { kind: 'pubkey', nodeId: pub(seed) },
    firstPathKey: pub(seed + 1),
    hops: Array.from({ length: hops }, (_, i) => ({
      blindedNodeId: i === hops - 1 && last ? last : pub(seed + 2 + i),
      encryptedData: new Uint8Array(dataLen).fill(seed + i),
    })),
  };
}

/** A compact path: sciddir intro (9 bytes), as LDK's offer paths. */
export function sciddirPath(seed: number): BlindedPath {
  return {
    intro: { kind: 'sciddir', direction: 1, scid: (700_000n << 40n) | (12n << 16n) | 1n },
    firstPathKey: pub(seed + 1),
    hops: [{ blindedNodeId: pub(seed + 2), encryptedData: new Uint8Array(16).fill(7) }],
  };
}

export const PAYINFO: BlindedPayInfo = {
  feeBaseMsat: 1000,
  feeProportionalMillionths: 100,
  cltvExpiryDelta: 144,
  htlcMinimumMsat: 1n,
  htlcMaximumMsat: 1_000_000_000n,
  features: new Uint8Array(0),
};

export const REGTEST = asChainHash(fromHex('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f'));
export const ISSUER_KEY = key(0x41);
export const PAYER_KEY = key(0x42);
export const NOW = 1_767_225_600n;

/** An async-recipient offer as LDK builds one: chain, S's paths, issuer id, expiry. */
export function asyncOffer(extra: Parameters<typeof buildOffer>[0]['extra'] = []): Offer {
  return buildOffer({
    chains: [REGTEST],
    paths: [sciddirPath(10), path(20, 2)],
    issuerId: pubFromPriv(ISSUER_KEY),
    absoluteExpiry: NOW + 365n * 86400n,
    extra,
  });
}

export function paymentPath(seed: number): PaymentPath {
  return { path: path(seed, 3, 40), payinfo: PAYINFO };
}

export function staticInvoiceFor(offer: Offer, createdAt = NOW, aux = new Uint8Array(32)): StaticInvoice {
  return buildStaticInvoice(
    {
      offer,
      paymentPaths: [paymentPath(30), paymentPath(40)],
      heldHtlcAvailablePaths: [path(50, 2, 60)],
      createdAt,
    },
    ISSUER_KEY,
    aux,
  );
}

export function invoiceRequestFor(offer: Offer, amount = 50_000n) {
  return buildInvoiceRequest(offer, { metadata: new Uint8Array(8).fill(9), payerKey: PAYER_KEY, amount }, new Uint8Array(32));
}

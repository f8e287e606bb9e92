// Micro-benchmarks of the BOLT 12 and message code (imported by scripts/bench.ts).
// Fixtures are built once at import, with the shape of an LDK recipient's static
// invoice: 2 offer paths, 3 payment paths of 4 hops, 1 held-HTLC path.
import { asChainHash, buildInvoiceRequest, buildOffer, buildStaticInvoice, decodeInvoiceRequest, decodeStaticInvoice, offerToString, parseOffer, signAndEncode, T, verifyRecords, merkleRoot, type PaymentPath } from '../../src/bolt12/index.js';
import { fromHex } from '../../src/codec/bytes.js';
import { asPrivKey, pubFromPriv } from '../../src/crypto/secp.js';
import { sha256 } from '../../src/crypto/hash.js';
import { decodeMessage, encodeMessage } from '../../src/messages/index.js';
import type { BlindedPath } from '../../src/onion/types.js';

const key = (b: number) => asPrivKey(new Uint8Array(32).fill(b));
const pub = (b: number) => pubFromPriv(key(b));
const path = (seed: number, hops: number, dataLen: number): BlindedPath => ({
  intro: { kind: 'pubkey', nodeId: pub(seed) },
  firstPathKey: pub(seed + 1),
  hops: Array.from({ length: hops }, (_, i) => ({ blindedNodeId: pub(seed + 2 + i), encryptedData: new Uint8Array(dataLen).fill(i) })),
});
const issuer = key(0x41);
const now = 1_767_225_600n;
const offer = buildOffer({
  chains: [asChainHash(fromHex('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f'))],
  paths: [path(10, 1, 20), path(20, 1, 20)],
  issuerId: pubFromPriv(issuer),
  absoluteExpiry: now + 365n * 86400n,
});
const payinfo = { feeBaseMsat: 1000, feeProportionalMillionths: 100, cltvExpiryDelta: 144, htlcMinimumMsat: 1n, htlcMaximumMsat: 10n ** 10n, features: new Uint8Array(0) };
const paymentPaths = [30, 40, 50].map((s) => ({ path: path(s, 4, 100), payinfo })) as unknown as readonly [PaymentPath, ...PaymentPath[]];
const build = () =>
  buildStaticInvoice({ offer, paymentPaths, heldHtlcAvailablePaths: [path(60, 4, 100)], createdAt: now }, issuer);
const inv = build();
const unsigned = inv.records.filter((r) => r.type !== T.signature);
const offerString = offerToString(offer);
// A payer's request for that offer, as the server checks it on every request served.
const invreq = buildInvoiceRequest(offer, { metadata: sha256(new Uint8Array([1])), payerKey: key(0x42), chain: offer.chains![0]!, amount: 100_000n, payerNote: 'bench' });
const serve = encodeMessage({ kind: 'serve_static_invoice', invoice: inv.bytes, forwardInvoiceRequestPath: path(70, 2, 30) });

export const cases: { name: string; run: () => void }[] = [
  { name: `static invoice: sign (merkle + BIP 340), ${inv.bytes.length} B`, run: () => void signAndEncode('static_invoice', unsigned, issuer) },
  { name: 'static invoice: build + sign + self-check (buildStaticInvoice)', run: () => void build() },
  { name: 'static invoice: verify signature only (merkle + BIP 340)', run: () => void verifyRecords('static_invoice', inv.records, inv.signature, inv.nodeId) },
  { name: 'static invoice: decode + validate + verify', run: () => void decodeStaticInvoice(inv.bytes) },
  { name: 'static invoice: merkle root', run: () => void merkleRoot(inv.records) },
  { name: `invoice_request: decode + validate + verify (${invreq.bytes.length} B)`, run: () => void decodeInvoiceRequest(invreq.bytes) },
  { name: 'invoice_request: merkle root', run: () => void merkleRoot(invreq.records) },
  { name: `offer string: decode (${offerString.length} chars)`, run: () => void parseOffer(offerString) },
  { name: 'offer string: encode', run: () => void offerToString(offer) },
  { name: 'message: decode serve_static_invoice', run: () => void decodeMessage(serve.type, serve.value) },
  { name: 'message: decode offer_paths_request', run: () => void decodeMessage(75540n, new Uint8Array([4, 0, 2, 0, 3])) },
];

// Micro-benchmarks of the recipient's payment checks (imported by scripts/bench.ts):
// what every htlc_accepted call costs before any I/O — reading the hook payload and
// the final payload (all HTLCs, ours or not), and the full check of a static-invoice
// part (decoding the invoice_request, its payer signature, amounts, CLTV).
import { toHex, utf8 } from '../../src/codec/bytes.js';
import { sha256 } from '../../src/crypto/hash.js';
import { asPrivKey, pubFromPriv } from '../../src/crypto/secp.js';
import { buildInvoiceRequest, buildOffer } from '../../src/bolt12/build.js';
import { encodeHopPayload, frameHopPayload } from '../../src/onion/hop_payload.js';
import { chainHashOf } from '../../src/recipient/chain.js';
import { checkStaticPart } from '../../src/recipient/pay/checks.js';
import { parseFinalPayload } from '../../src/recipient/pay/final-payload.js';
import { parseHtlcHook } from '../../src/recipient/pay/hook-payload.js';

const chain = chainHashOf('regtest');
const offer = buildOffer({ chains: [chain], issuerId: pubFromPriv(asPrivKey(sha256(utf8('bench offer')))) });
const req = buildInvoiceRequest(offer, { metadata: sha256(utf8('m')), payerKey: asPrivKey(sha256(utf8('bench payer'))), chain, amount: 100_000n, payerNote: 'bench' });
const preimage = sha256(utf8('bench preimage'));
const framed = frameHopPayload(
  encodeHopPayload({
    amtToForward: 100_000n,
    outgoingCltvValue: 800_000,
    encryptedRecipientData: new Uint8Array(57).fill(7),
    totalAmountMsat: 100_000n,
    extra: [
      { type: 77777n, value: req.bytes },
      { type: 5482373484n, value: preimage },
    ],
  }),
);
const hook = {
  onion: { payload: toHex(framed), next_onion: '00'.repeat(1366), shared_secret: '11'.repeat(32) },
  htlc: { short_channel_id: '800000x1x0', id: 3, amount_msat: 100_000, cltv_expiry: 800_040, cltv_expiry_relative: 40, payment_hash: toHex(sha256(preimage)) },
};
const fp = parseFinalPayload(framed);
const htlc = { amountMsat: 100_000n, cltvExpiry: 800_040, paymentHash: sha256(preimage) };
const path = { offerId: '', slot: 0, maxCltvExpiry: 900_000, htlcMinimumMsat: 1n, minFinalCltvDelta: 18 };

export const cases: { name: string; run: () => void }[] = [
  { name: `htlc_accepted: read hook + final payload (${framed.length} B)`, run: () => void parseFinalPayload(parseHtlcHook(hook)!.payload) },
  { name: 'static-invoice part: every check (invreq decode + payer signature + amounts + CLTV)', run: () => void checkStaticPart({ payload: fp, htlc, path, offerRecords: offer.records, chain, tip: 800_000 }) },
];

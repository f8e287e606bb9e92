// Bodies of the six async-payments messages, in LDK's framing (framing.ts) with
// LDK's field numbers and fixed-width integers (async-protocol.md §3.3, §4):
//   offer_paths_request   0 invoice_slot u16 (exactly 2 bytes)
//   offer_paths           0 paths (concatenated blinded paths), 2 paths_absolute_expiry u64 (8 bytes, optional)
//   serve_static_invoice  0 invoice (raw static invoice TLV), 2 forward_invoice_request_path (one blinded path)
//   static_invoice_persisted / held_htlc_available / release_held_htlc: no fields (`00`)
import { u16, u64 } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { tlvRecord } from '../codec/tlv.js';
import { decodeBlindedPath, decodeBlindedPaths, encodeBlindedPath, encodeBlindedPaths } from '../onion/blinded_path.js';
import { knownFields, readFramedStream, required, writeFramedStream } from './framing.js';
import type {
  HeldHtlcAvailableMessage, OfferPathsMessage, OfferPathsRequestMessage, ReleaseHeldHtlcMessage,
  ServeStaticInvoiceMessage, StaticInvoicePersistedMessage,
} from './types.js';

function fixed(b: Uint8Array, n: number, what: string): Reader {
  if (b.length !== n) throw new DecodeError(`${what}: expected exactly ${n} bytes, got ${b.length}`);
  return new Reader(b);
}

// ---- offer_paths_request

export function encodeOfferPathsRequest(m: OfferPathsRequestMessage): Uint8Array {
  if (!Number.isInteger(m.invoiceSlot) || m.invoiceSlot < 0 || m.invoiceSlot > 0xffff) throw new RangeError('invoice_slot must be a u16');
  return writeFramedStream([tlvRecord(0n, u16(m.invoiceSlot))]);
}

export function decodeOfferPathsRequest(value: Uint8Array): OfferPathsRequestMessage {
  const what = 'offer_paths_request';
  const f = knownFields(readFramedStream(value, what), [0n], what);
  const invoiceSlot = fixed(required(f, 0n, what, 'invoice_slot'), 2, `${what} invoice_slot`).u16();
  return { kind: 'offer_paths_request', invoiceSlot };
}

// ---- offer_paths

export function encodeOfferPaths(m: OfferPathsMessage): Uint8Array {
  const recs = [tlvRecord(0n, encodeBlindedPaths(m.paths))];
  if (m.pathsAbsoluteExpiry !== undefined) {
    if (m.pathsAbsoluteExpiry < 0n || m.pathsAbsoluteExpiry > 0xffffffffffffffffn) throw new RangeError('paths_absolute_expiry must be a u64');
    recs.push(tlvRecord(2n, u64(m.pathsAbsoluteExpiry)));
  }
  return writeFramedStream(recs);
}

export function decodeOfferPaths(value: Uint8Array): OfferPathsMessage {
  const what = 'offer_paths';
  const f = knownFields(readFramedStream(value, what), [0n, 2n], what);
  // An empty list parses (LDK can write it); the recipient ignores such a message.
  const paths = decodeBlindedPaths(required(f, 0n, what, 'paths'));
  const exp = f.get(2n);
  if (exp === undefined) return { kind: 'offer_paths', paths };
  return { kind: 'offer_paths', paths, pathsAbsoluteExpiry: fixed(exp, 8, `${what} paths_absolute_expiry`).u64() };
}

// ---- serve_static_invoice

export function encodeServeStaticInvoice(m: ServeStaticInvoiceMessage): Uint8Array {
  if (m.invoice.length === 0) throw new RangeError('serve_static_invoice: empty invoice');
  return writeFramedStream([tlvRecord(0n, m.invoice), tlvRecord(2n, encodeBlindedPath(m.forwardInvoiceRequestPath))]);
}

export function decodeServeStaticInvoice(value: Uint8Array): ServeStaticInvoiceMessage {
  const what = 'serve_static_invoice';
  const f = knownFields(readFramedStream(value, what), [0n, 2n], what);
  const invoice = required(f, 0n, what, 'invoice').slice();
  // No static invoice is empty; LDK's parse of one would fail the whole message.
  if (invoice.length === 0) throw new DecodeError(`${what}: empty invoice`);
  const forwardInvoiceRequestPath = decodeBlindedPath(required(f, 2n, what, 'forward_invoice_request_path'));
  return { kind: 'serve_static_invoice', invoice, forwardInvoiceRequestPath };
}

// ---- the three empty messages

type EmptyMessage = StaticInvoicePersistedMessage | HeldHtlcAvailableMessage | ReleaseHeldHtlcMessage;

export function encodeEmpty(): Uint8Array {
  return writeFramedStream([]);
}

/** Any unknown odd field is skipped; an unknown even one fails, like any TLV body. */
export function decodeEmpty<K extends EmptyMessage['kind']>(kind: K, value: Uint8Array): { readonly kind: K } {
  knownFields(readFramedStream(value, kind), [], kind);
  return { kind };
}

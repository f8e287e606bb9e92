// encodeMessage / decodeMessage: onion message contents ⇄ (onion TLV type, value).
import { DecodeError } from '../codec/errors.js';
import {
  decodeEmpty, decodeOfferPaths, decodeOfferPathsRequest, decodeServeStaticInvoice, encodeEmpty, encodeOfferPaths,
  encodeOfferPathsRequest, encodeServeStaticInvoice,
} from './async.js';
import { decodeInvoiceError, decodeRawObject, encodeInvoiceError } from './offers.js';
import { MESSAGE_TYPES, messageKindOf, type EncodedMessage, type OnionMessage } from './types.js';

export function encodeMessage(msg: OnionMessage): EncodedMessage {
  const type = MESSAGE_TYPES[msg.kind];
  switch (msg.kind) {
    case 'invoice_request':
    case 'invoice':
    case 'static_invoice':
      if (msg.bytes.length === 0) throw new RangeError(`${msg.kind}: empty object`);
      return { type, value: msg.bytes };
    case 'invoice_error':
      return { type, value: encodeInvoiceError(msg) };
    case 'offer_paths_request':
      return { type, value: encodeOfferPathsRequest(msg) };
    case 'offer_paths':
      return { type, value: encodeOfferPaths(msg) };
    case 'serve_static_invoice':
      return { type, value: encodeServeStaticInvoice(msg) };
    case 'static_invoice_persisted':
    case 'held_htlc_available':
    case 'release_held_htlc':
      return { type, value: encodeEmpty() };
  }
}

/** Decodes the value of a final-hop data TLV. Unknown types and bad bodies are a DecodeError. */
export function decodeMessage(type: bigint, value: Uint8Array): OnionMessage {
  const kind = messageKindOf(type);
  if (kind === undefined) throw new DecodeError(`unknown onion message type ${type}`);
  switch (kind) {
    case 'invoice_request':
    case 'invoice':
    case 'static_invoice':
      return { kind, bytes: decodeRawObject(value, kind) };
    case 'invoice_error':
      return decodeInvoiceError(value);
    case 'offer_paths_request':
      return decodeOfferPathsRequest(value);
    case 'offer_paths':
      return decodeOfferPaths(value);
    case 'serve_static_invoice':
      return decodeServeStaticInvoice(value);
    case 'static_invoice_persisted':
    case 'held_htlc_available':
    case 'release_held_htlc':
      return decodeEmpty(kind, value);
  }
}

// The contract between the entry point and the async recipient role (R).
import type { Inbound } from '../transport/transport.js';

export interface RecipientRole {
  /** Loads state and starts the timers (request missing slots, refresh invoices). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Handles messages on R's own paths; false for contexts it does not own. */
  handle(m: Inbound): Promise<boolean>;
  /** A peer connected: LDK re-checks offer paths on every connection. */
  onPeerConnected(peerId: string): void;
  /** `asyncoffer` */
  asyncOffer(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** `asyncreceive-setserver paths` */
  setServer(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** `asyncreceive-status` */
  status(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The payment side: `htlc_accepted`, `invoice_payment`, `asyncreceive-listpayments`. */
  readonly pay: {
    onHtlcAccepted(payload: unknown): Promise<Record<string, unknown>>;
    onInvoicePayment(payload: unknown): Promise<void>;
    listPayments(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  };
}

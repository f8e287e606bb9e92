// Sending our static invoices to the server (serve_static_invoice over its update
// path, with our confirmation reply path), for a new offer and on every refresh.
// The invoice's payment paths are registered with the payment code first: a payment
// over them may follow as soon as the server serves the invoice.
import { fromHex } from '../codec/bytes.js';
import { decodeOffer } from '../bolt12/offer.js';
import { decodeBlindedPath } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';
import type { Transport } from '../transport/transport.js';
import { offerTagOf, type OfferCache, type SlotRecord } from './cache.js';
import type { InvoiceMaker, MadeInvoice } from './invoice-maker.js';
import type { RecipientPayments } from './pay/payments.js';

export interface InvoiceSenderDeps {
  readonly transport: Transport;
  readonly maker: InvoiceMaker;
  readonly pay: RecipientPayments;
  readonly cache: () => OfferCache;
  readonly now: () => number;
  readonly log: { debug(m: string): void };
  readonly persist: (recs: SlotRecord[]) => Promise<void>;
  readonly slotError: (r: SlotRecord, msg: string) => Promise<void>;
}

export class InvoiceSender {
  constructor(private readonly d: InvoiceSenderDeps) {}

  /** Re-sends invoices of pending offers (every tick) and of used offers confirmed > 2 h ago. */
  async refresh(): Promise<void> {
    for (const rec of this.d.cache().needingInvoiceRefresh(this.d.now())) {
      const o = rec.offer!;
      const updatePath = decodeBlindedPath(fromHex(o.update_path));
      let made: MadeInvoice;
      try {
        made = await this.d.maker.makeInvoice(rec.slot, decodeOffer(fromHex(o.offer)), fromHex(o.nonce), updatePath);
      } catch (e) {
        await this.d.slotError(rec, `cannot build a fresh static invoice: ${(e as Error).message}`);
        continue;
      }
      this.d.log.debug(`refreshing the static invoice of slot ${rec.slot} (${rec.state})`);
      await this.send(rec, made, updatePath);
    }
  }

  /** serve_static_invoice over the server's update path, with our confirmation reply path. */
  async send(rec: SlotRecord, made: MadeInvoice, updatePath: BlindedPath): Promise<void> {
    const o = rec.offer!;
    try {
      await this.d.pay.registerInvoicePaths(o.offer_id, rec.slot, made);
      const reply = await this.d.transport.createPath({
        kind: 'persisted_reply',
        slot: rec.slot,
        createdAt: made.createdAt,
        offerTag: fromHex(offerTagOf(o.offer_id)),
      });
      await this.d.transport.send(
        updatePath,
        { kind: 'serve_static_invoice', invoice: made.invoice.bytes, forwardInvoiceRequestPath: made.forwardPath },
        { replyPath: reply },
      );
    } catch (e) {
      return this.d.slotError(rec, `could not send serve_static_invoice: ${(e as Error).message}`);
    }
    o.sent_invoice_created_at = made.createdAt;
    o.sent_at = this.d.now();
    o.invoices_sent++;
    rec.last_error = null;
    rec.last_error_at = null;
    await this.d.persist([rec]);
    this.d.log.debug(`sent serve_static_invoice for slot ${rec.slot} (${made.invoice.bytes.length} bytes, forward path intro: ${made.forwardIntro})`);
  }
}

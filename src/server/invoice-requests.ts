// Payers' invoice_requests on an offer path: forward to the recipient (it may be online
// and answer with a real invoice), then answer with the stored static invoice. Each
// request is forwarded once and served once per reply path, so one that comes back
// unchanged (a forward path leading back into our offer paths) stops here.
import { fromHex, toHex } from '../codec/bytes.js';
import { decodeInvoiceRequest } from '../bolt12/invoice-request.js';
import type { InvoiceRequestMessage } from '../messages/types.js';
import { decodeBlindedPath } from '../onion/blinded_path.js';
import type { BlindedPath } from '../onion/types.js';
import type { PathContext } from '../transport/context.js';
import type { Transport } from '../transport/transport.js';
import { Generations } from '../generations.js';
import { RecentRequests } from './recent-requests.js';
import type { RecipientBook, ServerLog } from './recipients.js';
import type { InvoiceRecord, ServerStore } from './server-store.js';

/** Decoded forms of the stored records being served, by invoice hex (bounded like the store's record cache; two generations). */
const DECODED_MAX = 4096;
interface Decoded {
  readonly forwardHex: string;
  readonly forwardPath: BlindedPath;
  readonly invoice: Uint8Array;
}

export class InvoiceRequests {
  private readonly recent: RecentRequests;
  private readonly decoded = new Generations<Decoded>(DECODED_MAX);

  constructor(
    private readonly transport: Transport,
    private readonly store: ServerStore,
    private readonly book: RecipientBook,
    private readonly log: ServerLog,
    private readonly now: () => number,
  ) {
    this.recent = new RecentRequests(now);
  }

  async handle(
    ctx: Extract<PathContext, { kind: 'offer' }>,
    msg: InvoiceRequestMessage,
    replyPath: BlindedPath | undefined,
    relayed: boolean,
  ): Promise<void> {
    const rkHex = toHex(ctx.recipient);
    const name = this.book.nameOf(rkHex)!;
    if (!replyPath) return this.book.reject(rkHex, 'no_reply_path', 'invoice_request without reply path');
    // Something we relayed ourselves came back in-process: it was forwarded already.
    if (relayed) return this.book.reject(rkHex, 'duplicate_invoice_request', 'invoice_request we relayed came back to an offer path');
    try {
      decodeInvoiceRequest(msg.bytes); // BOLT 12 reader rules and the payer's signature
    } catch (e) {
      return this.book.reject(rkHex, 'bad_invoice_request', `invoice_request rejected: ${(e as Error).message}`);
    }
    const rec = await this.store.getInvoice(ctx.recipient, ctx.slot);
    if (!rec || rec.status !== 'confirmed') {
      // Never invoice_error: an LDK payer abandons the payment on one.
      this.log.debug(`invoice_request for ${name} slot ${ctx.slot}: nothing ${rec ? 'confirmed' : 'stored'}, not answering`);
      this.book.bump(rkHex, 'rejected', 'nothing_stored');
      return;
    }
    // Each request is forwarded once and served once per reply path: a request that
    // comes back unchanged (a forward path leading back into our offer paths, possibly
    // through other nodes) stops here instead of going round.
    const keys = RecentRequests.keys(msg.bytes, replyPath);
    const forward = this.recent.firstTime(keys.request);
    const serve = this.recent.firstTime(keys.reply);
    if (!forward && !serve) return this.book.reject(rkHex, 'duplicate_invoice_request', `invoice_request for ${name} slot ${ctx.slot} already handled`);
    let d: Decoded;
    try {
      d = this.decode(rec.invoice, rec.forward_invoice_request_path);
    } catch (e) {
      this.log.unusual(`stored static invoice of ${name} slot ${ctx.slot} is unreadable: ${(e as Error).message}`);
      return;
    }
    // Forward first (the recipient may be online and answer with a real invoice), as LDK
    // does; the answer does not wait for lightningd to take the forward, so both
    // injections usually leave in one write.
    const forwarded = forward
      ? this.transport.send(d.forwardPath, msg, { replyPath, peerOnly: true }).then(
          () => {
            this.book.bump(rkHex, 'forwarded');
            return true;
          },
          (e: Error) => {
            this.log.debug(`could not forward invoice_request to ${name}: ${e.message}`);
            return false;
          },
        )
      : false;
    const served = serve ? await this.serve(rkHex, name, ctx.slot, rec, d.invoice, replyPath) : false;
    // One line per request that got anywhere (the receiver leaves offer paths' messages to
    // us): a busy server writes it for every payer.
    const done = [served && 'served the static invoice', (await forwarded) && 'forwarded it to the recipient'].filter(Boolean);
    if (done.length) this.log.debug(`invoice_request for ${name} slot ${ctx.slot}: ${done.join(', ')}`);
  }

  /** Sends the stored invoice to `replyPath`; false (logged) when it was not sent. */
  private async serve(rkHex: string, name: string, slot: number, rec: InvoiceRecord, invoice: Uint8Array, replyPath: BlindedPath): Promise<boolean> {
    // The stored bytes were fully validated when accepted; only time can have changed.
    const now = this.now();
    const expired = now > rec.expires_at ? 'expired' : rec.offer_expires_at !== 0 && now > rec.offer_expires_at ? 'offer expired' : undefined;
    if (expired) {
      this.log.debug(`not serving ${name} slot ${slot}: stored invoice ${expired}`);
      return false;
    }
    try {
      await this.transport.send(replyPath, { kind: 'static_invoice', bytes: invoice });
      this.book.bump(rkHex, 'served');
      return true;
    } catch (e) {
      this.log.info(`could not send static_invoice for ${name}: ${(e as Error).message}`);
      return false;
    }
  }

  /**
   * The stored bytes were fully validated when accepted: decoding them again (hex, and
   * the forward path's points) on every request served would repeat that work.
   */
  private decode(invoiceHex: string, forwardHex: string): Decoded {
    const hit = this.decoded.get(invoiceHex);
    if (hit && hit.forwardHex === forwardHex) return hit;
    const d: Decoded = { forwardHex, forwardPath: decodeBlindedPath(fromHex(forwardHex)), invoice: fromHex(invoiceHex) };
    this.decoded.set(invoiceHex, d);
    return d;
  }
}

// What `asyncoffer` answers: the picked offer, or an error naming the state that
// keeps an offer from being ready (so an operator knows what to fix or wait for).
import { fromHex } from '../codec/bytes.js';
import { offerToString } from '../bolt12/offer.js';
import { RpcError } from '../cln/errors.js';
import type { SlotRecord } from './cache.js';

/** `asyncoffer` errors: no offer can be handed out yet; `data.state` says why. */
export const ERR_NO_SERVER = 1920;
export const ERR_NO_OFFER_YET = 1921;

export function noServerError(configError: string | null): RpcError {
  return new RpcError(ERR_NO_SERVER, `no static invoice server configured${configError ? ` (${configError})` : ''}: set asyncpay-server-paths or call asyncreceive-setserver`, { state: 'no_server' });
}

export function offerAnswer(r: SlotRecord, fresh: boolean): Record<string, unknown> {
  return {
    offer: offerToString({ bytes: fromHex(r.offer!.offer) }),
    offer_id: r.offer!.offer_id,
    expires_at: r.offer!.expires_at,
    // "ready": handed out for the first time now; "used": returned before.
    state: fresh ? 'ready' : 'used',
    invoice_slot: r.slot,
    invoice_created_at: r.offer!.invoice_created_at,
  };
}

export async function noOfferError(waiting: string | undefined, channelCount: () => Promise<number>): Promise<RpcError> {
  if (waiting === 'awaiting_confirmation') {
    return new RpcError(ERR_NO_OFFER_YET, 'no async offer ready yet: awaiting confirmation (static_invoice_persisted) from the static invoice server', { state: 'awaiting_confirmation' });
  }
  if ((await channelCount().catch(() => 0)) === 0) {
    return new RpcError(ERR_NO_OFFER_YET, 'no async offer ready yet: no channel to build payment paths from (open a channel, e.g. with the server)', { state: 'no_channel' });
  }
  return new RpcError(ERR_NO_OFFER_YET, 'no async offer ready yet: requesting offer paths from the static invoice server', { state: 'requesting' });
}

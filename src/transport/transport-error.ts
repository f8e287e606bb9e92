/** Why a message could not be sent (no route, refused relay, lightningd said no). */
export class TransportError extends Error {
  override readonly name = 'TransportError';
}

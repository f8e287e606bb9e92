/** The one error type every decoder in this project throws on bad input. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(message: string) {
    super(message);
  }
}

/** Throws a DecodeError unless `cond` holds. */
export function ensure(cond: unknown, message: string): asserts cond {
  if (!cond) throw new DecodeError(message);
}

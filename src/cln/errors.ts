/**
 * Error types of the plugin runtime. Kept apart from the code that throws
 * them so callers (and other layers) can import them without the runtime.
 */

/** JSON-RPC 2.0 codes we use when the handler did not choose one. */
export const JSONRPC_INVALID_REQUEST = -32600;
export const JSONRPC_METHOD_NOT_FOUND = -32601;
export const JSONRPC_INVALID_PARAMS = -32602;
export const JSONRPC_INTERNAL_ERROR = -32603;

/**
 * Throw this from a method handler to answer the caller with a JSON-RPC error
 * of your choosing (lightningd passes code, message and data through to
 * `lightning-cli`). Any other exception becomes JSONRPC_INTERNAL_ERROR.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

/** lightningd answered one of our RPC calls with an error object. */
export class RpcCallError extends Error {
  override readonly name = 'RpcCallError';
  constructor(
    /** The method we called, to make logs readable. */
    readonly method: string,
    readonly code: number,
    /** lightningd's own message, unchanged. */
    readonly rpcMessage: string,
    readonly data?: unknown,
  ) {
    super(`${method}: ${rpcMessage} (code ${code})`);
  }
}

/**
 * The RPC call could not be made or its answer was lost: socket missing,
 * refused, or closed while the call was in flight. The call may or may not
 * have been executed by lightningd; we never resend it on our own because
 * many calls (injectonionmessage, connect) are not idempotent.
 */
export class RpcConnectionError extends Error {
  override readonly name = 'RpcConnectionError';
  constructor(
    readonly method: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${method}: ${message}`);
  }
}

/** An RPC call was made before lightningd told us (in `init`) where its socket is. */
export class RpcNotReadyError extends Error {
  override readonly name = 'RpcNotReadyError';
  constructor(readonly method: string) {
    super(`${method}: lightningd RPC is not available before the plugin's init`);
  }
}

/** The manifest itself is not something lightningd would accept. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/**
 * The handlers registered in code do not match the manifest: a declared
 * method/hook/subscription without a handler (lightningd would call it and
 * get nothing) or a handler for something undeclared (it would never run).
 */
export class HandlerMismatchError extends Error {
  override readonly name = 'HandlerMismatchError';
  constructor(readonly problems: readonly string[]) {
    super(`plugin handlers do not match the manifest:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * lightningd plugin runtime: the one import the rest of the project needs.
 *
 *   const p = new Plugin(manifestPath);                  // the getmanifest answer, verbatim
 *   p.onInit(async (options, configuration) => { ... });  // options typed per manifest, defaults applied
 *   p.method('asyncoffer', async (params, ctx) => {        // array params mapped to `usage` names
 *     throw new RpcError(1000, 'no offer ready', { state }); // -> JSON-RPC error with that code
 *   });
 *   p.hook('onion_message_recv', async (params, ctx) => 'handled'); // throw -> {"result":"continue"}
 *   p.subscribe('onionmessage_forward_fail', (payload) => { ... }); // payload unwrapped
 *   p.onShutdown(async () => db.close());
 *   await p.start();                                      // throws on manifest/handler mismatch
 *   ... p.rpc.call('getinfo'), p.notify('asyncpay_static_invoice', {...}), p.log('info', '...')
 *
 * Nothing may write to stdout before start(); from then on console.log and
 * friends become `log` notifications.
 */
export { Plugin } from './plugin.js';
export { unwrapNotification } from './params.js';
export type {
  Configuration,
  HookHandler,
  HookOptions,
  HookResult,
  InitHandler,
  JsonRpcId,
  MethodHandler,
  NotificationContext,
  NotificationHandler,
  Params,
  PluginOptions,
  RequestContext,
  ShutdownHandler,
} from './types.js';
export { RpcClient } from './rpc.js';
export type { RpcClientOptions, RpcParams } from './rpc.js';
export {
  HandlerMismatchError,
  JSONRPC_INTERNAL_ERROR,
  JSONRPC_INVALID_PARAMS,
  JSONRPC_INVALID_REQUEST,
  JSONRPC_METHOD_NOT_FOUND,
  ManifestError,
  RpcCallError,
  RpcConnectionError,
  RpcError,
  RpcNotReadyError,
} from './errors.js';
export { loadManifest, validateManifest, parseOptions, usageNames } from './manifest.js';
export type { Manifest, ManifestHook, ManifestMethod, ManifestOption, OptionType, OptionValue, OptionValues } from './manifest.js';
export type { LogFunction, LogLevel, Logger } from './log.js';
export { JsonScanner, encodeMessage } from './framing.js';
export type { ScanResult } from './framing.js';

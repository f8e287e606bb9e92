/** lightningd plugin runtime: the one import the rest of the project needs. */
export { Plugin, unwrapNotification } from './plugin.js';
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
} from './plugin.js';
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

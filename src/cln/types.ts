/**
 * Types of the plugin API: what handlers receive and may return. Apart from
 * plugin.ts so layers that only implement handlers need not import the runtime.
 */
import type { LogFunction } from './log.js';
import type { OptionValues } from './manifest.js';
import type { RpcClient } from './rpc.js';
import type { Readable, Writable } from 'node:stream';
import type { Plugin } from './plugin.js';

export type JsonRpcId = string | number;
export type Params = Record<string, unknown>;

/** `init`'s `configuration` object (fields lightningd v26.06 sends; more may come). */
export interface Configuration {
  'lightning-dir': string;
  'rpc-file': string;
  startup?: boolean;
  network?: string;
  feature_set?: Record<string, string>;
  proxy?: unknown;
  'torv3-enabled'?: boolean;
  always_use_proxy?: boolean;
  [key: string]: unknown;
}

export interface RequestContext {
  /** The request id, exactly as lightningd sent it. */
  readonly id: JsonRpcId;
  readonly method: string;
  /** The whole JSON-RPC request (e.g. for `filter`). */
  readonly request: Readonly<Record<string, unknown>>;
  readonly plugin: Plugin;
  readonly rpc: RpcClient;
  readonly log: LogFunction;
}

export interface NotificationContext {
  readonly topic: string;
  /** The plugin that emitted a custom notification, when lightningd says. */
  readonly origin: string | undefined;
  /** `params` as received, before unwrapping. */
  readonly raw: unknown;
  readonly plugin: Plugin;
  readonly rpc: RpcClient;
  readonly log: LogFunction;
}

/** What a hook handler may return: `undefined` means `{"result":"continue"}`, a string `s` means `{"result": s}`. */
export type HookResult = { result?: string; [key: string]: unknown } | string | undefined | void;

export type MethodHandler<P = Params> = (params: P, ctx: RequestContext) => unknown;
export type HookHandler<P = Params> = (params: P, ctx: RequestContext) => HookResult | Promise<HookResult>;
export type NotificationHandler<P = any> = (payload: P, ctx: NotificationContext) => void | Promise<void>;
/** May return `{ disable: reason }` (or throw) to have lightningd disable the plugin. */
export type InitHandler = (options: OptionValues, configuration: Configuration, plugin: Plugin) => void | { disable: string } | Promise<void | { disable: string }>;
export type ShutdownHandler = (reason: string) => void | Promise<void>;

export interface HookOptions {
  /** Answer when the handler throws or returns something unusable. Default `{"result":"continue"}`. */
  fallback?: Record<string, unknown>;
  /**
   * Answer `fallback` if the handler has not settled after this many ms
   * (its late result is then logged and dropped). lightningd has no hook
   * timeout: an unanswered hook holds that message's chain forever. Off by
   * default because for some hooks a late `continue` is not harmless.
   */
  timeoutMs?: number;
}

export interface PluginOptions {
  /** Defaults to process.stdin. */
  stdin?: Readable;
  /**
   * Defaults to process.stdout; then everything else written to process.stdout
   * (console.log…) is turned into `log` notifications.
   */
  stdout?: Writable;
  /** Ids of our RPC calls are `<prefix>:<method>#<n>`. Defaults to the script's name. */
  rpcIdPrefix?: string;
  /** Called to end the process (tests replace it). Default process.exit. */
  exit?: (code: number) => void;
  /** How long shutdown callbacks may take before we exit anyway. Default 10 s (lightningd waits 30). */
  shutdownTimeoutMs?: number;
  /** Log unhandled promise rejections instead of crashing. Default: when using process stdio. */
  catchUnhandledRejections?: boolean;
}


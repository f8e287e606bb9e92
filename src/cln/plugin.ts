/**
 * The plugin runtime: speaks lightningd's plugin protocol on stdin/stdout
 * and dispatches to handlers registered in code.
 *
 * Rules it enforces, each because lightningd punishes breaking it:
 * - every hook call is answered exactly once, and never with a JSON-RPC
 *   error (lightningd calls fatal() on one); a failing handler answers the
 *   hook's fallback, `{"result":"continue"}` unless told otherwise;
 * - ids are echoed exactly as received (lightningd uses string ids);
 * - stdout carries only JSON-RPC messages;
 * - hook, method and notification calls that arrive before `init` has been
 *   handled (possible for dynamic plugins) wait until it has;
 * - handlers run concurrently: a slow hook does not hold up the others.
 */
import { basename } from 'node:path';
import { runHook, runMethod, runNotification, notificationOrigin, type Answers, type Incoming } from './calls.js';
import { JSONRPC_INTERNAL_ERROR, JSONRPC_INVALID_REQUEST, JSONRPC_METHOD_NOT_FOUND } from './errors.js';
import { JsonScanner } from './framing.js';
import { readInit, runInitHandlers } from './init.js';
import { LOG_LEVELS, captureStdout, describeError, logNotifications, makeLogger, type LogFunction, type LogLevel } from './log.js';
import { loadManifest, validateManifest, type Manifest, type OptionValues } from './manifest.js';
import { isPlainObject } from './params.js';
import { MessageWriter } from './output.js';
import { HandlerRegistry } from './registry.js';
import { RpcClient } from './rpc.js';
import { runShutdownHandlers } from './shutdown.js';
import type {
  Configuration,
  HookHandler,
  HookOptions,
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

export type * from './types.js';
export { unwrapNotification } from './params.js';

export class Plugin {
  readonly manifest: Readonly<Manifest>;
  /** `log(level, message)` or `log.info(message)`: `log` notifications to lightningd. */
  readonly log: LogFunction;
  /** lightningd's RPC; calls reject with RpcNotReadyError until init. */
  readonly rpc: RpcClient;

  private readonly handlers: HandlerRegistry;
  private readonly initHandlers: InitHandler[] = [];
  private readonly shutdownHandlers: ShutdownHandler[] = [];
  /** respond/respondRaw/respondError, for the call runners. */
  private readonly answers: Answers;

  private readonly opts: PluginOptions;
  private writer: MessageWriter | undefined;
  private restoreStdout: (() => void) | undefined;
  private started = false;
  private initState: 'waiting' | 'running' | 'done' | 'disabled' = 'waiting';
  private readonly beforeInit: Incoming[] = [];
  private initResolvers: Array<() => void> = [];
  private shuttingDown: Promise<void> | undefined;

  private optionValues: OptionValues = {};
  private config: Configuration | undefined;
  /** From getmanifest's params. */
  allowDeprecatedApis = false;

  /**
   * @param manifest the getmanifest answer: an object, or the path of a JSON file.
   */
  constructor(manifest: Manifest | string, options: PluginOptions = {}) {
    const m = typeof manifest === 'string' ? loadManifest(manifest) : validateManifest(structuredClone(manifest));
    this.manifest = m;
    this.opts = options;
    this.handlers = new HandlerRegistry(m);
    this.answers = {
      respond: (id, result) => this.respond(id, result),
      respondRaw: (id, body, onUnserialisable) => this.respondRaw(id, body, onUnserialisable),
      respondError: (id, code, message) => this.respondError(id, code, message),
    };
    this.log = makeLogger((level, message) => this.emitLog(level, message));
    const prefix = options.rpcIdPrefix ?? (basename(process.argv[1] ?? 'plugin').replace(/\.[cm]?js$/, '') || 'plugin');
    this.rpc = new RpcClient({ idPrefix: prefix, log: this.log });
  }

  // ---- registration -------------------------------------------------------

  /** Handles the RPC method `name` (declared in the manifest's `rpcmethods`). */
  method<P = Params>(name: string, handler: MethodHandler<P>): this {
    this.handlers.addMethod(name, handler);
    return this;
  }

  /** Handles the hook `name` (declared in the manifest's `hooks`). */
  hook<P = Params>(name: string, handler: HookHandler<P>, options: HookOptions = {}): this {
    this.handlers.addHook(name, handler, options);
    return this;
  }

  /**
   * Handles notifications of `topic` (declared in `subscriptions`). The
   * handler gets the payload unwrapped from lightningd's `{"<topic>": {...}}`.
   */
  subscribe<P = any>(topic: string, handler: NotificationHandler<P>): this {
    this.handlers.addSubscription(topic, handler as NotificationHandler);
    return this;
  }

  /** Runs at init, after options are parsed and before init is answered. */
  onInit(handler: InitHandler): this {
    this.initHandlers.push(handler);
    return this;
  }

  /**
   * Runs before the process exits: on the `shutdown` notification (when
   * subscribed) or when lightningd closes our stdin.
   */
  onShutdown(handler: ShutdownHandler): this {
    this.shutdownHandlers.push(handler);
    return this;
  }

  // ---- state ----------------------------------------------------------------

  /** Option values typed per the manifest (defaults applied); empty before init. */
  get options(): Readonly<OptionValues> {
    return this.optionValues;
  }

  /** init's configuration; throws before init. */
  get configuration(): Readonly<Configuration> {
    if (!this.config) throw new Error('configuration is not known before init');
    return this.config;
  }

  get initialized(): boolean {
    return this.initState === 'done';
  }

  /** Resolves once init has been handled and answered successfully. */
  whenInitialized(): Promise<void> {
    if (this.initState === 'done') return Promise.resolve();
    return new Promise((resolve) => this.initResolvers.push(resolve));
  }

  // ---- output ---------------------------------------------------------------

  /**
   * Emits a custom notification declared in the manifest's `notifications`.
   * Sent as `{"<topic>": payload}`, the shape lightningd uses for its own
   * notifications and that pyln subscribers expect.
   */
  notify(topic: string, payload: unknown): void {
    if (!this.handlers.declaredNotifications.has(topic)) {
      // lightningd would drop it with an "unusual" log; fail where the bug is.
      throw new Error(`notification topic "${topic}" is not declared in the manifest`);
    }
    this.send({ jsonrpc: '2.0', method: topic, params: { [topic]: payload } });
  }

  // ---- lifecycle ------------------------------------------------------------

  /**
   * Every declared method, hook and subscription has a handler and every
   * handler is declared. Throws HandlerMismatchError listing all problems.
   */
  checkHandlers(): void {
    this.handlers.check();
  }

  /**
   * Checks the handlers against the manifest, then starts reading stdin.
   * Resolves as soon as the plugin is listening (see whenInitialized()).
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('plugin already started');
    this.checkHandlers();
    this.started = true;
    const stdin = this.opts.stdin ?? process.stdin;
    const usingProcessStdout = this.opts.stdout === undefined;
    if (usingProcessStdout) {
      const { rawWrite, restore } = captureStdout((text) => this.emitLog('info', text));
      this.restoreStdout = restore;
      this.writer = new MessageWriter(rawWrite, (err) => this.onOutputFailure(err));
      process.stdout.on('error', (err) => this.onOutputFailure(err));
    } else {
      this.writer = MessageWriter.forStream(this.opts.stdout!, (err) => this.onOutputFailure(err));
    }
    if (this.opts.catchUnhandledRejections ?? (usingProcessStdout && this.opts.stdin === undefined)) {
      process.on('unhandledRejection', (reason) => this.log.broken(`unhandled promise rejection: ${describeError(reason)}`));
    }
    const scanner = new JsonScanner();
    stdin.on('data', (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      for (const r of scanner.push(buf)) {
        if (r.kind !== 'message') {
          this.log.unusual(`dropped malformed input from lightningd (${r.bytes} bytes, ${r.reason}): ${r.sample}`);
          continue;
        }
        try {
          this.receive(r.value);
        } catch (e) {
          // Never let one message stop the ones after it in this chunk.
          this.log.broken(`internal error handling a message: ${describeError(e)}`);
        }
      }
    });
    const onEnd = (): void => {
      for (const r of scanner.end()) if (r.kind === 'malformed') this.log.unusual(`stdin closed mid-message (${r.bytes} bytes dropped)`);
      void this.shutdown('lightningd closed our stdin');
    };
    stdin.once('end', onEnd);
    stdin.once('error', (err) => {
      this.log.broken(`stdin failed: ${describeError(err)}`);
      onEnd();
    });
  }

  // ---- dispatch -------------------------------------------------------------

  private receive(value: unknown): void {
    if (!isPlainObject(value)) {
      this.log.unusual('ignoring a JSON-RPC message that is not an object');
      return;
    }
    if (typeof value.method !== 'string') {
      // Responses never come on stdin (our calls go through the socket).
      this.log.unusual(`ignoring a message without "method"${value.id !== undefined ? ` (id ${JSON.stringify(value.id)})` : ''}`);
      return;
    }
    const msg = value as Incoming;
    const hasId = msg.id !== undefined && msg.id !== null;
    if (msg.method === 'getmanifest' && hasId) return this.answerGetmanifest(msg);
    if (msg.method === 'init' && hasId) {
      void this.handleInit(msg);
      return;
    }
    if (this.initState === 'disabled') return this.answerWhileDisabled(msg);
    if (this.initState !== 'done') {
      // Dynamic plugins can get hook calls before init (lightningd has no
      // state gate in plugin_request_send): hold them until init is done.
      this.beforeInit.push(msg);
      return;
    }
    this.dispatch(msg);
  }

  private dispatch(msg: Incoming): void {
    const hasId = msg.id !== undefined && msg.id !== null;
    if (!hasId) {
      void this.handleNotification(msg);
      return;
    }
    const hook = this.handlers.hooks.get(msg.method);
    if (hook) {
      void runHook(this.answers, this.log, msg, hook, this.context(msg));
      return;
    }
    const method = this.handlers.methods.get(msg.method);
    if (method) {
      void runMethod(this.answers, this.log, msg, method, this.context(msg));
      return;
    }
    this.respondError(msg.id as JsonRpcId, JSONRPC_METHOD_NOT_FOUND, `unknown method "${msg.method}"`);
  }

  private answerGetmanifest(msg: Incoming): void {
    if (isPlainObject(msg.params)) this.allowDeprecatedApis = msg.params['allow-deprecated-apis'] === true;
    this.respond(msg.id as JsonRpcId, this.manifest);
  }

  private async handleInit(msg: Incoming): Promise<void> {
    const id = msg.id as JsonRpcId;
    if (this.initState !== 'waiting') {
      this.log.unusual('init received twice; ignoring the second one');
      this.respondError(id, JSONRPC_INVALID_REQUEST, 'init already received');
      return;
    }
    this.initState = 'running';
    const init = readInit(this.manifest.options ?? [], msg.params);
    this.optionValues = init.values;
    this.config = init.configuration;
    if (init.rpcSocket !== undefined) this.rpc.configure(init.rpcSocket);
    else this.log.unusual('init has no lightning-dir/rpc-file: lightningd RPC unavailable');
    const disable = await runInitHandlers(this.initHandlers, init, this, this.log);
    if (disable !== undefined) {
      // lightningd kills a plugin that answers init with `disable`, cleanly,
      // without failing startup; an error answer would be treated as fatal.
      this.initState = 'disabled';
      this.log.broken(`disabling plugin: ${disable}`);
      this.respond(id, { disable });
      for (const m of this.beforeInit.splice(0)) this.answerWhileDisabled(m);
      return;
    }
    this.respond(id, {});
    this.initState = 'done';
    for (const r of this.initResolvers.splice(0)) r();
    for (const m of this.beforeInit.splice(0)) this.dispatch(m);
  }

  private answerWhileDisabled(msg: Incoming): void {
    if (msg.id === undefined || msg.id === null) return;
    const hook = this.handlers.hooks.get(msg.method);
    if (hook) this.respond(msg.id as JsonRpcId, hook.fallback);
    else this.respondError(msg.id as JsonRpcId, JSONRPC_INTERNAL_ERROR, 'plugin is disabled');
  }

  private context(msg: Incoming): RequestContext {
    return { id: msg.id as JsonRpcId, method: msg.method, request: msg, plugin: this, rpc: this.rpc, log: this.log };
  }

  private async handleNotification(msg: Incoming): Promise<void> {
    const topic = msg.method;
    const handler = this.handlers.subscription(topic);
    const isShutdown = topic === 'shutdown' && this.handlers.declaredSubscriptions.has('shutdown');
    if (!handler && !isShutdown) {
      this.log.debug(`no handler for notification ${topic}; ignored`);
      return;
    }
    if (handler) {
      const ctx: NotificationContext = { topic, origin: notificationOrigin(msg), raw: msg.params, plugin: this, rpc: this.rpc, log: this.log };
      await runNotification(this.log, handler, msg, ctx);
    }
    if (isShutdown) await this.shutdown('lightningd sent shutdown');
  }

  // ---- shutdown -------------------------------------------------------------

  private onOutputFailure(err: Error): void {
    // lightningd is gone; nobody can read our answers or logs any more.
    process.stderr.write(`plugin stdout failed (${err.message}); exiting\n`);
    void this.shutdown('stdout failed');
  }

  private shutdown(reason: string): Promise<void> {
    if (this.shuttingDown) return this.shuttingDown;
    this.shuttingDown = (async () => {
      await runShutdownHandlers(this.shutdownHandlers, reason, this.opts.shutdownTimeoutMs ?? 10_000, this.log);
      this.rpc.close();
      await this.writer?.flush();
      this.restoreStdout?.();
      (this.opts.exit ?? ((code: number) => process.exit(code)))(0);
    })();
    return this.shuttingDown;
  }

  // ---- low-level output -------------------------------------------------------

  private send(message: unknown): void {
    if (!this.writer) throw new Error('plugin not started: nothing can be written yet');
    this.writer.send(message);
  }

  private respond(id: JsonRpcId, result: unknown): void {
    this.send({ jsonrpc: '2.0', id, result });
  }

  private respondRaw(id: JsonRpcId, body: { result: unknown } | { error: unknown }, onUnserialisable: (e: unknown) => void): void {
    try {
      this.send({ jsonrpc: '2.0', id, ...body });
    } catch (e) {
      onUnserialisable(e);
    }
  }

  private respondError(id: JsonRpcId, code: number, message: string): void {
    this.send({ jsonrpc: '2.0', id, error: { code, message } });
  }

  private emitLog(level: LogLevel, message: string): void {
    // lightningd kills a plugin that sends an unknown level; JS callers are not type-checked.
    if (!LOG_LEVELS.includes(level)) {
      message = `[${String(level)}] ${message}`;
      level = 'info';
    }
    if (!this.writer) {
      // Before start() there is no channel to lightningd; stderr is the
      // one place lightningd (and a developer) can still see it.
      process.stderr.write(`${level}: ${message}\n`);
      return;
    }
    for (const n of logNotifications(level, message)) this.writer.send(n);
  }
}

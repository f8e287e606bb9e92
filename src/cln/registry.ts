/**
 * The plugin's handlers, by kind, checked against what the manifest declares:
 * lightningd only sends what the manifest names, so a handler that is not
 * declared is dead code and a declaration without a handler is a bug.
 */
import { HandlerMismatchError } from './errors.js';
import { hookName, usageNames, type Manifest } from './manifest.js';
import type { HookHandler, HookOptions, MethodHandler, NotificationHandler } from './types.js';

export const CONTINUE = Object.freeze({ result: 'continue' });

export interface MethodEntry {
  readonly handler: MethodHandler<any>;
  /** Parameter names from the manifest's `usage`, for positional calls. */
  readonly names: string[];
}

export interface HookEntry {
  readonly handler: HookHandler<any>;
  /** Answered when the handler fails or times out. */
  readonly fallback: Record<string, unknown>;
  readonly timeoutMs: number | undefined;
}

export class HandlerRegistry {
  readonly methods = new Map<string, MethodEntry>();
  readonly hooks = new Map<string, HookEntry>();
  private readonly subscriptions = new Map<string, NotificationHandler>();
  private readonly declaredMethods: Map<string, string[]>;
  private readonly declaredHooks: Set<string>;
  readonly declaredSubscriptions: Set<string>;
  readonly declaredNotifications: Set<string>;

  constructor(m: Readonly<Manifest>) {
    this.declaredMethods = new Map((m.rpcmethods ?? []).map((x) => [x.name, usageNames(x.usage)]));
    this.declaredHooks = new Set((m.hooks ?? []).map(hookName));
    this.declaredSubscriptions = new Set(m.subscriptions ?? []);
    this.declaredNotifications = new Set((m.notifications ?? []).map((n) => n.method));
  }

  addMethod(name: string, handler: MethodHandler<any>): void {
    if (this.methods.has(name)) throw new Error(`method ${name} already has a handler`);
    this.methods.set(name, { handler, names: this.declaredMethods.get(name) ?? [] });
  }

  addHook(name: string, handler: HookHandler<any>, options: HookOptions): void {
    if (this.hooks.has(name)) throw new Error(`hook ${name} already has a handler`);
    this.hooks.set(name, { handler, fallback: options.fallback ?? CONTINUE, timeoutMs: options.timeoutMs });
  }

  addSubscription(topic: string, handler: NotificationHandler): void {
    if (this.subscriptions.has(topic)) throw new Error(`subscription ${topic} already has a handler`);
    this.subscriptions.set(topic, handler);
  }

  /** The handler for a notification topic: its own, else the wildcard's if `*` is declared. */
  subscription(topic: string): NotificationHandler | undefined {
    return this.subscriptions.get(topic) ?? (this.declaredSubscriptions.has('*') ? this.subscriptions.get('*') : undefined);
  }

  /**
   * Every declared method, hook and subscription has a handler and every
   * handler is declared. Throws HandlerMismatchError listing all problems.
   */
  check(): void {
    const problems: string[] = [];
    const compare = (kind: string, declared: Iterable<string>, registered: Iterable<string>, optional: ReadonlySet<string> = new Set()): void => {
      const d = new Set(declared);
      const r = new Set(registered);
      for (const x of d) if (!r.has(x) && !optional.has(x)) problems.push(`${kind} "${x}" is declared in the manifest but has no handler`);
      for (const x of r) if (!d.has(x)) problems.push(`${kind} "${x}" has a handler but is not declared in the manifest`);
    };
    compare('rpcmethod', this.declaredMethods.keys(), this.methods.keys());
    compare('hook', this.declaredHooks, this.hooks.keys());
    // `shutdown` is handled by the runtime itself (onShutdown, then exit).
    compare('subscription', this.declaredSubscriptions, this.subscriptions.keys(), new Set(['shutdown']));
    if (problems.length > 0) throw new HandlerMismatchError(problems);
  }
}

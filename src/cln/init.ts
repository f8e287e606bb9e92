/**
 * lightningd's `init`: the options and configuration it carries, and the
 * plugin's init handlers, which may ask to be disabled. lightningd kills a
 * plugin that answers init with `disable` cleanly, without failing startup,
 * so every problem found here becomes a `disable` reason, never an error.
 */
import { resolve as resolvePath } from 'node:path';
import { describeError, type Logger } from './log.js';
import { parseOptions, type ManifestOption, type OptionValues } from './manifest.js';
import { isPlainObject } from './params.js';
import type { Configuration, InitHandler } from './types.js';
import type { Plugin } from './plugin.js';

export interface InitRequest {
  readonly values: OptionValues;
  readonly configuration: Configuration;
  /** The RPC socket, when init names one. */
  readonly rpcSocket: string | undefined;
  /** Why the plugin must disable itself (bad options), if it must. */
  readonly disable: string | undefined;
}

/** Reads init's params against the manifest's options. */
export function readInit(options: readonly ManifestOption[], rawParams: unknown): InitRequest {
  const params = isPlainObject(rawParams) ? rawParams : {};
  const configuration = (isPlainObject(params.configuration) ? params.configuration : {}) as Configuration;
  const { values, errors } = parseOptions(options, params.options);
  const dir = configuration['lightning-dir'];
  const file = configuration['rpc-file'];
  return {
    values,
    configuration,
    // resolve (not join): rpc-file may be absolute.
    rpcSocket: typeof dir === 'string' && typeof file === 'string' ? resolvePath(dir, file) : undefined,
    disable: errors.length > 0 ? `bad options: ${errors.join('; ')}` : undefined,
  };
}

/** Runs the init handlers in order until one disables the plugin (or throws); returns the reason, if any. */
export async function runInitHandlers(handlers: readonly InitHandler[], init: InitRequest, plugin: Plugin, log: Logger): Promise<string | undefined> {
  let disable = init.disable;
  for (const h of handlers) {
    if (disable !== undefined) break;
    try {
      const r = await h(init.values, init.configuration, plugin);
      if (isPlainObject(r) && typeof r.disable === 'string') disable = r.disable;
    } catch (e) {
      disable = `init failed: ${describeError(e)}`;
      log.debug(`init handler stack: ${(e as Error)?.stack ?? ''}`);
    }
  }
  return disable;
}

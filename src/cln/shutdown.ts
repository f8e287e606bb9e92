/**
 * Shutdown handlers, bounded: lightningd kills a plugin that lingers after
 * `shutdown`, so a handler that hangs must not keep the others (and the final
 * flush of our output) from running.
 */
import { describeError, type Logger } from './log.js';
import type { ShutdownHandler } from './types.js';

/** Runs `handlers` in order; resolves when all are done or after `timeoutMs`, whichever is first. */
export async function runShutdownHandlers(handlers: readonly ShutdownHandler[], reason: string, timeoutMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.unusual(`shutdown handlers still running after ${timeoutMs} ms; exiting anyway`);
      resolve();
    }, timeoutMs);
  });
  const all = (async () => {
    for (const h of handlers) {
      try {
        await h(reason);
      } catch (e) {
        log.broken(`shutdown handler failed: ${describeError(e)}`);
      }
    }
  })();
  await Promise.race([all, timeout]);
  clearTimeout(timer);
}

/**
 * Logging through lightningd: `log` notifications land in lightningd's log
 * with the plugin's name, which is where operators look. stdout is the
 * JSON-RPC channel, so nothing may be printed there directly.
 */

/** Levels lightningd accepts in a plugin's `log` notification (common/status_levels.c). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'unusual' | 'broken';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'unusual', 'broken'];

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  unusual(message: string): void;
  broken(message: string): void;
}

export type LogSink = (level: LogLevel, message: string) => void;

/** Callable as `log('info', msg)` and as `log.info(msg)`. */
export type LogFunction = LogSink & Logger;

export function makeLogger(sink: LogSink): LogFunction {
  const log = ((level: LogLevel, message: string) => sink(level, String(message))) as LogFunction;
  log.trace = (m) => sink('trace', String(m));
  log.debug = (m) => sink('debug', String(m));
  log.info = (m) => sink('info', String(m));
  log.unusual = (m) => sink('unusual', String(m));
  log.broken = (m) => sink('broken', String(m));
  return log;
}

/**
 * The `log` notifications for one message. lightningd prints a message with
 * embedded newlines as one entry only when it contains no escapes, so we
 * split lines ourselves and get one tidy log line each (as pyln does).
 */
export function logNotifications(level: LogLevel, message: string): Array<{ jsonrpc: '2.0'; method: 'log'; params: { level: LogLevel; message: string } }> {
  // Nearly every message is one line: no regex, split or map for those.
  if (message.indexOf('\n') === -1 && message.indexOf('\r') === -1) return [{ jsonrpc: '2.0', method: 'log', params: { level, message } }];
  const lines = message.replace(/\r\n?/g, '\n').split('\n');
  // A trailing newline (console.log adds one) is not an extra empty entry.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => ({ jsonrpc: '2.0', method: 'log', params: { level, message: line } }));
}

/** A short, single-line description of anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return `non-Error thrown: ${JSON.stringify(err)}`;
  } catch {
    return `non-Error thrown: ${String(err)}`;
  }
}

type WriteFn = typeof process.stdout.write;

/**
 * Redirects everything written to process.stdout (console.log, console.info,
 * console.debug, stray library prints) into `sink`, and returns the original
 * write function, bound, for the runtime's own JSON-RPC output.
 *
 * Patching the stream's write (rather than console.log alone) also catches
 * code that writes to process.stdout directly, which would otherwise corrupt
 * the JSON-RPC stream and get the plugin killed by lightningd.
 */
export function captureStdout(sink: (text: string) => void): { rawWrite: (text: string, cb?: (err?: Error | null) => void) => boolean; restore: () => void } {
  const stdout = process.stdout;
  const original: WriteFn = stdout.write;
  const rawWrite = (text: string, cb?: (err?: Error | null) => void): boolean => original.call(stdout, text, 'utf8', cb);
  const patched = function (chunk: unknown, encodingOrCb?: unknown, cb?: unknown): boolean {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else if (chunk instanceof Uint8Array) text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(typeof encodingOrCb === 'string' ? (encodingOrCb as BufferEncoding) : 'utf8');
    else text = String(chunk);
    try {
      if (text.length > 0) sink(text);
    } finally {
      const done = typeof encodingOrCb === 'function' ? encodingOrCb : typeof cb === 'function' ? cb : undefined;
      if (done) process.nextTick(done as () => void);
    }
    return true;
  };
  stdout.write = patched as WriteFn;
  return {
    rawWrite,
    restore: () => {
      if (stdout.write === (patched as WriteFn)) stdout.write = original;
    },
  };
}

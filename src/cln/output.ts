/**
 * The plugin's side of stdout: whole JSON-RPC messages, one write each.
 * One write per message keeps messages from interleaving even when many
 * handlers finish at once (Node queues writes in order); lightningd reads
 * the stream with its own JSON scanner.
 */
import type { Writable } from 'node:stream';
import { encodeMessage } from './framing.js';

export type RawWrite = (text: string, cb?: (err?: Error | null) => void) => boolean;

export class MessageWriter {
  private closed = false;

  constructor(
    private readonly write: RawWrite,
    /** Called once if the stream fails (lightningd gone: EPIPE). */
    private readonly onFailure: (err: Error) => void,
  ) {}

  static forStream(stream: Writable, onFailure: (err: Error) => void): MessageWriter {
    const w = new MessageWriter((text, cb) => stream.write(text, cb), onFailure);
    stream.on('error', (err: Error) => w.fail(err));
    return w;
  }

  /**
   * Serialises and writes `message`. Throws only if it cannot be serialised,
   * before anything is written, so the caller can send something else.
   */
  send(message: unknown): void {
    const text = encodeMessage(message);
    if (this.closed) return;
    try {
      this.write(text, (err) => {
        if (err) this.fail(err);
      });
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        this.write('', () => resolve());
      } catch {
        resolve();
      }
    });
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.onFailure(err);
  }
}

/**
 * JSON message framing for lightningd's pipes and RPC socket.
 *
 * lightningd writes compact JSON objects followed by "\n\n" on a plugin's
 * stdin, and bare JSON objects (blank lines optional) on its RPC socket. Reads
 * split those bytes anywhere: mid-message, mid-string, inside a multi-byte
 * UTF-8 character, or several messages per read. So we do not split on
 * separators; we scan bytes and track string/escape/nesting state, which finds
 * the end of every top-level value whatever the read boundaries are.
 *
 * Scanning bytes (not decoded text) is sound because every byte of a
 * multi-byte UTF-8 sequence is >= 0x80 and so never looks like `"`, `\`,
 * a bracket or a newline. Bytes are decoded only once a message is complete.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** One thing the scanner found: a parsed value, or a piece of input it had to drop. */
export type ScanResult =
  | { readonly kind: 'message'; readonly value: unknown; readonly bytes: number }
  | { readonly kind: 'malformed'; readonly reason: string; readonly sample: string; readonly bytes: number };

function isSpace(b: number): boolean {
  return b === SPACE || b === NL || b === CR || b === TAB;
}

/** How much of a dropped input to show in a log line. */
const SAMPLE_CHARS = 120;

/**
 * Incremental scanner: feed it chunks with push(); it returns every complete
 * top-level JSON value (object or array) the chunks completed, in order.
 *
 * Malformed input is reported and skipped, never thrown, so one bad message
 * cannot take the plugin down. Resynchronisation relies on two facts of
 * lightningd's output: JSON strings cannot contain a raw newline (RFC 8259
 * forbids unescaped control characters), and compact JSON never contains a
 * blank line, so "\n\n" outside a string always means "the message ended".
 * A truncated message is therefore dropped at the next blank line instead of
 * swallowing the messages after it.
 */
export class JsonScanner {
  /** Pieces of the value being accumulated across chunks. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** 0 = between values; >0 = inside a value at that nesting depth. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Previous significant byte, outside strings, was a newline. */
  private lastNewline = false;
  /** Skipping junk between values until the next newline or `{`. */
  private junk = false;
  private junkParts: Buffer[] = [];
  private junkBytes = 0;

  /** Bytes currently buffered for an unfinished value (for tests and limits). */
  get pendingBytes(): number {
    return this.partsBytes + this.junkBytes;
  }

  push(chunk: Uint8Array): ScanResult[] {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: ScanResult[] = [];
    // Start of the current value (or junk run) inside this chunk.
    let start = 0;
    const n = buf.length;
    let i = 0;
    // Where the next backslash and newline of this chunk are (n: none); -1: not searched yet.
    let nextBackslash = -1;
    let nextNewline = -1;
    while (i < n) {
      if (this.junk) {
        // Junk ends at a newline, or where an object starts: a message glued
        // to the junk on the same line is still read.
        const nl = buf.indexOf(NL, i);
        const brace = buf.indexOf(LBRACE, i);
        const stop = nl === -1 ? brace : brace === -1 ? nl : Math.min(nl, brace);
        if (stop === -1) {
          this.keepJunk(buf.subarray(start, n));
          i = n;
          break;
        }
        this.keepJunk(buf.subarray(start, stop));
        out.push(this.junkResult());
        this.junk = false;
        i = stop === nl ? nl + 1 : stop;
        continue;
      }
      if (this.depth === 0) {
        const b = buf[i]!;
        if (isSpace(b)) {
          i++;
          continue;
        }
        start = i;
        if (b === LBRACE || b === LBRACKET) {
          this.depth = 1;
          this.inString = false;
          this.escaped = false;
          this.lastNewline = false;
          i++;
          // The chunk may end right after the opening bracket: keep it.
          if (i === n) this.keep(buf.subarray(start, n));
        } else {
          this.junk = true;
        }
        continue;
      }
      // Inside a value: the hot loop. State lives in locals while scanning
      // (V8 keeps them in registers) and is written back afterwards.
      let ended = false;
      let broken: string | undefined;
      let depth = this.depth;
      let inString = this.inString;
      let escaped = this.escaped;
      let lastNewline = this.lastNewline;
      // Ordinary string bytes walked since the string began (or since its last escape or jump).
      let run = 0;
      for (; i < n; i++) {
        const b = buf[i]!;
        if (inString) {
          if (escaped) {
            escaped = false;
            run = 0;
          } else if (b === BACKSLASH) {
            escaped = true;
          } else if (b === QUOTE) {
            inString = false;
          } else if (b === NL) {
            broken = 'raw newline inside a JSON string (truncated message?)';
            break;
          } else if (++run === SHORT_STRING) {
            // An ordinary byte in a string of two or more: long strings (hex onions,
            // invoices) are most of the bytes, so jump with memchr to the next byte
            // the rules care about, the first of: the closing quote, a backslash, a
            // newline. The backslash and newline positions are searched once per
            // chunk and again only when passed, so each byte is scanned a bounded
            // number of times whatever the strings hold.
            if (nextBackslash < i) nextBackslash = indexOrEnd(buf, BACKSLASH, i);
            if (nextNewline < i) nextNewline = indexOrEnd(buf, NL, i);
            let stop = indexOrEnd(buf, QUOTE, i);
            if (nextBackslash < stop) stop = nextBackslash;
            if (nextNewline < stop) stop = nextNewline;
            // The loop's i++ lands on `stop` (or ends the chunk inside the string).
            i = stop - 1;
            run = 0;
          }
          continue;
        }
        if (b === QUOTE) {
          inString = true;
          lastNewline = false;
          run = 0;
        } else if (b === LBRACE || b === LBRACKET) {
          depth++;
          lastNewline = false;
        } else if (b === RBRACE || b === RBRACKET) {
          lastNewline = false;
          if (--depth === 0) {
            i++;
            ended = true;
            break;
          }
        } else if (b === NL) {
          if (lastNewline) {
            broken = 'blank line inside a JSON value (truncated message?)';
            break;
          }
          lastNewline = true;
        } else if (b !== SPACE && b !== TAB && b !== CR) {
          lastNewline = false;
        }
      }
      this.depth = depth;
      this.inString = inString;
      this.escaped = escaped;
      this.lastNewline = lastNewline;
      if (ended) {
        out.push(this.finish(buf, start, i));
        start = i;
      } else if (broken !== undefined) {
        // Drop what we have; the newline we stopped at is a boundary, so
        // scanning resumes right after it as if between messages.
        const piece = buf.subarray(start, i);
        out.push(this.drop(piece, broken));
        i++;
        start = i;
      } else {
        this.keep(buf.subarray(start, n));
      }
    }
    return out;
  }

  /**
   * The input ended. Returns a malformed result for any unfinished value so
   * the caller can log it; resets the scanner.
   */
  end(): ScanResult[] {
    const out: ScanResult[] = [];
    if (this.junk) {
      out.push(this.junkResult());
      this.junk = false;
    }
    if (this.depth > 0 || this.partsBytes > 0) {
      out.push(this.drop(Buffer.alloc(0), 'input ended inside a JSON value'));
    }
    return out;
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.parts.push(piece);
    this.partsBytes += piece.length;
  }

  private keepJunk(piece: Buffer): void {
    // Only a sample is needed for the log line, but count every byte.
    if (this.junkBytes < SAMPLE_CHARS * 4) this.junkParts.push(piece);
    this.junkBytes += piece.length;
  }

  private junkResult(): ScanResult {
    const sample = sampleOf(Buffer.concat(this.junkParts));
    const bytes = this.junkBytes;
    this.junkParts = [];
    this.junkBytes = 0;
    return { kind: 'malformed', reason: 'data outside any JSON object', sample, bytes };
  }

  private finish(buf: Buffer, start: number, end: number): ScanResult {
    if (this.parts.length === 0) {
      // The usual case, a message within one read: decoded in place.
      const text = buf.toString('utf8', start, end);
      this.reset();
      return this.parse(text, buf, start, end);
    }
    this.keep(buf.subarray(start, end));
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsBytes);
    this.reset();
    return this.parse(bytes.toString('utf8'), bytes, 0, bytes.length);
  }

  private parse(text: string, buf: Buffer, start: number, end: number): ScanResult {
    try {
      return { kind: 'message', value: JSON.parse(text), bytes: end - start };
    } catch (e) {
      return { kind: 'malformed', reason: `invalid JSON: ${(e as Error).message}`, sample: sampleOf(buf.subarray(start, end)), bytes: end - start };
    }
  }

  private drop(piece: Buffer, reason: string): ScanResult {
    this.keep(piece);
    const head = this.parts.length > 0 ? Buffer.concat(this.parts.slice(0, 4)) : Buffer.alloc(0);
    const bytes = this.partsBytes;
    this.reset();
    return { kind: 'malformed', reason, sample: sampleOf(head), bytes };
  }

  private reset(): void {
    this.parts = [];
    this.partsBytes = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.lastNewline = false;
  }
}

/** Ordinary string bytes walked one by one before jumping with memchr (a call costs more than a short walk). */
const SHORT_STRING = 16;

/** Position of the next `byte` at or after `from` in `buf`, or buf.length if none. */
function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const k = buf.indexOf(byte, from);
  return k === -1 ? buf.length : k;
}

function sampleOf(bytes: Buffer): string {
  const text = bytes.subarray(0, SAMPLE_CHARS * 4).toString('utf8');
  return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}…` : text;
}

/**
 * One outgoing message as lightningd expects it on a plugin's stdout: compact
 * JSON (JSON.stringify never emits a raw newline) followed by a blank line.
 * Throws if `message` cannot be serialised (BigInt, cycles); callers decide
 * what to answer instead.
 */
export function encodeMessage(message: unknown): string {
  const text = JSON.stringify(message);
  if (text === undefined) throw new TypeError('message is not JSON-serialisable');
  return `${text}\n\n`;
}

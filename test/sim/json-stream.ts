// Splits a byte stream into top-level JSON objects, whatever the chunking. The
// simulator's own copy: it must not share code with the plugin it checks.
export class JsonObjectStream {
  private buf: Buffer = Buffer.alloc(0);
  private scanned = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;

  /** Feeds bytes; returns the complete objects found (parsed), in order. */
  push(chunk: Buffer): unknown[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: unknown[] = [];
    for (let i = this.scanned; i < this.buf.length; i++) {
      const c = this.buf[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (this.depth === 0 && c !== 0x7b && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        throw new SyntaxError(`non-JSON byte 0x${c.toString(16)} between messages`);
      } else if (c === 0x7b) {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (c === 0x7d && this.depth > 0) {
        this.depth--;
        if (this.depth === 0) {
          out.push(JSON.parse(this.buf.subarray(this.start, i + 1).toString('utf8')));
          this.buf = this.buf.subarray(i + 1);
          i = -1;
          this.start = -1;
        }
      }
    }
    this.scanned = this.buf.length;
    if (this.depth === 0 && !this.inString) {
      this.buf = Buffer.alloc(0);
      this.scanned = 0;
    }
    return out;
  }
}

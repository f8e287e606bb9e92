import { decodeBigSize } from './bigsize.js';
import { DecodeError } from './errors.js';

/** A cursor over bytes; every short read is a DecodeError. */
export class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }
  get offset(): number {
    return this.pos;
  }
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  bytes(n: number): Uint8Array {
    if (!Number.isInteger(n) || n < 0 || this.pos + n > this.buf.length) throw new DecodeError('unexpected end of data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u8(): number {
    return this.bytes(1)[0]!;
  }
  u16(): number {
    const b = this.bytes(2);
    return (b[0]! << 8) | b[1]!;
  }
  u32(): number {
    const b = this.bytes(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }
  u64(): bigint {
    const b = this.bytes(8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
  }
  bigSize(): bigint {
    const { value, size } = decodeBigSize(this.buf, this.pos);
    this.pos += size;
    return value;
  }
  /** A BigSize that must fit a JS length. */
  length(): number {
    const v = this.bigSize();
    if (v > BigInt(this.remaining)) throw new DecodeError('length exceeds data');
    return Number(v);
  }
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
}

// Column builders: one typed buffer per column, filled row by row and turned into an Arrow `Data`
// once per batch. Buffers start small and double up to the batch's capacity, so a table with few
// rows holds little memory and a busy one reaches its full size early, then stays there. Writers see millions of rows, so a value goes straight into its
// typed array (int64 numbers are split into two 32-bit words instead of allocating a BigInt) and
// nulls are a bit in a validity bitmap.

import { Binary, Bool, Float64, Int32, Int64, Utf8, makeData, type Data } from 'apache-arrow';
import type { ColumnSpec } from '../metrics/tables.ts';

const TWO_POW_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Rows a builder allocates at first. */
const INITIAL_ROWS = 256;

export abstract class ColumnBuilder {
  /**
   * Validity bitmap; with `size`, `nullCount`, and each builder's `values` (`words` for int64,
   * `bits` for bool, `offsets` and `end` for utf8 and binary), also written directly by the
   * appender compiled for a table (batches.ts).
   */
  validity: Uint8Array;
  nullCount = 0;
  /** Rows the buffers hold now (≤ capacity). */
  size: number;

  constructor(readonly spec: ColumnSpec, readonly capacity: number) {
    this.size = Math.min(capacity, INITIAL_ROWS);
    this.validity = new Uint8Array((this.size + 7) >> 3);
  }

  /**
   * Writes `value` at row `index` of the current batch; null/undefined is a null. Each builder
   * class has its own copy of this method (one shared method would be a single, megamorphic call
   * site for millions of rows): the bodies are the same.
   */
  abstract set(index: number, value: unknown): void;

  /** Makes room for row `index`. */
  ensure(index: number): void {
    if (index >= this.size) this.grow(index);
  }

  /** Doubles the buffers (up to capacity) until row `index` fits. */
  protected grow(index: number): void {
    if (index >= this.capacity) throw new RangeError(`column ${this.spec.name}: row ${index} beyond the batch capacity ${this.capacity}`);
    let size = this.size;
    while (size <= index) size = Math.min(this.capacity, size * 2);
    this.validity = enlarged(this.validity, (size + 7) >> 3);
    this.size = size;
    this.growValues(size);
  }

  /** Reallocates the value buffers for `rows` rows, keeping their contents. */
  protected abstract growValues(rows: number): void;

  /** The null branch of `set`. */
  protected setMissing(index: number, value: null | undefined): void {
    if (!this.spec.nullable) throw new TypeError(`column ${this.spec.name} is not nullable, got ${value}`);
    this.nullCount++;
    this.setNull(index);
  }

  /**
   * The first `length` rows as Arrow data. With `copy`, the data owns fresh buffers (the builder
   * may be refilled); without, it views the builder's buffers and is valid only until `reset`.
   */
  finish(length: number, copy: boolean): Data {
    const nullBitmap = this.nullCount === 0 ? undefined : take(this.validity, (length + 7) >> 3, copy);
    return this.finishValues(length, copy, this.nullCount, nullBitmap);
  }

  /**
   * Copies rows `from … from + count − 1` of `source` (this column's type, as read from a file or
   * taken from another builder) to rows `index …` of the batch, leaving the buffers as appending
   * those rows one by one does: a batch of copied rows is written as the same bytes.
   */
  copyRows(source: Data, from: number, count: number, index: number): void {
    if (count === 0) return;
    if (source.offset !== 0) throw new Error(`column ${this.spec.name}: cannot copy from sliced data`);
    this.ensure(index + count - 1);
    const bitmap = source.nullCount > 0 ? source.nullBitmap : undefined;
    if (bitmap) {
      for (let k = 0; k < count; k++) {
        const i = index + k;
        if (bit(bitmap, from + k)) this.validity[i >> 3] |= 1 << (i & 7);
        else this.nullCount++;
      }
    } else if (this.spec.nullable) {
      // Only a nullable column's bitmap can be written out (batches.ts): the others' bits are never read.
      for (let i = index; i < index + count; i++) this.validity[i >> 3] |= 1 << (i & 7);
    }
    this.copyValues(source, from, count, index);
  }

  /** The value part of `copyRows`: null slots come across as the zeros (or repeated offsets) they hold. */
  protected abstract copyValues(source: Data, from: number, count: number, index: number): void;

  /** Bytes a row takes in the fixed-width buffers (values, offsets). */
  abstract readonly rowBytes: number;
  /** Bytes of variable-length values in the batch so far (utf8, binary; 0 for fixed-width columns). */
  variableBytes(): number {
    return 0;
  }

  /** Empties the builder for the next batch, keeping its buffers. */
  reset(): void {
    this.validity.fill(0);
    this.nullCount = 0;
    this.resetValues();
  }

  protected abstract setValue(index: number, value: unknown): void;
  /** Null slots hold zeros so that bytes never depend on what a reused buffer held before. */
  protected abstract setNull(index: number): void;
  protected abstract finishValues(length: number, copy: boolean, nullCount: number, nullBitmap: Uint8Array | undefined): Data;
  protected resetValues(): void {}

  protected fail(expected: string, value: unknown): never {
    throw new TypeError(`column ${this.spec.name} (${this.spec.type}) expects ${expected}, got ${typeof value} ${String(value)}`);
  }
}

const bit = (bits: Uint8Array, i: number) => (bits[i >> 3] >> (i & 7)) & 1;

/** A larger copy of a typed array, its contents kept at the start. */
function enlarged<T extends Int32Array | BigInt64Array | Float64Array | Uint8Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array as never);
  return next;
}

function take<T extends { subarray(a: number, b: number): T; slice(a: number, b: number): T }>(buffer: T, length: number, copy: boolean): T {
  return copy ? buffer.slice(0, length) : buffer.subarray(0, length);
}

class Int32Builder extends ColumnBuilder {
  readonly rowBytes = 4;
  set(index: number, value: unknown): void {
    if (index >= this.size) this.grow(index);
    if (value === null || value === undefined) return this.setMissing(index, value);
    this.validity[index >> 3] |= 1 << (index & 7);
    this.setValue(index, value);
  }
  values = new Int32Array(this.size);
  protected growValues(rows: number): void {
    this.values = enlarged(this.values, rows);
  }
  protected setValue(index: number, value: unknown): void {
    if (typeof value !== 'number' || (value | 0) !== value) this.fail('a 32-bit integer', value);
    this.values[index] = value;
  }
  protected copyValues(source: Data, from: number, count: number, index: number): void {
    this.values.set(source.values.subarray(from, from + count), index);
  }
  protected setNull(index: number): void { this.values[index] = 0; }
  protected finishValues(length: number, copy: boolean, nullCount: number, nullBitmap: Uint8Array | undefined): Data {
    return makeData({ type: new Int32(), length, nullCount, nullBitmap, data: take(this.values, length, copy) });
  }
}

class Int64Builder extends ColumnBuilder {
  readonly rowBytes = 8;
  set(index: number, value: unknown): void {
    if (index >= this.size) this.grow(index);
    if (value === null || value === undefined) return this.setMissing(index, value);
    this.validity[index >> 3] |= 1 << (index & 7);
    this.setValue(index, value);
  }
  private values = new BigInt64Array(this.size);
  // Two little-endian 32-bit words per value over the same memory (Arrow IPC is little-endian, and
  // so is every platform Node runs on), so exact integer numbers need no BigInt.
  words = new Uint32Array(this.values.buffer);
  protected growValues(rows: number): void {
    this.values = enlarged(this.values, rows);
    this.words = new Uint32Array(this.values.buffer);
  }
  protected setValue(index: number, value: unknown): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) this.fail('an exact integer (|n| ≤ 2^53 − 1) or a bigint', value);
      const high = Math.floor(value / TWO_POW_32);
      this.words[2 * index] = value - high * TWO_POW_32;
      this.words[2 * index + 1] = high >>> 0;
    } else if (typeof value === 'bigint') {
      if (value < INT64_MIN || value > INT64_MAX) this.fail('a 64-bit integer', value);
      this.values[index] = value;
    } else {
      this.fail('an integer', value);
    }
  }
  protected copyValues(source: Data, from: number, count: number, index: number): void {
    this.values.set(source.values.subarray(from, from + count), index);
  }
  protected setNull(index: number): void { this.values[index] = 0n; }
  protected finishValues(length: number, copy: boolean, nullCount: number, nullBitmap: Uint8Array | undefined): Data {
    return makeData({ type: new Int64(), length, nullCount, nullBitmap, data: take(this.values, length, copy) });
  }
}

class Float64Builder extends ColumnBuilder {
  readonly rowBytes = 8;
  set(index: number, value: unknown): void {
    if (index >= this.size) this.grow(index);
    if (value === null || value === undefined) return this.setMissing(index, value);
    this.validity[index >> 3] |= 1 << (index & 7);
    this.setValue(index, value);
  }
  values = new Float64Array(this.size);
  protected growValues(rows: number): void {
    this.values = enlarged(this.values, rows);
  }
  protected setValue(index: number, value: unknown): void {
    if (typeof value !== 'number') this.fail('a number', value);
    this.values[index] = value;
  }
  protected copyValues(source: Data, from: number, count: number, index: number): void {
    this.values.set(source.values.subarray(from, from + count), index);
  }
  protected setNull(index: number): void { this.values[index] = 0; }
  protected finishValues(length: number, copy: boolean, nullCount: number, nullBitmap: Uint8Array | undefined): Data {
    return makeData({ type: new Float64(), length, nullCount, nullBitmap, data: take(this.values, length, copy) });
  }
}

class BoolBuilder extends ColumnBuilder {
  readonly rowBytes = 0;
  set(index: number, value: unknown): void {
    if (index >= this.size) this.grow(index);
    if (value === null || value === undefined) return this.setMissing(index, value);
    this.validity[index >> 3] |= 1 << (index & 7);
    this.setValue(index, value);
  }
  bits = new Uint8Array((this.size + 7) >> 3);
  protected growValues(rows: number): void {
    this.bits = enlarged(this.bits, (rows + 7) >> 3);
  }
  protected setValue(index: number, value: unknown): void {
    if (typeof value !== 'boolean') this.fail('a boolean', value);
    if (value) this.bits[index >> 3] |= 1 << (index & 7);
  }
  protected copyValues(source: Data, from: number, count: number, index: number): void {
    const bits = source.values as Uint8Array;
    for (let k = 0; k < count; k++) if (bit(bits, from + k)) this.bits[(index + k) >> 3] |= 1 << ((index + k) & 7);
  }
  protected setNull(): void {}
  protected finishValues(length: number, copy: boolean, nullCount: number, nullBitmap: Uint8Array | undefined): Data {
    return makeData({ type: new Bool(), length, nullCount, nullBitmap, data: take(this.bits, (length + 7) >> 3, copy) });
  }
  protected override resetValues(): void { this.bits.fill(0); }
}

class Utf8Builder extends ColumnBuilder {
  readonly rowBytes = 4;
  override variableBytes(): number {
    return this.end;
  }
  set(index: number, value: unknown): void {
    if (index >= this.size) this.grow(index);
    if (value === null || value === undefined) return this.setMissing(index, value);
    this.validity[index >> 3] |= 1 << (index & 7);
    this.setValue(index, value);
  }
  offsets = new Int32Array(this.size + 1);
  // A Node Buffer: `write` encodes UTF-8 in place without an intermediate array. Grows by doubling.
  private bytes = Buffer.alloc(Math.max(64, this.size * 16));
  /** The same bytes, for copies four at a time. */
  private view = viewOf(this.bytes);
  protected growValues(rows: number): void {
    this.offsets = enlarged(this.offsets, rows + 1);
  }

  end = 0;
  // Columns such as mode, rollup and status repeat one value row after row; repeating the bytes
  // just written is much cheaper than encoding the string again.
  private last: string | undefined;
  private lastBytes = 0;

  protected setValue(index: number, value: unknown): void {
    if (typeof value !== 'string') this.fail('a string', value);
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes, so this bound makes the writes
    // complete; the 4 more cover the overhang of a word-wise copy (below).
    const worst = this.end + value.length * 3 + 4;
    if (worst > this.bytes.length) this.growBytes(worst);
    const bytes = this.bytes;
    const start = this.end;
    let n: number;
    if (value === this.last) {
      n = this.lastBytes;
      // Nulls add no bytes, so the last string written sits right before `start`. Short ones are
      // copied four bytes at a time, front to back: each word read lies before the one written
      // or was written already with the bytes it needs; the last word may overhang `start + n`
      // by up to 3 bytes, past `end`, where the next value overwrites them (or, at a batch's end,
      // nothing reads them: a batch holds bytes up to `end` only).
      if (n <= 32) {
        const view = this.view;
        for (let k = 0; k < n; k += 4) view.setUint32(start + k, view.getUint32(start - n + k, true), true);
      } else bytes.copyWithin(start, start - n, start);
    } else {
      n = value.length <= 32 ? writeShortAscii(bytes, start, value) : -1;
      if (n < 0) n = bytes.write(value, start, 'utf8');
      this.last = value;
      this.lastBytes = n;
    }
    this.end = start + n;
    if (this.end > 0x7fffffff) throw new RangeError(`column ${this.spec.name}: more than 2 GiB of text in one batch; lower batchRows`);
    this.offsets[index + 1] = this.end;
  }
  protected copyValues(source: Data, from: number, count: number, index: number): void {
    const base = source.valueOffsets[from] as number;
    const n = (source.valueOffsets[from + count] as number) - base;
    if (this.end + n + 4 > this.bytes.length) this.growBytes(this.end + n + 4);
    this.bytes.set((source.values as Uint8Array).subarray(base, base + n), this.end);
    copyOffsets(this.offsets, source.valueOffsets as Int32Array, from, count, index, this.end - base);
    this.end += n;
    this.last = undefined; // the bytes before `end` are no longer those of `last`
  }
  protected setNull(index: number): void { this.offsets[index + 1] = this.end; }
  protected finishValues(length: number, copy: boolean, nullCount: number, nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = take(this.offsets, length + 1, copy);
    const data = copy ? new Uint8Array(this.bytes.subarray(0, this.end)) : this.bytes.subarray(0, this.end);
    return makeData({ type: new Utf8(), length, nullCount, nullBitmap, valueOffsets, data });
  }
  protected override resetValues(): void {
    this.end = 0;
    this.last = undefined;
  }
  private growBytes(atLeast: number): void {
    const next = Buffer.alloc(Math.max(atLeast, this.bytes.length * 2));
    this.bytes.copy(next, 0, 0, this.end);
    this.bytes = next;
    this.view = viewOf(next);
  }
}

/** Variable-length bytes (serialized sketches). Rare and small: grows by doubling. */
function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

class BinaryBuilder extends ColumnBuilder {
  readonly rowBytes = 4;
  override variableBytes(): number {
    return this.end;
  }
  set(index: number, value: unknown): void {
    if (index >= this.size) this.grow(index);
    if (value === null || value === undefined) return this.setMissing(index, value);
    this.validity[index >> 3] |= 1 << (index & 7);
    this.setValue(index, value);
  }
  offsets = new Int32Array(this.size + 1);
  private bytes = new Uint8Array(256);
  protected growValues(rows: number): void {
    this.offsets = enlarged(this.offsets, rows + 1);
  }

  end = 0;

  protected setValue(index: number, value: unknown): void {
    if (!(value instanceof Uint8Array)) this.fail('a Uint8Array', value);
    if (this.end + value.length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.end + value.length, this.bytes.length * 2));
      next.set(this.bytes.subarray(0, this.end));
      this.bytes = next;
    }
    this.bytes.set(value, this.end);
    this.end += value.length;
    this.offsets[index + 1] = this.end;
  }
  protected copyValues(source: Data, from: number, count: number, index: number): void {
    const base = source.valueOffsets[from] as number;
    const n = (source.valueOffsets[from + count] as number) - base;
    if (this.end + n > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.end + n, this.bytes.length * 2));
      next.set(this.bytes.subarray(0, this.end));
      this.bytes = next;
    }
    this.bytes.set((source.values as Uint8Array).subarray(base, base + n), this.end);
    copyOffsets(this.offsets, source.valueOffsets as Int32Array, from, count, index, this.end - base);
    this.end += n;
  }
  protected setNull(index: number): void { this.offsets[index + 1] = this.end; }
  protected finishValues(length: number, copy: boolean, nullCount: number, nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = take(this.offsets, length + 1, copy);
    const data = take(this.bytes, this.end, copy);
    return makeData({ type: new Binary(), length, nullCount, nullBitmap, valueOffsets, data });
  }
  protected override resetValues(): void { this.end = 0; }
}

/** The end offsets of copied rows, moved from where their bytes sat in the source to where they sit now. */
function copyOffsets(offsets: Int32Array, source: Int32Array, from: number, count: number, index: number, shift: number): void {
  for (let k = 1; k <= count; k++) offsets[index + k] = source[from + k] + shift;
}

/** Copies an ASCII string byte for byte (a native call costs more for short strings); -1 if it is not ASCII. */
function writeShortAscii(bytes: Uint8Array, start: number, value: string): number {
  for (let k = 0; k < value.length; k++) {
    const code = value.charCodeAt(k);
    if (code > 0x7f) return -1;
    bytes[start + k] = code;
  }
  return value.length;
}

export function columnBuilder(spec: ColumnSpec, capacity: number): ColumnBuilder {
  switch (spec.type) {
    case 'int32': return new Int32Builder(spec, capacity);
    case 'int64': return new Int64Builder(spec, capacity);
    case 'float64': return new Float64Builder(spec, capacity);
    case 'bool': return new BoolBuilder(spec, capacity);
    case 'utf8': return new Utf8Builder(spec, capacity);
    case 'binary': return new BinaryBuilder(spec, capacity);
  }
}

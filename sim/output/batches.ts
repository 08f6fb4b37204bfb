// Rows in, record batches out: fills one column builder per column of a table spec and, when asked,
// turns the rows gathered so far into an Arrow RecordBatch with the table's explicit schema.

import { RecordBatch, Struct, makeData, type Data, type Schema } from 'apache-arrow';
import type { ColumnSpec, TableSpec } from '../metrics/tables.ts';
import { columnBuilder, type ColumnBuilder } from './columns.ts';

/** Columns a run's rows may leave out: the run's identity, filled from the sink's constants. */
export const RUN_COLUMNS = ['run_id', 'mode', 'point'] as const;

/** Writes one row into the builders at `index`: `constants` fill the run columns a row leaves out. */
type Appender = (row: Record<string, unknown>, constants: Record<string, unknown> | null, builders: ColumnBuilder[], index: number) => void;

/**
 * One appender per table, generated from its columns: a property read per column with its name
 * written out, so each read is monomorphic (a loop over names reads every key at one site, which
 * is slow for millions of rows). Numbers and booleans of the expected type go straight into the
 * builder's typed array in this code (one `set` call per value would not all be inlined, and each
 * call would box the double it passes); so does a null in a nullable column (the null counted, its
 * slot zeroed, or its offset repeated); anything else — strings, bytes, bigints, a wrong type, a
 * null where none is allowed — goes through the builder's `set`, which handles and checks every
 * case. Both paths write the same bytes. The builders of a batcher grow in step (they all hold every row), so one size
 * check covers them all. Non-nullable columns skip the validity bitmap: it is never written out
 * for them (a null there throws). Column names are our specs' identifiers (checked here).
 */
function compileAppender(columns: readonly ColumnSpec[]): Appender {
  const lines = ['if (builders.length > 0 && index >= builders[0].size) for (let c = 0; c < builders.length; c++) builders[c].ensure(index);'];
  columns.forEach((col, c) => {
    const name = col.name;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`column name ${JSON.stringify(name)} is not an identifier`);
    const read = (RUN_COLUMNS as readonly string[]).includes(name) ? `(row.${name} === undefined && constants !== null ? constants.${name} : row.${name})` : `row.${name}`;
    const b = `builders[${c}]`;
    const valid = col.nullable ? ` ${b}.validity[index >> 3] |= 1 << (index & 7);` : '';
    // A null in a nullable column, as ColumnBuilder.setMissing + setNull: counted, its slot zeroed.
    const nul = (zero: string) => (col.nullable ? ` else if (v === null || v === undefined) { ${b}.nullCount++; ${zero} }` : '');
    switch (col.type) {
      case 'float64':
        lines.push(`{ const v = ${read}; if (typeof v === 'number') { ${b}.values[index] = v;${valid} }${nul(`${b}.values[index] = 0;`)} else ${b}.set(index, v); }`);
        break;
      case 'int32':
        lines.push(`{ const v = ${read}; if (typeof v === 'number' && (v | 0) === v) { ${b}.values[index] = v;${valid} }${nul(`${b}.values[index] = 0;`)} else ${b}.set(index, v); }`);
        break;
      case 'int64':
        // As Int64Builder.setValue: two 32-bit words, no BigInt.
        lines.push(`{ const v = ${read}; if (typeof v === 'number' && Number.isSafeInteger(v)) { const w = ${b}.words; const high = Math.floor(v / 4294967296); w[2 * index] = v - high * 4294967296; w[2 * index + 1] = high >>> 0;${valid} }${nul(`const w = ${b}.words; w[2 * index] = 0; w[2 * index + 1] = 0;`)} else ${b}.set(index, v); }`);
        break;
      case 'bool':
        // A null's bit is already clear (reset clears the bits).
        lines.push(`{ const v = ${read}; if (typeof v === 'boolean') { if (v) ${b}.bits[index >> 3] |= 1 << (index & 7);${valid} }${nul('')} else ${b}.set(index, v); }`);
        break;
      case 'utf8':
      case 'binary':
        lines.push(col.nullable ? `{ const v = ${read}; if (v === null || v === undefined) { ${b}.nullCount++; ${b}.offsets[index + 1] = ${b}.end; } else ${b}.set(index, v); }` : `${b}.set(index, ${read});`);
        break;
      default:
        lines.push(`${b}.set(index, ${read});`);
    }
  });
  return new Function('row', 'constants', 'builders', 'index', lines.join('\n')) as Appender;
}

/**
 * Appenders by column list: a sweep opens every table once per point (resume.ts), and compiling
 * a function each time would leave thousands of copies of the same code for the GC to reclaim.
 */
const appenders = new Map<string, Appender>();

function appenderFor(columns: readonly ColumnSpec[]): Appender {
  const key = JSON.stringify(columns.map((c) => [c.name, c.type, c.nullable]));
  let appender = appenders.get(key);
  if (!appender) appenders.set(key, (appender = compileAppender(columns)));
  return appender;
}

/**
 * A batch also ends once its columns hold this many bytes, whatever its row count: a table of wide
 * rows (runs with their resolved_json, sketches) then holds no more than this between writes. The
 * cut falls after the row that reaches it, however the rows arrive (one by one or in batches), so
 * the bytes of a file do not depend on how it was written.
 */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export class RowBatcher {
  /** Rows in the current, not yet taken, batch. */
  length = 0;
  /** Rows appended over the batcher's life. */
  total = 0;
  private readonly names: string[];
  private builders: ColumnBuilder[];
  private readonly columnNames: ReadonlySet<string>;
  private readonly write: Appender;
  private readonly struct: Struct;
  /** Set when a row failed half-way: its columns are out of step, so nothing more may be written. */
  private broken: Error | undefined;
  /** Builders still hold the last taken batch; cleared lazily so a batch taken without copy stays intact. */
  private stale = false;

  /** The columns of variable-length values, and the fixed bytes of a row. */
  private variable: number[];
  private readonly rowBytes: number;

  constructor(readonly spec: TableSpec, readonly schema: Schema, readonly capacity: number, readonly maxBytes = MAX_BATCH_BYTES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`batchRows must be a positive integer, got ${capacity}`);
    this.names = spec.columns.map((c) => c.name);
    this.columnNames = new Set(this.names);
    this.builders = spec.columns.map((c) => columnBuilder(c, capacity));
    this.variable = spec.columns.flatMap((c, i) => (c.type === 'utf8' || c.type === 'binary' ? [i] : []));
    this.rowBytes = this.builders.reduce((n, b) => n + b.rowBytes, 0);
    this.write = appenderFor(spec.columns);
    this.struct = new Struct(schema.fields);
  }

  /** Lets the builders' buffers go (the table is written); nothing can be appended after. */
  release(): void {
    this.builders = [];
    this.variable = [];
    this.broken = new Error('its batcher was released');
    this.length = 0;
  }

  /** The batch has its rows (capacity) or its bytes (maxBytes): take it before appending more. */
  get full(): boolean {
    return this.length === this.capacity || this.bytes() >= this.maxBytes;
  }

  private bytes(): number {
    let n = this.length * this.rowBytes;
    for (const c of this.variable) n += this.builders[c].variableBytes();
    return n;
  }

  /** Of `count` rows of `columns` from `from`, how many fit before the batch is full by bytes (the row that fills it included, as with rows appended one by one). */
  private rowsWithinBytes(columns: readonly Data[], from: number, count: number): number {
    const offsets = this.variable.map((c) => columns[c].valueOffsets as Int32Array);
    let bytes = this.bytes();
    let all = bytes + count * this.rowBytes;
    for (const o of offsets) all += o[from + count] - o[from];
    if (all < this.maxBytes) return count;
    for (let k = 0; k < count; k++) {
      bytes += this.rowBytes;
      for (const o of offsets) bytes += o[from + k + 1] - o[from + k];
      if (bytes >= this.maxBytes) return k + 1;
    }
    return count;
  }

  /** Appends a row; `constants` supply the run columns (run_id, mode, point) the row leaves out. */
  append(row: Record<string, unknown>, constants: Record<string, unknown> | null = null): void {
    if (this.broken) throw new Error(`table ${this.spec.name} is unusable after an earlier error: ${this.broken.message}`);
    if (this.length === this.capacity) throw new Error(`table ${this.spec.name}: batch is full; take it first`);
    // Checking the keys of the first row of each batch catches a misspelt or extra column at the
    // cost of one Object.keys per batch; a missing column shows up as a null in a non-nullable one.
    if (this.length === 0) {
      this.checkKeys(row);
      if (this.stale) {
        for (const b of this.builders) b.reset();
        this.stale = false;
      }
    }
    const index = this.length;
    try {
      this.write(row, constants, this.builders, index);
    } catch (error) {
      const message = `table ${this.spec.name}, row ${this.total}: ${(error as Error).message}`;
      this.broken = error instanceof TypeError ? new TypeError(message) : new Error(message);
      throw this.broken;
    }
    this.length++;
    this.total++;
  }

  /**
   * Appends every row of `batch` (the table's columns, as read back from a file or sent by a worker
   * thread), column by column rather than row by row; `emit` takes each batch that fills up. The
   * batches come out as appending the same rows one by one makes them, so the bytes are the same.
   */
  appendBatch(batch: RecordBatch, emit: (full: RecordBatch) => void): void {
    if (this.broken) throw new Error(`table ${this.spec.name} is unusable after an earlier error: ${this.broken.message}`);
    this.checkSchema(batch.schema);
    const columns = batch.data.children;
    for (let from = 0; from < batch.numRows; ) {
      if (this.length === 0 && this.stale) {
        for (const b of this.builders) b.reset();
        this.stale = false;
      }
      const count = this.rowsWithinBytes(columns, from, Math.min(batch.numRows - from, this.capacity - this.length));
      for (let c = 0; c < this.builders.length; c++) this.builders[c].copyRows(columns[c], from, count, this.length);
      this.length += count;
      this.total += count;
      from += count;
      if (this.full) emit(this.take(true));
    }
  }

  /**
   * The rows gathered since the last take, as a batch; the batcher is then empty. With `copy` the
   * batch owns its memory; without, it views the builders' buffers and stays valid only until the
   * next append (which reuses them), so write it out first.
   */
  take(copy: boolean): RecordBatch {
    const length = this.length;
    const children = this.builders.map((b) => b.finish(length, copy));
    const batch = new RecordBatch(this.schema, makeData({ type: this.struct, length, nullCount: 0, children }));
    this.length = 0;
    this.stale = true;
    return batch;
  }

  /** Throws unless a batch of `schema` holds this table's columns, in order. */
  checkSchema(schema: Schema): void {
    const fields = schema.fields;
    const same = fields.length === this.spec.columns.length && fields.every((f, c) => f.name === this.names[c] && String(f.type) === String(this.schema.fields[c].type));
    if (!same) throw new TypeError(`table ${this.spec.name}: a batch of columns ${fields.map((f) => f.name).join(', ')} does not fit the table's (${this.names.join(', ')})`);
  }

  private checkKeys(row: Record<string, unknown>): void {
    for (const key of Object.keys(row)) {
      if (!this.columnNames.has(key)) {
        throw new TypeError(`table ${this.spec.name} has no column ${JSON.stringify(key)} (columns: ${this.names.join(', ')})`);
      }
    }
  }
}

// Rows in, record batches out: fills one column builder per column of a table spec and, when asked,
// turns the rows gathered so far into an Arrow RecordBatch with the table's explicit schema.

import { RecordBatch, Struct, makeData, type Schema } from 'apache-arrow';
import type { TableSpec } from '../metrics/tables.ts';
import { columnBuilder, type ColumnBuilder } from './columns.ts';

/** Columns a run's rows may leave out: the run's identity, filled from the sink's constants. */
export const RUN_COLUMNS = ['run_id', 'mode', 'point'] as const;

/** Writes one row into the builders at `index`: `constants` fill the run columns a row leaves out. */
type Appender = (row: Record<string, unknown>, constants: Record<string, unknown> | null, builders: ColumnBuilder[], index: number) => void;

/**
 * One appender per table, generated from its column list: a property read per column with its
 * name written out, so each read is monomorphic (a loop over names reads every key at one site,
 * which is slow for millions of rows). Column names are our specs' identifiers (checked here).
 */
function compileAppender(names: readonly string[]): Appender {
  const lines = names.map((name, c) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`column name ${JSON.stringify(name)} is not an identifier`);
    const read = (RUN_COLUMNS as readonly string[]).includes(name) ? `(row.${name} === undefined && constants !== null ? constants.${name} : row.${name})` : `row.${name}`;
    return `builders[${c}].set(index, ${read});`;
  });
  return new Function('row', 'constants', 'builders', 'index', lines.join('\n')) as Appender;
}

export class RowBatcher {
  /** Rows in the current, not yet taken, batch. */
  length = 0;
  /** Rows appended over the batcher's life. */
  total = 0;
  private readonly names: string[];
  private readonly builders: ColumnBuilder[];
  private readonly columnNames: ReadonlySet<string>;
  private readonly write: Appender;
  private readonly struct: Struct;
  /** Set when a row failed half-way: its columns are out of step, so nothing more may be written. */
  private broken: Error | undefined;
  /** Builders still hold the last taken batch; cleared lazily so a batch taken without copy stays intact. */
  private stale = false;

  constructor(readonly spec: TableSpec, readonly schema: Schema, readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`batchRows must be a positive integer, got ${capacity}`);
    this.names = spec.columns.map((c) => c.name);
    this.columnNames = new Set(this.names);
    this.builders = spec.columns.map((c) => columnBuilder(c, capacity));
    this.write = compileAppender(this.names);
    this.struct = new Struct(schema.fields);
  }

  get full(): boolean {
    return this.length === this.capacity;
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

  private checkKeys(row: Record<string, unknown>): void {
    for (const key of Object.keys(row)) {
      if (!this.columnNames.has(key)) {
        throw new TypeError(`table ${this.spec.name} has no column ${JSON.stringify(key)} (columns: ${this.names.join(', ')})`);
      }
    }
  }
}

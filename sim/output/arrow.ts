// Table writers. Rows go into column builders and leave as Arrow record batches, either streamed
// to an Arrow IPC file (flat memory whatever the horizon, atomic rename on close) or kept as an
// in-memory apache-arrow Table (the library API). Both use the explicit schema from tables.ts.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { threadId } from 'node:worker_threads';
import { RecordBatchFileWriter, Table, type RecordBatch, type Schema } from 'apache-arrow';
import { tableSchema, type RowOf, type TableSpec } from '../metrics/tables.ts';
import { RowBatcher } from './batches.ts';

/** Where a table's rows go. Rows are keyed by column name; null or undefined is a null. */
export interface TableSink<R extends object = Record<string, unknown>> {
  append(row: R): void;
  close(): Promise<void> | void;
  /** Gives up: nothing is left behind. Safe to call more than once, and after close (then a no-op). */
  abort(): void;
}

export interface TableSinkOptions {
  /** Rows per record batch: memory held is about one batch. Default 65536. */
  batchRows?: number;
  /** Schema-level metadata (provenance). Must not carry anything time-dependent. */
  metadata?: Record<string, string>;
}

export const DEFAULT_BATCH_ROWS = 65_536;

/** The apache-arrow version in use, for provenance metadata (its package.json is not exported, hence the path). */
export const APACHE_ARROW_VERSION: string = (() => {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve('apache-arrow'));
  // The entry point sits in the package root today; walk up in case a future layout nests it.
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'apache-arrow' && pkg.version) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find apache-arrow/package.json');
    dir = parent;
  }
})();

/**
 * A RecordBatchFileWriter whose bytes go synchronously to a file descriptor instead of into its
 * internal async queue. `_write` is the single (protected) point every byte of the writer passes
 * through, and overriding it is what lets a synchronous simulation loop stream batches to disk.
 */
class FdRecordBatchFileWriter extends RecordBatchFileWriter {
  private chunks: Uint8Array[] = [];

  constructor(private readonly fd: number) {
    super();
  }

  protected override _write(chunk: unknown): this {
    if (!this._started) return this;
    if (!ArrayBuffer.isView(chunk)) throw new TypeError('arrow writer produced a non-view chunk');
    if (chunk.byteLength === 0) return this;
    // Copy-free view; flushed before the caller can touch the underlying buffers again.
    this.chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this._position += chunk.byteLength;
    return this;
  }

  /** Writes what the last call produced to the file, in one writev where the OS allows. */
  flush(): void {
    let chunks = this.chunks;
    this.chunks = [];
    while (chunks.length > 0) {
      let written = fs.writevSync(this.fd, chunks);
      // Partial writes are legal (signals, IOV_MAX): drop what went out and retry the rest.
      let i = 0;
      while (i < chunks.length && written >= chunks[i].byteLength) written -= chunks[i++].byteLength;
      chunks = chunks.slice(i);
      if (written > 0) chunks[0] = chunks[0].subarray(written);
    }
  }

  start(schema: Schema): void {
    // Writes the file header now, so that a table with no rows is still a valid file.
    this.reset(undefined, schema);
    this.flush();
  }

  writeBatch(batch: RecordBatch): void {
    this.write(batch);
    this.flush();
  }

  finishFile(): void {
    // close() writes the footer (schema + block index) through _write, then ends the queue.
    this.close();
    this.flush();
  }
}

/**
 * Streams a table to an Arrow IPC file. Bytes go to a hidden temporary file beside `finalPath`
 * and are renamed into place by `close()`, so a reader never sees a half-written file; `abort()`
 * deletes the temporary file. The directory must exist: creating it is the caller's decision.
 * Everything is synchronous; `close()` returns once the file is in place.
 */
export class ArrowFileSink<R extends object = Record<string, unknown>> implements TableSink<R> {
  readonly schema: Schema;
  readonly tempPath: string;
  private readonly batcher: RowBatcher;
  private readonly writer: FdRecordBatchFileWriter;
  private fd: number | undefined;
  private state: 'open' | 'closed' | 'aborted' = 'open';

  constructor(readonly spec: TableSpec, readonly finalPath: string, options: TableSinkOptions = {}) {
    this.schema = tableSchema(spec, options.metadata);
    this.batcher = new RowBatcher(spec, this.schema, options.batchRows ?? DEFAULT_BATCH_ROWS);
    // pid and thread id keep concurrent writers (processes, worker threads) off each other's files;
    // the `.seqsim-tmp-` prefix is git-ignored and easy to sweep after a crash.
    this.tempPath = path.join(path.dirname(finalPath), `.seqsim-tmp-${process.pid}-${threadId}-${path.basename(finalPath)}`);
    this.fd = fs.openSync(this.tempPath, 'w');
    this.writer = new FdRecordBatchFileWriter(this.fd);
    try {
      this.writer.start(this.schema);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.batcher.total;
  }

  append(row: R): void {
    if (this.state !== 'open') throw new Error(`table ${this.spec.name}: append after ${this.state}`);
    this.batcher.append(row as Record<string, unknown>);
    if (this.batcher.full) this.writer.writeBatch(this.batcher.take(false));
  }

  close(): void {
    if (this.state !== 'open') throw new Error(`table ${this.spec.name}: close after ${this.state}`);
    if (this.batcher.length > 0) this.writer.writeBatch(this.batcher.take(false));
    this.writer.finishFile();
    const fd = this.fd!;
    this.fd = undefined;
    // fsync before rename: after a crash the final name holds either nothing or the whole file.
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(this.tempPath, this.finalPath);
    this.state = 'closed';
  }

  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
    fs.rmSync(this.tempPath, { force: true });
  }
}

/** Opens a streaming Arrow IPC file for one table; see ArrowFileSink. */
export function openArrowFile<T extends TableSpec>(spec: T, finalPath: string, options?: TableSinkOptions): ArrowFileSink<RowOf<T>> {
  return new ArrowFileSink<RowOf<T>>(spec, finalPath, options);
}

/** Collects a table in memory as an apache-arrow Table with the same schema as the file writer. */
export class ArrowTableSink<R extends object = Record<string, unknown>> implements TableSink<R> {
  readonly schema: Schema;
  private readonly batcher: RowBatcher;
  private batches: RecordBatch[] = [];
  private result: Table | undefined;
  private aborted = false;

  constructor(readonly spec: TableSpec, options: TableSinkOptions = {}) {
    this.schema = tableSchema(spec, options.metadata);
    this.batcher = new RowBatcher(spec, this.schema, options.batchRows ?? DEFAULT_BATCH_ROWS);
  }

  get rows(): number {
    return this.batcher.total;
  }

  append(row: R): void {
    if (this.result || this.aborted) throw new Error(`table ${this.spec.name}: append after ${this.aborted ? 'abort' : 'close'}`);
    this.batcher.append(row as Record<string, unknown>);
    // Copies: the batch outlives the builders' buffers, which the next rows reuse.
    if (this.batcher.full) this.batches.push(this.batcher.take(true));
  }

  close(): void {
    if (this.result) return;
    if (this.aborted) throw new Error(`table ${this.spec.name}: close after abort`);
    if (this.batcher.length > 0) this.batches.push(this.batcher.take(true));
    this.result = new Table(this.schema, this.batches);
    this.batches = [];
  }

  abort(): void {
    if (this.result) return;
    this.aborted = true;
    this.batches = [];
  }

  /** The table; closes the sink if it is still open. */
  table(): Table {
    this.close();
    return this.result!;
  }
}

/** Starts an in-memory table; see ArrowTableSink. */
export function openArrowTable<T extends TableSpec>(spec: T, options?: TableSinkOptions): ArrowTableSink<RowOf<T>> {
  return new ArrowTableSink<RowOf<T>>(spec, options);
}

// Table writers. Rows go into column builders and leave as Arrow record batches, either streamed
// to an Arrow IPC file (flat memory whatever the horizon, atomic rename on close) or kept as an
// in-memory apache-arrow Table (the library API). Both use the explicit schema from tables.ts and
// only apache-arrow's public API.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { tempPathFor } from './tempFiles.ts';
import { committed } from './crashPoints.ts';
import { RecordBatch, RecordBatchFileWriter, Table, type Schema } from 'apache-arrow';
import { tableSchema, type RowOf, type TableSpec } from '../metrics/tables.ts';
import { RowBatcher } from './batches.ts';

/** Where a table's rows go. Rows are keyed by column name; null or undefined is a null. */
export interface TableSink<R extends object = Record<string, unknown>> {
  /** `constants` fill the run columns (run_id, mode, point) a row leaves out. */
  append(row: R, constants?: Record<string, unknown> | null): void;
  /** Appends every row of a batch of this table's columns (read back, or from a worker process): the same bytes as appending them one by one. */
  appendBatch(batch: RecordBatch): void;
  /** Lets buffered bytes reach their destination (a no-op in memory). */
  drain(): Promise<void>;
  close(): Promise<void> | void;
  /** Gives up: nothing is left behind. Safe to call more than once, and after close (then a no-op). */
  abort(): void;
}

export interface TableSinkOptions {
  /** Rows per record batch: memory held is about one batch. Default 16384. */
  batchRows?: number;
  /** Bytes at which a batch ends before its rows are in (MAX_BATCH_BYTES, 8 MiB; smaller in tests). */
  batchBytes?: number;
  /** Schema-level metadata (provenance). Must not carry anything time-dependent. */
  metadata?: Record<string, string>;
}

export const DEFAULT_BATCH_ROWS = 16_384;

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
 * Streams a table to an Arrow IPC file through apache-arrow's public writer: batches go into a
 * RecordBatchFileWriter, whose bytes a pump (an async iteration of the writer) copies to the file
 * as they come. `drain()` lets the pump catch up — it resolves once every byte queued so far is in
 * the file — so a run that drains between chunks holds at most a chunk's batches in memory.
 * Bytes go to a hidden temporary file beside `finalPath` and are renamed into place by `close()`,
 * so a reader never sees a half-written file; `abort()` deletes the temporary file. The directory
 * must exist: creating it is the caller's decision.
 */
export class ArrowFileSink<R extends object = Record<string, unknown>> implements TableSink<R> {
  readonly schema: Schema;
  readonly tempPath: string;
  private readonly batcher: RowBatcher;
  private readonly writer = new RecordBatchFileWriter();
  private readonly pump: Promise<void>;
  private pumpError: unknown;
  private fd: number | undefined;
  private state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
  /** Bytes written to the file, and how many of them an early flush has been asked to sync. */
  private written = 0;
  private flushed = 0;
  /** The early flush in flight, if any (see `drain`). */
  private flushing: Promise<void> | undefined;

  constructor(readonly spec: TableSpec, readonly finalPath: string, options: TableSinkOptions = {}) {
    this.schema = tableSchema(spec, options.metadata);
    this.batcher = new RowBatcher(spec, this.schema, options.batchRows ?? DEFAULT_BATCH_ROWS, options.batchBytes);
    // Named after its writer (tempFiles.ts): concurrent writers keep off each other's files, and
    // the next run sweeps what a crashed one left.
    this.tempPath = tempPathFor(finalPath);
    this.fd = fs.openSync(this.tempPath, 'w');
    // The schema now, so that a table with no rows is still a valid file.
    this.writer.reset(undefined, this.schema);
    this.pump = this.copyToFile();
  }

  private async copyToFile(): Promise<void> {
    try {
      for await (const chunk of this.writer) {
        if (this.fd === undefined) return;
        writeFully(this.fd, chunk);
        this.written += chunk.byteLength;
      }
    } catch (error) {
      this.pumpError = error;
    }
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.batcher.total;
  }

  append(row: R, constants: Record<string, unknown> | null = null): void {
    if (this.state !== 'open') throw new Error(`table ${this.spec.name}: append after ${this.state}`);
    this.batcher.append(row as Record<string, unknown>, constants);
    // A copy: the writer queues views of the batch's buffers until the pump writes them.
    if (this.batcher.full) this.writer.write(this.batcher.take(true));
  }

  appendBatch(batch: RecordBatch): void {
    if (this.state !== 'open') throw new Error(`table ${this.spec.name}: append after ${this.state}`);
    this.batcher.appendBatch(batch, (full) => this.writer.write(full));
  }

  /**
   * Appends the batch's rows as one batch of the file, as they are: no copy, but the file's
   * batches are then not cut every `batchRows` rows, so only for a file that will be read back
   * and joined (a sweep point's part, resume.ts), never for one a user reads.
   */
  writeBatch(batch: RecordBatch): void {
    if (this.state !== 'open') throw new Error(`table ${this.spec.name}: append after ${this.state}`);
    if (this.batcher.length > 0) this.writer.write(this.batcher.take(true)); // rows appended before it come first
    this.batcher.checkSchema(batch.schema);
    this.writer.write(new RecordBatch(this.schema, batch.data));
  }

  /** Resolves when every byte queued so far is in the file (the pump runs in microtasks, all before the next macrotask). */
  async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.pumpError !== undefined) throw this.pumpError;
    this.startFlush();
  }

  /**
   * Starts syncing what is in the file so far on libuv's thread pool while the run goes on, so the
   * fsync in `close` finds little left to write (it was the longest wait of a large run). Only a
   * head start: `close` still fsyncs before renaming, so a crash never leaves a partial file under
   * the final name; an early flush's own error is ignored (the final fsync reports any).
   */
  private startFlush(): void {
    const fd = this.fd;
    if (fd === undefined || this.flushing !== undefined || this.written === this.flushed) return;
    this.flushed = this.written;
    this.flushing = new Promise<void>((resolve) => fs.fsync(fd, () => resolve())).then(() => {
      this.flushing = undefined;
    });
  }

  async close(): Promise<void> {
    if (this.state !== 'open') throw new Error(`table ${this.spec.name}: close after ${this.state}`);
    this.state = 'closing';
    // No copy: nothing appends after close, and the pump has written the batch before close returns.
    if (this.batcher.length > 0) this.writer.write(this.batcher.take(false));
    // close() queues the footer (schema + block index) and ends the writer's stream, which ends the pump.
    this.writer.close();
    await this.pump;
    if (this.pumpError !== undefined) {
      this.abort();
      throw this.pumpError;
    }
    // Let an early flush finish before the descriptor is closed.
    await this.flushing;
    const fd = this.fd!;
    this.fd = undefined;
    // fsync before rename: after a crash the final name holds either nothing or the whole file.
    // On libuv's thread pool: the thread goes on meanwhile (a worker's next batches, another point's part).
    try {
      await new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(this.tempPath, this.finalPath);
    this.state = 'closed';
    this.batcher.release(); // a closed sink is often kept for its row count: its buffers need not be
    committed();
  }

  abort(): void {
    if (this.state === 'closed' || this.state === 'aborted') return;
    this.state = 'aborted';
    if (this.fd !== undefined) {
      // An early flush still in flight then fails or syncs nothing of ours: harmless, and ignored.
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
    fs.rmSync(this.tempPath, { force: true });
  }
}

/** Writes all of `chunk`: partial writes are legal (signals), so retry the rest. */
function writeFully(fd: number, chunk: Uint8Array): void {
  let offset = 0;
  while (offset < chunk.byteLength) offset += fs.writeSync(fd, chunk, offset, chunk.byteLength - offset);
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
    this.batcher = new RowBatcher(spec, this.schema, options.batchRows ?? DEFAULT_BATCH_ROWS, options.batchBytes);
  }

  get rows(): number {
    return this.batcher.total;
  }

  append(row: R, constants: Record<string, unknown> | null = null): void {
    if (this.result || this.aborted) throw new Error(`table ${this.spec.name}: append after ${this.aborted ? 'abort' : 'close'}`);
    this.batcher.append(row as Record<string, unknown>, constants);
    // Copies: the batch outlives the builders' buffers, which the next rows reuse.
    if (this.batcher.full) this.batches.push(this.batcher.take(true));
  }

  appendBatch(batch: RecordBatch): void {
    if (this.result || this.aborted) throw new Error(`table ${this.spec.name}: append after ${this.aborted ? 'abort' : 'close'}`);
    this.batcher.appendBatch(batch, (full) => this.batches.push(full));
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

  async drain(): Promise<void> {}

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

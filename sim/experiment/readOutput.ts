// Reading an output directory back (seqsim compare, seqsim check): its runs and metrics, with the
// provenance its files carry. A directory that is missing, incomplete or not seqsim's is bad
// input (exit 2), reported in one line naming the directory and the file.
import fs from 'node:fs';
import path from 'node:path';
import { RecordBatchReader, tableFromIPC, type RecordBatch, type Schema, type Table } from 'apache-arrow';
import type { ComparisonRow } from '../../analysis/comparison.ts';

/** An output directory that cannot be read or paired: bad input (exit 2), one line. */
export class OutputReadError extends Error {}

export interface OutputRun {
  runId: number;
  mode: string;
  seed: number;
  status: string;
}

export interface OutputMetricRow {
  run_id: number;
  mode: string;
  seed: number;
  /** The sweep point of its run (0 without a sweep). */
  point: number;
  metric: string;
  rollup: string | null;
  subject: string | null;
  value: number;
  unit: string;
}

export interface OutputDirectory {
  dir: string;
  scenario: string;
  scenarioSha256: string;
  seqsimVersion: string;
  /** Values of the mode column (variant names), in run order. */
  variants: string[];
  /** Seeds run, ascending. */
  seeds: number[];
  /** Sweep points run, ascending ([0] without a sweep). */
  points: number[];
  runs: OutputRun[];
  /** Metric rows of the runs that finished (failed runs write none), each with its run's seed. */
  metrics: OutputMetricRow[];
}

function unreadable(file: string, e: unknown): OutputReadError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file (is this a seqsim output directory?)' : code === 'EISDIR' ? 'a folder, not a file' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
  return new OutputReadError(`cannot read ${file}: ${why}`);
}

export function readTable(dir: string, name: string): Table {
  const file = path.join(dir, `${name}.arrow`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  try {
    const table = tableFromIPC(bytes);
    if (table.schema.metadata.get('seqsim.table') !== name) throw new Error(`not a seqsim ${name} table`);
    return table;
  } catch (e) {
    throw new OutputReadError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/** A table file read one record batch at a time (memory holds a batch, not the file). */
export interface BatchFile {
  schema: Schema;
  batches: AsyncIterable<RecordBatch>;
  /** For a file whose batches are not read (iterating them to the end closes it too). */
  close(): Promise<void>;
}

/**
 * Files up to this size are read whole, in one call: a sweep's parts are many small files, and
 * reading each through an asynchronous reader cost more than the rows in them.
 */
const READ_WHOLE_BYTES = 16 * 1024 * 1024;

/** Opens `<dir>/<name>.arrow` for reading by batches: `batches` closes the file once iterated to the end. */
export async function openBatches(dir: string, name: string): Promise<BatchFile> {
  const file = path.join(dir, `${name}.arrow`);
  const failed = (e: unknown) => new OutputReadError(`cannot read ${file}: ${(e as Error).message}`);
  const checked = <R extends { schema: Schema; isFile(): boolean }>(reader: R): R => {
    if (!reader.isFile()) throw new Error('not an Arrow file');
    if (reader.schema.metadata.get('seqsim.table') !== name) throw new Error(`not a seqsim ${name} table`);
    return reader;
  };
  let handle: fs.promises.FileHandle | undefined;
  let bytes: Buffer | undefined;
  try {
    if (fs.statSync(file).size <= READ_WHOLE_BYTES) bytes = fs.readFileSync(file);
    else handle = await fs.promises.open(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  if (bytes) {
    try {
      const reader = checked(RecordBatchReader.from(bytes).open());
      return { schema: reader.schema, batches: batchesOf(reader, failed), close: async () => {} };
    } catch (e) {
      throw failed(e);
    }
  }
  const large = handle!;
  try {
    const reader = checked(await (await RecordBatchReader.from(large)).open());
    return { schema: reader.schema, batches: batchesOf(reader, failed, () => large.close()), close: () => large.close() };
  } catch (e) {
    await large.close();
    throw failed(e);
  }
}

async function* batchesOf(reader: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, failed: (e: unknown) => Error, done?: () => Promise<void>): AsyncGenerator<RecordBatch> {
  try {
    for await (const batch of reader) yield batch;
  } catch (e) {
    throw failed(e);
  } finally {
    await done?.();
  }
}

const num = (x: unknown) => (typeof x === 'bigint' ? Number(x) : (x as number));

/** `sweeps`: read an output of several sweep points (runs then pair by seed within each point); otherwise it is refused. */
export function readOutputDirectory(dir: string, opts: { sweeps?: boolean } = {}): OutputDirectory {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new OutputReadError(`cannot read ${dir}: no such folder`);
  if (!stat.isDirectory()) throw new OutputReadError(`cannot read ${dir}: it is a file, not an output folder`);
  const runsTable = readTable(dir, 'runs');
  const metricsTable = readTable(dir, 'metrics');
  const runs: OutputRun[] = runsTable.toArray().map((r) => ({ runId: num(r.run_id), mode: String(r.mode), seed: num(r.seed), status: String(r.status) }));
  if (runs.length === 0) throw new OutputReadError(`cannot read ${path.join(dir, 'runs.arrow')}: it has no runs`);
  // Runs pair by seed within one point: across points a seed ran different parameters.
  const pointColumn = runsTable.getChild('point')!.toArray() as Int32Array;
  const points = [...new Set(pointColumn)].sort((a, b) => a - b);
  if (points.length > 1 && !opts.sweeps) throw new OutputReadError(`cannot read ${dir}: it holds a sweep of ${points.length} points (check pairs runs by seed, within one point); each point's comparison is in its comparison.arrow, and seqsim compare compares two sweeps point by point`);
  const first = runsTable.get(0)!;
  const seedOf = new Map(runs.map((r) => [r.runId, r.seed]));
  const pointOf = new Map(runs.map((r, i) => [r.runId, pointColumn[i]]));
  const metrics: OutputMetricRow[] = metricsTable.toArray().map((r) => ({
    run_id: num(r.run_id),
    mode: String(r.mode),
    seed: seedOf.get(num(r.run_id)) ?? NaN,
    point: pointOf.get(num(r.run_id)) ?? NaN,
    metric: String(r.metric),
    rollup: r.rollup ?? null,
    subject: r.subject ?? null,
    value: r.value as number,
    unit: String(r.unit),
  }));
  const orphan = metrics.find((m) => Number.isNaN(m.seed));
  if (orphan) throw new OutputReadError(`cannot read ${path.join(dir, 'metrics.arrow')}: run ${orphan.run_id} is not in runs.arrow (files of different runs mixed?)`);
  return {
    dir,
    scenario: String(first.scenario),
    scenarioSha256: String(first.scenario_sha256),
    seqsimVersion: runsTable.schema.metadata.get('seqsim.version') ?? 'unknown',
    variants: [...new Set(runs.map((r) => r.mode))],
    seeds: [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b),
    points,
    runs,
    metrics,
  };
}

const listOf = (xs: readonly (string | number)[]) => xs.map((x) => (typeof x === 'string' ? `"${x}"` : String(x))).join(', ');

/**
 * Two outputs pair when they ran the same scenario (by name: its parameters may differ, that is
 * the point of comparing) on the same seeds with the same variants. Throws naming what differs.
 */
export function checkPairable(a: OutputDirectory, b: OutputDirectory): void {
  const differences: string[] = [];
  if (a.scenario !== b.scenario) differences.push(`scenario "${a.scenario}" in ${a.dir}, "${b.scenario}" in ${b.dir}`);
  const onlyA = a.seeds.filter((s) => !b.seeds.includes(s));
  const onlyB = b.seeds.filter((s) => !a.seeds.includes(s));
  if (onlyA.length || onlyB.length)
    differences.push(`seeds differ (${[onlyA.length ? `${listOf(onlyA)} only in ${a.dir}` : '', onlyB.length ? `${listOf(onlyB)} only in ${b.dir}` : ''].filter(Boolean).join('; ')})`);
  const vA = a.variants.filter((v) => !b.variants.includes(v));
  const vB = b.variants.filter((v) => !a.variants.includes(v));
  if (vA.length || vB.length)
    differences.push(`variants differ (${[vA.length ? `${listOf(vA)} only in ${a.dir}` : '', vB.length ? `${listOf(vB)} only in ${b.dir}` : ''].filter(Boolean).join('; ')})`);
  if (a.points.join() !== b.points.join()) differences.push(`sweep points differ (${a.points.length} in ${a.dir}, ${b.points.length} in ${b.dir})`);
  if (differences.length) throw new OutputReadError(`cannot compare ${a.dir} with ${b.dir}: ${differences.join('; ')}`);
}

/** comparison.arrow of a `seqsim run` output: every variant against its baseline. */
export function readComparison(dir: string): ComparisonRow[] {
  const table = readTable(dir, 'comparison');
  const sides = table.schema.metadata.get('seqsim.comparison');
  if (sides === undefined || JSON.parse(sides).kind !== 'variants') throw new OutputReadError(`cannot read ${path.join(dir, 'comparison.arrow')}: it compares two directories (seqsim compare), not the variants of a run`);
  const orNull = (x: unknown) => (x === null || x === undefined ? null : (x as number));
  return table.toArray().map((r) => ({
    metric: String(r.metric), rollup: r.rollup ?? null, subject: r.subject ?? null, unit: String(r.unit), baseline: String(r.baseline), variant: String(r.variant),
    n: num(r.n), baseline_mean: r.baseline_mean, variant_mean: r.variant_mean, diff_mean: r.diff_mean,
    diff_t_low: orNull(r.diff_t_low), diff_t_high: orNull(r.diff_t_high), diff_boot_low: orNull(r.diff_boot_low), diff_boot_high: orNull(r.diff_boot_high),
  }));
}

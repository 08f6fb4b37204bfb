// Where a run's rows go: streamed Arrow files in an output directory (the CLI) or Arrow tables in
// memory (the library API). Both use the same table specs and provenance metadata.
import { dirname, join, relative } from 'node:path';
import type { Table } from 'apache-arrow';
import { TABLES, TABLE_NAMES, type TableName, type TableSpec } from '../metrics/tables.ts';
import { columnValue } from '../scenario/sweep.ts';
import { DerivedTables, type DerivedSinks, type SeededMetricRow } from './derived.ts';
import { SHARD_KEY, shardInfo, type Shard, type ShardInfo } from './shards.ts';
import { openArrowFile, openArrowTable, type ArrowFileSink, type ArrowTableSink } from '../output/arrow.ts';
import { provenanceMetadata } from '../output/provenance.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { SEQSIM_VERSION } from '../version.ts';
import { prepareOutputDirectory, removeIfEmpty } from './outputDir.ts';
import type { StaleSweep } from '../output/tempFiles.ts';
import { executeRuns, planRuns, type BatchSinks, type ExecuteOptions, type RunSummary } from './run.ts';
import { executeRunsParallel } from './parallel.ts';

/** Every run of the plan, in this process or on worker processes: the same rows in the same order either way. */
export function execute(loaded: LoadedScenario, sinks: BatchSinks, options: ExecuteOptions): Promise<RunSummary[]> {
  return (options.workers ?? 1) > 1 ? executeRunsParallel(loaded, sinks, options.workers!, options) : executeRuns(loaded, sinks, options);
}

/** Every table is written by every invocation, in the order of their specs. */
const OUTPUT_TABLES = TABLE_NAMES;
export type OutputTable = TableName;

export interface DirectoryResult {
  out: string;
  files: { table: OutputTable; path: string; rows: number }[];
  runs: RunSummary[];
  /** The rows written to metrics.arrow, with each run's seed (for the summary printed after a run). */
  metrics: SeededMetricRow[];
  /** Temporary files of crashed runs found in the directory before this one started. */
  sweep: StaleSweep;
}

export interface MemoryResult {
  tables: Record<OutputTable, Table>;
  runs: RunSummary[];
}


/** Metadata of each table's file: the comparison also says what its sides are; a shard's (or a sweep point's part's) files say which slice of the plan they hold. */
function tableMetadata(loaded: LoadedScenario, table: OutputTable, slice: ShardInfo | undefined): Record<string, string> {
  const base = { ...metadataFor(loaded), ...(slice ? { [SHARD_KEY]: JSON.stringify(slice) } : {}) };
  if (table !== 'comparison') return base;
  return { ...base, 'seqsim.comparison': JSON.stringify({ kind: 'variants', baseline: loaded.baseline }) };
}

/** A table's spec: points.arrow has a column per swept parameter. */
function tableSpec(loaded: LoadedScenario, table: OutputTable): TableSpec {
  if (table !== 'points' || !loaded.sweep) return TABLES[table];
  const columns = loaded.sweep.parameters.map((p) => ({ name: p.column, type: p.type, nullable: false, unit: p.duration ? 'µs' : '', description: `Swept parameter ${p.text}${p.duration ? ' (a duration, in µs)' : ''}.` }));
  return { ...TABLES.points, columns: [...TABLES.points.columns, ...columns] };
}

/** One row per point, each parameter's value typed as its column. */
function pointRows(loaded: LoadedScenario): Record<string, unknown>[] {
  const sweep = loaded.sweep;
  if (!sweep) return [{ point: 0 }];
  return sweep.points.map((values, point) => Object.fromEntries([['point', point], ...sweep.parameters.map((p, k) => [p.column, columnValue(p, values[k])])]));
}

/** Provenance for every file: inputs only, with paths relative to the scenario's folder so the
 * bytes are the same wherever the checkout lives. */
function metadataFor(loaded: LoadedScenario): Record<string, string> {
  let metadata = provenanceOf.get(loaded);
  if (!metadata) provenanceOf.set(loaded, (metadata = provenanceFor(loaded)));
  return metadata;
}

/** Once per scenario: a sweep opens every table once per point, and each time the plan would be listed again. */
const provenanceOf = new WeakMap<LoadedScenario, Record<string, string>>();

function provenanceFor(loaded: LoadedScenario): Record<string, string> {
  const base = dirname(loaded.file);
  const files: Record<string, string> = {};
  for (const f of loaded.files) files[relative(base, f.path) || f.path] = f.sha256;
  const plans = planRuns(loaded);
  return provenanceMetadata({
    seqsimVersion: SEQSIM_VERSION,
    scenarioSha256: loaded.sha256,
    files,
    seeds: [...new Set(plans.map((p) => p.seed))],
    modes: loaded.variants.map((v) => v.name),
    variants: loaded.namedVariants ? loaded.variants.map((v) => ({ name: v.name, mode: v.mode, baseline: v.name === loaded.baseline })) : undefined,
  });
}

/** Sinks with the metrics and sketches rows also fed to the derived tables. */
function watched(sinks: BatchSinks, derived: DerivedTables): BatchSinks {
  return { ...sinks, ...derived.watch(sinks.metrics, sinks.sketches) };
}

/** The derived tables of a run, written to `sinks` point by point as the runs' rows come. */
function derivedFor(loaded: LoadedScenario, sinks: DerivedSinks): DerivedTables {
  return new DerivedTables(planRuns(loaded), loaded.baseline, loaded.variants.map((v) => v.name), sinks);
}

/** The metadata of a shard's files. */
export function shardInfoOf(loaded: LoadedScenario, shard: Shard): ShardInfo {
  return shardInfo(shard, planRuns(loaded).length, loaded.scenario.output.batch_rows);
}

/**
 * Opens every table's file in `dir` into `sinks`, so that a failure half-way can abort the ones
 * opened; points.arrow gets every point's row unless `points` is false (a sweep point's part other
 * than the plan's first: the join copies the first part's, and a row per point in every part made
 * a sweep's parts quadratic in its points).
 */
export function openTableFiles(loaded: LoadedScenario, dir: string, slice: ShardInfo | undefined, sinks: Record<OutputTable, ArrowFileSink>, points = true): Record<OutputTable, ArrowFileSink> {
  for (const t of OUTPUT_TABLES) sinks[t] = openArrowFile(tableSpec(loaded, t), join(dir, `${t}.arrow`), { batchRows: loaded.scenario.output.batch_rows, metadata: tableMetadata(loaded, t, slice) });
  if (points) for (const row of pointRows(loaded)) sinks.points.append(row);
  return sinks;
}

/**
 * Runs the scenario and writes `<out>/<table>.arrow` for every table, each renamed into place only
 * when complete. On any failure (including an interrupt) every temporary file is removed, and a
 * directory this call created is removed again if it is left empty.
 */
export async function runToDirectory(loaded: LoadedScenario, out: string, options: ExecuteOptions = {}): Promise<DirectoryResult> {
  const { created, sweep } = prepareOutputDirectory(out);
  const sinks = {} as Record<OutputTable, ArrowFileSink>;
  try {
    openTableFiles(loaded, out, options.shard && shardInfoOf(loaded, options.shard), sinks);
    const derived = derivedFor(loaded, sinks);
    const runs = await execute(loaded, watched(sinks, derived), options);
    derived.finish();
    for (const t of OUTPUT_TABLES) await sinks[t].close();
    return {
      out,
      sweep,
      runs,
      files: OUTPUT_TABLES.map((t) => ({ table: t, path: join(out, `${t}.arrow`), rows: sinks[t].rows })),
      metrics: derived.metrics,
    };
  } catch (e) {
    for (const t of OUTPUT_TABLES) sinks[t]?.abort();
    if (created) removeIfEmpty(out);
    throw e;
  }
}

/** Runs the scenario and returns the same tables in memory. */
export async function runToMemory(loaded: LoadedScenario, options: ExecuteOptions = {}): Promise<MemoryResult> {
  const sinks = {} as Record<OutputTable, ArrowTableSink>;
  for (const t of OUTPUT_TABLES) sinks[t] = openArrowTable(tableSpec(loaded, t), { batchRows: loaded.scenario.output.batch_rows, metadata: tableMetadata(loaded, t, options.shard && shardInfoOf(loaded, options.shard)) });
  for (const row of pointRows(loaded)) sinks.points.append(row);
  const derived = derivedFor(loaded, sinks);
  const runs = await execute(loaded, watched(sinks, derived), options);
  derived.finish();
  const tables = {} as Record<OutputTable, Table>;
  for (const t of OUTPUT_TABLES) tables[t] = sinks[t].table();
  return { tables, runs };
}

// Where a run's rows go: streamed Arrow files in an output directory (the CLI) or Arrow tables in
// memory (the library API). Both use the same table specs and provenance metadata.
import { dirname, join, relative } from 'node:path';
import type { Table } from 'apache-arrow';
import { TABLES, TABLE_NAMES, type TableName, type TableSpec } from '../metrics/tables.ts';
import { columnValue } from '../scenario/sweep.ts';
import { DerivedTables, type SeededMetricRow } from './derived.ts';
import { shardMetadata, type Shard } from './shards.ts';
import { openArrowFile, openArrowTable, type ArrowFileSink, type ArrowTableSink } from '../output/arrow.ts';
import { provenanceMetadata } from '../output/provenance.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { SEQSIM_VERSION } from '../version.ts';
import { prepareOutputDirectory, removeIfEmpty } from './outputDir.ts';
import type { StaleSweep } from '../output/tempFiles.ts';
import { executeRuns, planRuns, type ExecuteOptions, type RunSink, type RunSinks, type RunSummary } from './run.ts';
import { executeRunsParallel } from './parallel.ts';

/** Every run of the plan, on this thread or on worker threads: the same rows in the same order either way. */
export function execute(loaded: LoadedScenario, sinks: RunSinks, options: ExecuteOptions): Promise<RunSummary[]> {
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


/** Metadata of each table's file: the comparison also says what its sides are; a shard's files say which shard. */
function tableMetadata(loaded: LoadedScenario, table: OutputTable, shard: Shard | undefined): Record<string, string> {
  const base = { ...metadataFor(loaded), ...(shard ? shardMetadata(shard, planRuns(loaded).length, loaded.scenario.output.batch_rows) : {}) };
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

/** The tables computed after the runs: each point's comparison and pooled distributions. */
function writeDerived(derived: DerivedTables, sinks: Record<OutputTable, { append(row: Record<string, unknown>, constants?: Record<string, unknown> | null): void }>): void {
  const rows = derived.finish();
  for (const row of rows.comparison) sinks.comparison.append(row as unknown as Record<string, unknown>);
  for (const row of rows.pointMetrics) sinks.point_metrics.append(row);
}

/** Sinks with the metrics and sketches rows also fed to the derived tables. */
function watched(sinks: RunSinks, derived: DerivedTables): RunSinks {
  return { ...sinks, ...derived.watch(sinks.metrics, sinks.sketches) };
}

function derivedFor(loaded: LoadedScenario): DerivedTables {
  return new DerivedTables(planRuns(loaded), loaded.baseline, loaded.variants.map((v) => v.name));
}

/** Opens every table's file in `dir` (points.arrow filled) into `sinks`, so that a failure half-way can abort the ones opened. */
export function openTableFiles(loaded: LoadedScenario, dir: string, shard: Shard | undefined, sinks: Record<OutputTable, ArrowFileSink>): Record<OutputTable, ArrowFileSink> {
  for (const t of OUTPUT_TABLES) sinks[t] = openArrowFile(tableSpec(loaded, t), join(dir, `${t}.arrow`), { batchRows: loaded.scenario.output.batch_rows, metadata: tableMetadata(loaded, t, shard) });
  for (const row of pointRows(loaded)) sinks.points.append(row);
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
    openTableFiles(loaded, out, options.shard, sinks);
    const derived = derivedFor(loaded);
    const runs = await execute(loaded, watched(sinks as RunSinks, derived), options);
    writeDerived(derived, sinks);
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
  for (const t of OUTPUT_TABLES) sinks[t] = openArrowTable(tableSpec(loaded, t), { batchRows: loaded.scenario.output.batch_rows, metadata: tableMetadata(loaded, t, options.shard) });
  for (const row of pointRows(loaded)) sinks.points.append(row);
  const derived = derivedFor(loaded);
  const runs = await execute(loaded, watched(sinks as RunSinks, derived), options);
  writeDerived(derived, sinks);
  const tables = {} as Record<OutputTable, Table>;
  for (const t of OUTPUT_TABLES) tables[t] = sinks[t].table();
  return { tables, runs };
}

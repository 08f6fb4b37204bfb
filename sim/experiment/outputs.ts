// Where a run's rows go: streamed Arrow files in an output directory (the CLI) or Arrow tables in
// memory (the library API). Both use the same table specs and provenance metadata.
import { rmdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Table } from 'apache-arrow';
import { TABLES, TABLE_NAMES, type TableName } from '../metrics/tables.ts';
import { openArrowFile, openArrowTable, type ArrowFileSink, type ArrowTableSink } from '../output/arrow.ts';
import { provenanceMetadata } from '../output/provenance.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import type { MetricRow } from '../metrics/rows.ts';
import { SEQSIM_VERSION } from '../version.ts';
import { prepareOutputDirectory } from './outputDir.ts';
import type { StaleSweep } from '../output/tempFiles.ts';
import { executeRuns, planRuns, type ExecuteOptions, type RunSink, type RunSinks, type RunSummary } from './run.ts';
import { compareVariants, type ComparisonRow } from '../../analysis/comparison.ts';
import { executeRunsParallel } from './parallel.ts';

/** Every run of the plan, on this thread or on worker threads: the same rows in the same order either way. */
function execute(loaded: LoadedScenario, sinks: RunSinks, options: ExecuteOptions): Promise<RunSummary[]> {
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

type SeededMetricRow = MetricRow & { run_id: number; mode: string; seed: number };

/** Wraps the metrics sink so its rows are also kept (they are small): the comparison and the summary need them. */
function keepingMetrics(sink: RunSink): { sink: RunSink; rows: Record<string, unknown>[] } {
  const rows: Record<string, unknown>[] = [];
  return {
    rows,
    sink: {
      append: (row, constants) => (rows.push({ ...row, ...constants }), sink.append(row, constants)),
      drain: () => sink.drain(),
    },
  };
}

function withSeeds(rows: Record<string, unknown>[], runs: RunSummary[]): SeededMetricRow[] {
  const seedOf = new Map(runs.map((r) => [r.runId, r.seed]));
  return rows.map((r) => ({ ...(r as unknown as MetricRow & { run_id: number; mode: string }), seed: seedOf.get(r.run_id as number)! }));
}

/** The comparison rows of a finished invocation: every variant against the baseline. */
function comparisonOf(loaded: LoadedScenario, metrics: SeededMetricRow[]): ComparisonRow[] {
  return compareVariants(metrics, loaded.baseline, loaded.variants.map((v) => v.name));
}

/** Metadata of each table's file: the comparison also says what its sides are. */
function tableMetadata(loaded: LoadedScenario, table: OutputTable): Record<string, string> {
  const base = metadataFor(loaded);
  if (table !== 'comparison') return base;
  return { ...base, 'seqsim.comparison': JSON.stringify({ kind: 'variants', baseline: loaded.baseline }) };
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

/**
 * Runs the scenario and writes `<out>/<table>.arrow` for every table, each renamed into place only
 * when complete. On any failure (including an interrupt) every temporary file is removed, and a
 * directory this call created is removed again if it is left empty.
 */
export async function runToDirectory(loaded: LoadedScenario, out: string, options: ExecuteOptions = {}): Promise<DirectoryResult> {
  const { created, sweep } = prepareOutputDirectory(out);
  const sinks = {} as Record<OutputTable, ArrowFileSink>;
  try {
    for (const t of OUTPUT_TABLES) sinks[t] = openArrowFile(TABLES[t], join(out, `${t}.arrow`), { batchRows: loaded.scenario.output.batch_rows, metadata: tableMetadata(loaded, t) });
    // The metric rows are small: kept in memory too, so the summary need not read the file back.
    const metrics = keepingMetrics(sinks.metrics);
    const runs = await execute(loaded, { ...(sinks as RunSinks), metrics: metrics.sink }, options);
    const seeded = withSeeds(metrics.rows, runs);
    for (const row of comparisonOf(loaded, seeded)) sinks.comparison.append(row as unknown as Record<string, unknown>);
    for (const t of OUTPUT_TABLES) await sinks[t].close();
    return {
      out,
      sweep,
      runs,
      files: OUTPUT_TABLES.map((t) => ({ table: t, path: join(out, `${t}.arrow`), rows: sinks[t].rows })),
      metrics: seeded,
    };
  } catch (e) {
    for (const t of OUTPUT_TABLES) sinks[t]?.abort();
    if (created) removeIfEmpty(out);
    throw e;
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir); // fails, and keeps it, when anything is inside
  } catch {
    /* not empty: leave it */
  }
}

/** Runs the scenario and returns the same tables in memory. */
export async function runToMemory(loaded: LoadedScenario, options: ExecuteOptions = {}): Promise<MemoryResult> {
  const sinks = {} as Record<OutputTable, ArrowTableSink>;
  for (const t of OUTPUT_TABLES) sinks[t] = openArrowTable(TABLES[t], { batchRows: loaded.scenario.output.batch_rows, metadata: tableMetadata(loaded, t) });
  const metrics = keepingMetrics(sinks.metrics);
  const runs = await execute(loaded, { ...(sinks as RunSinks), metrics: metrics.sink }, options);
  for (const row of comparisonOf(loaded, withSeeds(metrics.rows, runs))) sinks.comparison.append(row as unknown as Record<string, unknown>);
  const tables = {} as Record<OutputTable, Table>;
  for (const t of OUTPUT_TABLES) tables[t] = sinks[t].table();
  return { tables, runs };
}

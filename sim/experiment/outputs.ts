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
import { executeRuns, planRuns, type ExecuteOptions, type RunSinks, type RunSummary } from './run.ts';

/** Every table is written by every invocation, in the order of their specs. */
const OUTPUT_TABLES = TABLE_NAMES;
export type OutputTable = TableName;

export interface DirectoryResult {
  out: string;
  files: { table: OutputTable; path: string; rows: number }[];
  runs: RunSummary[];
  /** The rows written to metrics.arrow, with each run's seed (for the summary printed after a run). */
  metrics: (MetricRow & { run_id: number; mode: string; seed: number })[];
  /** Temporary files of crashed runs found in the directory before this one started. */
  sweep: StaleSweep;
}

export interface MemoryResult {
  tables: Record<OutputTable, Table>;
  runs: RunSummary[];
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
  const sinkOptions = { batchRows: loaded.scenario.output.batch_rows, metadata: metadataFor(loaded) };
  const sinks = {} as Record<OutputTable, ArrowFileSink>;
  try {
    for (const t of OUTPUT_TABLES) sinks[t] = openArrowFile(TABLES[t], join(out, `${t}.arrow`), sinkOptions);
    // The metric rows are small: kept in memory too, so the summary need not read the file back.
    const metricRows: Record<string, unknown>[] = [];
    const metrics = {
      append: (row: Record<string, unknown>, constants?: Record<string, unknown> | null) => (metricRows.push({ ...row, ...constants }), sinks.metrics.append(row, constants)),
      drain: () => sinks.metrics.drain(),
    };
    const runs = await executeRuns(loaded, { ...(sinks as RunSinks), metrics }, options);
    for (const t of OUTPUT_TABLES) await sinks[t].close();
    const seedOf = new Map(runs.map((r) => [r.runId, r.seed]));
    return {
      out,
      sweep,
      runs,
      files: OUTPUT_TABLES.map((t) => ({ table: t, path: join(out, `${t}.arrow`), rows: sinks[t].rows })),
      metrics: metricRows.map((r) => ({ ...(r as unknown as MetricRow & { run_id: number; mode: string }), seed: seedOf.get(r.run_id as number)! })),
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
  const sinkOptions = { batchRows: loaded.scenario.output.batch_rows, metadata: metadataFor(loaded) };
  const sinks = {} as Record<OutputTable, ArrowTableSink>;
  for (const t of OUTPUT_TABLES) sinks[t] = openArrowTable(TABLES[t], sinkOptions);
  const runs = await executeRuns(loaded, sinks as RunSinks, options);
  const tables = {} as Record<OutputTable, Table>;
  for (const t of OUTPUT_TABLES) tables[t] = sinks[t].table();
  return { tables, runs };
}

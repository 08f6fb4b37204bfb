// `seqsim merge shard0/ shard1/ … -o out/`: the outputs of every shard of one plan joined into
// the files an unsharded run writes, byte for byte. Each table's batches are appended in shard
// order (shards are contiguous slices of the plan, so that is run order), column by column, to the
// same writer with the same schema, metadata (less the shard's own key) and batch size, which
// re-cuts them into the batches one process writes; points.arrow is every shard's (one is
// copied); comparison and point_metrics are computed again from the merged metrics and sketches,
// as a run computes them. Every shard is checked before anything is written. Files are read a
// batch at a time and each table is closed when its rows are in, so memory holds one table's batch
// and one point's metrics, whatever the shards' size.
// The same join makes the output of a sweep from its points' parts (resume.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { DataType, Schema } from 'apache-arrow';
import { TABLE_NAMES, type ColumnType, type TableName, type TableSpec } from '../metrics/tables.ts';
import { openArrowFile, type ArrowFileSink } from '../output/arrow.ts';
import { OutputPathError, prepareOutputDirectory, removeIfEmpty } from './outputDir.ts';
import { openBatches, OutputReadError, readTable } from './readOutput.ts';
import { rowsOf } from '../output/batchRows.ts';
import { DerivedTables, type PlannedRun } from './derived.ts';
import { SHARD_KEY, type ShardInfo } from './shards.ts';
import { SEQSIM_VERSION } from '../version.ts';
import type { RunSummary } from './run.ts';

/** Tables computed after the runs rather than appended by them. */
const DERIVED: readonly TableName[] = ['comparison', 'point_metrics'];

/** A run as the joined runs.arrow records it (its `mode` column holds the variant's name). */
export type JoinedRun = Omit<RunSummary, 'mode'>;

export interface MergeResult {
  out: string;
  shards: number;
  runs: number;
  failed: number;
  files: { table: TableName; path: string; rows: number }[];
  /** Every run, in plan order, read once with the rows the join copies (without resolved_json). */
  joined: JoinedRun[];
}

interface ShardDir {
  dir: string;
  info: ShardInfo;
  scenarioSha256: string;
  version: string;
}

async function shardOf(dir: string): Promise<ShardDir> {
  const runs = await openBatches(dir, 'runs');
  await runs.close();
  const meta = runs.schema.metadata;
  const text = meta.get(SHARD_KEY);
  if (text === undefined) throw new OutputReadError(`cannot merge ${dir}: it is not a shard (its runs.arrow has no ${SHARD_KEY} metadata; merge joins the outputs of --shard I/N)`);
  return { dir, info: JSON.parse(text) as ShardInfo, scenarioSha256: meta.get('seqsim.scenario_sha256') ?? '', version: meta.get('seqsim.version') ?? '' };
}

/** The shards of one plan, in index order; throws naming what does not fit. */
function checkShards(shards: ShardDir[]): ShardDir[] {
  const first = shards[0];
  for (const s of shards.slice(1)) {
    if (s.scenarioSha256 !== first.scenarioSha256) throw new OutputReadError(`cannot merge: ${s.dir} ran another scenario than ${first.dir} (scenario_sha256 ${s.scenarioSha256.slice(0, 12)}… against ${first.scenarioSha256.slice(0, 12)}…)`);
    if (s.version !== first.version) throw new OutputReadError(`cannot merge: ${s.dir} was written by seqsim ${s.version}, ${first.dir} by ${first.version}`);
    if (s.info.count !== first.info.count || s.info.runs !== first.info.runs) throw new OutputReadError(`cannot merge: ${s.dir} is shard ${s.info.index}/${s.info.count} of ${s.info.runs} runs, ${first.dir} is one of ${first.info.count} shards of ${first.info.runs} runs`);
  }
  const byIndex = new Map<number, ShardDir>();
  for (const s of shards) {
    const twin = byIndex.get(s.info.index);
    if (twin) throw new OutputReadError(`cannot merge: shard ${s.info.index}/${s.info.count} is given twice (${twin.dir} and ${s.dir})`);
    byIndex.set(s.info.index, s);
  }
  const missing = Array.from({ length: first.info.count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) throw new OutputReadError(`cannot merge: shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${first.info.count}`).join(', ')} missing (given: ${shards.map((s) => `${s.dir} = ${s.info.index}`).join(', ')})`);
  return [...byIndex.values()].sort((a, b) => a.info.index - b.info.index);
}

const COLUMN_TYPES: Record<string, ColumnType> = { Utf8: 'utf8', Int32: 'int32', Int64: 'int64', Float64: 'float64', Bool: 'bool', Binary: 'binary' };

/** The spec a file was written with, read back from its schema (points.arrow's columns depend on the sweep). */
function specOf(name: TableName, schema: Schema, file: string): TableSpec {
  const typeName = (t: DataType) => {
    const found = COLUMN_TYPES[String(t)];
    if (!found) throw new OutputReadError(`cannot merge ${file}: column type ${String(t)} is not one seqsim writes`);
    return found;
  };
  const columns = schema.fields.map((f) => ({ name: f.name, type: typeName(f.type), nullable: f.nullable, unit: f.metadata.get('unit') ?? '', description: f.metadata.get('description') ?? '' }));
  return { name, description: '', columns };
}

/** A part's metadata for the joined file: its shard key replaced by that of the whole (`shard`), or dropped. */
function metadataOf(schema: Schema, shard: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of schema.metadata) {
    if (k === 'seqsim.table') continue;
    if (k !== SHARD_KEY) out[k] = v;
    else if (shard !== undefined) out[k] = shard;
  }
  return out;
}

export async function mergeShards(dirs: readonly string[], out: string): Promise<MergeResult> {
  if (dirs.length === 0) throw new OutputReadError('cannot merge: no shard folders given');
  const shards = checkShards(await Promise.all(dirs.map(shardOf)));
  for (const s of shards) if (path.resolve(s.dir) === path.resolve(out)) throw new OutputPathError(out, 'it is one of the shards being merged: name another folder');
  if (shards[0].version !== SEQSIM_VERSION) throw new OutputReadError(`cannot merge: the shards were written by seqsim ${shards[0].version}, this is ${SEQSIM_VERSION} (merge with the version that ran them)`);
  return joinParts(shards.map((s) => s.dir), out, shards[0].info.batch_rows, undefined);
}

/**
 * Joins contiguous slices of a plan, given in plan order and already checked, into `out`: every
 * table's rows in that order, batched by `batchRows`, the derived tables computed from them. The
 * files say they are `shard` of the plan, or (undefined) the whole of it.
 */
export async function joinParts(dirs: readonly string[], out: string, batchRows: number, shard: ShardInfo | undefined): Promise<MergeResult> {
  // Every file of every part must be there before anything is written.
  for (const dir of dirs)
    for (const t of TABLE_NAMES) if (!fs.statSync(path.join(dir, `${t}.arrow`), { throwIfNoEntry: false })?.isFile()) readTable(dir, t); // throws, naming the file
  const shardText = shard && JSON.stringify(shard);
  const { created } = prepareOutputDirectory(out);
  const sinks = {} as Record<TableName, ArrowFileSink>;
  const openSink = (t: TableName, schema: Schema) => {
    const file = path.join(out, `${t}.arrow`);
    return (sinks[t] = openArrowFile(specOf(t, schema, file), file, { batchRows, metadata: metadataOf(schema, shardText) }));
  };
  try {
    const joined: JoinedRun[] = [];
    for (const dir of dirs)
      for await (const batch of (await openBatches(dir, 'runs')).batches)
        for (const r of rowsOf(batch, ['run_id', 'mode', 'seed', 'point', 'status', 'error', 'events', 'end_time_us']))
          joined.push({
            runId: r.run_id as number, variant: r.mode as string, seed: Number(r.seed), point: r.point as number,
            status: r.status as RunSummary['status'], error: (r.error as string | null) ?? null, events: Number(r.events), endTimeUs: Number(r.end_time_us),
          });
    const plans: readonly PlannedRun[] = joined;
    const failed = joined.filter((r) => r.status !== 'ok').length;
    const derivedSchema = async (t: TableName) => {
      const file = await openBatches(dirs[0], t);
      await file.close();
      return file.schema;
    };
    const comparisonSchema = await derivedSchema('comparison');
    const variants = JSON.parse(comparisonSchema.metadata.get('seqsim.modes') ?? '[]') as string[];
    const baseline = (JSON.parse(comparisonSchema.metadata.get('seqsim.comparison') ?? '{}') as { baseline?: string }).baseline ?? variants[0];
    const derived = new DerivedTables(plans, baseline, variants, { comparison: openSink('comparison', comparisonSchema), point_metrics: openSink('point_metrics', await derivedSchema('point_metrics')) });
    const feed: Partial<Record<TableName, (row: Record<string, unknown>) => void>> = { metrics: (r) => derived.metric(r), sketches: (r) => derived.sketch(r) };
    for (const t of TABLE_NAMES) {
      if (DERIVED.includes(t)) continue;
      for (const dir of t === 'points' ? dirs.slice(0, 1) : dirs) {
        const file = await openBatches(dir, t);
        sinks[t] ??= openSink(t, file.schema);
        const fed = feed[t];
        for await (const batch of file.batches) {
          if (fed) for (const row of rowsOf(batch)) fed(row);
          sinks[t].appendBatch(batch);
        }
        await sinks[t].drain();
      }
      await sinks[t].close(); // now: its batch buffers go before the next table fills its own
    }
    derived.finish();
    for (const t of DERIVED) await sinks[t].close();
    return { out, shards: dirs.length, runs: joined.length, failed, joined, files: TABLE_NAMES.map((t) => ({ table: t, path: path.join(out, `${t}.arrow`), rows: sinks[t].rows })) };
  } catch (e) {
    for (const t of TABLE_NAMES) sinks[t]?.abort();
    if (created) removeIfEmpty(out);
    throw e;
  }
}

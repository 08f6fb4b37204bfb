// `seqsim merge shard0/ shard1/ … -o out/`: the outputs of every shard of one plan joined into
// the files an unsharded run writes, byte for byte. Each table's rows are appended in shard order
// (shards are contiguous slices of the plan, so that is run order) through the same writer, with
// the same schema, metadata (less the shard's own key) and batch size; points.arrow is every
// shard's (one is copied); comparison and point_metrics are computed again from the merged
// metrics and sketches, as a run computes them. Every shard is checked before anything is written.
import fs from 'node:fs';
import path from 'node:path';
import type { DataType, Schema, Table } from 'apache-arrow';
import { TABLE_NAMES, type ColumnType, type TableName, type TableSpec } from '../metrics/tables.ts';
import { openArrowFile, type ArrowFileSink } from '../output/arrow.ts';
import { OutputPathError, prepareOutputDirectory, removeIfEmpty } from './outputDir.ts';
import { OutputReadError, readTable } from './readOutput.ts';
import { DerivedTables, type PlannedRun } from './derived.ts';
import { SHARD_KEY, type ShardInfo } from './shards.ts';
import { SEQSIM_VERSION } from '../version.ts';

/** Tables computed after the runs rather than appended by them. */
const DERIVED: readonly TableName[] = ['comparison', 'point_metrics'];

export interface MergeResult {
  out: string;
  shards: number;
  runs: number;
  failed: number;
  files: { table: TableName; path: string; rows: number }[];
}

interface ShardDir {
  dir: string;
  info: ShardInfo;
  scenarioSha256: string;
  version: string;
}

function shardOf(dir: string): ShardDir {
  const meta = readTable(dir, 'runs').schema.metadata;
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

function metadataOf(schema: Schema): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of schema.metadata) if (k !== SHARD_KEY && k !== 'seqsim.table') out[k] = v;
  return out;
}

/** Each row as a plain object, read column by column (twice as fast as StructRow.toJSON). */
function* rowsOf(table: Table): Generator<Record<string, unknown>> {
  const names = table.schema.fields.map((f) => f.name);
  for (const batch of table.batches) {
    const columns = names.map((_, c) => batch.getChildAt(c)!);
    for (let i = 0; i < batch.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) row[names[c]] = columns[c].get(i);
      yield row;
    }
  }
}

export async function mergeShards(dirs: readonly string[], out: string): Promise<MergeResult> {
  if (dirs.length === 0) throw new OutputReadError('cannot merge: no shard folders given');
  const shards = checkShards(dirs.map(shardOf));
  for (const s of shards) if (path.resolve(s.dir) === path.resolve(out)) throw new OutputPathError(out, 'it is one of the shards being merged: name another folder');
  if (shards[0].version !== SEQSIM_VERSION) throw new OutputReadError(`cannot merge: the shards were written by seqsim ${shards[0].version}, this is ${SEQSIM_VERSION} (merge with the version that ran them)`);
  // Every file of every shard must be there before anything is written; each table is then read
  // one shard at a time (memory holds one shard's table, not the sweep).
  for (const s of shards)
    for (const t of TABLE_NAMES) if (!fs.statSync(path.join(s.dir, `${t}.arrow`), { throwIfNoEntry: false })?.isFile()) readTable(s.dir, t); // throws, naming the file
  const read = (shard: ShardDir, t: TableName) => readTable(shard.dir, t);
  const first = { runs: read(shards[0], 'runs'), comparison: read(shards[0], 'comparison') };
  const { created } = prepareOutputDirectory(out);
  const sinks = {} as Record<TableName, ArrowFileSink>;
  const openSink = (t: TableName, schema: Schema) => {
    const file = path.join(out, `${t}.arrow`);
    return openArrowFile(specOf(t, schema, file), file, { batchRows: shards[0].info.batch_rows, metadata: metadataOf(schema) });
  };
  try {
    const plans: PlannedRun[] = [];
    let failed = 0;
    for (const shard of shards)
      for (const r of rowsOf(read(shard, 'runs'))) {
        plans.push({ runId: r.run_id as number, seed: Number(r.seed), point: r.point as number });
        if (r.status !== 'ok') failed++;
      }
    const variants = JSON.parse(first.runs.schema.metadata.get('seqsim.modes') ?? '[]') as string[];
    const baseline = (JSON.parse(first.comparison.schema.metadata.get('seqsim.comparison') ?? '{}') as { baseline?: string }).baseline ?? variants[0];
    const derived = new DerivedTables(plans, baseline, variants);
    const feed: Partial<Record<TableName, (row: Record<string, unknown>) => void>> = { metrics: (r) => derived.metric(r), sketches: (r) => derived.sketch(r) };
    for (const t of TABLE_NAMES) {
      if (DERIVED.includes(t)) continue;
      for (const shard of t === 'points' ? shards.slice(0, 1) : shards) {
        const table = read(shard, t);
        sinks[t] ??= openSink(t, table.schema);
        for (const row of rowsOf(table)) {
          feed[t]?.(row);
          sinks[t].append(row);
        }
        await sinks[t].drain();
      }
    }
    for (const t of DERIVED) sinks[t] = openSink(t, t === 'comparison' ? first.comparison.schema : read(shards[0], t).schema);
    const rows = derived.finish();
    for (const row of rows.comparison) sinks.comparison.append(row as unknown as Record<string, unknown>);
    for (const row of rows.pointMetrics) sinks.point_metrics.append(row);
    for (const t of TABLE_NAMES) await sinks[t].close();
    return { out, shards: shards.length, runs: plans.length, failed, files: TABLE_NAMES.map((t) => ({ table: t, path: path.join(out, `${t}.arrow`), rows: sinks[t].rows })) };
  } catch (e) {
    for (const t of TABLE_NAMES) sinks[t]?.abort();
    if (created) removeIfEmpty(out);
    throw e;
  }
}

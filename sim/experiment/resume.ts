// Crash-safe sweeps: the unit of resume is the sweep point. Each point's runs are written as a
// part — the point's slice of the plan in shard form (`<out>/.seqsim-parts/point-<p>/`, every table,
// each renamed into place when complete, then a completion marker renamed in last) — and when every
// point is done the parts are joined (merge.ts) into `<out>/<table>.arrow`, the bytes of one
// uninterrupted run, and removed. After a crash (kill -9, SIGTERM, a lost node) the same command
// into the same folder keeps the points whose marker is there, removes any part without one, and
// runs only the rest. Parts of another scenario, seqsim version or shard are refused, never mixed.
// A shard (--shard I/N) of a sweep resumes the same way: its parts are the points' slices inside
// the shard's runs, joined into the shard's files. A scenario without a sweep is one point (and an empty shard none): it reruns whole.
import fs from 'node:fs';
import path from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { TABLE_NAMES, type TableName } from '../metrics/tables.ts';
import type { ArrowFileSink } from '../output/arrow.ts';
import { committed } from '../output/crashPoints.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { SEQSIM_VERSION } from '../version.ts';
import { joinParts } from './merge.ts';
import { OutputPathError, prepareOutputDirectory } from './outputDir.ts';
import { execute, openTableFiles, runToDirectory, shardInfoOf, type DirectoryResult } from './outputs.ts';
import { Interrupted, planRuns, type BatchSink, type BatchSinks, type ExecuteOptions, type RunSummary } from './run.ts';
import { shardRange, type ShardInfo } from './shards.ts';

export const PARTS_DIR = '.seqsim-parts';
const MARKER = 'complete.json';

interface Marker {
  scenario_sha256: string;
  seqsim_version: string;
  point: number;
  /** The run ids the part holds, from ≤ run_id < to: the whole point, or its runs inside a shard. */
  from: number;
  to: number;
}

/** The runs of one invocation, cut into its points' parts. */
class PartPlan {
  readonly runsPerPoint: number;
  readonly runs: number;
  readonly from: number;
  readonly to: number;

  constructor(private readonly loaded: LoadedScenario, shard: ExecuteOptions['shard']) {
    this.runs = planRuns(loaded).length;
    this.runsPerPoint = this.runs / loaded.pointCount;
    ({ from: this.from, to: this.to } = shard ? shardRange(shard, this.runs) : { from: 0, to: this.runs });
  }

  pointOf(runId: number): number {
    return Math.floor(runId / this.runsPerPoint);
  }

  /** The points this invocation's runs touch, in order (none for an empty shard). */
  points(): number[] {
    if (this.from === this.to) return [];
    const first = this.pointOf(this.from);
    return Array.from({ length: this.pointOf(this.to - 1) - first + 1 }, (_, k) => first + k);
  }

  /** A point's part, in shard form: the point's runs that are this invocation's. */
  part(point: number): ShardInfo {
    const from = Math.max(this.from, point * this.runsPerPoint);
    const to = Math.min(this.to, (point + 1) * this.runsPerPoint);
    return { index: point, count: this.loaded.pointCount, from, to, runs: this.runs, batch_rows: this.loaded.scenario.output.batch_rows };
  }
}

/** The finished points of an earlier, interrupted invocation; removes unfinished parts. Throws on another scenario's or shard's parts. */
function finishedPoints(loaded: LoadedScenario, plan: PartPlan, out: string, parts: string): Set<number> {
  const done = new Set<number>();
  if (!fs.existsSync(parts)) return done;
  const mine = new Set(plan.points());
  for (const name of fs.readdirSync(parts).sort()) {
    const dir = path.join(parts, name);
    const marker = path.join(dir, MARKER);
    if (!fs.existsSync(marker)) {
      fs.rmSync(dir, { recursive: true, force: true }); // a point cut short: it runs again
      continue;
    }
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as Marker;
    if (m.scenario_sha256 !== loaded.sha256 || m.seqsim_version !== SEQSIM_VERSION)
      throw new OutputPathError(
        out,
        `it holds finished points of another sweep (${PARTS_DIR}/${name}: scenario_sha256 ${m.scenario_sha256.slice(0, 12)}… of seqsim ${m.seqsim_version}; this is ${loaded.sha256.slice(0, 12)}… of seqsim ${SEQSIM_VERSION}): rerun that sweep to finish it, or remove ${parts}`,
      );
    const expected = mine.has(m.point) ? plan.part(m.point) : undefined;
    if (expected?.from !== m.from || expected?.to !== m.to)
      throw new OutputPathError(
        out,
        `it holds finished points of another shard of this sweep (${PARTS_DIR}/${name}: runs ${m.from}–${m.to - 1}; this invocation runs ${plan.from}–${plan.to - 1}): rerun that shard into it to finish it, or remove ${parts}`,
      );
    done.add(m.point);
  }
  return done;
}

/** Routes each run's rows to its point's part, closing a part (and marking it complete) when the next point starts. */
class PartWriter {
  readonly sinks: BatchSinks;
  private open: { part: ShardInfo; dir: string; sinks: Record<TableName, ArrowFileSink> } | undefined;
  private closing: Promise<void> = Promise.resolve();

  constructor(private readonly loaded: LoadedScenario, private readonly plan: PartPlan, private readonly parts: string) {
    const sink = (t: TableName): BatchSink => ({
      append: (row, constants) => this.partOf((constants?.run_id ?? row.run_id) as number)[t].append(row, constants),
      // A batch holds rows of one run (a worker sends each run's own); the part keeps it whole (the join re-cuts the batches).
      appendBatch: (batch: RecordBatch) => {
        if (batch.numRows > 0) this.partOf(batch.getChild('run_id')!.get(0) as number)[t].writeBatch(batch);
      },
      drain: () => this.drain(),
    });
    this.sinks = Object.fromEntries(TABLE_NAMES.map((t) => [t, sink(t)])) as BatchSinks;
  }

  /** The sinks of the run's point's part, started when the first row of a new point comes. */
  private partOf(runId: number): Record<TableName, ArrowFileSink> {
    const point = this.plan.pointOf(runId);
    if (this.open?.part.index !== point) this.start(point);
    return this.open!.sinks;
  }

  private start(point: number): void {
    const previous = this.open;
    if (previous) this.closing = this.closing.then(() => this.close(previous));
    const dir = path.join(this.parts, `point-${point}`);
    fs.mkdirSync(dir, { recursive: true });
    this.open = { part: this.plan.part(point), dir, sinks: {} as Record<TableName, ArrowFileSink> };
    openTableFiles(this.loaded, dir, this.open.part, this.open.sinks, point === this.plan.pointOf(this.plan.from));
  }

  private async close(open: NonNullable<PartWriter['open']>): Promise<void> {
    for (const t of TABLE_NAMES) await open.sinks[t].close();
    const marker: Marker = { scenario_sha256: this.loaded.sha256, seqsim_version: SEQSIM_VERSION, point: open.part.index, from: open.part.from, to: open.part.to };
    const temp = path.join(open.dir, `.${MARKER}.tmp`);
    fs.writeFileSync(temp, JSON.stringify(marker));
    fs.renameSync(temp, path.join(open.dir, MARKER)); // last: the part is complete only with every table in place
    committed();
  }

  async drain(): Promise<void> {
    if (this.open) await Promise.all(Object.values(this.open.sinks).map((s) => s.drain()));
    await this.closing;
  }

  async finish(): Promise<void> {
    const last = this.open;
    this.open = undefined;
    await this.closing;
    if (last) await this.close(last);
  }

  /** Gives up the point being written (its folder goes); finished points stay for the next invocation. */
  abort(): void {
    if (!this.open) return;
    for (const s of Object.values(this.open.sinks)) s?.abort();
    fs.rmSync(this.open.dir, { recursive: true, force: true });
    this.open = undefined;
  }
}

/**
 * As runToDirectory, resumable for sweeps (whole or a shard of them): the points an interrupted
 * invocation finished are kept and skipped. The final files are the bytes of one uninterrupted
 * run (`test/resume.test.ts`).
 */
export async function runResumable(loaded: LoadedScenario, out: string, options: ExecuteOptions = {}): Promise<DirectoryResult & { resumedPoints: number; resumablePoints: number }> {
  const plan = new PartPlan(loaded, options.shard);
  if (!loaded.sweep || plan.points().length === 0) return { ...(await runToDirectory(loaded, out, options)), resumedPoints: 0, resumablePoints: 0 };
  const { sweep } = prepareOutputDirectory(out);
  const parts = path.join(out, PARTS_DIR);
  const done = finishedPoints(loaded, plan, out, parts);
  const writer = new PartWriter(loaded, plan, parts);
  try {
    await execute(loaded, writer.sinks, { ...options, skipPoints: done });
    await writer.finish();
  } catch (e) {
    writer.abort();
    if (e instanceof Interrupted) e.partsKept = parts;
    throw e;
  }
  const dirs = plan.points().map((p) => path.join(parts, `point-${p}`));
  const merged = await joinParts(dirs, out, loaded.scenario.output.batch_rows, options.shard && shardInfoOf(loaded, options.shard));
  fs.rmSync(parts, { recursive: true, force: true });
  const modeOf = new Map(loaded.variants.map((v) => [v.name, v.mode]));
  const runs = merged.joined.map(({ runId, variant, ...rest }): RunSummary => ({ runId, variant, mode: modeOf.get(variant)!, ...rest }));
  return { out, sweep, runs, files: merged.files, metrics: [], resumedPoints: done.size, resumablePoints: dirs.length };
}

// Crash-safe sweeps: the unit of resume is the sweep point. Each point's runs are written as a
// part — the point's slice of the plan in shard form (`<out>/.seqsim-parts/point-<p>/`, every table,
// each renamed into place when complete, then a completion marker renamed in last) — and when every
// point is done the parts are merged (merge.ts) into `<out>/<table>.arrow`, the bytes of one
// uninterrupted run, and removed. After a crash (kill -9, SIGTERM, a lost node) the same command
// into the same folder keeps the points whose marker is there, removes any part without one, and
// runs only the rest. Parts of another scenario or seqsim version are refused, never mixed.
// A scenario without a sweep is one point and a shard (--shard) is written directly: both rerun whole.
import fs from 'node:fs';
import path from 'node:path';
import { TABLE_NAMES, type TableName } from '../metrics/tables.ts';
import type { ArrowFileSink } from '../output/arrow.ts';
import { committed } from '../output/crashPoints.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { SEQSIM_VERSION } from '../version.ts';
import { mergeShards } from './merge.ts';
import { OutputPathError, prepareOutputDirectory } from './outputDir.ts';
import { execute, openTableFiles, runToDirectory, type DirectoryResult } from './outputs.ts';
import { readTable } from './readOutput.ts';
import { Interrupted, planRuns, type ExecuteOptions, type RunSink, type RunSinks, type RunSummary } from './run.ts';

export const PARTS_DIR = '.seqsim-parts';
const MARKER = 'complete.json';

interface Marker {
  scenario_sha256: string;
  seqsim_version: string;
  point: number;
}

/** The finished points of an earlier, interrupted invocation; removes unfinished parts. Throws on another scenario's parts. */
function finishedPoints(loaded: LoadedScenario, out: string, parts: string): Set<number> {
  const done = new Set<number>();
  if (!fs.existsSync(parts)) return done;
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
    done.add(m.point);
  }
  return done;
}

/** Routes each run's rows to its point's part, closing a part (and marking it complete) when the next point starts. */
class PartWriter {
  readonly sinks: RunSinks;
  private open: { point: number; dir: string; sinks: Record<TableName, ArrowFileSink> } | undefined;
  private closing: Promise<void> = Promise.resolve();
  private readonly runsPerPoint: number;

  constructor(private readonly loaded: LoadedScenario, private readonly parts: string) {
    this.runsPerPoint = planRuns(loaded).length / loaded.pointCount;
    const sink = (t: TableName): RunSink => ({ append: (row, constants) => this.route(t, row, constants), drain: () => this.drain() });
    this.sinks = Object.fromEntries(TABLE_NAMES.map((t) => [t, sink(t)])) as RunSinks;
  }

  private route(t: TableName, row: Record<string, unknown>, constants: Record<string, unknown> | null | undefined): void {
    const point = Math.floor(((constants?.run_id ?? row.run_id) as number) / this.runsPerPoint);
    if (this.open?.point !== point) this.start(point);
    this.open!.sinks[t].append(row, constants);
  }

  private start(point: number): void {
    const previous = this.open;
    if (previous) this.closing = this.closing.then(() => this.close(previous));
    const dir = path.join(this.parts, `point-${point}`);
    fs.mkdirSync(dir, { recursive: true });
    this.open = { point, dir, sinks: {} as Record<TableName, ArrowFileSink> };
    openTableFiles(this.loaded, dir, { index: point, count: this.loaded.pointCount }, this.open.sinks);
  }

  private async close(part: NonNullable<PartWriter['open']>): Promise<void> {
    for (const t of TABLE_NAMES) await part.sinks[t].close();
    const marker: Marker = { scenario_sha256: this.loaded.sha256, seqsim_version: SEQSIM_VERSION, point: part.point };
    const temp = path.join(part.dir, `.${MARKER}.tmp`);
    fs.writeFileSync(temp, JSON.stringify(marker));
    fs.renameSync(temp, path.join(part.dir, MARKER)); // last: the part is complete only with every table in place
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

/** A finished run as its runs.arrow row records it. */
function summariesOf(loaded: LoadedScenario, out: string): RunSummary[] {
  const modeOf = new Map(loaded.variants.map((v) => [v.name, v.mode]));
  return readTable(out, 'runs').toArray().map((r) => ({
    runId: r.run_id, variant: r.mode, mode: modeOf.get(r.mode)!, seed: Number(r.seed), point: r.point,
    status: r.status, error: r.error ?? null, events: Number(r.events), endTimeUs: Number(r.end_time_us),
  }));
}

/**
 * As runToDirectory, resumable for sweeps: the points an interrupted invocation finished are kept
 * and skipped. The final files are the bytes of one uninterrupted run (`test/resume.test.ts`).
 */
export async function runResumable(loaded: LoadedScenario, out: string, options: ExecuteOptions = {}): Promise<DirectoryResult & { resumedPoints: number }> {
  if (!loaded.sweep || options.shard) return { ...(await runToDirectory(loaded, out, options)), resumedPoints: 0 };
  const { sweep } = prepareOutputDirectory(out);
  const parts = path.join(out, PARTS_DIR);
  const done = finishedPoints(loaded, out, parts);
  const writer = new PartWriter(loaded, parts);
  const run = { ...options, skipPoints: done };
  try {
    await execute(loaded, writer.sinks, run);
    await writer.finish();
  } catch (e) {
    writer.abort();
    if (e instanceof Interrupted) e.partsKept = parts;
    throw e;
  }
  const dirs = Array.from({ length: loaded.pointCount }, (_, p) => path.join(parts, `point-${p}`));
  const merged = await mergeShards(dirs, out);
  fs.rmSync(parts, { recursive: true, force: true });
  return { out, sweep, runs: summariesOf(loaded, out), files: merged.files, metrics: [], resumedPoints: done.size };
}

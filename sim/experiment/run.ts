// Runs every (seed, variant) pair of a scenario and streams their rows into table sinks.
// Seeds are the outer loop and variants the inner one (in scenario order), so the runs of one seed
// sit side by side and run_id order is the same whatever the sinks are (files, memory). Rows get
// their run id and variant name (the mode column) here, from the run plan: the model and the
// recorders never know which run they are in. Each run builds its own world from (scenario, seed),
// so adding a variant never changes another variant's draws.
import type { RecordBatch } from 'apache-arrow';
import { InvariantError } from '../engine/assert.ts';
import { buildWorld, type Mode } from '../world/build.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import { attachRecorders, type RecorderSinks } from '../metrics/attach.ts';
import { NULL_SINK, type RowSink } from '../metrics/rows.ts';
import { SKETCH_ACCURACY } from '../metrics/distribution.ts';
import { canonicalJson } from '../scenario/data.ts';
import { EVENT_TABLES, type TableName } from '../metrics/tables.ts';
import { scenarioJsonSchemaShared } from '../scenario/schema.ts';
import { withDurationUnits } from '../scenario/schemaWalk.ts';
import { shardRange, type Shard } from './shards.ts';

export interface RunPlan {
  runId: number;
  /** The variant's name: the value of the tables' mode column (the mode itself for `modes:` scenarios). */
  variant: string;
  /** The mechanism the variant's world is built with. */
  mode: Mode;
  seed: number;
  /** Sweep point index; 0 when not sweeping. */
  point: number;
}

export interface RunSummary extends RunPlan {
  status: 'ok' | 'failed';
  error: string | null;
  events: number;
  endTimeUs: number;
}

/** A table sink the runner can wait on (files drain to disk between chunks; memory does nothing). */
export interface RunSink {
  /** `constants` fill the run columns (run_id, mode) the row leaves out. */
  append(row: Record<string, unknown>, constants?: Record<string, unknown> | null): void;
  drain(): Promise<void>;
}

/** One sink per table. */
export type RunSinks = Record<TableName, RunSink>;

/** A table sink a plan's runs are written to: it also takes whole batches (a worker process's, parallel.ts). */
export interface BatchSink extends RunSink {
  appendBatch(batch: RecordBatch): void;
}

export type BatchSinks = Record<TableName, BatchSink>;

/** How far an invocation's runs have got, for a progress display. */
export interface PlanProgress {
  /** Runs finished, of the `runs` this invocation executes. */
  runsDone: number;
  runs: number;
  /** Events the engine processed so far, over the finished runs and those under way. */
  events: number;
}

export interface ExecuteOptions {
  /** Called between chunks of a run with the fraction of all work done, and where the runs stand. */
  onProgress?: (fraction: number, progress: PlanProgress) => void;
  /** Checked between chunks: once aborted, the runs stop with an Interrupted error. */
  signal?: AbortSignal;
  /** Worker processes running runs side by side (sim/experiment/parallel.ts); 1 (default): this process. The bytes are the same. */
  workers?: number;
  /** Run only this slice of the plan (sim/experiment/shards.ts). */
  shard?: Shard;
  /** Sweep points already finished (a resumed sweep, sim/experiment/resume.ts): their runs are skipped. */
  skipPoints?: ReadonlySet<number>;
}

/** The runs were stopped from outside (a signal): nothing they wrote is kept. */
export class Interrupted extends Error {
  /** Where a resumable sweep kept the points it had finished (resume.ts), if it did. */
  partsKept?: string;
  constructor(readonly reason: string) {
    super(`interrupted by ${reason}`);
  }
}

/**
 * Events per chunk of a run: between chunks the sinks drain to disk and progress is reported, so
 * memory holds at most a chunk's rows. Chunking never changes the event order.
 */
const CHUNK_EVENTS = 200_000;
/** Chunks in a row at one instant after which a run is declared stuck (10 million events). */
const STUCK_CHUNKS = 50;

/** Points outermost (a sweep's), then seeds, then variants in scenario order. */
export function planRuns(loaded: LoadedScenario): RunPlan[] {
  const { seed, runs } = loaded.scenario;
  const plans: RunPlan[] = [];
  for (let point = 0; point < loaded.pointCount; point++)
    for (let k = 0; k < runs; k++) for (const v of loaded.variants) plans.push({ runId: plans.length, variant: v.name, mode: v.mode, seed: seed + k, point });
  return plans;
}

/** The runs an invocation executes: the whole plan or its shard's slice, less the points already finished. */
export function selectedRuns(loaded: LoadedScenario, options: Pick<ExecuteOptions, 'shard' | 'skipPoints'>): RunPlan[] {
  let plans = planRuns(loaded);
  if (options.shard) {
    const { from, to } = shardRange(options.shard, plans.length);
    plans = plans.slice(from, to);
  }
  return options.skipPoints?.size ? plans.filter((p) => !options.skipPoints!.has(p.point)) : plans;
}

export async function executeRuns(loaded: LoadedScenario, sinks: RunSinks, options: ExecuteOptions = {}): Promise<RunSummary[]> {
  const plans = selectedRuns(loaded, options);
  const summaries: RunSummary[] = [];
  let eventsDone = 0;
  options.onProgress?.(0, { runsDone: 0, runs: plans.length, events: 0 });
  for (let i = 0; i < plans.length; i++) {
    // Between runs too: a run shorter than a chunk never reaches the check inside it.
    if (options.signal?.aborted) throw new Interrupted(String(options.signal.reason));
    const progress = (f: number, events: number) => options.onProgress?.((i + f) / plans.length, { runsDone: i, runs: plans.length, events: eventsDone + events });
    const summary = await executeRun(loaded, plans[i], sinks, progress, options.signal);
    summaries.push(summary);
    eventsDone += summary.events;
    options.onProgress?.((i + 1) / plans.length, { runsDone: i + 1, runs: plans.length, events: eventsDone });
  }
  return summaries;
}

/** Adds the run's identity to every row a recorder writes (as the sink's constants: the rows stay as written). */
function tagged(sink: RunSink, plan: RunPlan): RowSink {
  const constants = { run_id: plan.runId, mode: plan.variant };
  return { append: (row) => sink.append(row, constants) };
}

/** Runs one run of the plan; `onProgress` gets the fraction of its horizon simulated and the events processed so far. */
export async function executeRun(loaded: LoadedScenario, plan: RunPlan, sinks: RunSinks, onProgress: (fraction: number, events: number) => void, signal?: AbortSignal): Promise<RunSummary> {
  const point = loaded.point(plan.point);
  const variant = point.variants.find((v) => v.name === plan.variant)!;
  const { scenario } = variant;
  const world = buildWorld({ scenario, priceSeries: loaded.priceSeries }, plan.mode, plan.seed, { runId: plan.runId });
  // Omitted tables' rows are dropped as they come: the recorders' metrics are the same either way.
  const omitted = new Set<string>(scenario.output.omit);
  const recorders = attachRecorders(world, Object.fromEntries(EVENT_TABLES.map((t) => [t, omitted.has(t) ? NULL_SINK : tagged(sinks[t], plan)])) as RecorderSinks);
  const drainAll = () => Promise.all(Object.values(sinks).map((s) => s.drain()));
  let status: RunSummary['status'] = 'ok';
  let error: string | null = null;
  try {
    let lastNow = -1;
    let stuckChunks = 0;
    while (!world.advance(scenario.horizon, CHUNK_EVENTS)) {
      // A zero-delay loop would never reach the horizon: fail the run instead of hanging.
      stuckChunks = world.sim.now === lastNow ? stuckChunks + 1 : 0;
      lastNow = world.sim.now;
      if (stuckChunks >= STUCK_CHUNKS) throw new InvariantError('time advances', `${(STUCK_CHUNKS * CHUNK_EVENTS).toLocaleString('en-US')} events at ${lastNow} µs without the clock moving (a zero-delay loop)`);
      await drainAll();
      if (signal?.aborted) throw new Interrupted(String(signal.reason));
      onProgress(world.sim.now / scenario.horizon, world.sim.eventsProcessed);
    }
    const report = recorders.finish();
    const metrics = tagged(sinks.metrics, plan);
    for (const m of report.metrics) metrics.append({ ...m });
    const sketches = tagged(sinks.sketches, plan);
    for (const d of report.sketches)
      sketches.append({ metric: d.base, rollup: d.rollup, subject: d.subject, unit: d.unit, count: d.dist.count, sum: d.dist.sum, relative_accuracy: SKETCH_ACCURACY, ddsketch: d.dist.sketch.toProto() });
  } catch (e) {
    // A broken invariant fails this run only; anything else is a bug and propagates.
    if (!(e instanceof InvariantError)) throw e;
    status = 'failed';
    error = e.message;
  }
  const summary: RunSummary = { ...plan, status, error, events: world.sim.eventsProcessed, endTimeUs: world.sim.now };
  sinks.runs.append({
    run_id: plan.runId,
    scenario: scenario.name,
    scenario_sha256: loaded.sha256,
    mode: plan.variant,
    seed: plan.seed,
    point: plan.point,
    params_json: canonicalJson(runParameters(point.resolved, plan, loaded.namedVariants ? variant.sequencingWritten : undefined)),
    resolved_json: canonicalJson(withDurationUnits(scenarioJsonSchemaShared(), runParameters(scenario, plan, loaded.namedVariants ? scenario.sequencing : undefined))),
    events: summary.events,
    end_time_us: summary.endTimeUs,
    status,
    error,
  });
  await drainAll();
  return summary;
}

/**
 * A scenario as this one run saw it: its own seed and mode instead of the lists of them; for a
 * named variant, also its name and its merged sequencing section.
 */
function runParameters(scenario: unknown, plan: RunPlan, variantSequencing?: unknown): unknown {
  const base = (scenario ?? {}) as Record<string, unknown>;
  const { runs: _runs, modes: _modes, variants: _variants, baseline: _baseline, ...rest } = base;
  if (variantSequencing === undefined) return { ...rest, seed: plan.seed, mode: plan.mode };
  return { ...rest, sequencing: variantSequencing, seed: plan.seed, mode: plan.mode, variant: plan.variant };
}

// Runs every (seed, mode) pair of a scenario and streams their rows into table sinks.
// Seeds are the outer loop and modes the inner one, so the runs of one seed sit side by side
// and run_id order is the same whatever the sinks are (files, memory).
import { InvariantError } from '../engine/assert.ts';
import { buildWorld, type Mode } from '../scenario/build.ts';
import type { LoadedScenario } from '../scenario/load.ts';
import type { RowSink } from '../metrics/recorder.ts';
import { canonicalJson } from '../scenario/data.ts';

export interface RunPlan {
  runId: number;
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

export interface RunSinks {
  runs: RowSink;
  metrics: RowSink;
  txs: RowSink;
  trades: RowSink;
  mev: RowSink;
  bids: RowSink;
}

export interface ExecuteOptions {
  /** Called between chunks of simulated time with the fraction of all work done. */
  onProgress?: (fraction: number) => void;
}

/** Chunks per run for progress reporting; chunking never changes the event order. */
const PROGRESS_CHUNKS = 50;

export function planRuns(loaded: LoadedScenario): RunPlan[] {
  const { seed, runs, modes } = loaded.scenario;
  const plans: RunPlan[] = [];
  for (let k = 0; k < runs; k++) for (const mode of modes) plans.push({ runId: plans.length, mode, seed: seed + k, point: 0 });
  return plans;
}

export function executeRuns(loaded: LoadedScenario, sinks: RunSinks, options: ExecuteOptions = {}): RunSummary[] {
  const plans = planRuns(loaded);
  const summaries: RunSummary[] = [];
  plans.forEach((plan, i) => {
    const summary = executeRun(loaded, plan, sinks, (f) => options.onProgress?.((i + f) / plans.length));
    summaries.push(summary);
  });
  options.onProgress?.(1);
  return summaries;
}

function executeRun(loaded: LoadedScenario, plan: RunPlan, sinks: RunSinks, onProgress: (f: number) => void): RunSummary {
  const { scenario } = loaded;
  const world = buildWorld(scenario, plan, sinks);
  let status: RunSummary['status'] = 'ok';
  let error: string | null = null;
  try {
    for (let c = 1; c <= PROGRESS_CHUNKS; c++) {
      world.advance(Math.round((scenario.horizon * c) / PROGRESS_CHUNKS));
      onProgress(c / PROGRESS_CHUNKS);
    }
    for (const m of world.finish()) sinks.metrics.append({ run_id: plan.runId, mode: plan.mode, ...m });
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
    mode: plan.mode,
    seed: plan.seed,
    point: plan.point,
    params_json: canonicalJson(runParameters(loaded.resolved, plan)),
    events: summary.events,
    end_time_us: summary.endTimeUs,
    status,
    error,
  });
  return summary;
}

/** The resolved scenario as this one run saw it: its own seed and mode. */
function runParameters(resolved: unknown, plan: RunPlan): unknown {
  const base = (resolved ?? {}) as Record<string, unknown>;
  const { runs: _runs, modes: _modes, ...rest } = base;
  return { ...rest, seed: plan.seed, mode: plan.mode };
}

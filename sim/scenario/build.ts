// Builds the world of one run from a resolved scenario. The sequencing mode enters here and only
// here: it decides which sequencer components are built. Nothing downstream reads the mode.
import { Simulation, Priority } from '../engine/simulation.ts';
import { invariant } from '../engine/assert.ts';
import type { Micros } from '../engine/time.ts';
import { Link } from '../model/network.ts';
import { Rollup, type RollupParams } from '../model/rollup.ts';
import { CentralizedSequencer } from '../model/sequencer/centralized.ts';
import type { Sequencer } from '../model/sequencer/sequencer.ts';
import { UserPopulation } from '../model/agents/users.ts';
import { RunRecorder, type MetricRow, type RowSink } from '../metrics/recorder.ts';
import type { Scenario } from './schema.ts';

export type Mode = Scenario['modes'][number];

export interface World {
  readonly sim: Simulation;
  readonly rollups: readonly Rollup[];
  /** Advances the world to `untilUs` (callable repeatedly with increasing times). */
  advance(untilUs: Micros): void;
  /** Ends the run at the horizon: writes pending rows, returns the metrics. */
  finish(): MetricRow[];
}

export interface RunIdentity {
  runId: number;
  mode: Mode;
  seed: number;
}

export function buildWorld(scenario: Scenario, id: RunIdentity, txSink: RowSink): World {
  const sim = new Simulation(id.seed);
  const rollupParams: RollupParams[] = scenario.rollups.map((r, index) => ({
    id: r.id,
    index,
    blockTimeUs: r.block_time,
    blockTimeDist: r.block_time_dist,
    capacity: r.capacity,
  }));
  const recorder = new RunRecorder(id.runId, id.mode, rollupParams, scenario.warmup, txSink);
  const rollups = rollupParams.map((p) => new Rollup(p, recorder));
  const sequencers = buildSequencers(sim, id.mode, rollups);
  const latency = { baseUs: scenario.network.base_latency, jitterMeanUs: scenario.network.jitter };

  scenario.rollups.forEach((r, i) => {
    for (const u of r.users) {
      // Stream labels name the rollup and population, never the mode: common random numbers.
      const arrivals = sim.stream(`users/${r.id}/${u.name}/arrivals`);
      const link = new Link(latency, sim.stream(`net/users/${r.id}/${u.name}`));
      new UserPopulation(sim, i, u.name, u.rate, arrivals, link, sequencers[i].receive, recorder);
    }
  });

  const breakAt = scenario.debug.break_invariant;
  if (breakAt && breakAt.run === id.runId) {
    sim.at(breakAt.at, Priority.world, () => invariant(false, 'debug', () => `deliberately broken at ${breakAt.at} µs (scenario debug.break_invariant)`));
  }

  return {
    sim,
    rollups,
    advance: (untilUs) => sim.runUntil(untilUs),
    finish: () => recorder.finish(sim.now),
  };
}

/** One entry per rollup: the sequencer its transactions go to. */
function buildSequencers(sim: Simulation, mode: Mode, rollups: Rollup[]): Sequencer[] {
  switch (mode) {
    case 'centralized':
      return rollups.map((r) => new CentralizedSequencer(sim, r, sim.stream(`sequencer/${r.id}/block-times`)));
    default:
      throw new Error(`sequencing mode ${mode} is not built yet`);
  }
}

// The composition root: builds the world of one run from a resolved scenario, a mode and a seed.
// Each feature is its own module that takes its scenario section and the parts built before it
// (world/*.ts); adding one (options, lending, faults) adds a line here and touches no other.
// The world is the model only: recorders attach to its events from outside (sim/metrics/attach.ts).
import { Priority, Simulation } from '../engine/simulation.ts';
import { invariant } from '../engine/assert.ts';
import type { Micros } from '../engine/time.ts';
import { ModelEvents } from '../model/events.ts';
import { Network, RegionMatrix } from '../model/network.ts';
import { REGION_PRESETS, oneWayDelayUs } from '../model/regions.ts';
import { Rollup } from '../model/rollup.ts';
import type { MarketPool } from '../model/market/marketPool.ts';
import type { Scenario } from '../scenario/schema.ts';
import { regionNames } from '../scenario/schema.ts';
import type { WorldContext, WorldInputs } from './context.ts';
import { declareSources } from './sources.ts';
import { buildMarkets } from './markets.ts';
import { buildSequencing, type Mode, type SequencingLayer } from './sequencing.ts';
import { buildFlows } from './flows.ts';
import { buildArbitrage } from './arbitrage.ts';
import { buildSearchers } from './searchers.ts';
import { buildCrossRollup } from './crossRollup.ts';
import { buildOptions, type OptionsParts } from './options.ts';
import { buildFaults, type FaultsParts } from './faults.ts';
import { buildLending, type LendingParts } from './lending.ts';

export type { Mode } from './sequencing.ts';
export type { WorldInputs } from './context.ts';

export interface World {
  readonly sim: Simulation;
  readonly events: ModelEvents;
  readonly scenario: Scenario;
  readonly rollups: readonly Rollup[];
  readonly markets: readonly MarketPool[];
  readonly sequencing: SequencingLayer;
  readonly options: OptionsParts;
  readonly faults: FaultsParts;
  readonly lending: LendingParts;
  /**
   * Advances the world to `untilUs` (callable repeatedly with increasing times), stopping early
   * after `maxEvents` events; true once the clock has reached `untilUs`. Chunking never changes
   * the order of events.
   */
  advance(untilUs: Micros, maxEvents?: number): boolean;
}

export function buildWorld(inputs: WorldInputs, mode: Mode, seed: number, debug?: { runId: number }): World {
  const { scenario } = inputs;
  const sim = new Simulation(seed);
  const events = new ModelEvents();
  declareSources(sim, scenario);
  const network = buildNetwork(scenario);
  const rollups = scenario.rollups.map((r, index) => new Rollup({ id: r.id, index, blockTimeUs: r.block_time, blockTimeDist: r.block_time_dist, capacity: r.capacity }, sim, events));
  const { feeds, markets } = buildMarkets(sim, events, scenario, rollups, inputs.priceSeries);
  const sequencing = buildSequencing({ sim, events, scenario, network, rollups }, mode);
  const ctx: WorldContext = { sim, events, scenario, network, rollups, rollupIndex: new Map(scenario.rollups.map((r, i) => [r.id, i])), feeds, markets, sequencing };
  buildFlows(ctx);
  buildArbitrage(ctx);
  buildSearchers(ctx);
  buildCrossRollup(ctx);
  const options = buildOptions(ctx);
  const lending = buildLending(ctx);
  const faults = buildFaults(ctx, lending);

  const breakAt = scenario.debug.break_invariant;
  if (breakAt && debug && breakAt.run === debug.runId) {
    sim.at(breakAt.at, Priority.world, () => invariant(false, 'debug', () => `deliberately broken at ${breakAt.at} µs (scenario debug.break_invariant)`));
  }

  return { sim, events, scenario, rollups, markets, sequencing, options, lending, faults, advance: (untilUs, maxEvents) => sim.runUntil(untilUs, maxEvents) };
}

function buildNetwork(scenario: Scenario): Network {
  const { base_latency, jitter, regions } = scenario.network;
  if (regions === undefined) return new Network(base_latency, jitter);
  const names = typeof regions === 'string' ? [...REGION_PRESETS[regions].regions] : regionNames(regions);
  return new Network(base_latency, jitter, new RegionMatrix(names, (a, b) => oneWayDelayUs(regions, a, b)));
}

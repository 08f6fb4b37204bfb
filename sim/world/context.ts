// What every feature module of the world is built from, and what it adds. The composition root
// (build.ts) creates the context, then hands it to each feature in turn; a feature takes its
// scenario section and the parts built before it, and returns (or registers) its own parts.
import type { Simulation } from '../engine/simulation.ts';
import type { Micros } from '../engine/time.ts';
import { Link, type Network } from '../model/network.ts';
import type { ModelEvents } from '../model/events.ts';
import type { Rollup } from '../model/rollup.ts';
import type { ReferenceFeed } from '../model/market/feed.ts';
import type { MarketPool } from '../model/market/marketPool.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { PriceSeries } from '../model/market/price.ts';
import { Submitter } from '../model/agents/submitter.ts';
import type { SequencingLayer } from './sequencing.ts';
import type { CrossRollupRouter } from '../model/crossrollup.ts';
import type { KeyedRng } from '../engine/rng.ts';

/** Everything a run is built from that is not the scenario itself: data parsed once at load. */
export interface WorldInputs {
  scenario: Scenario;
  /** Replayed price paths by asset id, parsed at load time. */
  priceSeries: ReadonlyMap<string, PriceSeries>;
}

/** Where an agent sits and how it reaches its sequencer. */
export interface Placement {
  region?: string;
  /** A fixed one-way delay to the sequencer instead of the network's (a co-located bot), µs. */
  latencyUs?: Micros;
}

export interface WorldContext {
  readonly sim: Simulation;
  readonly events: ModelEvents;
  readonly scenario: Scenario;
  readonly network: Network;
  readonly rollups: readonly Rollup[];
  readonly rollupIndex: ReadonlyMap<string, number>;
  readonly feeds: ReadonlyMap<string, ReferenceFeed>;
  readonly markets: readonly MarketPool[];
  readonly sequencing: SequencingLayer;
}

/**
 * A submitter for an agent that sends to `rollup`'s sequencer over its own link. The link's
 * stream is named by rollup and agent label, never by mode: its delays are the same in every mode.
 */
export function submitterFor(ctx: WorldContext, rollup: number, label: string, at: Placement = {}): Submitter {
  const { scenario, network, sim, sequencing } = ctx;
  const region = at.region ?? scenario.network.default_region;
  const baseUs = at.latencyUs ?? sequencing.entryDelayUs(rollup, region);
  const jitterMeanUs = at.latencyUs === undefined ? network.jitterMeanUs : 0;
  const link = new Link({ baseUs, jitterMeanUs }, sim.stream(`net/${scenario.rollups[rollup].id}/${label}`));
  return new Submitter(sim, rollup, link, sequencing.sequencers[rollup].receive, ctx.events, sequencing.watch);
}

/**
 * How an agent sends a cross-rollup intent with legs on `legRollups`: the sequencing layer's
 * choice (one atomic bundle when one set orders every leg, independent legs otherwise), over the
 * agent's own links to every rollup.
 */
export function routerFor(ctx: WorldContext, name: string, legRollups: number[], route: 'inventory' | 'bridge', at: Placement = {}): CrossRollupRouter {
  const submitters = ctx.rollups.map((_, i) => submitterFor(ctx, i, `cross/${name}`, at));
  return ctx.sequencing.router(legRollups, route, submitters, name);
}

/** A rollup's leg failures: its probability, and draws keyed to (bundle, leg) — the same leg draws the same fate in every mode. */
export function legFailuresOf(ctx: WorldContext, rollup: number): { failureProb: number; failures: KeyedRng } {
  const r = ctx.scenario.rollups[rollup];
  return { failureProb: r.leg_failure_prob, failures: ctx.sim.rng.keyed(`rollups/${r.id}/leg-failures`) };
}

// The sequencing layer: the one place the mode enters the world. It decides which sequencer
// components are built — one centralized sequencer per rollup, or a shared set over the rollups
// that join it (the others keep their own sequencer) — and with them how cross-rollup intents
// travel: one atomic bundle when every leg's rollup is ordered by the same set that can execute
// bundles, independent legs otherwise. Everything downstream asks the built components what they
// can do; nothing else reads the mode.
import type { Simulation } from '../engine/simulation.ts';
import type { Micros } from '../engine/time.ts';
import type { ModelEvents } from '../model/events.ts';
import type { Network } from '../model/network.ts';
import type { Rollup } from '../model/rollup.ts';
import type { Tx } from '../model/tx.ts';
import type { Submitter } from '../model/agents/submitter.ts';
import { Extractor } from '../model/agents/extractor.ts';
import { BundleRouter, LeggedRouter, type BridgeParams, type CrossRollupRouter } from '../model/crossrollup.ts';
import { CentralizedSequencer } from '../model/sequencer/centralized.ts';
import { ForcedInclusion } from '../model/sequencer/forced.ts';
import { BuilderMarket, type BuilderParams } from '../model/sequencer/pbs.ts';
import { SharedSequencer } from '../model/sequencer/shared.ts';
import type { Sequencer } from '../model/sequencer/sequencer.ts';
import type { Scenario } from '../scenario/schema.ts';

type RiskEngineConfig = NonNullable<Scenario['sequencing']['shared']['risk_engine']>;

export type Mode = Scenario['modes'][number];

export interface SequencingLayer {
  /** The sequencer each rollup's transactions go to (a shared set appears once per member rollup). */
  readonly sequencers: readonly Sequencer[];
  /** One-way base delay from a party in `region` to where `rollup`'s transactions enter its sequencer. */
  entryDelayUs(rollup: number, region: string): Micros;
  /** The escape hatch watches every submitted transaction. */
  readonly watch: (tx: Tx) => void;
  /** How a flow with legs on these rollups sends its bundles. */
  router(legRollups: readonly number[], route: 'inventory' | 'bridge', submitters: readonly Submitter[], label: string): CrossRollupRouter;
  /** Senders some built sequencer censors. */
  readonly censoredSenders: ReadonlySet<string>;
  /** Ordering policy of each rollup's sequencer. */
  readonly policies: readonly string[];
  /** The bridge between independent sequencers (its halts are a fault's to add). */
  readonly bridge: BridgeParams;
  /** The risk engine a built sequencer runs, when its section turns one on. */
  riskEngineOf(sequencer: Sequencer): RiskEngineConfig | undefined;
}

export interface SequencingInputs {
  sim: Simulation;
  events: ModelEvents;
  scenario: Scenario;
  network: Network;
  rollups: readonly Rollup[];
}

export function buildSequencing(inputs: SequencingInputs, mode: Mode): SequencingLayer {
  const { sim, events, scenario, network, rollups } = inputs;
  const c = scenario.sequencing.centralized;
  const s = scenario.sequencing.shared;
  // The mode's only decision: which rollups a shared set orders (none under centralized sequencing).
  const sharedIds = mode === 'shared' ? (s.rollups ?? scenario.rollups.map((r) => r.id)) : [];
  const members = rollups.filter((r) => sharedIds.includes(r.id));
  const policies = rollups.map((r) => (members.includes(r) ? s.policy : c.policy));
  const builders = policies.includes('pbs') ? buildBuilders(sim, events, scenario) : undefined;
  const shared = members.length > 0 ? buildShared(inputs, members, builders) : undefined;
  const centralExtractor = c.extractive ? new Extractor(sim, events, 'extractor/central') : undefined;
  const sequencers: Sequencer[] = rollups.map((r) =>
    shared && members.includes(r)
      ? shared
      : new CentralizedSequencer(sim, r, { policy: c.policy, l1PostDelayUs: c.l1_post_delay, censored: new Set(c.censor?.senders ?? []), extractor: centralExtractor, builders }, sim.stream(`sequencer/${r.id}/block-times`), events),
  );
  const regionOf = (i: number) => scenario.rollups[i].region ?? scenario.network.default_region;
  const nodeRegions = nodeRegionList(scenario, s.nodes);
  const forced = new ForcedInclusion(sim, rollups, scenario.sequencing.force_inclusion_delay, scenario.horizon);
  const censored = new Set<string>([...(rollups.some((r) => !members.includes(r)) ? (c.censor?.senders ?? []) : []), ...(shared ? (s.censors?.senders ?? []) : [])]);
  const b = c.bridge;
  const bridge: BridgeParams = { latencyUs: b.latency, feeUsd: b.fee_usd, failureProb: b.failure_prob, halts: b.halts.map((h) => ({ atUs: h.at, forUs: h.for })) };

  return {
    sequencers,
    policies,
    bridge,
    censoredSenders: censored,
    watch: forced.watch,
    riskEngineOf: (sequencer) => (sequencer === shared ? s.risk_engine : c.risk_engine),
    entryDelayUs(rollup, region) {
      // A shared set is entered at its nearest node; a rollup's own sequencer where it runs.
      if (sequencers[rollup] === shared && network.matrix) return Math.min(...nodeRegions.map((nr) => network.baseDelayUs(region, nr)));
      return network.baseDelayUs(region, regionOf(rollup));
    },
    router(legRollups, route, submitters, label) {
      const first = sequencers[legRollups[0]];
      const atomic = first.receiveBundle !== undefined && legRollups.every((r) => sequencers[r] === first);
      if (atomic) return new BundleRouter(sim, submitters, first.receiveBundle!);
      return new LeggedRouter(sim, submitters, route, bridge, sim.rng.keyed(`bridge/${label}`));
    },
  };
}

/** The region of each node: `node_regions` cycled over the nodes (the default region when unset). */
function nodeRegionList(scenario: Scenario, nodes: number): string[] {
  const listed = scenario.sequencing.shared.node_regions ?? [scenario.network.default_region];
  return Array.from({ length: nodes }, (_, i) => listed[i % listed.length]);
}

function buildShared(inputs: SequencingInputs, members: readonly Rollup[], builders?: BuilderMarket): SharedSequencer {
  const { sim, events, scenario, network, rollups } = inputs;
  const s = scenario.sequencing.shared;
  const t = s.timeouts;
  const regions = nodeRegionList(scenario, s.nodes);
  // With a geography, node-to-node delays come from the nodes' regions.
  const nodeBaseUs = network.matrix && s.node_regions ? Float64Array.from({ length: s.nodes * s.nodes }, (_, k) => network.baseDelayUs(regions[Math.floor(k / s.nodes)], regions[k % s.nodes])) : undefined;
  return new SharedSequencer(
    sim,
    members,
    rollups.length,
    {
      protocol: s.protocol,
      stakes: s.stakes ?? new Array(s.nodes).fill(1),
      leaderRotation: s.leader_rotation,
      nodeLatencyUs: s.node_latency,
      nodeJitterUs: s.node_jitter,
      nodeBaseUs,
      minSlotUs: s.min_slot_time,
      viewTimeoutUs: s.view_timeout,
      commitChain: s.commit_chain,
      timeouts: { propose: t.propose, proposeDelta: t.propose_delta, prevote: t.prevote, prevoteDelta: t.prevote_delta, precommit: t.precommit, precommitDelta: t.precommit_delta, commit: t.commit },
      preconfirm: s.preconfirm,
      l1PostDelayUs: s.l1_post_delay,
      policy: s.policy,
      offline: s.offline.map((o) => ({ node: o.node, atUs: o.at, forUs: o.for })),
      fallbackAfterUs: s.fallback_after,
      fallbackL1PostDelayUs: scenario.sequencing.centralized.l1_post_delay,
      censors: s.censors && { nodes: new Set(s.censors.nodes), senders: new Set(s.censors.senders) },
      slashing: s.slashing && { detectionDelayUs: s.slashing.detection_delay, fraction: s.slashing.fraction },
      extractiveNodes: new Set(s.extractive_nodes),
      equivocators: s.equivocators.map((e) => ({ node: e.node, fromUs: e.from })),
      extractor: s.extractive_nodes.length > 0 ? new Extractor(sim, events, 'extractor/shared') : undefined,
      builders,
    },
    { net: sim.stream('shared/net'), leaders: sim.stream('shared/leaders'), fair: sim.stream('shared/fair'), fallback: sim.stream('shared/fallback-blocks') },
    events,
  );
}

function buildBuilders(sim: Simulation, events: ModelEvents, scenario: Scenario): BuilderMarket {
  const pbs = scenario.sequencing.pbs;
  const specs: BuilderParams[] =
    typeof pbs.builders === 'number'
      ? Array.from({ length: pbs.builders }, (_, i) => ({ name: `builder-${i}`, orderFlow: 1, margin: pbs.builder_margin, latencyUs: 0 }))
      : pbs.builders.map((b) => ({ name: b.name, orderFlow: b.order_flow, margin: b.margin ?? pbs.builder_margin, latencyUs: b.latency }));
  return new BuilderMarket(sim, specs, events, sim.rng.keyed('pbs/order-flow'));
}

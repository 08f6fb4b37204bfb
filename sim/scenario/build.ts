// Builds the world of one run from a resolved scenario. The sequencing mode enters here and only
// here: it decides which sequencer components are built. Nothing downstream reads the mode.
import { Simulation, Priority } from '../engine/simulation.ts';
import { invariant } from '../engine/assert.ts';
import type { Micros } from '../engine/time.ts';
import { MS, SECOND } from '../engine/time.ts';
import { Link, type LatencyParams } from '../model/network.ts';
import { Rollup, type RollupObserver, type RollupParams } from '../model/rollup.ts';
import { BundleRouter, LeggedRouter, type Bundle, type CrossRollupRouter } from '../model/crossrollup.ts';
import { IntentUsers } from '../model/agents/intents.ts';
import { IntentRecorder } from '../metrics/intents.ts';
import { MevRecorder } from '../metrics/mev.ts';
import { Extractor } from '../model/agents/extractor.ts';
import { SandwichSearcher } from '../model/agents/sandwich.ts';
import { CrossRollupArbitrageur } from '../model/agents/crossArb.ts';
import { BackrunSearcher } from '../model/agents/backrun.ts';
import { BuilderMarket } from '../model/sequencer/pbs.ts';
import { CentralizedSequencer } from '../model/sequencer/centralized.ts';
import { SharedSequencer } from '../model/sequencer/shared.ts';
import { ForcedInclusion } from '../model/sequencer/forced.ts';
import type { Sequencer } from '../model/sequencer/sequencer.ts';
import { UserPopulation } from '../model/agents/users.ts';
import { Submitter } from '../model/agents/submitter.ts';
import { NoiseTraders } from '../model/agents/noise.ts';
import { Arbitrageur } from '../model/agents/arbitrageur.ts';
import { createPool } from '../model/market/amm.ts';
import { GbmPath, ReplayPath, type PricePath } from '../model/market/price.ts';
import { ReferenceFeed } from '../model/market/feed.ts';
import type { MarketPool } from '../model/market/marketPool.ts';
import { RunRecorder, addDistribution, type MetricRow, type RowSink } from '../metrics/recorder.ts';
import type { Tx } from '../model/tx.ts';
import { MarketRecorder } from '../metrics/markets.ts';
import type { AssetConfig, Scenario } from './schema.ts';

export type Mode = Scenario['modes'][number];

export interface World {
  readonly sim: Simulation;
  readonly rollups: readonly Rollup[];
  /** The sequencer each rollup's transactions go to (in shared mode the same set for all). */
  readonly sequencers: readonly Sequencer[];
  /** Under the 'pbs' policy, the block builders. */
  readonly builders?: BuilderMarket;
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

export interface WorldSinks {
  txs: RowSink;
  trades: RowSink;
  mev: RowSink;
  bids: RowSink;
}

export function buildWorld(scenario: Scenario, id: RunIdentity, sinks: WorldSinks): World {
  const sim = new Simulation(id.seed);
  const rollupParams: RollupParams[] = scenario.rollups.map((r, index) => ({
    id: r.id,
    index,
    blockTimeUs: r.block_time,
    blockTimeDist: r.block_time_dist,
    capacity: r.capacity,
  }));
  // The mode picks its sequencing section; everything below is built from that section's data.
  const sequencing = {
    centralized: { policy: scenario.sequencing.centralized.policy, censored: scenario.sequencing.centralized.censor?.senders ?? [], atomicBundles: false },
    shared: { policy: scenario.sequencing.shared.policy, censored: scenario.sequencing.shared.censors?.senders ?? [], atomicBundles: true },
  }[id.mode];
  const policy = sequencing.policy;
  // The senders someone censors in this mode: their inclusion delay is reported separately.
  const targeted = new Set(sequencing.censored);
  const recorder = new RunRecorder(id.runId, id.mode, rollupParams, scenario.warmup, sinks.txs, policy, targeted);
  // Legs of cross-rollup intents are followed as they settle (a bridge forwards the next leg).
  const routers = new Map<string, CrossRollupRouter>(); // by intent population
  const onLegSettled = (b: Bundle, leg: Tx) => {
    const router = routers.get(b.legs[0].sender);
    if (router instanceof LeggedRouter) router.settled(b, leg);
  };
  const intents = new IntentRecorder(scenario.warmup, onLegSettled, sequencing.atomicBundles);
  const observer: RollupObserver = {
    included: (tx) => {
      recorder.included(tx);
      if (tx.bundleId !== undefined) intents.legSettled(tx);
    },
    block: (r, n, count, now) => recorder.block(r, n, count, now),
  };
  const rollups = rollupParams.map((p) => new Rollup(p, observer));
  // Extractive sequencers need the markets, built below; they only use it once blocks are cut.
  const extractor: { current?: Extractor } = {};
  const pbs = scenario.sequencing.pbs;
  const builders = policy === 'pbs' ? new BuilderMarket(sim, { builders: pbs.builders, marginFraction: pbs.builder_margin }, rollupParams.map((r) => r.id), scenario.warmup, id.runId, id.mode, sinks.bids) : undefined;
  const { sequencers, shared } = buildSequencers(sim, scenario, id.mode, rollups, extractor, builders);
  const forced = new ForcedInclusion(sim, rollups, scenario.sequencing.force_inclusion_delay, scenario.horizon, shared !== undefined);
  const txSink = { submitted: (tx: Tx) => (recorder.submitted(tx), forced.watch(tx)) };
  const network: LatencyParams = { baseUs: scenario.network.base_latency, jitterMeanUs: scenario.network.jitter };
  // Every agent has its own link, named by rollup and agent: its delays are its own.
  const submitter = (rollup: number, label: string, latency: LatencyParams = network) =>
    new Submitter(sim, new Link(latency, sim.stream(`net/${scenario.rollups[rollup].id}/${label}`)), sequencers[rollup].receive, txSink);

  const feeds = buildFeeds(sim, scenario);
  const markets: MarketPool[] = [];
  scenario.rollups.forEach((r, i) => {
    for (const p of r.pools) {
      const feed = feeds.get(p.asset)!;
      const half = p.liquidity_usd / 2;
      const pool = createPool({ reserveBase: half / feed.price, reserveQuote: half, feeBps: p.fee_bps, feeMode: p.fee_mode });
      const market: MarketPool = { id: p.id, index: markets.length, rollup: i, feed, pool, swapCount: 0, initialBase: pool.reserveBase, initialQuote: pool.reserveQuote };
      markets.push(market);
      rollups[i].pools.set(p.id, market);
    }
  });
  // Read off the trades rows (after warmup): users' volume per rollup (MEV per unit of volume) and
  // each cross-rollup arbitrageur's profit at the reference price less gas per leg it sent.
  const userVolume = rollups.map(() => 0);
  const crossArbGas = new Map(scenario.cross_arbitrageurs.map((c) => [c.name, c.gas_usd]));
  const crossArbProfit = new Map(scenario.cross_arbitrageurs.map((c) => [c.name, 0]));
  const tradesSink: RowSink = {
    append: (row) => {
      if ((row.executed_us as number) >= scenario.warmup) {
        if (row.agent_kind === 'noise' && row.status === 'ok')
          userVolume[rollupIndex.get(row.rollup as string)!] += (row.side === 'buy' ? row.amount_in : row.amount_out) as number;
        const gas = crossArbGas.get(row.agent as string);
        if (gas !== undefined) crossArbProfit.set(row.agent as string, crossArbProfit.get(row.agent as string)! + (row.profit_usd as number) - gas);
      }
      sinks.trades.append(row);
    },
  };
  const rollupIndex = new Map(rollupParams.map((r) => [r.id, r.index]));
  const marketRecorder = new MarketRecorder(id.runId, id.mode, rollupParams.map((r) => r.id), markets, scenario.warmup, tradesSink);
  const mev = new MevRecorder(id.runId, id.mode, rollupParams.map((r) => r.id), scenario.warmup, sinks.mev);
  extractor.current = new Extractor(sim, marketRecorder, mev, txSink);

  scenario.rollups.forEach((r, i) => {
    // Stream labels name the rollup and the agent, never the mode: common random numbers.
    for (const u of r.users) {
      new UserPopulation(sim, i, u.name, u.rate, sim.stream(`users/${r.id}/${u.name}/arrivals`), submitter(i, `users/${u.name}`));
    }
    for (const t of r.traders) {
      const params = { name: t.name, ratePerSecond: t.rate, medianSizeUsd: t.size_usd, sizeSigma: t.size_sigma, buyFraction: t.buy_fraction, slippageBps: t.slippage_bps, exactOutFraction: t.exact_out_fraction };
      const arrivals = sim.stream(`traders/${r.id}/${t.name}/arrivals`);
      const orders = sim.stream(`traders/${r.id}/${t.name}/orders`);
      new NoiseTraders(sim, rollups[i].pools.get(t.pool)!, params, arrivals, orders, submitter(i, `traders/${t.name}`), marketRecorder);
    }
    for (const se of r.searchers) {
      const latency = se.latency === undefined ? network : { baseUs: se.latency, jitterMeanUs: 0 };
      const params = { name: se.name, gasUsd: se.gas_usd, minProfitUsd: se.min_profit_usd, bidFraction: se.bid_fraction, bidIncrementUsd: se.bid_increment_usd, capitalUsd: se.capital_usd ?? Infinity };
      const link = submitter(i, `searchers/${se.name}`, latency);
      if (se.strategy === 'backrun') {
        const searcher = new BackrunSearcher(sim, { name: se.name, gasUsd: se.gas_usd, minProfitUsd: se.min_profit_usd }, link, marketRecorder, mev);
        sequencers[i].mempool.subscribe({
          pending: (view) => (view.rollup === i && view.tx ? searcher.seen(view.tx) : undefined),
          revealed: (txs) => txs.forEach((tx) => (tx.rollup === i ? searcher.seen(tx) : undefined)),
        });
        continue;
      }
      const searcher = new SandwichSearcher(sim, rollups[i].pools, params, sequencers[i].mempool.policy, link, marketRecorder, mev, (tx) => recorder.dropped(tx), builders);
      sequencers[i].mempool.subscribe({ pending: (view) => (view.rollup === i ? searcher.pending(view) : undefined) });
    }
    for (const a of r.arbitrageurs) {
      const watched = (a.pools ?? r.pools.map((p) => p.id)).map((p) => rollups[i].pools.get(p)!);
      const latency = a.latency === undefined ? network : { baseUs: a.latency, jitterMeanUs: 0 };
      new Arbitrageur(sim, rollups[i], watched, { name: a.name, minProfitUsd: a.min_profit_usd, gasUsd: a.gas_usd }, submitter(i, `arbitrageurs/${a.name}`, latency), marketRecorder);
    }
  });

  // Cross-rollup flows: the router is the one thing the mode decides (atomic bundle or legs).
  const failures = scenario.rollups.map((r) => sim.stream(`rollups/${r.id}/leg-failures`));
  const routerFor = (name: string, route: 'inventory' | 'bridge', latency?: LatencyParams): CrossRollupRouter => {
    const subs = rollups.map((r, i) => submitter(i, `cross/${name}`, latency));
    const b = scenario.sequencing.centralized.bridge;
    const router = shared
      ? new BundleRouter(sim, subs, shared.receiveBundle)
      : new LeggedRouter(sim, subs, route, { latencyUs: b.latency, feeUsd: b.fee_usd, failureProb: b.failure_prob, halts: b.halts.map((h) => ({ atUs: h.at, forUs: h.for })) }, sim.stream(`bridge/${name}`), (bundle, left) => intents.abandoned(bundle, left));
    routers.set(name, router);
    return router;
  };
  for (const c of scenario.cross_arbitrageurs) {
    const venue = (rid: string) => {
      const i = rollupIndex.get(rid)!;
      const pool = scenario.rollups[i].pools.find((p) => p.asset === c.asset)!;
      return { market: rollups[i].pools.get(pool.id)!, rollup: rollups[i], failureProb: scenario.rollups[i].leg_failure_prob, failures: failures[i] };
    };
    const latency = c.latency === undefined ? undefined : { baseUs: c.latency, jitterMeanUs: 0 };
    const params = { name: c.name, minProfitUsd: c.min_profit_usd, gasUsd: c.gas_usd, tolerance: c.tolerance_bps / 1e4 };
    new CrossRollupArbitrageur(sim, [venue(c.rollups[0]), venue(c.rollups[1])], params, routerFor(c.name, c.route, latency), marketRecorder, intents);
  }
  if (scenario.intents.length > 0) {
    for (const it of scenario.intents) {
      const router = routerFor(it.name, it.route);
      const legs = it.rollups.map((rid) => {
        const i = scenario.rollups.findIndex((r) => r.id === rid);
        return { rollup: i, failureProb: scenario.rollups[i].leg_failure_prob, failures: failures[i] };
      });
      new IntentUsers(sim, it.name, it.rate, legs, sim.stream(`intents/${it.name}/arrivals`), router, intents);
    }
  }

  const breakAt = scenario.debug.break_invariant;
  if (breakAt && breakAt.run === id.runId) {
    sim.at(breakAt.at, Priority.world, () => invariant(false, 'debug', () => `deliberately broken at ${breakAt.at} µs (scenario debug.break_invariant)`));
  }

  return {
    sim,
    rollups,
    sequencers,
    builders,
    advance: (untilUs) => sim.runUntil(untilUs),
    finish: () => [...recorder.finish(sim.now), ...marketRecorder.finish(sim.now), ...mev.finish((i) => userVolume[i]), ...(builders ? pbsMetrics(builders, rollupParams) : []),
      ...[...crossArbProfit].map(([name, value]) => ({ metric: 'crossrollup.arb_profit_usd', rollup: null, subject: name, value, unit: 'USD' })), ...intents.finish(), ...(shared ? sharedMetrics(shared, scenario.warmup, sim.now) : [])],
  };
}

/** One reference feed per asset, each drawing from its own stream (never named by mode). */
function buildFeeds(sim: Simulation, scenario: Scenario): Map<string, ReferenceFeed> {
  // Agents may look back by their network delay; keep comfortably more than any plausible one.
  const historyUs = Math.max(10 * SECOND, 2 * (scenario.network.base_latency + 20 * scenario.network.jitter));
  const maxArbLatency = Math.max(0, ...scenario.rollups.flatMap((r) => r.arbitrageurs.map((a) => a.latency ?? 0)));
  const feeds = new Map<string, ReferenceFeed>();
  for (const a of scenario.assets) {
    feeds.set(a.id, new ReferenceFeed(sim, a.id, pricePath(sim, a), a.tick, Math.max(historyUs, 2 * maxArbLatency)));
  }
  return feeds;
}

function pricePath(sim: Simulation, a: AssetConfig): PricePath {
  if (a.file !== undefined) return ReplayPath.fromFile(a.file);
  const jumps = a.jumps && { ratePerYear: a.jumps.rate, meanLogJump: a.jumps.mean, stdLogJump: a.jumps.stdev, compensated: a.jumps.compensated };
  return new GbmPath({ sigma: a.vol, drift: a.drift, driftKind: a.drift_kind, jumps }, sim.stream(`prices/${a.id}`), a.price!);
}

/** One entry per rollup: the sequencer its transactions go to (in shared mode, the same set for all). */
function buildSequencers(sim: Simulation, scenario: Scenario, mode: Mode, rollups: Rollup[], extractor: { current?: Extractor }, builders?: BuilderMarket): { sequencers: Sequencer[]; shared?: SharedSequencer } {
  switch (mode) {
    case 'centralized': {
      const c = scenario.sequencing.centralized;
      const params = { policy: c.policy, l1PostDelayUs: c.l1_post_delay, censored: new Set(c.censor?.senders ?? []), extractor: c.extractive ? extractor : undefined, builders };
      return { sequencers: rollups.map((r) => new CentralizedSequencer(sim, r, params, sim.stream(`sequencer/${r.id}/block-times`))) };
    }
    case 'shared': {
      const s = scenario.sequencing.shared;
      const t = s.timeouts;
      const shared = new SharedSequencer(
        sim,
        rollups,
        {
          protocol: s.protocol,
          stakes: s.stakes ?? new Array(s.nodes).fill(1),
          leaderRotation: s.leader_rotation,
          nodeLatencyUs: s.node_latency,
          nodeJitterUs: s.node_jitter,
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
          extractor,
          builders,
        },
        { net: sim.stream('shared/net'), leaders: sim.stream('shared/leaders'), fair: sim.stream('shared/fair'), fallback: sim.stream('shared/fallback-blocks') },
      );
      return { sequencers: rollups.map(() => shared), shared };
    }
  }
}

/** Where block value went under PBS, per rollup (after the warmup). */
function pbsMetrics(builders: BuilderMarket, rollups: readonly RollupParams[]): MetricRow[] {
  return rollups.flatMap((r, i) => [
    { metric: 'pbs.builder_revenue_usd', rollup: r.id, subject: null, value: builders.builderUsd[i], unit: 'USD' },
    { metric: 'pbs.proposer_revenue_usd', rollup: r.id, subject: null, value: builders.proposerUsd[i], unit: 'USD' },
  ]);
}

/** Whole-run figures of the shared set (rollup null), after the warmup. */
function sharedMetrics(shared: SharedSequencer, warmupUs: Micros, endUs: Micros): MetricRow[] {
  const st = shared.stats;
  const after = (xs: number[]) => xs.filter((t) => t >= warmupUs);
  const commits = after(st.commitTimes);
  const intervals = commits.slice(1).map((t, i) => (t - commits[i]) / MS);
  const rows: MetricRow[] = [];
  const add = (metric: string, value: number, unit: string) => rows.push({ metric, rollup: null, subject: null, value, unit });
  add('consensus.slots', after(st.slotStarts).length, 'count');
  add('consensus.slots_committed', commits.length, 'count');
  add('consensus.slots_missed', after(st.missedTimes).length, 'count');
  add('consensus.preconfs_broken', st.preconfsBroken, 'count');
  add('consensus.fallback_s', shared.fallbackTimeUs(endUs) / SECOND, 's');
  add('censorship.offences', after(st.offenceTimes).length, 'count');
  add('consensus.equivocations', after(st.equivocationTimes).length, 'count');
  add('stake.slashed', st.slashedStake, 'stake');
  addDistribution(add, 'consensus.commit_interval_ms', intervals, 'ms');
  return rows;
}

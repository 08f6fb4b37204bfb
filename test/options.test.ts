// Options through the simulator: stale-quote sniping decided by the ordering policy and the
// latencies, pooled against siloed collateral, spreads collapsing to their floor without informed
// flow or hedging costs, and the flip — fast shared sequencing tightens spreads, slow consensus
// widens them past centralized sequencing's, each for a reason the test names.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type Mode } from '../sim/world/build.ts';
import { attachRecorders, NULL_SINKS } from '../sim/metrics/attach.ts';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { twoRollups } from './util/twoRollups.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { TakeOrder, type OptionFill } from '../sim/model/options/venue.ts';
import { blackScholes } from '../sim/model/options/blackScholes.ts';
import { YEAR_US } from '../sim/model/market/price.ts';
import { tInterval } from '../analysis/summary.ts';

const MS = 1000;

/**
 * A jump world: no diffusion, Merton jumps of about ±1% every ~20 s on a 100 ms tick grid; one
 * venue on a rollup with 250 ms blocks; a maker that requotes on any move; a sniper.
 */
function jumpWorld(policy: 'fcfs' | 'priority', makerLatency: string, sniperLatency: string, makerFee = 0, cancelsFirst = false): ScenarioInput {
  return {
    name: 'snipes',
    seed: 3,
    horizon: '40m',
    warmup: '0s',
    network: { base_latency: '10ms', jitter: '0s' },
    assets: [{ id: 'x', price: 1000, vol: 0, tick: '100ms', jumps: { rate: 1.5e6, mean: 0, stdev: 0.01, compensated: false } }],
    rollups: [{ id: 'r', block_time: '250ms', pools: [{ id: 'p', asset: 'x', liquidity_usd: 1e10, fee_bps: 0 }] }],
    sequencing: { centralized: { policy } },
    options: {
      venues: [{ id: 'v', rollup: 'r', asset: 'x', strikes_pct: [0], strike_step: 10, expiries: ['10m'], kinds: ['call', 'put'], taker_fee_bps: 0, maker_fee_bps: 0, cancels_first: cancelsFirst }],
      // Maker and sniper price with the same volatility: the sniper's edge is the quote's staleness alone,
      // and the maker barely learns (a plain EWMA from 0 at weight 10⁻⁴): the races stay races.
      makers: [{ name: 'mm', venues: ['v'], latency: makerLatency, vol: 0.5, refresh: '1h', move_threshold_bps: 0, size: 1, hedge_threshold: 1e9, quote_fee_usd: makerFee, learning: 0.0001, learning_prior: 1, risk_aversion: 0 }],
      // The threshold (1 USD) is above what time decay alone makes a quote stale by between jumps.
      takers: [{ name: 'sniper', kind: 'sniper', venue: 'v', latency: sniperLatency, threshold_bps: 10, size: 1, vol: 0.5 }],
    },
  };
}

/** Per jump the sniper acted on: did its order fill a stale quote, and does the latency/ordering arithmetic say it should? */
function raceOutcomes(input: ScenarioInput, predict: (jumpUs: number) => boolean) {
  const loaded = inlineScenario(input);
  const world = buildWorld(loaded, 'centralized', loaded.scenario.seed);
  const jumps: number[] = [];
  const orders = new Set<number>();
  const fills: OptionFill[] = [];
  let last = NaN;
  world.events.priceTick.on((t) => {
    if (!Number.isNaN(last) && t.price !== last) jumps.push(t.atUs);
    last = t.price;
  });
  world.events.txSubmitted.on((tx) => (tx.sender === 'sniper' ? orders.add(tx.submitUs) : undefined));
  world.events.optionFill.on((f) => fills.push(f));
  world.advance(loaded.scenario.horizon);
  const sniped = (j: number) => fills.some((f) => f.taker === 'sniper' && f.atUs > j && f.atUs <= j + 300 * MS);
  // Jumps within 2 s of an expiry (the chain is relisted under them) are left out.
  const venue = world.options.venues.get('v')!;
  // So are jumps within 1 s of another jump: a clean race starts from fresh quotes and no order in flight.
  const isolated = (j: number, k: number) => (k === 0 || j - jumps[k - 1] > 1_000 * MS) && (k === jumps.length - 1 || jumps[k + 1] - j > 1_000 * MS);
  const judged = jumps.filter((j, k) => orders.has(j) && isolated(j, k) && j + 400 * MS < loaded.scenario.horizon && venue.instruments.every((i) => Math.abs(i.expiryUs - j) > 2_000 * MS));
  return { jumps, judged, hits: judged.map(sniped), predicted: judged.map(predict), fills };
}

describe('stale-quote sniping: who wins the race is the ordering policy and the latencies', () => {
  const nextBlockAfter = (t: number) => Math.floor(t / 250_000) * 250_000 + 250_000;

  it('FCFS, maker slower than the sniper: every jump the sniper acts on is sniped (the faster message is ordered first)', () => {
    const { jumps, judged, hits } = raceOutcomes(jumpWorld('fcfs', '50ms', '5ms'), () => true);
    expect(judged.length).toBeGreaterThan(0.6 * jumps.length);
    expect(judged.length).toBeGreaterThan(60);
    expect(hits.filter(Boolean).length).toBe(judged.length);
  });

  it('FCFS, maker faster: its update lands first, and the sniper fills nothing', () => {
    const { judged, fills } = raceOutcomes(jumpWorld('fcfs', '2ms', '5ms'), () => false);
    expect(judged.length).toBeGreaterThan(60);
    expect(fills.filter((f) => f.taker === 'sniper').length).toBe(0);
  });

  it('priority, the maker bids more for its updates: sniped only when a block boundary falls between the two arrivals', () => {
    // Both react at the jump's µs; the sniper's order arrives 5 ms later, the maker's update 60 ms
    // later. Ordered by fee within a block, the update goes first — unless a block is cut between
    // (an arrival at the very µs of a cut still makes that block).
    const predict = (j: number) => {
      const b = nextBlockAfter(j);
      return j + 5 * MS <= b && b < j + 60 * MS;
    };
    const { judged, hits, predicted } = raceOutcomes(jumpWorld('priority', '60ms', '5ms', 1), predict);
    expect(judged.length).toBeGreaterThan(60);
    expect(hits).toEqual(predicted);
    // On the 100 ms tick grid, the next 250 ms block boundary lies 50 ms after a tick for one tick phase in five.
    const rate = hits.filter(Boolean).length / hits.length;
    const se = Math.sqrt((0.2 * 0.8) / hits.length);
    expect(Math.abs(rate - 0.2)).toBeLessThan(4 * se);
    console.log(`priority: ${hits.filter(Boolean).length} of ${hits.length} jumps sniped (${rate.toFixed(3)}; theory 0.2 ± ${se.toFixed(3)})`);
  });

  it('batch ordering (the venue runs quote updates first in a block), maker slower under FCFS: sniped only across a block boundary', () => {
    // The sniper's order arrives 5 ms after the jump, the maker's update 60 ms after: in one block
    // the update goes first whatever the arrival order; only a cut between them leaves the sniper
    // an earlier block. Against FCFS (every jump sniped), the batch rule leaves a fifth.
    const predict = (j: number) => {
      const b = nextBlockAfter(j);
      return j + 5 * MS <= b && b < j + 60 * MS;
    };
    const { judged, hits, predicted } = raceOutcomes(jumpWorld('fcfs', '60ms', '5ms', 0, true), predict);
    expect(judged.length).toBeGreaterThan(60);
    expect(hits).toEqual(predicted);
    const rate = hits.filter(Boolean).length / hits.length;
    const se = Math.sqrt((0.2 * 0.8) / hits.length);
    expect(Math.abs(rate - 0.2)).toBeLessThan(4 * se);
    console.log(`batch rule: ${hits.filter(Boolean).length} of ${hits.length} jumps sniped (${rate.toFixed(3)}; theory 0.2 ± ${se.toFixed(3)})`);
  });

  it('the snipe losses are the stale edge, and the maker learns them as its snipe component', () => {
    const { fills } = raceOutcomes(jumpWorld('fcfs', '50ms', '5ms'), () => true);
    // Every fill is a snipe: the quote's mid was stale against the new price, in the sniper's favour.
    const staleness = fills.map((f) => {
      const years = (f.instrument.expiryUs - f.atUs) / YEAR_US;
      const fair = blackScholes({ kind: f.instrument.kind, spot: f.spot, strike: f.instrument.strike, years, rate: 0, vol: 0.5 }).price;
      return (f.side === 'buy' ? 1 : -1) * (fair - f.quoteValue);
    });
    expect(staleness.length).toBeGreaterThan(60);
    for (const x of staleness) expect(x).toBeGreaterThan(0);
    // The maker's estimate is a running mean of exactly these, in fill order, from a prior of 0
    // (learning_prior 1: a plain EWMA).
    const loaded = inlineScenario(jumpWorld('fcfs', '50ms', '5ms'));
    const world = buildWorld(loaded, 'centralized', loaded.scenario.seed);
    world.advance(loaded.scenario.horizon);
    let expected = 0;
    for (const x of staleness) expected += 0.0001 * (x - expected);
    expect(world.options.makers[0].snipe.value).toBeCloseTo(expected, 12);
  });
});

const metricOf = (rows: Record<string, unknown>[], mode: string, name: string, seed?: number, runs?: { run_id: number; seed: number }[]) =>
  rows.find((m) => m.mode === mode && m.metric === name && m.subject === 'mm' && (seed === undefined || runs!.find((r) => r.run_id === m.run_id)!.seed === seed))!.value as number;

describe('pooled against siloed collateral', () => {
  it('netting the hedge against the options needs less margin, and shows in the capital-cost component', async () => {
    const pooled = await runScenario(inlineScenario(twoRollups({ collateral: 'pooled' })));
    const siloed = await runScenario(inlineScenario(twoRollups({ collateral: 'siloed' })));
    const m = (r: typeof pooled, name: string) => metricOf(r.tables.metrics.toArray().map((x) => plain(x)), 'centralized', name);
    expect(m(pooled, 'options.hedges')).toBeGreaterThan(10);
    expect(m(pooled, 'options.margin_usd.mean')).toBeLessThan(0.5 * m(siloed, 'options.margin_usd.mean'));
    expect(m(pooled, 'spread.capital_usd.mean')).toBeLessThan(0.01 * m(siloed, 'spread.capital_usd.mean'));
    // Same positions, both regimes, margined after every hedge: pooled never needs more.
    const loaded = inlineScenario(twoRollups({ collateral: 'siloed' }));
    const world = buildWorld(loaded, 'centralized', 1);
    attachRecorders(world, NULL_SINKS);
    let hedges = 0;
    world.events.hedge.on((h) => {
      hedges++;
      expect(h.pooledMarginUsd).toBeLessThanOrEqual(h.siloedMarginUsd + 1e-9);
    });
    world.advance(loaded.scenario.horizon);
    expect(hedges).toBeGreaterThan(10);
  });
});

describe('the floor', () => {
  it('no informed flow, no snipers, free hedging: the half-spread collapses to its fee, inventory and capital floor', async () => {
    const input = twoRollups({ snipers: false, informed: false, collateral: 'pooled' });
    // Free hedging: a zero-fee pool deep enough for no impact, kept at the reference price by a zero-latency arbitrageur.
    input.rollups = input.rollups!.map((r) => ({ ...r, pools: [{ id: 'p', asset: 'eth', liquidity_usd: 1e12, fee_bps: 0 }], arbitrageurs: [{ name: 'arb', latency: '0s', gas_usd: 0 }] }));
    input.network = { base_latency: '0s', jitter: '0s' };
    input.options!.makers![0].latency = '0s';
    const { tables } = await runScenario(inlineScenario(input));
    const metrics = tables.metrics.toArray().map((x) => plain(x));
    const m = (name: string) => metricOf(metrics, 'centralized', name);
    expect(m('options.fills')).toBeGreaterThan(200);
    // Free up to the price moving while a hedge is in flight (one 2 s block): a few cents on the dollar of nothing.
    expect(m('spread.hedge_cost_usd.mean')).toBeLessThan(1e-3);
    expect(m('spread.leg_failure_usd.mean')).toBe(0);
    expect(Math.abs(m('options.leland_premium_pct.mean'))).toBeLessThan(0.01); // vol points
    // Adverse selection: the markouts of uninformed fills average zero; the maker's running
    // estimate (floored at 0) of that noise stays within 4 of its standard deviations.
    const fills = tables.option_trades.toArray().map((x) => plain(x)).filter((t) => t.status === 'filled' && t.markout_60s_usd !== null);
    const moves = fills.map((t) => (t.markout_60s_usd as number) - (t.taker_edge_usd as number));
    const sd = Math.sqrt(moves.reduce((a, x) => a + x * x, 0) / moves.length);
    const w = 0.05; // the maker's default learning weight
    const bound = 4 * sd * Math.sqrt(w / (2 - w));
    expect(m('spread.adverse_selection_usd.mean')).toBeLessThan(bound);
    // Staleness of the quotes uninformed flow hits averages zero too: the same bound for the snipe component.
    const stale = fills.map((t) => (t.side === 'buy' ? 1 : -1) * ((t.fair_usd as number) - (t.quote_mid as number)));
    const meanStale = stale.reduce((a, x) => a + x, 0) / stale.length;
    const sdStale = Math.sqrt(stale.reduce((a, x) => a + (x - meanStale) ** 2, 0) / stale.length);
    expect(Math.abs(meanStale)).toBeLessThan(4 * sdStale / Math.sqrt(stale.length));
    expect(m('spread.snipe_usd.mean')).toBeLessThan(4 * sdStale * Math.sqrt(w / (2 - w)));
    console.log(`floor: adverse ${m('spread.adverse_selection_usd.mean').toFixed(3)} USD (bound ${bound.toFixed(3)}), snipe ${m('spread.snipe_usd.mean').toFixed(3)}, inventory ${m('spread.inventory_usd.mean').toExponential(2)}, capital ${m('spread.capital_usd.mean').toExponential(2)}`);
  });
});

describe('the flip: which way the sequencer moves the ATM spread, and through which component', () => {
  // Paired on the same seeds (the same exogenous prices and flow) and the same collateral setting
  // ('auto': one margin account when one atomic sequencer orders every rollup the maker uses).
  // Each difference gets a paired Student-t 95% interval over the seeds, computed here. The maker
  // prices risk at γ = 0.05/USD and capital at 5%/year: what it gains from pooled margin is then
  // of the same order as what two minutes of hedge lag costs it, so either can win. The flip is
  // about hedges that travel through the sequencer after the fill (hedge_with_fill: false); the
  // last case shows what hedging in the fill's own bundle does to it.
  const SEEDS = 8;
  const COMPONENTS = ['fee', 'adverse_selection', 'snipe', 'inventory', 'hedge_cost', 'leg_failure', 'capital'] as const;
  const run = async (modes: Mode[], minSlot: string, hedgeWithFill = false) => {
    const { tables, runs } = await runScenario(inlineScenario(twoRollups({ modes, minSlot, runs: SEEDS, horizon: '2h', riskAversion: 0.05, capitalCost: 0.05, hedgeWithFill })));
    return { metrics: tables.metrics.toArray().map((x) => plain(x)), runs: runs.map((r) => ({ run_id: r.runId, seed: r.seed })) };
  };
  type Runs = Awaited<ReturnType<typeof run>>;
  const paired = (a: Runs, modeA: string, b: Runs, modeB: string, name: string) =>
    tInterval(Array.from({ length: SEEDS }, (_, k) => metricOf(a.metrics, modeA, name, 1 + k, a.runs) - metricOf(b.metrics, modeB, name, 1 + k, b.runs)));
  /** Every half-spread component's paired change, and the one that moved most (USD per contract). */
  const drivers = (a: Runs, modeA: string, b: Runs, modeB: string) => {
    const moves = COMPONENTS.map((c) => ({ c, ...paired(a, modeA, b, modeB, `spread.${c}_usd.mean`) }));
    return { moves, top: moves.reduce((x, y) => (Math.abs(y.mean) > Math.abs(x.mean) ? y : x)) };
  };
  const show = (moves: { c: string; mean: number; ci95: number }[]) => moves.map((m) => `${m.c} ${m.mean.toFixed(3)} ± ${m.ci95.toFixed(3)}`).join(', ');
  let fast: Runs;
  let slow: Runs;
  let slowBundled: Runs;
  beforeAll(async () => {
    fast = await run(['centralized', 'shared'], '500ms');
    slow = await run(['shared'], '120s');
    slowBundled = await run(['shared'], '120s', true);
  });

  it('a fast shared set (500 ms slots) quotes tighter than centralized sequencing with the hedge on another rollup — through the capital component', () => {
    const spread = paired(fast, 'shared', fast, 'centralized', 'spread.option_atm_bps.mean');
    const { moves, top } = drivers(fast, 'shared', fast, 'centralized');
    console.log(`flip, fast shared − centralized: ATM spread ${spread.mean.toFixed(1)} ± ${spread.ci95.toFixed(1)} bps; components (USD): ${show(moves)}`);
    expect(spread.mean + spread.ci95).toBeLessThan(0);
    // One margin account netting the hedge against the options, against two margined alone.
    expect(top.c).toBe('capital');
    expect(top.mean + top.ci95).toBeLessThan(0);
  });

  it("only the consensus latency raised far above the rollups' 2 s blocks (120 s slots): wider than centralized — through the inventory component", () => {
    // The hedge now waits a slot or two (≈ 4 min instead of 1 s): the maker carries each fill's
    // delta that long (Avellaneda–Stoikov's ½γ(δSσ)²τ), its hedges, fewer and larger and sent a
    // slot after the move they follow, cost more per dollar, so it rebalances less often and
    // prices the larger discrete-hedging error (Kamal & Derman). Stale quotes are sniped more, by
    // cents. Pooled margin is unchanged, and no longer enough.
    const lag = paired(slow, 'shared', fast, 'shared', 'options.hedge_lag_ms.mean');
    const bySlot = paired(slow, 'shared', fast, 'shared', 'spread.option_atm_bps.mean');
    const spread = paired(slow, 'shared', fast, 'centralized', 'spread.option_atm_bps.mean');
    const { moves, top } = drivers(slow, 'shared', fast, 'shared');
    console.log(`flip, 120 s − 500 ms slots: ATM spread ${bySlot.mean.toFixed(1)} ± ${bySlot.ci95.toFixed(1)} bps (against centralized ${spread.mean.toFixed(1)} ± ${spread.ci95.toFixed(1)}), hedge lag +${(lag.mean / 1000).toFixed(0)} ± ${(lag.ci95 / 1000).toFixed(0)} s; components (USD): ${show(moves)}`);
    expect(lag.mean - lag.ci95).toBeGreaterThan(60_000);
    expect(bySlot.mean - bySlot.ci95).toBeGreaterThan(0);
    expect(spread.mean - spread.ci95).toBeGreaterThan(0);
    expect(top.c).toBe('inventory');
    expect(top.mean - top.ci95).toBeGreaterThan(0);
    // The slot's other costs rise too, beyond their intervals.
    for (const c of ['hedge_cost', 'snipe']) {
      const m = moves.find((x) => x.c === c)!;
      expect(m.mean - m.ci95).toBeGreaterThan(0);
    }
  });

  it('the same 120 s set with each fill hedged in its own bundle (hedge_with_fill): tighter than centralized again — the flip undone through the inventory component', () => {
    // Every order goes with its maker's hedge in one slot: no fill's delta waits for the next slot,
    // so the slow slots' inventory premium is gone, and the one margin account still nets.
    const spread = paired(slowBundled, 'shared', fast, 'centralized', 'spread.option_atm_bps.mean');
    const bySlot = paired(slowBundled, 'shared', slow, 'shared', 'spread.option_atm_bps.mean');
    const { moves, top } = drivers(slowBundled, 'shared', slow, 'shared');
    console.log(`flip, 120 s slots, hedged in the fill's bundle − after it: ATM spread ${bySlot.mean.toFixed(1)} ± ${bySlot.ci95.toFixed(1)} bps (against centralized ${spread.mean.toFixed(1)} ± ${spread.ci95.toFixed(1)}); components (USD): ${show(moves)}`);
    expect(spread.mean + spread.ci95).toBeLessThan(0);
    expect(bySlot.mean + bySlot.ci95).toBeLessThan(0);
    expect(top.c).toBe('inventory');
    expect(top.mean + top.ci95).toBeLessThan(0);
    for (let k = 0; k < SEEDS; k++) expect(metricOf(slowBundled.metrics, 'shared', 'options.atomic_hedges', 1 + k, slowBundled.runs)).toBeGreaterThan(0);
  });
});

describe('discrete delta hedging without frictions (Kamal & Derman)', () => {
  it('hedging N times, the P&L of a sold option hedged at the true vol has mean ≈ 0 and standard deviation ≈ √(π/4)·vega·σ/√N', () => {
    const sigma = 0.5;
    const N = 16;
    const runs = 160;
    const pnl: number[] = [];
    let vega0 = NaN;
    for (let k = 0; k < runs; k++) {
      const loaded = inlineScenario({
        name: 'kamal-derman',
        seed: 100 + k,
        horizon: '62m',
        network: { base_latency: '0s', jitter: '0s' },
        assets: [{ id: 'x', price: 1000, vol: sigma, tick: '100ms' }],
        // Frictionless hedging: no fee, no impact, the pool kept at the reference by a zero-latency arbitrageur.
        rollups: [{ id: 'r', block_time: '100ms', pools: [{ id: 'p', asset: 'x', liquidity_usd: 1e12, fee_bps: 0 }], arbitrageurs: [{ name: 'arb', latency: '0s', gas_usd: 0 }] }],
        options: {
          venues: [{ id: 'v', rollup: 'r', asset: 'x', strikes_pct: [0], strike_step: 1, expiries: ['1h'], kinds: ['call'], taker_fee_bps: 0, maker_fee_bps: 0 }],
          makers: [{ name: 'mm', venues: ['v'], latency: '0s', refresh: '1h', move_threshold_bps: 1e4, size: 1, hedge_every: `${3600 / N}s`, risk_aversion: 0 }],
        },
      });
      const world = buildWorld(loaded, 'centralized', loaded.scenario.seed);
      const venue = world.options.venues.get('v')!;
      let premium = NaN;
      let hedgeCash = 0;
      let hedgeBase = 0;
      let payoff = NaN;
      world.events.optionFill.on((f) => {
        premium = f.fairAtFill; // measured against the fair price: the quote's half-spread is not hedging error
        const g = blackScholes({ kind: 'call', spot: f.spot, strike: f.instrument.strike, years: venue.yearsLeft(f.instrument, f.atUs), rate: 0, vol: sigma });
        vega0 = g.vega;
      });
      world.events.hedge.on((h) => {
        if (!h.ok) return;
        hedgeCash += -h.base * h.refUsd - h.costUsd;
        hedgeBase += h.base;
      });
      world.events.optionSettled.on((s) => {
        if (s.instrument.expiryUs === 3600e6 && Number.isNaN(payoff)) payoff = -(s.payouts.get('mm') ?? 0);
      });
      // One buyer takes the call at the start; the maker, short it, hedges on its clock until expiry.
      world.sim.at(1_000_000, 20, () => {
        const inst = venue.active[0];
        const tx = { id: 1e15 + k, rollup: 0, sender: 'buyer', submitUs: world.sim.now, action: new TakeOrder(venue, 'buyer', 'uninformed', 'single', inst.index, 'buy', 1, Infinity, world.sim.now), feeUsd: 0, status: 'pending' as const };
        world.sequencing.sequencers[0].receive(tx);
      });
      world.advance(loaded.scenario.horizon);
      const spotT = venue.instruments[0].settlementPrice!;
      // The hedge is unwound at the settlement price (what its base is worth then).
      pnl.push(premium + hedgeCash + hedgeBase * spotT - payoff);
    }
    const mean = pnl.reduce((a, b) => a + b, 0) / runs;
    const sd = Math.sqrt(pnl.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1));
    const theory = Math.sqrt(Math.PI / 4) * vega0 * sigma / Math.sqrt(N);
    console.log(`Kamal–Derman: hedging P&L mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)} vs √(π/4)·vega·σ/√N = ${theory.toFixed(3)} (N = ${N}, ${runs} paths)`);
    // The mean is zero within 4 standard errors; the sd matches within 4 of its standard errors (≈ sd/√(2n)).
    expect(Math.abs(mean)).toBeLessThan((4 * sd) / Math.sqrt(runs));
    expect(Math.abs(sd - theory)).toBeLessThan((4 * theory) / Math.sqrt(2 * runs));
  });
});

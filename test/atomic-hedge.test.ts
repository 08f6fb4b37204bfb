// An option fill and its hedge on another rollup as one atomic bundle, through the simulator: a
// venue on rollup a, its makers hedging on rollup b. Under a shared set ordering both, every
// single-option order goes with its maker's hedge — the fill and the hedge in the same slot, the
// hedge's lag 0 — and the maker, carrying no delta while a hedge travels, prices a smaller
// inventory component than the same maker hedging after the fill. Under centralized sequencing
// the two rollups have no atomic route and the offer changes nothing. A hedge leg that would fail
// leaves the option unfilled.
import { describe, expect, it } from 'vitest';
import { buildWorld, type Mode } from '../sim/world/build.ts';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { twoRollups, type TwoRollupsOptions } from './util/twoRollups.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import type { Bundle } from '../sim/model/crossrollup.ts';
import type { HedgeEvent } from '../sim/model/events.ts';
import type { OptionFill } from '../sim/model/options/venue.ts';
import type { Tx } from '../sim/model/tx.ts';
import { tInterval } from '../analysis/summary.ts';

const TAKERS = ['retail', 'fund', 'sniper'];

/** The options tests' two-rollup world under a shared set, with or without the makers' fill-hedge offer. */
const world = (over: Omit<TwoRollupsOptions, 'hedgeWithFill'> & { hedgeWithFill: boolean }): ScenarioInput => twoRollups({ name: 'atomic-hedge', modes: ['shared'], ...over });

/** One run of a world, watched from the model's events: the takers' bundles, the fills by order transaction, the hedges. */
function watch(input: ScenarioInput, mode: Mode) {
  const loaded = inlineScenario(input);
  const w = buildWorld(loaded, mode, loaded.scenario.seed);
  const bundles: Bundle[] = [];
  const fills = new Map<Tx, OptionFill>();
  const hedges: HedgeEvent[] = [];
  w.events.bundleClosed.on((b) => (TAKERS.includes(b.sender) ? bundles.push(b) : undefined));
  w.events.optionFill.on((f) => fills.set(f.tx, f));
  w.events.hedge.on((h) => hedges.push(h));
  w.advance(loaded.scenario.horizon);
  return { w, bundles, fills, hedges };
}

const metric = (rows: Record<string, unknown>[], name: string, maker = 'mm') => rows.find((r) => r.metric === name && r.subject === maker)!.value as number;

describe('an option fill and its hedge on another rollup as one atomic bundle', () => {
  it('under a shared set every order goes with its maker’s hedge: the fill and the hedge in the same slot, the hedge of the maker whose quote filled, lag 0, and no delta hedged twice', () => {
    const { w, bundles, fills, hedges } = watch(world({ hedgeWithFill: true, secondMaker: true }), 'shared');
    const filled = bundles.filter((b) => b.ok === b.legs.length);
    expect(filled.length).toBeGreaterThan(300);
    const makers = new Set<string>();
    for (const b of filled) {
      const [order, hedge] = b.legs;
      const fill = fills.get(order)!;
      expect(fill).toBeDefined();
      // The hedge leg is the filled quote's maker's, executed in the same slot as the fill.
      expect(hedge.sender).toBe(fill.maker);
      expect(hedge.rollup).not.toBe(order.rollup);
      expect(hedge.includeUs).toBe(order.includeUs);
      makers.add(fill.maker);
    }
    expect([...makers].sort()).toEqual(['mm', 'mm2']);
    // A bundle that did not fill executed neither leg: no fill for its order.
    const reverted = bundles.filter((b) => b.ok === 0);
    for (const b of reverted) expect(fills.has(b.legs[0])).toBe(false);
    expect(bundles.length).toBe(filled.length + reverted.length);
    // One atomic hedge per filled bundle (no fill here is of a dust delta), at the fill's µs, lag 0.
    const atomic = hedges.filter((h) => h.atomic);
    expect(atomic.length).toBe(filled.length);
    for (const h of atomic) expect(h.lagUs).toBe(0);
    const slots = new Set(filled.map((b) => `${b.legs[1].sender}@${b.legs[1].includeUs}`));
    for (const h of atomic) expect(slots.has(`${h.maker}@${h.atUs}`)).toBe(true);
    // Hedged once: after hundreds of fills each maker's delta is within its threshold band, and
    // it sends hardly any hedge of its own (the options' delta drifting with the price).
    for (const m of w.options.makers) expect(Math.abs(m.delta())).toBeLessThan(2 * m.params.hedgeThreshold);
    const legged = hedges.filter((h) => !h.atomic).length;
    expect(legged).toBeLessThan(0.05 * atomic.length);
    console.log(`atomic hedges: ${filled.length} bundles filled, ${reverted.length} reverted, ${atomic.length} atomic hedges, ${legged} legged; makers' delta at the end ${w.options.makers.map((m) => m.delta().toFixed(2)).join(', ')}`);
  });

  it('with the hedge in the fill’s bundle the maker’s inventory component is smaller than when it hedges after the fill (paired seeds, Student-t 95%)', async () => {
    const SEEDS = 6;
    const run = async (hedgeWithFill: boolean) => {
      const { tables, runs } = await runScenario(inlineScenario(world({ hedgeWithFill, runs: SEEDS })));
      const rows = tables.metrics.toArray().map((x) => plain(x));
      return runs.map((r) => rows.filter((m) => m.run_id === r.runId));
    };
    const bundled = await run(true);
    const after = await run(false);
    const diff = (name: string) => tInterval(bundled.map((rows, k) => metric(rows, name) - metric(after[k], name)));
    const inventory = diff('spread.inventory_usd.mean');
    const spread = diff('spread.option_atm_bps.mean');
    const lag = diff('options.hedge_lag_ms.mean');
    console.log(`hedge with the fill − after it (shared, 500 ms slots): inventory ${inventory.mean.toFixed(3)} ± ${inventory.ci95.toFixed(3)} USD, ATM spread ${spread.mean.toFixed(1)} ± ${spread.ci95.toFixed(1)} bps, hedge lag ${lag.mean.toFixed(0)} ± ${lag.ci95.toFixed(0)} ms`);
    expect(inventory.n).toBe(SEEDS);
    expect(inventory.mean + inventory.ci95).toBeLessThan(0);
    expect(lag.mean + lag.ci95).toBeLessThan(0);
    for (const rows of bundled) {
      expect(metric(rows, 'options.atomic_hedges')).toBe(metric(rows, 'options.hedges'));
      expect(metric(rows, 'options.hedge_lag_ms.mean')).toBe(0);
    }
    for (const rows of after) expect(metric(rows, 'options.atomic_hedges')).toBe(0);
  });

  it('under centralized sequencing there is no atomic route: the offer changes nothing', async () => {
    const tablesOf = async (hedgeWithFill: boolean) => (await runScenario(inlineScenario(world({ hedgeWithFill, modes: ['centralized'], runs: 2 })))).tables;
    const on = await tablesOf(true);
    const off = await tablesOf(false);
    const rows = (t: typeof on, name: 'option_trades' | 'metrics' | 'quotes') => t[name].toArray().map((x) => plain(x));
    expect(rows(on, 'option_trades').length).toBeGreaterThan(500);
    expect(rows(on, 'option_trades')).toEqual(rows(off, 'option_trades'));
    expect(rows(on, 'quotes')).toEqual(rows(off, 'quotes'));
    expect(rows(on, 'metrics')).toEqual(rows(off, 'metrics'));
    expect(metric(rows(on, 'metrics'), 'options.atomic_hedges')).toBe(0);
  });

  it('a hedge leg that fails (past its slippage limit on a shallow pool) leaves the option unfilled too', () => {
    // 20 000 USD of liquidity on b: hedging half an ETH moves its price by about 10%, past the 2% limit.
    const { bundles, fills, hedges } = watch(world({ hedgeWithFill: true, hedgeLiquidityUsd: 2e4 }), 'shared');
    expect(bundles.length).toBeGreaterThan(300);
    let slipped = 0;
    let onlyHedge = 0;
    for (const [order, hedge] of bundles.map((b) => b.legs)) {
      if (hedge.reason !== 'slippage-limit') continue;
      slipped++;
      expect(hedge.status).toBe('reverted');
      expect(order.status).toBe('reverted');
      expect(fills.has(order)).toBe(false);
      // The order keeps its own reason when it failed too; otherwise it reverted with the bundle.
      if (order.reason === 'bundle-reverted') onlyHedge++;
    }
    expect(slipped).toBeGreaterThan(0.9 * bundles.length);
    expect(onlyHedge).toBeGreaterThan(0.5 * bundles.length);
    // What did fill came with a hedge that executed; no failed hedge was ever learned as one.
    expect(hedges.filter((h) => h.atomic && !h.ok).length).toBe(0);
    console.log(`failing hedge legs: ${slipped} of ${bundles.length} bundles reverted on the hedge's slippage limit (${onlyHedge} orders that would have filled alone); ${[...fills.values()].filter((f) => TAKERS.includes(f.taker)).length} fills`);
  });
});

// Options makers under faults, through the simulator: a maker quotes on rollup a and hedges on
// rollup b; b's sequencer is down for 20 minutes. The maker is never told about the outage: it
// sees its hedge rollup's head go stale and its pending hedge wait, and the Avellaneda–Stoikov
// inventory term prices the time until a hedge can execute — so its quoted spread widens as the
// halt goes on, and comes back as its measured hedge lag and hedge cost decay after recovery.
// The same in both modes (b alone on a shared set, or on its own sequencer): the outage is b's.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import { mean, variance } from './util/stats.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

const MIN = 60_000_000;
const RUNS = 10;

const input: ScenarioInput = {
  name: 'maker-halt',
  seed: 1,
  runs: RUNS,
  horizon: '100m',
  warmup: '5m',
  modes: ['centralized', 'shared'],
  network: { base_latency: '20ms', jitter: '5ms' },
  assets: [{ id: 'eth', price: 3000, vol: 0.8, tick: '100ms' }],
  rollups: [
    { id: 'a', block_time: '2s', pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e7, fee_bps: 5 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] },
    // A deep, fee-free hedge pool: in normal times hedging costs little, so the halt is what moves the spread.
    { id: 'b', block_time: '2s', pools: [{ id: 'p', asset: 'eth', liquidity_usd: 1e9, fee_bps: 0 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] },
  ],
  sequencing: { centralized: { policy: 'fcfs' }, shared: { nodes: 4, rollups: ['b'], node_latency: '20ms', node_jitter: '5ms', min_slot_time: '500ms', policy: 'fcfs' } },
  options: {
    venues: [{ id: 'v', rollup: 'a', asset: 'eth', strikes_pct: [-5, 0, 5], strike_step: 50, expiries: ['30d'] }],
    makers: [{ name: 'mm', venues: ['v'], hedge: { rollup: 'b', pool: 'p' }, latency: '20ms', refresh: '10s', move_threshold_bps: 5, size: 2, hedge_threshold: 2, learning: 0.2, risk_aversion: 1 }],
    takers: [{ name: 'retail', kind: 'uninformed', venue: 'v', rate: 0.3, size: 1 }],
  },
  faults: { outages: [{ rollup: 'b', at: '30m', duration: '20m' }], aftermath: '30m' },
};

/** Windows of executed quote updates: before (10–30 min), the second half of the halt (40–50), well after (80–100). */
const WINDOWS = [
  [10 * MIN, 30 * MIN],
  [40 * MIN, 50 * MIN],
  [80 * MIN, 100 * MIN],
] as const;

describe('options makers under a halt of their hedge rollup', async () => {
  const { tables } = await runScenario(inlineScenario(input));
  const runs = tables.runs.toArray().map((r) => plain(r));
  const quotes = tables.quotes.toArray().map((r) => plain(r));
  const contagion = tables.contagion.toArray().map((r) => plain(r));
  // Per run and window: the mean ATM spread (bps of spot) and inventory component (USD) of the quote updates.
  const byUpdate = new Map<string, Record<string, unknown>[]>();
  for (const q of quotes) {
    const k = `${q.run_id}/${q.at_us}/${q.decided_us}`;
    if (!byUpdate.has(k)) byUpdate.set(k, []);
    byUpdate.get(k)!.push(q);
  }
  const spreads = new Map<number, number[][]>(runs.map((r) => [r.run_id as number, WINDOWS.map(() => [])]));
  const inventory = new Map<number, number[][]>(runs.map((r) => [r.run_id as number, WINDOWS.map(() => [])]));
  for (const rows of byUpdate.values()) {
    const spot = rows[0].spot as number;
    const t = rows[0].at_us as number;
    const atm = rows.reduce((b, r) => (Math.abs((r.strike as number) - spot) < Math.abs((b.strike as number) - spot) ? r : b)).strike;
    const w = WINDOWS.findIndex(([a, b]) => t >= a && t < b);
    if (w < 0) continue;
    for (const r of rows.filter((x) => x.strike === atm)) {
      spreads.get(r.run_id as number)![w].push((((r.ask as number) - (r.bid as number)) / spot) * 1e4);
      inventory.get(r.run_id as number)![w].push(r.inventory_usd as number);
    }
  }

  for (const mode of ['centralized', 'shared']) {
    it(`${mode}: the spread widens during the halt (pricing the wait for a hedge) and comes back after it`, () => {
      const ids = runs.filter((r) => r.mode === mode).map((r) => r.run_id as number);
      expect(ids.length).toBe(RUNS);
      const level = (id: number, w: number) => mean(spreads.get(id)![w]);
      for (const id of ids) for (let w = 0; w < WINDOWS.length; w++) expect(spreads.get(id)![w].length, `run ${id} window ${w}`).toBeGreaterThan(50);
      const rise = ids.map((id) => level(id, 1) - level(id, 0));
      const after = ids.map((id) => level(id, 2) - level(id, 0));
      const se = (xs: number[]) => Math.sqrt(variance(xs) / xs.length);
      // It rises, by much more than its sampling error and by several times its level.
      expect(mean(rise), `rise ${mean(rise)} ± ${se(rise)} bps`).toBeGreaterThan(4 * se(rise));
      expect(mean(ids.map((id) => level(id, 1) / level(id, 0)))).toBeGreaterThan(3);
      // Through the inventory component: the wait it prices is the halt, not a learned cost.
      const inv = (w: number) => mean(ids.map((id) => mean(inventory.get(id)![w])));
      expect(inv(1)).toBeGreaterThan(10 * inv(0));
      // Back within X of the pre-fault level: X = a tenth of the blow-out (the spread has come 90% of
      // the way back) plus 4 standard errors of the paired after − before difference.
      const x = 0.1 * mean(rise) + 4 * se(after);
      if (process.env.SEQSIM_FIGURES) console.log(`${mode}: ATM spread before ${mean(ids.map((id) => level(id, 0))).toFixed(1)} bps, halt +${mean(rise).toFixed(0)} ± ${se(rise).toFixed(0)} bps, after − before ${mean(after).toFixed(1)} ± ${se(after).toFixed(1)} bps (X = ${x.toFixed(1)} bps)`);
      expect(Math.abs(mean(after)), `after − before ${mean(after)} bps, X ${x}`).toBeLessThan(x);
    });

    it(`${mode}: the contagion row carries the spread's peak, its recovery and the maker's P&L over the episode`, () => {
      const rows = contagion.filter((c) => c.mode === mode);
      expect(rows.length).toBe(RUNS);
      for (const c of rows) {
        const id = c.run_id as number;
        expect(c.rollups).toBe('b');
        expect(c.options_spread_pre_bps as number).toBeGreaterThan(0);
        // The peak is at least the halt's mean, and far above the pre-fault level.
        expect(c.options_spread_peak_bps as number).toBeGreaterThanOrEqual(mean(spreads.get(id)![1]));
        expect(c.options_spread_peak_bps as number).toBeGreaterThan(3 * (c.options_spread_pre_bps as number));
        expect(Number.isFinite(c.maker_loss_usd as number)).toBe(true);
      }
      // Most episodes recover within their aftermath (30 min); the time is measured from the outage's end.
      const rec = rows.map((c) => c.options_recovery_s).filter((r): r is number => r !== null);
      expect(rec.length).toBeGreaterThanOrEqual(RUNS / 2);
      for (const r of rec) expect(r).toBeGreaterThanOrEqual(0), expect(r).toBeLessThan(30 * 60);
    });
  }
});

// Exact checks of the analysis functions on small hand-made tables.
import { describe, expect, it } from 'vitest';
import { tableFromArrays, tableFromJSON } from 'apache-arrow';
import { spreadComponents, SPREAD_COMPONENTS } from './spread.ts';
import { slippageDecomposition } from './slippage.ts';
import { latencyQuantiles } from './latency.ts';
import { mevSplit } from './mevSplit.ts';
import { contagionTimeline, episodes } from './contagion.ts';
import { sweepCurves, sweptParameters } from './sweep.ts';
import { headlineDiffs } from './headline.ts';
import { provenance } from './provenance.ts';
import { numbers, variantOrder } from './columns.ts';
import type { ComparisonRow } from './comparison.ts';

describe('columns', () => {
  it('reads int64 as numbers and nulls as NaN', () => {
    const t = tableFromArrays({ x: BigInt64Array.from([1n, 2n, 3n]) });
    expect(Array.from(numbers(t, 'x'))).toEqual([1, 2, 3]);
    expect(Array.from(numbers(tableFromJSON([{ y: 1 }, { y: null }]), 'y'))).toEqual([1, NaN]);
  });
  it('orders variants by seqsim.modes, else by first appearance', () => {
    const t = tableFromJSON([{ mode: 'b' }, { mode: 'a' }]);
    expect(variantOrder(t)).toEqual(['b', 'a']);
    t.schema.metadata.set('seqsim.modes', '["a","b"]');
    expect(variantOrder(t)).toEqual(['a', 'b']);
  });
});

describe('spreadComponents', () => {
  it('averages each component per variant over quote updates', () => {
    const row = (mode: string, k: number) => ({ mode, ...Object.fromEntries(SPREAD_COMPONENTS.map((c, i) => [c, k * (i + 1)])) });
    const parts = spreadComponents(tableFromJSON([row('c', 1), row('c', 3), row('s', 10)]));
    expect(parts.filter((p) => p.variant === 'c').map((p) => p.usd)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(parts.find((p) => p.variant === 's' && p.component === 'capital_usd')).toEqual({ variant: 's', component: 'capital_usd', usd: 70, n: 1 });
  });
});

describe('slippageDecomposition', () => {
  it("keeps users' executed swaps and averages each part by variant and rollup", () => {
    const swap = (mode: string, rollup: string, agent_kind: string, status: string, fee: number, mev: number) => ({
      mode, rollup, agent_kind, status, fee_bps: fee, impact_bps: 1, ordering_bps: 0, latency_bps: -1, mev_bps: mev, other_bps: 0,
    });
    const parts = slippageDecomposition(
      tableFromJSON([swap('c', 'a', 'noise', 'ok', 30, 4), swap('c', 'a', 'noise', 'ok', 30, 0), swap('c', 'a', 'arbitrageur', 'ok', 5, 100), swap('c', 'a', 'noise', 'slippage-limit', 5, 100), swap('s', 'a', 'noise', 'ok', 30, 1)]),
    );
    const get = (v: string, part: string) => parts.find((p) => p.variant === v && p.part === part)!;
    expect(get('c', 'fee_bps')).toEqual({ variant: 'c', rollup: 'a', part: 'fee_bps', bps: 30, n: 2 });
    expect(get('c', 'mev_bps').bps).toBe(2);
    expect(get('c', 'latency_bps').bps).toBe(-1);
    expect(get('s', 'mev_bps')).toMatchObject({ bps: 1, n: 1 });
    expect(parts).toHaveLength(12);
  });
});

describe('latencyQuantiles', () => {
  it('gives quantiles of the delay from submission, over the transactions that reached each stage', () => {
    const txs = tableFromJSON([
      { mode: 'c', rollup: 'a', submit_us: 0, preconf_us: 1000, include_us: 2000, final_us: 10_000 },
      { mode: 'c', rollup: 'a', submit_us: 1000, preconf_us: 4000, include_us: 5000, final_us: null },
      { mode: 'c', rollup: 'a', submit_us: 0, preconf_us: null, include_us: null, final_us: null },
    ]);
    const q = latencyQuantiles(txs, 2);
    const of = (measure: string) => q.filter((r) => r.measure === measure).map((r) => [r.p, r.ms, r.n]);
    expect(of('preconf')).toEqual([[0, 1, 2], [0.5, 2, 2], [1, 3, 2]]);
    expect(of('inclusion')).toEqual([[0, 2, 2], [0.5, 3, 2], [1, 4, 2]]);
    expect(of('finality')).toEqual([[0, 10, 1], [0.5, 10, 1], [1, 10, 1]]);
  });
});

describe('mevSplit', () => {
  it('splits gross profit into searchers, sequencers, fees and gas per run', () => {
    const mev = tableFromJSON([
      { mode: 'c', captured_by: 'searcher', net_profit_usd: 60, fees_paid_usd: 30, gas_usd: 10, victim_loss_usd: 50 },
      { mode: 'c', captured_by: 'searcher', net_profit_usd: -2, fees_paid_usd: 0, gas_usd: 2, victim_loss_usd: null },
      { mode: 'c', captured_by: 'sequencer', net_profit_usd: 40, fees_paid_usd: 0, gas_usd: 0, victim_loss_usd: 30 },
    ]);
    const { shares, victims } = mevSplit(mev, new Map([['c', 2], ['s', 2]]));
    expect(shares.filter((s) => s.variant === 'c').map((s) => [s.part, s.usd])).toEqual([['searcher_net', 29], ['sequencer_net', 20], ['priority_fees', 15], ['gas', 6]]);
    expect(shares.filter((s) => s.variant === 's').every((s) => s.usd === 0)).toBe(true);
    expect(victims).toEqual([{ variant: 'c', victimLossUsd: 40, attempts: 1.5 }, { variant: 's', victimLossUsd: 0, attempts: 0 }]);
  });
});

describe('contagionTimeline', () => {
  const s = 1e6;
  const contagion = tableFromJSON([{ run_id: 0, mode: 'c', episode_id: 0, kind: 'outage', start_us: 100 * s, duration_us: 20 * s, rollups: 'a,b' }]);
  it('reads episodes', () => {
    expect(episodes(contagion)).toEqual([{ variant: 'c', runId: 0, episodeId: 0, kind: 'outage', startUs: 100 * s, durationUs: 20 * s, rollups: ['a', 'b'] }]);
  });
  it('bins dislocation, near-money spreads and liquidations by time since the fault, within the window', () => {
    const trades = tableFromJSON([
      { run_id: 0, rollup: 'a', executed_us: 95 * s, mid_after: 101, ref_executed: 100 }, // bin −1: 100 bps
      { run_id: 0, rollup: 'b', executed_us: 99 * s, mid_after: 97, ref_executed: 100 }, // bin −1: 300 bps
      { run_id: 0, rollup: 'c', executed_us: 99 * s, mid_after: 50, ref_executed: 100 }, // other rollup: out
      { run_id: 0, rollup: 'a', executed_us: 50 * s, mid_after: 50, ref_executed: 100 }, // before the window: out
      { run_id: 1, rollup: 'a', executed_us: 99 * s, mid_after: 50, ref_executed: 100 }, // other run: out
    ]);
    const quotes = tableFromJSON([
      { run_id: 0, at_us: 125 * s, bid: 9, ask: 11, spot: 100, strike: 101 }, // bin 2: 200 bps
      { run_id: 0, at_us: 125 * s, bid: 0, ask: 20, spot: 100, strike: 150 }, // far from the money: out
    ]);
    const liquidations = tableFromJSON([
      { run_id: 0, at_us: 112 * s, repaid_usd: 1000, episode_id: 0 },
      { run_id: 0, at_us: 118 * s, repaid_usd: 500, episode_id: 0 },
      { run_id: 0, at_us: 118 * s, repaid_usd: 7, episode_id: null },
    ]);
    const points = contagionTimeline({ contagion, trades, quotes, liquidations, aftermathUs: 30 * s, binUs: 10 * s });
    expect(points[0].value).toBeCloseTo(200, 9); // (100 + 300) / 2, to floating-point rounding
    expect(points.map((p) => [p.quantity, p.t_s, p.quantity === 'dislocation_bps' ? 200 : p.value, p.n])).toEqual([
      ['dislocation_bps', -10, 200, 2],
      ['liquidated_usd', 10, 1500, 2],
      ['option_spread_bps', 20, 200, 1],
    ]);
  });
});

describe('sweepCurves', () => {
  it('gives the mean and t interval at each point, x from the first swept parameter', () => {
    const points = tableFromJSON([{ point: 0, nodes: 4, policy: 'fcfs' }, { point: 1, nodes: 8, policy: 'fcfs' }]);
    const runs = tableFromJSON([0, 1, 2, 3].map((run_id) => ({ run_id, point: run_id < 2 ? 0 : 1 })));
    const metrics = tableFromJSON([
      { run_id: 0, mode: 's', metric: 'latency.inclusion_ms.p50', rollup: 'a', unit: 'ms', value: 10 },
      { run_id: 1, mode: 's', metric: 'latency.inclusion_ms.p50', rollup: 'a', unit: 'ms', value: 14 },
      { run_id: 2, mode: 's', metric: 'latency.inclusion_ms.p50', rollup: 'a', unit: 'ms', value: 20 },
      { run_id: 3, mode: 's', metric: 'latency.inclusion_ms.p50', rollup: 'a', unit: 'ms', value: 20 },
      { run_id: 3, mode: 's', metric: 'other', rollup: 'a', unit: 'ms', value: 1 },
    ]);
    expect(sweptParameters(points)).toEqual(['nodes', 'policy']);
    const curves = sweepCurves(points, runs, metrics, ['latency.inclusion_ms.p50']);
    expect(curves.map((c) => [c.series, c.x, c.mean, c.n])).toEqual([['s, policy=fcfs', 4, 12, 2], ['s, policy=fcfs', 8, 20, 2]]);
    // sd of {10, 14} = 2√2; t(0.975, 1) = 12.7062: half-width 12.7062 · 2√2 / √2 = 25.41.
    expect(curves[0].high - curves[0].mean).toBeCloseTo(25.4124, 3);
    expect(curves[1].low).toBe(20);
  });
});

describe('headlineDiffs', () => {
  it('keeps headline metrics in headline order, relative to the baseline mean', () => {
    const row = (metric: string, baseline_mean: number, diff: number): ComparisonRow => ({
      metric, rollup: 'a', subject: null, unit: 'ms', baseline: 'c', variant: 's', n: 5, baseline_mean, variant_mean: baseline_mean + diff, diff_mean: diff,
      diff_t_low: diff - 1, diff_t_high: diff + 1, diff_boot_low: null, diff_boot_high: null,
    });
    const d = headlineDiffs([row('latency.inclusion_ms.p50', -200, 50), row('not.headline', 1, 1), row('latency.preconf_ms.p50', 0, 3)]);
    expect(d.map((x) => [x.label, x.pct, x.pctLow, x.pctHigh])).toEqual([['latency.preconf_ms.p50 [a]', NaN, NaN, NaN], ['latency.inclusion_ms.p50 [a]', 25, 24.5, 25.5]]);
  });
});

describe('provenance', () => {
  it('reads the runs table and its metadata, seeds digit for digit', () => {
    const runs = tableFromJSON([{ scenario: 'x', mode: 'c', status: 'ok', events: 10 }, { scenario: 'x', mode: 's', status: 'failed', events: 5 }]);
    const meta = { 'seqsim.version': '0.1.0', 'seqsim.scenario_sha256': 'ab', 'seqsim.seeds': '[1,18446744073709551615]', 'seqsim.files': '{"a.yaml":"cd"}' };
    for (const [k, v] of Object.entries(meta)) runs.schema.metadata.set(k, v);
    expect(provenance(runs)).toEqual({ scenario: 'x', scenarioSha256: 'ab', seqsimVersion: '0.1.0', arrowVersion: 'unknown', seeds: ['1', '18446744073709551615'], variants: ['c', 's'], files: { 'a.yaml': 'cd' }, runs: 2, failed: 1, events: 15 });
  });
});

// Long suite (`npm run test:long`): the tail of bad debt across seeds (issue 12 §7). A stressed
// world — three rollups with Aave-style ETH markets, ETH with crash jumps (about one a day, −5% ± 5%),
// random outages on one fault budget at a stress rate (1000 a year per failure domain, lognormal
// median 73 min, σ 1.1: docs/calibration.md "Sequencer outages") — run for a day per seed, the
// same seeds in both modes. Centralized: each rollup's sequencer fails on its own; shared: the set
// over all three is one failure domain. The 99th percentile of bad debt across seeds is reported
// with a distribution-free confidence interval (order statistics), for each mode, with no
// assertion about which mode wins: the test checks the interval, not the answer. The same four
// ways with a risk engine in the sequencers (issue 12 §6) measure what the engine changes, paired.
import { describe, expect, it } from 'vitest';
import { buildWorld, type Mode } from '../../sim/world/build.ts';
import { attachRecorders, NULL_SINKS } from '../../sim/metrics/attach.ts';
import { inlineScenario } from '../util/scenario.ts';
import { mean, variance } from '../util/stats.ts';
import type { ScenarioInput } from '../../sim/scenario/schema.ts';

const SEEDS = 1000;
const P = 0.99;
const ROLLUPS = ['a', 'b', 'c'];

const CENTRALIZED = { policy: 'priority' } as const;
const SHARED = { nodes: 4, min_slot_time: '12s', node_jitter: '0s', policy: 'priority' } as const;

const input: ScenarioInput = {
  name: 'bad-debt-tail',
  seed: 1,
  horizon: '1d',
  warmup: '0s',
  modes: ['centralized', 'shared'],
  network: { base_latency: '50ms', jitter: '10ms' },
  assets: [{ id: 'eth', price: 3000, vol: 0.8, tick: '10s', jumps: { rate: 365, mean: -0.05, stdev: 0.05, compensated: false } }],
  rollups: ROLLUPS.map((id) => ({ id, block_time: '12s', pools: [{ id: 'p', asset: 'eth', liquidity_usd: 5e6, fee_bps: 30 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.5 }] })),
  sequencing: { centralized: CENTRALIZED, shared: SHARED },
  faults: { random: { rate_per_year: 1000 } },
  lending: {
    markets: ROLLUPS.map((r) => ({ id: `${r}-eth`, rollup: r, asset: 'eth', borrowers: { count: 100, hf_max: 1.5 } })),
    liquidators: [{ name: 'liq', latency: '5ms', fee_usd: 1 }],
  },
};

/** log C(n, k). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(Binomial(n, p) ≤ k), exactly (summed in log space). */
function binomialCdf(k: number, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i <= k; i++) s += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(s, 1);
}

/**
 * The p-quantile of the sorted sample (its ⌈n·p⌉-th order statistic) and a distribution-free
 * interval [x_(l), x_(u)] that covers the true quantile with probability ≥ 1 − alpha: the number of
 * draws below the quantile is Binomial(n, p), so P(x_(l) ≤ q < x_(u)) = F(u − 1) − F(l − 1).
 */
function quantileWithInterval(sorted: readonly number[], p: number, alpha = 0.05) {
  const n = sorted.length;
  const k = Math.ceil(n * p);
  let l = k;
  while (l > 1 && binomialCdf(l - 2, n, p) > alpha / 2) l--;
  let u = k;
  while (u < n && 1 - binomialCdf(u - 1, n, p) > alpha / 2) u++;
  const coverage = binomialCdf(u - 1, n, p) - binomialCdf(l - 2, n, p);
  return { q: sorted[k - 1], lo: sorted[l - 1], hi: sorted[u - 1], l, u, coverage };
}

/** The same world with a risk engine in every sequencer (issue 12 §6): each rollup's own, or the shared set. */
const withEngine: ScenarioInput = {
  ...input,
  sequencing: { centralized: { ...CENTRALIZED, risk_engine: {} }, shared: { ...SHARED, risk_engine: {} } },
};

const ARMS = [
  { name: 'centralized', mode: 'centralized', input },
  { name: 'shared', mode: 'shared', input },
  { name: 'centralized + risk engine', mode: 'centralized', input: withEngine },
  { name: 'shared + risk engine', mode: 'shared', input: withEngine },
] as const;

const pairedLine = (label: string, a: number[], b: number[]) => {
  const d = a.map((x, i) => b[i] - x);
  return `${label}, paired by seed: mean ${mean(d).toFixed(0)} ± ${Math.sqrt(variance(d) / d.length).toFixed(0)} USD (SE)`;
};

describe('the tail of bad debt across seeds, same fault budget in both modes', () => {
  it(`the ${P * 100}th percentile of bad debt over ${SEEDS} seeds, with a 95% interval, in each mode, with and without a risk engine`, () => {
    const badDebt = new Map<string, number[]>();
    const depth = new Map<string, number[]>();
    const downtime = new Map<string, number[]>();
    for (const arm of ARMS) {
      const loaded = inlineScenario(arm.input);
      const bd: number[] = [];
      const dp: number[] = [];
      const dt: number[] = [];
      for (let s = 0; s < SEEDS; s++) {
        const world = buildWorld(loaded, arm.mode as Mode, 10_000 + s);
        const recorders = attachRecorders(world, NULL_SINKS);
        world.advance(loaded.scenario.horizon);
        const m = recorders.finish().metrics;
        bd.push(m.find((x) => x.metric === 'contagion.bad_debt_usd')!.value);
        dp.push(m.find((x) => x.metric === 'contagion.cascade_depth.max')?.value ?? 0);
        dt.push(mean(m.filter((x) => x.metric === 'faults.downtime_s').map((x) => x.value)));
      }
      badDebt.set(arm.name, bd);
      depth.set(arm.name, dp);
      downtime.set(arm.name, dt);
    }
    const lines: string[] = [];
    for (const arm of ARMS) {
      const xs = badDebt.get(arm.name)!;
      expect(xs.length).toBe(SEEDS);
      expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
      const sorted = [...xs].sort((a, b) => a - b);
      const t = quantileWithInterval(sorted, P);
      // The interval is what it claims: ≥ 95% coverage, and it brackets the estimate.
      expect(t.coverage).toBeGreaterThanOrEqual(0.95);
      expect(t.lo).toBeLessThanOrEqual(t.q);
      expect(t.q).toBeLessThanOrEqual(t.hi);
      // At most 1% of the seeds lie above the estimate (the definition of the order statistic).
      expect(xs.filter((x) => x > t.q).length).toBeLessThanOrEqual(SEEDS * (1 - P));
      const nonzero = xs.filter((x) => x > 0).length;
      const se = Math.sqrt(variance(xs) / xs.length);
      lines.push(
        `${arm.name}: bad debt p99 ${t.q.toFixed(0)} USD (95% CI ${t.lo.toFixed(0)}–${t.hi.toFixed(0)}, order statistics ${t.l}–${t.u} of ${SEEDS}, coverage ${(t.coverage * 100).toFixed(1)}%); ` +
          `mean ${mean(xs).toFixed(0)} ± ${se.toFixed(0)} USD; seeds with bad debt ${nonzero}; max ${sorted[SEEDS - 1].toFixed(0)} USD; cascade depth mean ${mean(depth.get(arm.name)!).toFixed(2)}; mean downtime per rollup ${mean(downtime.get(arm.name)!).toFixed(0)} s/day`,
      );
    }
    // Paired by seed (common random numbers: the same price path and fault draws per domain).
    lines.push(pairedLine('shared − centralized', badDebt.get('centralized')!, badDebt.get('shared')!));
    lines.push(pairedLine('centralized: with − without the risk engine', badDebt.get('centralized')!, badDebt.get('centralized + risk engine')!));
    lines.push(pairedLine('shared: with − without the risk engine', badDebt.get('shared')!, badDebt.get('shared + risk engine')!));
    // The fault budget is the same per rollup in both modes: downtime means agree within 4 SE.
    const dc = downtime.get('centralized')!;
    const ds = downtime.get('shared')!;
    expect(Math.abs(mean(dc) - mean(ds))).toBeLessThan(4 * Math.sqrt(variance(dc) / dc.length + variance(ds) / ds.length));
    // The engine changes who liquidates and when, never the faults: the same downtime seed by seed.
    expect(downtime.get('shared + risk engine')).toEqual(ds);
    expect(downtime.get('centralized + risk engine')).toEqual(dc);
    console.log(lines.join('\n'));
  });
});

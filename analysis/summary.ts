// Pure summaries of the `metrics` table, what a reader wants first after `seqsim run`:
//   - per mode, the mean of a metric over seeds with a Student-t 95% interval on n − 1 degrees of
//     freedom (with 2 seeds the multiplier is 12.7: a handful of seeds gives wide, honest intervals);
//   - the paired comparison: for each seed, the other mode minus the baseline on the same
//     exogenous world (common random numbers), its mean with a Student-t 95% interval, and n.
import { deviation, groups, mean } from 'd3-array';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface MetricRowLike {
  run_id?: number;
  mode: string;
  metric: string;
  rollup: string | null;
  subject: string | null;
  value: number;
  unit: string;
}

/** Seeds are paired by run: rows need the run's seed. */
export interface PairedRowLike extends MetricRowLike {
  seed: number;
}

export interface Interval {
  /** Runs (seeds) with a finite value. */
  n: number;
  mean: number;
  /** Half-width of the 95% Student-t interval of the mean; NaN with one run. */
  ci95: number;
}

export interface MetricSummary extends Interval {
  metric: string;
  rollup: string | null;
  subject: string | null;
  mode: string;
  unit: string;
}

export interface PairedSummary {
  metric: string;
  rollup: string | null;
  subject: string | null;
  unit: string;
  baseline: string;
  mode: string;
  /** Mean and 95% t interval of (mode − baseline) over the seeds both have a finite value for. */
  difference: Interval;
}

/** Mean and Student-t 95% half-width of a sample (t on n − 1 degrees of freedom). */
export function tInterval(values: readonly number[]): Interval {
  const n = values.length;
  const m = n > 0 ? mean(values)! : NaN;
  const sd = deviation(values);
  const ci95 = sd === undefined ? NaN : (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return { n, mean: m, ci95 };
}

const whereKey = (r: { rollup: string | null; subject: string | null }) => `${r.rollup ?? ''}/${r.subject ?? ''}`;

/** Per (metric, rollup, subject, mode), sorted in that order (metrics in the order asked). */
export function summarize(rows: readonly MetricRowLike[], metrics: readonly string[]): MetricSummary[] {
  const wanted = new Set(metrics);
  const picked = rows.filter((r) => wanted.has(r.metric) && Number.isFinite(r.value));
  const out: MetricSummary[] = [];
  for (const [metric, byWhere] of groups(picked, (r) => r.metric, whereKey)) {
    for (const [, byMode] of byWhere) {
      for (const [mode, rs] of groups(byMode, (r) => r.mode)) {
        const { rollup, subject, unit } = rs[0];
        out.push({ metric, rollup, subject, mode, unit, ...tInterval(rs.map((r) => r.value)) });
      }
    }
  }
  const order = (m: string) => metrics.indexOf(m);
  return out.sort((a, b) => order(a.metric) - order(b.metric) || whereKey(a).localeCompare(whereKey(b)) || a.mode.localeCompare(b.mode));
}

/** Paired differences of every other mode against `baseline`, seed by seed. */
export function pairedDifferences(rows: readonly PairedRowLike[], metrics: readonly string[], baseline: string): PairedSummary[] {
  const wanted = new Set(metrics);
  const picked = rows.filter((r) => wanted.has(r.metric) && Number.isFinite(r.value));
  const out: PairedSummary[] = [];
  for (const [metric, byWhere] of groups(picked, (r) => r.metric, whereKey)) {
    for (const [, rs] of byWhere) {
      const base = new Map(rs.filter((r) => r.mode === baseline).map((r) => [r.seed, r.value]));
      if (base.size === 0) continue;
      for (const [mode, others] of groups(rs.filter((r) => r.mode !== baseline), (r) => r.mode)) {
        const diffs = others.filter((r) => base.has(r.seed)).map((r) => r.value - base.get(r.seed)!);
        if (diffs.length === 0) continue;
        const { rollup, subject, unit } = rs[0];
        out.push({ metric, rollup, subject, unit, baseline, mode, difference: tInterval(diffs) });
      }
    }
  }
  const order = (m: string) => metrics.indexOf(m);
  return out.sort((a, b) => order(a.metric) - order(b.metric) || whereKey(a).localeCompare(whereKey(b)) || a.mode.localeCompare(b.mode));
}

const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
const ci = (x: number) => (Number.isFinite(x) ? ` ±${Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(2)}` : '');

/**
 * A plain-text table: one line per metric and rollup, one column per mode (mean ±95% t interval),
 * then the paired difference against the baseline with its interval and n.
 */
export function formatSummary(summaries: readonly MetricSummary[], paired: readonly PairedSummary[] = [], order?: readonly string[]): string {
  // Columns in the order given (the scenario's variants), then any others alphabetically.
  const rank = (m: string) => (order?.includes(m) ? order.indexOf(m) : (order?.length ?? 0));
  const byOrder = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  const modes = [...new Set(summaries.map((s) => s.mode))].sort(byOrder);
  const lines = new Map<string, { byMode: Map<string, MetricSummary>; diffs: Map<string, PairedSummary> }>();
  const keyOf = (s: { metric: string; rollup: string | null; subject: string | null }) => {
    const where = [s.rollup, s.subject].filter((x) => x !== null).join('/');
    return `${s.metric}${where ? ` [${where}]` : ''}`;
  };
  const line = (key: string) => {
    if (!lines.has(key)) lines.set(key, { byMode: new Map(), diffs: new Map() });
    return lines.get(key)!;
  };
  for (const s of summaries) line(keyOf(s)).byMode.set(s.mode, s);
  for (const p of paired) line(keyOf(p)).diffs.set(p.mode, p);
  const diffModes = [...new Set(paired.map((p) => p.mode))].sort(byOrder);
  const baseline = paired[0]?.baseline;
  const cell = (s: MetricSummary | undefined) => (s ? `${num(s.mean)}${ci(s.ci95)} ${s.unit}` : '—');
  const diffCell = (p: PairedSummary | undefined) => (p ? `${p.difference.mean >= 0 ? '+' : ''}${num(p.difference.mean)}${ci(p.difference.ci95)} ${p.unit} (n=${p.difference.n})` : '—');
  const header = ['metric', ...modes, ...diffModes.map((m) => `${m} − ${baseline} (paired)`)];
  const rows = [header, ...[...lines].map(([key, l]) => [key, ...modes.map((m) => cell(l.byMode.get(m))), ...diffModes.map((m) => diffCell(l.diffs.get(m)))])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** The figures `seqsim run` prints first. */
export const HEADLINE_METRICS = [
  'latency.preconf_ms.p50',
  'latency.inclusion_ms.p50',
  'slippage.total_bps.mean',
  'mev.extracted_usd',
  'mev.victim_loss_usd',
  'consensus.commit_interval_ms.mean',
  'spread.option_atm_bps.mean',
  // Its half-spread components, USD per contract (they sum to the half-spread; README, "Options spreads").
  'spread.fee_usd.mean',
  'spread.adverse_selection_usd.mean',
  'spread.snipe_usd.mean',
  'spread.inventory_usd.mean',
  'spread.hedge_cost_usd.mean',
  'spread.leg_failure_usd.mean',
  'spread.capital_usd.mean',
  'spread.arrival_usd.mean',
  'options.vol_premium_pct.mean',
  'options.leland_premium_pct.mean',
  'exotic.mismatch_fraction',
  'exotic.settlement_error_usd.mean',
  'exotic.pricing_error_usd',
  'exotic.read_gap_ms.mean',
  'faults.downtime_s',
  'lending.liquidations',
  'lending.bad_debt_usd',
  'lending.generation.max',
  'contagion.bad_debt_usd',
  'contagion.liquidated_usd',
  'contagion.rollups_affected.mean',
  'contagion.recovery_s.p50',
  'contagion.cascade_depth.max',
] as const;

// Pure summaries of the `metrics` table: the mean of a metric over seeds, per mode and rollup, with
// a normal-approximation 95% interval — what a reader wants first after `seqsim run`.
import { deviation, groups, mean } from 'd3-array';

export interface MetricRowLike {
  mode: string;
  metric: string;
  rollup: string | null;
  subject: string | null;
  value: number;
  unit: string;
}

export interface MetricSummary {
  metric: string;
  rollup: string | null;
  subject: string | null;
  mode: string;
  unit: string;
  /** Runs (seeds) with a finite value. */
  n: number;
  mean: number;
  /** Half-width of the 95% interval of the mean (1.96 standard errors); NaN with one run. */
  ci95: number;
}

/** Summaries of `metrics` per (metric, rollup, subject, mode), sorted in that order (metrics in the order asked). */
export function summarize(rows: readonly MetricRowLike[], metrics: readonly string[]): MetricSummary[] {
  const wanted = new Set(metrics);
  const picked = rows.filter((r) => wanted.has(r.metric) && Number.isFinite(r.value));
  const out: MetricSummary[] = [];
  for (const [metric, byWhere] of groups(picked, (r) => r.metric, (r) => `${r.rollup ?? ''}/${r.subject ?? ''}`)) {
    for (const [, byMode] of byWhere) {
      for (const [mode, rs] of groups(byMode, (r) => r.mode)) {
        const values = rs.map((r) => r.value);
        const sd = deviation(values);
        const { rollup, subject, unit } = rs[0];
        out.push({ metric, rollup, subject, mode, unit, n: values.length, mean: mean(values)!, ci95: sd === undefined ? NaN : (1.96 * sd) / Math.sqrt(values.length) });
      }
    }
  }
  const order = (m: string) => metrics.indexOf(m);
  const where = (s: MetricSummary) => `${s.rollup ?? ''}/${s.subject ?? ''}`;
  return out.sort((a, b) => order(a.metric) - order(b.metric) || where(a).localeCompare(where(b)) || a.mode.localeCompare(b.mode));
}

/** A plain-text table of summaries: one line per metric and rollup, one column per mode. */
export function formatSummary(summaries: readonly MetricSummary[]): string {
  const modes = [...new Set(summaries.map((s) => s.mode))].sort();
  const lines = new Map<string, Map<string, MetricSummary>>();
  for (const s of summaries) {
    const where = [s.rollup, s.subject].filter((x) => x !== null).join('/');
    const key = `${s.metric}${where ? ` [${where}]` : ''}`;
    if (!lines.has(key)) lines.set(key, new Map());
    lines.get(key)!.set(s.mode, s);
  }
  const fmt = (s: MetricSummary | undefined) => {
    if (!s) return '—';
    const v = Math.abs(s.mean) >= 100 ? s.mean.toFixed(0) : s.mean.toPrecision(3);
    const ci = Number.isFinite(s.ci95) ? ` ±${Math.abs(s.ci95) >= 100 ? s.ci95.toFixed(0) : s.ci95.toPrecision(2)}` : '';
    return `${v}${ci} ${s.unit}`;
  };
  const rows = [['metric', ...modes], ...[...lines].map(([key, byMode]) => [key, ...modes.map((m) => fmt(byMode.get(m)))])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

/** The figures `seqsim run` prints first. */
export const HEADLINE_METRICS = [
  'latency.preconf_ms.p50',
  'latency.inclusion_ms.p50',
  'slippage.total_bps.mean',
  'mev.extracted_usd',
  'mev.victim_loss_usd',
  'consensus.commit_interval_ms.mean',
] as const;

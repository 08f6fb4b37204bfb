// The paired headline of a run (comparison.arrow): each headline metric's difference against the
// baseline with its 95% t interval, also relative to the baseline mean so that metrics of different
// units share one axis.
import type { ComparisonRow } from './comparison.ts';
import { HEADLINE_METRICS } from './summary.ts';

export interface HeadlineDiff {
  /** `metric [rollup/subject]`. */
  label: string;
  metric: string;
  unit: string;
  variant: string;
  baseline: string;
  n: number;
  baselineMean: number;
  diff: number;
  /** The t interval, NaN when n < 2. */
  low: number;
  high: number;
  /** The same three relative to |baseline mean|, percent; NaN when the baseline mean is 0. */
  pct: number;
  pctLow: number;
  pctHigh: number;
}

export function headlineDiffs(rows: readonly ComparisonRow[], metrics: readonly string[] = HEADLINE_METRICS): HeadlineDiff[] {
  const order = (m: string) => metrics.indexOf(m);
  return rows
    .filter((r) => order(r.metric) >= 0 && Number.isFinite(r.diff_mean))
    .sort((a, b) => order(a.metric) - order(b.metric))
    .map((r) => {
      const where = [r.rollup, r.subject].filter((x) => x !== null).join('/');
      const scale = r.baseline_mean === 0 ? NaN : 100 / Math.abs(r.baseline_mean);
      const [low, high] = [r.diff_t_low ?? NaN, r.diff_t_high ?? NaN];
      return {
        label: where ? `${r.metric} [${where}]` : r.metric,
        metric: r.metric, unit: r.unit, variant: r.variant, baseline: r.baseline, n: r.n, baselineMean: r.baseline_mean,
        diff: r.diff_mean, low, high, pct: r.diff_mean * scale, pctLow: low * scale, pctHigh: high * scale,
      };
    });
}

// Latency distributions (txs table): per variant and rollup, the quantiles of the delay from
// submission to pre-confirmation, to inclusion and to finality, over the transactions that got there.
import { groups, quantileSorted } from 'd3-array';
import type { Table } from 'apache-arrow';
import { numbers, strings } from './columns.ts';

export const LATENCY_MEASURES = { preconf: 'preconf_us', inclusion: 'include_us', finality: 'final_us' } as const;
export type LatencyMeasure = keyof typeof LATENCY_MEASURES;

export interface LatencyQuantile {
  variant: string;
  rollup: string;
  measure: LatencyMeasure;
  /** Probability in [0, 1]. */
  p: number;
  /** Delay at that quantile, ms. */
  ms: number;
  /** Transactions in the distribution. */
  n: number;
}

/** Quantiles at `steps` + 1 evenly spaced probabilities (0 and 1 included): a CDF to plot. */
export function latencyQuantiles(txs: Table, steps = 100): LatencyQuantile[] {
  const mode = strings(txs, 'mode');
  const rollupOf = strings(txs, 'rollup');
  const submit = numbers(txs, 'submit_us');
  const out: LatencyQuantile[] = [];
  for (const [measure, column] of Object.entries(LATENCY_MEASURES) as [LatencyMeasure, string][]) {
    const at = numbers(txs, column);
    const reached = Array.from(mode.keys()).filter((i) => Number.isFinite(at[i]));
    for (const [variant, byRollup] of groups(reached, (i) => mode[i]!, (i) => rollupOf[i]!)) {
      for (const [rollup, is] of byRollup) {
        const delays = is.map((i) => (at[i] - submit[i]) / 1000).sort((a, b) => a - b);
        for (let k = 0; k <= steps; k++) out.push({ variant, rollup, measure, p: k / steps, ms: quantileSorted(delays, k / steps)!, n: delays.length });
      }
    }
  }
  return out;
}

// The fault budget: outages of one failure domain as a Poisson process in time with lognormal
// durations, drawn once at build time from the domain's own named stream. Every domain — a rollup's
// own sequencer, or a shared set — gets the same rate and the same duration distribution, so each
// rollup sees the same downtime distribution in every mode; only the correlation across rollups
// differs (a shared set's outage is every member's at once).
import type { Rng } from '../../engine/rng.ts';
import type { Micros } from '../../engine/time.ts';
import { YEAR_US } from '../market/price.ts';

export interface OutageWindow {
  readonly atUs: Micros;
  readonly forUs: Micros;
}

export interface OutageBudget {
  readonly ratePerYear: number;
  readonly medianUs: Micros;
  /** Sigma of log(duration); 0: every outage lasts the median. */
  readonly sigma: number;
}

/**
 * Outages starting in [0, horizon), in start order. Draws alternate (gap, duration) from `rng`, so
 * the k-th outage of a domain is the same whatever the horizon beyond it. Windows may overlap
 * (a second failure during the first); a window may run past the horizon.
 */
export function drawOutages(rng: Rng, budget: OutageBudget, horizonUs: Micros): OutageWindow[] {
  const out: OutageWindow[] = [];
  if (budget.ratePerYear <= 0) return out;
  const ratePerUs = budget.ratePerYear / YEAR_US;
  let t = 0;
  for (;;) {
    t += rng.exponential(ratePerUs);
    const z = rng.normal();
    if (t >= horizonUs) return out;
    const forUs = Math.max(1, Math.round(budget.medianUs * Math.exp(budget.sigma * z)));
    out.push({ atUs: Math.floor(t), forUs });
  }
}

/** Length of the union of windows within [fromUs, toUs). */
export function coveredUs(windows: readonly OutageWindow[], fromUs: Micros, toUs: Micros): Micros {
  const spans = windows.map((w) => [Math.max(fromUs, w.atUs), Math.min(toUs, w.atUs + w.forUs)] as const).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

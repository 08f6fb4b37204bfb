// A distribution of one quantity over a run, in bounded memory: the count and sum are exact (so
// the mean is), quantiles come from a DDSketch with relative accuracy SKETCH_ACCURACY (a reported
// p50 or p99 is within ±1% of the true sample quantile's value). Sketches merge across runs,
// workers and shards; their serialized form is the `sketches` table.
import { DDSketch } from '@datadog/sketches-js';
import type { AddMetric } from './rows.ts';

/** Relative accuracy of every quantile metric (DDSketch's α). */
export const SKETCH_ACCURACY = 0.01;

export class Distribution {
  readonly sketch = new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });
  count = 0;
  sum = 0;

  /** Samples that were not finite numbers (a counterfactual that could not execute): they make the mean NaN and stay out of the sketch. */
  nonFinite = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (Number.isFinite(value)) this.sketch.accept(value);
    else this.nonFinite++;
  }

  get mean(): number {
    return this.count > 0 && this.nonFinite === 0 ? this.sum / this.count : NaN;
  }

  /** Quantile of the finite samples (within SKETCH_ACCURACY relative). */
  quantile(q: number): number {
    return this.count > this.nonFinite ? this.sketch.getValueAtQuantile(q) : NaN;
  }
}

/** A named distribution a recorder reports: `<base>.mean`, `.p50`, `.p99` in `metrics`, its sketch in `sketches`. */
export interface ReportedDistribution {
  base: string;
  rollup: string | null;
  subject: string | null;
  unit: string;
  dist: Distribution;
}

/** mean, p50 and p99 of a distribution; NaN when empty (a metric that could not be measured). */
export function addDistribution(add: AddMetric, base: string, dist: Distribution, unit: string): void {
  add(`${base}.mean`, dist.mean, unit);
  add(`${base}.p50`, dist.quantile(0.5), unit);
  add(`${base}.p99`, dist.quantile(0.99), unit);
}

// Statistics helpers for tests that compare simulation output to theory.
// Simulation outputs are usually autocorrelated (successive waits in a queue, prices on a path),
// so the naive i.i.d. standard error understates the uncertainty; batch means is the standard
// remedy: split the run into a few dozen long contiguous batches whose means are nearly
// independent, and take the standard error of those batch means.

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Unbiased sample variance (n − 1 denominator); two-pass for accuracy. */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - m) ** 2;
  return ss / (n - 1);
}

/** Standard error of the mean assuming independent observations: right only for i.i.d. data. */
export function naiveStandardError(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs) / xs.length);
}

/** Sample autocorrelation at `lag` (biased estimator, the usual one for correlograms). */
export function autocorrelation(xs: ArrayLike<number>, lag: number): number {
  const n = xs.length;
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    den += d * d;
    if (i + lag < n) num += d * (xs[i + lag] - m);
  }
  return num / den;
}

export interface BatchMeansResult {
  /** Grand mean of the observations used (the batches' mean). */
  mean: number;
  /** Standard error of `mean` from the spread of the batch means. */
  se: number;
  batches: number;
  batchSize: number;
  /** The batch means themselves, e.g. for checking their lag-1 autocorrelation. */
  batchMeans: Float64Array;
}

/**
 * Batch-means estimate of the mean and its standard error. The series is cut into `batches`
 * contiguous batches of equal size; a remainder of fewer than `batches` trailing observations is
 * dropped so that every batch mean has the same variance. Valid when a batch is much longer than
 * the correlation time of the series.
 */
export function batchMeans(xs: ArrayLike<number>, batches: number): BatchMeansResult {
  if (!Number.isInteger(batches) || batches < 2) throw new Error(`batches must be an integer >= 2, got ${batches}`);
  const batchSize = Math.floor(xs.length / batches);
  if (batchSize < 1) throw new Error(`${xs.length} observations cannot fill ${batches} batches`);
  const means = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    let s = 0;
    const start = b * batchSize;
    for (let i = start; i < start + batchSize; i++) s += xs[i];
    means[b] = s / batchSize;
  }
  return { mean: mean(means), se: Math.sqrt(variance(means) / batches), batches, batchSize, batchMeans: means };
}

/**
 * Streaming accumulator for a series whose length is known in advance: keeps running sums instead
 * of the observations (a few million waits need no 24 MB array), and gives the same batch-means
 * result as `batchMeans` on the same series, plus the naive i.i.d. standard error for comparison.
 */
export class BatchMeansAccumulator {
  private readonly sums: Float64Array;
  private readonly batchSize: number;
  private count = 0;
  // Welford running moments of the raw observations (for the naive SE), stable over millions.
  private m = 0;
  private m2 = 0;

  constructor(readonly total: number, readonly batches: number) {
    if (!Number.isInteger(batches) || batches < 2) throw new Error(`batches must be an integer >= 2, got ${batches}`);
    this.batchSize = Math.floor(total / batches);
    if (this.batchSize < 1) throw new Error(`${total} observations cannot fill ${batches} batches`);
    this.sums = new Float64Array(batches);
  }

  /** Adds the next observation; those past batches × batchSize are ignored, as in `batchMeans`. */
  add(x: number): void {
    const b = Math.floor(this.count / this.batchSize);
    if (b >= this.batches) return;
    this.sums[b] += x;
    this.count++;
    const d = x - this.m;
    this.m += d / this.count;
    this.m2 += d * (x - this.m);
  }

  get n(): number {
    return this.count;
  }

  result(): BatchMeansResult & { naiveSe: number } {
    const used = this.batches * this.batchSize;
    if (this.count !== used) throw new Error(`expected ${used} observations, got ${this.count}`);
    const means = this.sums.map((s) => s / this.batchSize);
    return {
      mean: mean(means),
      se: Math.sqrt(variance(means) / this.batches),
      batches: this.batches,
      batchSize: this.batchSize,
      batchMeans: means,
      naiveSe: Math.sqrt(this.m2 / (this.count - 1) / this.count),
    };
  }
}

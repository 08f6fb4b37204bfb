import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../sim/engine/rng.ts';
import { autocorrelation, batchMeans, BatchMeansAccumulator, mean, naiveStandardError, variance } from './stats.ts';

describe('basic moments', () => {
  it('computes mean, unbiased variance and naive SE exactly', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 12);
    expect(naiveStandardError(xs)).toBeCloseTo(Math.sqrt(32 / 7 / 8), 12);
    expect(variance([3])).toBeNaN();
  });

  it('autocorrelation: +1 for a constant-step ramp at lag 0, alternating series at lag 1 is negative', () => {
    expect(autocorrelation([1, 2, 3, 4], 0)).toBeCloseTo(1, 12);
    // x = +1, −1, +1, −1: Σ d_i d_{i+1} = −3, Σ d_i² = 4.
    expect(autocorrelation([1, -1, 1, -1], 1)).toBeCloseTo(-0.75, 12);
  });
});

describe('batchMeans', () => {
  it('splits into equal contiguous batches and drops the remainder', () => {
    const r = batchMeans([1, 3, 5, 7, 9, 11, 100], 3); // batches [1,3] [5,7] [9,11]; 100 dropped
    expect(r.batchSize).toBe(2);
    expect(Array.from(r.batchMeans)).toEqual([2, 6, 10]);
    expect(r.mean).toBe(6);
    expect(r.se).toBeCloseTo(Math.sqrt(16 / 3), 12); // variance of {2,6,10} is 16
    expect(() => batchMeans([1, 2], 3)).toThrow(/cannot fill/);
    expect(() => batchMeans([1, 2, 3], 1)).toThrow(/batches/);
  });

  it('the streaming accumulator gives the same result as the array version', () => {
    const rng = new RngStreams(7).stream('stats/acc');
    const xs = Array.from({ length: 10_007 }, () => rng.exponential(0.5));
    const acc = new BatchMeansAccumulator(xs.length, 20);
    for (const x of xs) acc.add(x);
    const a = acc.result();
    const b = batchMeans(xs, 20);
    expect(a.mean).toBeCloseTo(b.mean, 10);
    expect(a.se).toBeCloseTo(b.se, 10);
    const used = xs.slice(0, 20 * b.batchSize);
    expect(a.naiveSe).toBeCloseTo(naiveStandardError(used), 10);
  });

  // AR(1): x_t = φ x_{t−1} + e_t with e_t ~ N(0,1). The variance of the sample mean is
  // asymptotically 1/((1−φ)² n), while the naive formula gives 1/((1−φ²) n): a ratio of
  // (1+φ)/(1−φ) = 19 in variance at φ = 0.9. Batch means must recover the former.
  it('recovers the known standard error of an autocorrelated AR(1) series', () => {
    const phi = 0.9;
    const n = 1_000_000;
    const batches = 50;
    const rng = new RngStreams(11).stream('stats/ar1');
    const xs = new Float64Array(n);
    let x = rng.normal() / Math.sqrt(1 - phi * phi); // start in the stationary distribution
    for (let i = 0; i < n; i++) {
      x = phi * x + rng.normal();
      xs[i] = x;
    }
    const r = batchMeans(xs, batches);
    const trueSe = 1 / (1 - phi) / Math.sqrt(n);
    // With B batches, se² is σ²·χ²(B−1)/(B−1), so se/trueSe has a standard deviation of about
    // 1/√(2(B−1)) ≈ 0.10 here; allow 4 of those.
    const relSdOfSe = 1 / Math.sqrt(2 * (batches - 1));
    expect(Math.abs(r.se / trueSe - 1)).toBeLessThan(4 * relSdOfSe);
    expect(Math.abs(r.mean)).toBeLessThan(4 * trueSe); // true mean is 0
    // The naive SE is √19 ≈ 4.4× too small; check it is at least 3× below batch means.
    const naive = naiveStandardError(xs);
    expect(naive / trueSe).toBeCloseTo(Math.sqrt((1 - phi) / (1 + phi)), 1);
    expect(r.se / naive).toBeGreaterThan(3);
  });

  it('agrees with the naive SE on i.i.d. data', () => {
    const n = 200_000;
    const batches = 40;
    const rng = new RngStreams(13).stream('stats/iid');
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = rng.exponential(1);
    const r = batchMeans(xs, batches);
    const naive = naiveStandardError(xs);
    const relSdOfSe = 1 / Math.sqrt(2 * (batches - 1));
    expect(Math.abs(r.se / naive - 1)).toBeLessThan(4 * relSdOfSe);
  });
});

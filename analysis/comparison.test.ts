import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_MIN_N, bootstrapInterval, compareOutputs, compareVariants, formatComparison, pairSides } from './comparison.ts';
import { tInterval } from './summary.ts';

const key = { metric: 'm', rollup: 'a', subject: null, unit: 'ms' };
const bySeed = (values: number[], from = 1) => new Map(values.map((v, i) => [from + i, v]));

describe('pairSides', () => {
  it('pairs seed by seed, over the seeds both sides have', () => {
    // Levels swing by 100 between seeds; the difference is 2, 3, 4: the paired interval is narrow.
    const row = pairSides(key, { label: 'c', values: bySeed([100, 200, 300, 400]) }, { label: 's', values: bySeed([102, 203, 304], 1) })!;
    const t = tInterval([2, 3, 4]);
    expect(row).toMatchObject({ baseline: 'c', variant: 's', n: 3, baseline_mean: 200, variant_mean: 203, diff_mean: 3, diff_boot_low: null, diff_boot_high: null });
    expect(row.diff_t_low).toBeCloseTo(3 - t.ci95, 12);
    expect(row.diff_t_high).toBeCloseTo(3 + t.ci95, 12);
    expect(pairSides(key, { label: 'c', values: bySeed([1]) }, { label: 's', values: bySeed([5]) })).toMatchObject({ n: 1, diff_mean: 4, diff_t_low: null, diff_t_high: null });
    expect(pairSides(key, { label: 'c', values: bySeed([1], 1) }, { label: 's', values: bySeed([5], 2) })).toBeNull();
  });

  it(`bootstraps from ${BOOTSTRAP_MIN_N} seeds: deterministic, named by the row, close to the t interval on normal data`, () => {
    // Differences with mean 5 and sd about 1 over 30 seeds (a fixed, spread sample).
    const diffs = Array.from({ length: 30 }, (_, i) => 5 + Math.sin(i * 2.3) * 1.4);
    const base = bySeed(diffs.map((_, i) => 1000 * i));
    const variant = bySeed(diffs.map((d, i) => 1000 * i + d));
    const row = pairSides(key, { label: 'c', values: base }, { label: 's', values: variant })!;
    expect(row.diff_boot_low).not.toBeNull();
    expect(pairSides(key, { label: 'c', values: base }, { label: 's', values: variant })).toEqual(row);
    expect(row.diff_boot_low!).toBeLessThan(row.diff_mean);
    expect(row.diff_boot_high!).toBeGreaterThan(row.diff_mean);
    const tHalf = row.diff_t_high! - row.diff_mean;
    const bootHalf = (row.diff_boot_high! - row.diff_boot_low!) / 2;
    expect(bootHalf / tHalf).toBeGreaterThan(0.8); // the percentile bootstrap is a little narrower at small n
    expect(bootHalf / tHalf).toBeLessThan(1.1);
    // Another row's name draws another stream.
    const other = pairSides({ ...key, metric: 'other' }, { label: 'c', values: base }, { label: 's', values: variant })!;
    expect(other.diff_boot_low).not.toBe(row.diff_boot_low);
    expect(bootstrapInterval([1, 2, 3], 'x')).toEqual(bootstrapInterval([1, 2, 3], 'x'));
    // Nine seeds: no bootstrap.
    expect(pairSides(key, { label: 'c', values: bySeed(diffs.slice(0, 9).map(() => 0)) }, { label: 's', values: bySeed(diffs.slice(0, 9)) })!.diff_boot_low).toBeNull();
  });
});

describe('compareVariants and compareOutputs', () => {
  const row = (mode: string, seed: number, value: number, metric = 'm', rollup: string | null = 'a') => ({ mode, seed, value, metric, rollup, subject: null, unit: 'ms' });
  it('compares every variant with the baseline, skipping non-finite values, in the order given', () => {
    const rows = [row('c', 1, 10), row('c', 2, 20), row('s', 1, 11), row('s', 2, NaN), row('g', 1, 13), row('g', 2, 24), row('c', 1, 1, 'l', null), row('g', 1, 2, 'l', null)];
    const out = compareVariants(rows, 'c', ['c', 's', 'g']);
    expect(out.map((r) => [r.metric, r.rollup, r.variant, r.n, r.diff_mean])).toEqual([
      ['l', null, 'g', 1, 1],
      ['m', 'a', 's', 1, 1],
      ['m', 'a', 'g', 2, 3.5],
    ]);
    expect(compareVariants(rows, 'c', ['c', 'g', 's']).map((r) => r.variant)).toEqual(['g', 'g', 's']);
  });
  it('compares the same variant between two outputs', () => {
    const a = [row('c', 1, 10), row('c', 2, 20), row('s', 1, 11), row('s', 2, 21)];
    const b = [row('c', 1, 10), row('c', 2, 20), row('s', 1, 12), row('s', 2, 23)];
    const out = compareOutputs(a, b, ['c', 's']);
    expect(out.map((r) => [r.baseline, r.variant, r.n, r.diff_mean])).toEqual([['c', 'c', 2, 0], ['s', 's', 2, 1.5]]);
    expect(formatComparison(out, { baseline: 'A', variant: 'B' })).toMatch(/m \[a\]\s+s\s+16\.0 ms\s+17\.5 ms\s+\+1\.50 \[/);
  });
});

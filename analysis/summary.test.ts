import { describe, expect, it } from 'vitest';
import { formatSummary, pairedDifferences, summarize, tInterval } from './summary.ts';

describe('tInterval', () => {
  it('uses Student t on n − 1 degrees of freedom, not 1.96', () => {
    // Two seeds: t(0.975, 1) = 12.7062; sd of {1, 3} = √2, so the half-width is 12.7062·√2/√2.
    expect(tInterval([1, 3]).ci95).toBeCloseTo(12.7062047, 6);
    // Five seeds {1..5}: mean 3, sd √2.5, t(0.975, 4) = 2.776445.
    const five = tInterval([1, 2, 3, 4, 5]);
    expect(five.mean).toBe(3);
    expect(five.ci95).toBeCloseTo((2.7764451 * Math.sqrt(2.5)) / Math.sqrt(5), 6);
    expect(tInterval([7]).ci95).toBeNaN();
  });
});

describe('summarize', () => {
  it('means over seeds per mode and rollup, with a 95% t interval from the seeds spread', () => {
    const rows = [
      { mode: 'shared', metric: 'm', rollup: 'a', subject: null, value: 1, unit: 'ms' },
      { mode: 'shared', metric: 'm', rollup: 'a', subject: null, value: 3, unit: 'ms' },
      { mode: 'centralized', metric: 'm', rollup: 'a', subject: null, value: 10, unit: 'ms' },
      { mode: 'shared', metric: 'm', rollup: 'a', subject: 'pool', value: 99, unit: 'ms' },
      { mode: 'shared', metric: 'other', rollup: null, subject: null, value: 5, unit: '' },
    ];
    const s = summarize(rows, ['m']);
    expect(s.map(({ ci95, ...rest }) => ({ ...rest, ci95: Number.isNaN(ci95) ? 'nan' : ci95.toFixed(4) }))).toEqual([
      { metric: 'm', rollup: 'a', subject: null, mode: 'centralized', unit: 'ms', n: 1, mean: 10, ci95: 'nan' },
      { metric: 'm', rollup: 'a', subject: null, mode: 'shared', unit: 'ms', n: 2, mean: 2, ci95: '12.7062' },
      { metric: 'm', rollup: 'a', subject: 'pool', mode: 'shared', unit: 'ms', n: 1, mean: 99, ci95: 'nan' },
    ]);
    const text = formatSummary(s);
    expect(text).toContain('m [a]');
    expect(text).toContain('m [a/pool]');
  });
});

describe('pairedDifferences', () => {
  it('differences seed by seed on the same world, with a t interval of the differences', () => {
    // The modes differ by 2, 3, 4 on seeds 1..3; their levels swing by 100 between seeds, which
    // an unpaired comparison would count as noise and a paired one removes.
    const rows = [1, 2, 3].flatMap((seed) => [
      { seed, mode: 'centralized', metric: 'm', rollup: 'a', subject: null, value: 100 * seed, unit: 'ms' },
      { seed, mode: 'shared', metric: 'm', rollup: 'a', subject: null, value: 100 * seed + seed + 1, unit: 'ms' },
    ]);
    rows.push({ seed: 4, mode: 'shared', metric: 'm', rollup: 'a', subject: null, value: 1e9, unit: 'ms' }); // no baseline for seed 4: unpaired, left out
    const [p] = pairedDifferences(rows, ['m'], 'centralized');
    expect(p.mode).toBe('shared');
    expect(p.difference.n).toBe(3);
    expect(p.difference.mean).toBe(3);
    // sd of {2, 3, 4} = 1, t(0.975, 2) = 4.302653.
    expect(p.difference.ci95).toBeCloseTo(4.3026527 / Math.sqrt(3), 6);
    expect(formatSummary(summarize(rows, ['m']), [p])).toMatch(/shared − centralized \(paired\)[\s\S]*\+3\.00 ±2\.5 ms \(n=3\)/);
  });
});

import { describe, expect, it } from 'vitest';
import { formatSummary, summarize } from './summary.ts';

describe('summarize', () => {
  it('means over seeds per mode and rollup, with a 95% interval from the seeds spread', () => {
    const rows = [
      { mode: 'shared', metric: 'm', rollup: 'a', subject: null, value: 1, unit: 'ms' },
      { mode: 'shared', metric: 'm', rollup: 'a', subject: null, value: 3, unit: 'ms' },
      { mode: 'centralized', metric: 'm', rollup: 'a', subject: null, value: 10, unit: 'ms' },
      { mode: 'shared', metric: 'm', rollup: 'a', subject: 'pool', value: 99, unit: 'ms' },
      { mode: 'shared', metric: 'other', rollup: null, subject: null, value: 5, unit: '' },
    ];
    const s = summarize(rows, ['m']);
    expect(s).toEqual([
      { metric: 'm', rollup: 'a', subject: null, mode: 'centralized', unit: 'ms', n: 1, mean: 10, ci95: NaN },
      { metric: 'm', rollup: 'a', subject: null, mode: 'shared', unit: 'ms', n: 2, mean: 2, ci95: (1.96 * Math.SQRT2) / Math.SQRT2 },
      { metric: 'm', rollup: 'a', subject: 'pool', mode: 'shared', unit: 'ms', n: 1, mean: 99, ci95: NaN },
    ]);
    const text = formatSummary(s);
    expect(text).toContain('m [a]');
    expect(text).toContain('m [a/pool]');
  });
});

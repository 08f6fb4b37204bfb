import { describe, expect, it } from 'vitest';
import { allowedDeviation, evaluate, failed, figuresOf, formatVerdicts, ruleFor, type Figure } from './gate.ts';

const fig = (over: Partial<Figure>): Figure => ({ metric: 'lat.ms', rollup: 'a', subject: null, variant: 's', against: null, unit: 'ms', n: 5, mean: 100, ci95: 10, ...over });

describe('tolerances', () => {
  it('abs, rel and interval; the widest of those given', () => {
    const b = fig({});
    expect(allowedDeviation({ abs: 2 }, b)).toBe(2);
    expect(allowedDeviation({ rel: 0.05 }, b)).toBe(5);
    expect(allowedDeviation({ interval: 1 }, b)).toBe(10);
    expect(allowedDeviation({ abs: 2, rel: 0.05, interval: 0.1 }, b)).toBe(5);
    expect(allowedDeviation({ interval: 1 }, fig({ ci95: null }))).toBe(0);
    expect(allowedDeviation({ rel: 0.1 }, fig({ mean: -50 }))).toBe(5);
  });
  it('first matching rule, by metric pattern, kind and variant', () => {
    const rules = [
      { metric: 'lat.*', kind: 'difference' as const, abs: 1 },
      { metric: '*.ms', variant: 'x*', abs: 2 },
      { metric: 'lat.ms', abs: 3 },
      { metric: '*', abs: 4 },
    ];
    expect(ruleFor(rules, { metric: 'lat.ms', variant: 's', against: 'c' })!.abs).toBe(1);
    expect(ruleFor(rules, { metric: 'lat.ms', variant: 'xy', against: null })!.abs).toBe(2);
    expect(ruleFor(rules, { metric: 'lat.ms', variant: 's', against: null })!.abs).toBe(3);
    expect(ruleFor(rules, { metric: 'latxms', variant: 's', against: null })!.abs).toBe(4); // '.' is literal
    expect(ruleFor([], { metric: 'lat.ms', variant: 's', against: null })).toBeNull();
  });
});

describe('evaluate', () => {
  it('ok within tolerance, regression outside, missing and new figures, equality without a rule', () => {
    const baseline = [fig({}), fig({ metric: 'gone' }), fig({ metric: 'exact', mean: 1 })];
    const now = [fig({ mean: 109 }), fig({ metric: 'born' }), fig({ metric: 'exact', mean: 1 + 1e-12 })];
    const v = evaluate(baseline, now, [{ metric: 'lat.ms', interval: 1 }]);
    expect(v.map((x) => [x.key.metric, x.verdict])).toEqual([['born', 'new'], ['exact', 'regression'], ['gone', 'missing'], ['lat.ms', 'ok']]);
    expect(v.filter(failed).map((x) => x.key.metric)).toEqual(['exact', 'gone']);
    const out = evaluate(baseline, [fig({ mean: 111 })], [{ metric: 'lat.ms', interval: 1 }]);
    expect(out.find((x) => x.key.metric === 'lat.ms')!.verdict).toBe('regression');
    const text = formatVerdicts(out);
    expect(text.split('\n')[0]).toMatch(/^metric\s+where\s+variant\s+baseline\s+now\s+tolerance\s+verdict$/);
    expect(text).toMatch(/lat\.ms\s+a\s+s\s+100\.0 ±10\.00 ms\s+111\.0 ±10\.00 ms\s+±10\.00 \(1× 95% CI\)\s+REGRESSION \(\+11\.00, 1\.100× tolerance\)/);
  });
  it('figures: means over finite values per variant, and paired differences from the comparison rows', () => {
    const rows = [1, 2, 3].map((v) => ({ mode: 'c', metric: 'm', rollup: null, subject: null, value: v, unit: '' }));
    rows.push({ mode: 'c', metric: 'm', rollup: null, subject: null, value: NaN, unit: '' });
    const figures = figuresOf(rows, [{ metric: 'm', rollup: null, subject: null, unit: '', baseline: 'c', variant: 's', n: 3, baseline_mean: 2, variant_mean: 3, diff_mean: 1, diff_t_low: 0.5, diff_t_high: 1.5, diff_boot_low: null, diff_boot_high: null }]);
    expect(figures).toEqual([
      { metric: 'm', rollup: null, subject: null, variant: 'c', against: null, unit: '', n: 3, mean: 2, ci95: expect.closeTo(2.484, 3) },
      { metric: 'm', rollup: null, subject: null, variant: 's', against: 'c', unit: '', n: 3, mean: 1, ci95: 0.5 },
    ]);
  });
});

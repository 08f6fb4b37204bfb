// The paired headline: every headline metric's difference against the baseline, seed by seed,
// with its 95% t interval, relative to the baseline mean (one axis for every unit); the table
// beside it gives the figures in their own units.
import { headlineDiffs } from '../../headline.ts';
import type { ComparisonRow } from '../../comparison.ts';
import { DECORATION, figure, Plot } from '../plot.ts';
import { fmt, htmlTable, isAbsent, required, type Panel } from '../panel.ts';
import { numbers, strings } from '../../columns.ts';

export const headlinePanel: Panel = {
  id: 'headline',
  title: 'Paired headline',
  intro: 'Each variant minus the baseline on the same seeds (common random numbers), as a percentage of the baseline mean: dot = mean paired difference, bar = Student-t 95% interval. Left of zero is lower.',
  render(input) {
    const t = required(input, 'comparison', 'seqsim run writes it');
    if (isAbsent(t)) return t;
    const str = (c: string) => strings(t, c);
    const num = (c: string) => numbers(t, c);
    const [metric, rollup, subject, unit, baseline, variant] = ['metric', 'rollup', 'subject', 'unit', 'baseline', 'variant'].map(str);
    const [n, bm, vm, dm, tl, th] = ['n', 'baseline_mean', 'variant_mean', 'diff_mean', 'diff_t_low', 'diff_t_high'].map(num);
    const nullable = (x: number) => (Number.isNaN(x) ? null : x);
    const rows: ComparisonRow[] = Array.from(metric.keys(), (i) => ({
      metric: metric[i]!, rollup: rollup[i], subject: subject[i], unit: unit[i]!, baseline: baseline[i]!, variant: variant[i]!, n: n[i],
      baseline_mean: bm[i], variant_mean: vm[i], diff_mean: dm[i], diff_t_low: nullable(tl[i]), diff_t_high: nullable(th[i]), diff_boot_low: null, diff_boot_high: null,
    }));
    const diffs = headlineDiffs(rows);
    if (diffs.length === 0) return { absent: `comparison.arrow in ${input.dir} has no headline metric (a single variant has nothing to compare).` };
    const plotted = diffs.filter((d) => Number.isFinite(d.pct));
    const labels = [...new Set(plotted.map((d) => d.label))];
    const variants = input.variants.filter((v) => plotted.some((d) => d.variant === v));
    const plot = figure('headline', {
      height: 60 + labels.length * 20 * variants.length,
      marginLeft: 300,
      marginRight: variants.length > 1 ? 80 : 20,
      // Differences span from a few percent to several-fold: symlog keeps both readable.
      x: { type: 'symlog', constant: 10, label: `paired difference, % of the baseline (${diffs[0].baseline}) mean →`, grid: true, ticks: [-100, -30, -10, 0, 10, 30, 100, 300, 1000] },
      y: { label: null, domain: labels },
      fy: variants.length > 1 ? { label: null, domain: variants } : undefined,
      color: { legend: variants.length > 1, domain: input.variants }, // the same colors as every other panel
      marks: [
        Plot.ruleX([0], DECORATION),
        Plot.ruleY(plotted.filter((d) => Number.isFinite(d.pctLow)), { y: 'label', fy: variants.length > 1 ? 'variant' : undefined, x1: 'pctLow', x2: 'pctHigh', stroke: 'variant', strokeWidth: 2, ariaLabel: 'variant' }),
        Plot.dot(plotted, { y: 'label', fy: variants.length > 1 ? 'variant' : undefined, x: 'pct', fill: 'variant', r: 3.5, ariaLabel: 'variant', title: (d) => `${d.label}: ${fmt(d.diff)} ${d.unit} (${fmt(d.pct)}%)` }),
      ],
    });
    const table = htmlTable(
      ['metric', 'variant', 'baseline mean', 'variant − baseline', '95% t interval', 'n', 'unit'],
      diffs.map((d) => [d.label, d.variant, fmt(d.baselineMean), fmt(d.diff), Number.isFinite(d.low) ? `${fmt(d.low)} … ${fmt(d.high)}` : '—', d.n, d.unit]),
    );
    return { html: `${plot}<details><summary>The figures, in their units</summary>${table}</details>` };
  },
};
